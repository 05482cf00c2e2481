"""Web text made safe for a terminal: titles, URLs, snippets and error messages come
from pages and servers we do not control.

A title holding `\\x1b]8;;http://evil/\\x1b\\\\` plants a hyperlink, `\\r` overwrites the
line before it, `\\x9b` is a CSI on 8-bit terminals, U+202E reverses what follows.
These functions replace every such character by a visible escape (`\\x1b`,
`\\u202e`), so the user sees that something was there and nothing is executed.
Rich markup (`[link=...]`, `[blink]`) is a separate danger: code that prints web
text through rich passes it as `rich.text.Text` (never parsed as markup), see
`rich_text`. Hand-written because no library does this: rich strips only a few
C0 codes and escapes only its own markup, click strips nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 and C1 controls, DEL, and the bidirectional embedding/override/isolate marks.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_TEXT = re.compile(f"[{_UNSAFE}]")  # keeps \t and \n
_UNSAFE_LINE = re.compile(f"[{_UNSAFE}\t\n]")
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def terminal_safe(text: Any) -> str:
    """Multi-line text (a document's body) with every control character made visible;
    newlines and tabs stay."""
    return _UNSAFE_TEXT.sub(_escape, str(text))


def terminal_line(text: Any) -> str:
    """One field on one line (a title, a URL, an error): newlines and tabs escaped too."""
    return _UNSAFE_LINE.sub(_escape, str(text))


def safe_json(data: Any, **options: Any) -> str:
    """json.dumps(ensure_ascii=False) that also escapes DEL, C1 controls and bidi marks as
    \\uXXXX (json escapes only C0): the same JSON value, harmless on a terminal."""
    text = json.dumps(data, ensure_ascii=False, **options)
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def rich_text(text: Any, style: str = "") -> Any:
    """A `rich.text.Text` of one line of web text: printed as is, never read as markup
    (`[link=...]`, `[/x]` that would raise MarkupError) nor as :emoji: codes."""
    from rich.text import Text

    return Text(terminal_line(text), style=style)
