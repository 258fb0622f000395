"""`python -m monitor` is the same program as the `monitor` console script."""

from monitor.cli import main

raise SystemExit(main())
