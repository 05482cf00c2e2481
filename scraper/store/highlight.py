"""Snippets and highlights cut from the original text (never from the token string)."""

from __future__ import annotations

import re

Spans = tuple[tuple[int, int], ...]


def spans(text: str, pattern: re.Pattern[str] | None) -> Spans:
    if not pattern or not text:
        return ()
    return tuple((m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start())


def snippet(text: str, pattern: re.Pattern[str] | None, width: int = 120) -> tuple[str, Spans]:
    """A window of about `width` characters around the first match, newlines as spaces.

    The window starts a little before the match so the reader sees its context; an
    ellipsis marks each cut end. Highlight offsets refer to the returned string.
    """
    flat = text.replace("\n", " ")
    first = pattern.search(flat) if pattern else None
    start = max(0, first.start() - width // 4) if first else 0
    end = min(len(flat), start + width)
    start = max(0, min(start, end - width))
    head = "…" if start > 0 else ""
    tail = "…" if end < len(flat) else ""
    piece = flat[start:end]
    shift = len(head)
    return head + piece + tail, tuple((a + shift, b + shift) for a, b in spans(piece, pattern))
