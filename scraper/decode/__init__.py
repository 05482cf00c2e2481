"""bytes -> str: is it a web page at all (sniff), then which charset (BOM > header > meta > detector)."""

from .charset import decode
from .sniff import ensure_html, sniff

__all__ = ["decode", "ensure_html", "sniff"]
