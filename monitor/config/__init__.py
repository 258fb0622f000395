"""Configuration: sources.yaml read with line numbers into frozen settings.

`loader` turns the YAML (through `yamlnodes`, which keeps every node's place)
into the dataclasses of `settings`; `units` reads durations and sizes;
`describe` says back what a file defines. Every other module reads only the
settings, never raw YAML.
"""

from monitor.config.loader import load_config

__all__ = ["load_config"]
