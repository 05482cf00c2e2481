"""Text from the web on a terminal: control characters shown, never obeyed.

A URL, title or error message read from a page or a sitemap may hold ESC sequences
(or other C0/C1 controls) that would move the cursor, change colours or retitle
the terminal. `printable` shows them as `\\x1b`-style escapes instead.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, newlines: bool = True) -> str:
    """`text` with control characters (and bidi overrides) escaped; tabs kept, newlines
    kept unless `newlines=False`."""
    out = _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)
    return out if newlines else out.replace("\n", "\\n")
