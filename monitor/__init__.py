"""Thai e-Gov Monitor: follows Thailand's Electronic Government Operations Act B.E. 2565."""

__version__ = "0.1.0"
HOME_PAGE = "https://github.com/thai-egov-monitor/monitor"
DEFAULT_USER_AGENT = f"thai-egov-monitor/{__version__} (+{HOME_PAGE})"
