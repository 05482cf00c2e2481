"""Command-line interface: a thin layer over the library (the composition root)."""

from .app import main
from . import clean_cmd  # noqa: F401  (registers commands on `main`)
from . import store_cmds  # noqa: F401
from . import crawl_cmd  # noqa: F401
from . import discover_cmd  # noqa: F401
from . import warc_cmds  # noqa: F401

__all__ = ["main"]
