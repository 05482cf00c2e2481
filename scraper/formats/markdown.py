"""Markdown (GitHub flavour): `##` headings, nested lists, fenced code, pipe tables, quotes.

Text is escaped only where Markdown would misread it: a line that would start a
heading, list or quote, a `<` that would open raw HTML, `|` in a table cell, `[`/`]`
in a link's text. Code is fenced with a fence longer than any run of backticks in it.
"""

from __future__ import annotations

import re

from ..models import BodyBlock, Document
from . import segments

_BLOCK_START_RE = re.compile(r"^(#{1,6}(?=\s|$)|[-+*](?=\s)|>|(\d{1,9})([.)])(?=\s))")
_HTML_RE = re.compile(r"<(?=[A-Za-z/!?])")
_INDENT = "    "


def _no_html(text: str) -> str:
    return _HTML_RE.sub(r"\\<", text)


def _line_start(text: str) -> str:
    """A backslash where the line would start a heading, a list item or a quote."""
    match = _BLOCK_START_RE.match(text)
    if not match:
        return text
    if match.group(2):  # "1. " -> "1\. "
        return f"{match.group(2)}\\{match.group(3)}{text[match.end():]}"
    return "\\" + text


def _escape(text: str) -> str:
    return _line_start(_no_html(text))


def _label(text: str) -> str:
    return _no_html(text.replace("[", "\\[").replace("]", "\\]").replace("\n", " "))


def _url(href: str) -> str:
    return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def _code_span(code: str) -> str:
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", code)), default=0) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def _inline(block: BodyBlock) -> str:
    """A block's text with its links as [text](url) and inline code in backticks; escaped line by line."""
    if not block.links and not block.code_spans:
        return "\n".join(_escape(line) for line in block.text.split("\n"))
    parts = []
    for piece, href, code in segments(block):
        if code:
            parts.append(_code_span(piece))
        elif href is None:
            parts.append(_no_html(piece))
        else:
            parts.append(f"[{_label(piece)}]({_url(href)})")
    return "\n".join(_line_start(line) for line in "".join(parts).split("\n"))


def _fence(code: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def _table(block: BodyBlock) -> str:
    width = max(len(row) for row in block.rows) if block.rows else 0
    if not width:
        return ""
    rows = [[c.replace("|", "\\|") for c in row] + [""] * (width - len(row)) for row in block.rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "| " + " | ".join(["---"] * width) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


class _Lists:
    """Numbers of ordered items, per depth, while one list goes on."""

    def __init__(self) -> None:
        self.numbers: dict[int, int] = {}

    def marker(self, block: BodyBlock) -> str:
        depth = max(1, block.level)
        for deeper in [d for d in self.numbers if d > depth]:
            del self.numbers[deeper]
        if not block.ordered:
            return "- "
        self.numbers[depth] = self.numbers.get(depth, 0) + 1
        return f"{self.numbers[depth]}. "


def _item(block: BodyBlock, lists: _Lists) -> str:
    indent = _INDENT * (max(1, block.level) - 1)
    marker = lists.marker(block)
    first, *rest = _inline(block).split("\n")
    out = indent + marker + first
    for line in rest:  # a second paragraph of the same item
        out += "\n\n" + indent + " " * len(marker) + line
    return out


def _block(block: BodyBlock, lists: _Lists) -> str:
    if block.kind == "heading":
        return "#" * max(1, min(6, block.level)) + " " + _escape(" ".join(block.lines))
    if block.kind == "item":
        return _item(block, lists)
    if block.kind == "code":
        fence = _fence(block.code or block.text)
        return f"{fence}\n{block.code or block.text}\n{fence}"
    if block.kind == "table":
        return _table(block)
    if block.kind == "quote":
        return "\n>\n".join("> " + line for line in _inline(block).split("\n"))
    if block.kind == "image":
        image = f"![{_label(block.alt or block.text)}]({_url(block.src or '')})"
        return image + ("\n\n" + "\n\n".join(_escape(line) for line in block.lines) if block.lines else "")
    return "\n\n".join(_inline(block).split("\n"))


def render_markdown(doc: Document, blocks: list[BodyBlock]) -> str:
    """The title as `#`, the date, source and author in italics, then the body."""
    out = [f"# {_escape(doc.title)}"] if doc.title else []
    facts = " · ".join(x for x in (doc.date, doc.source, doc.author) if x)
    if facts:
        out.append(f"*{_no_html(facts)}*")
    lists = _Lists()
    previous: BodyBlock | None = None
    for block in blocks:
        text = _block(block, lists)
        if not text:
            continue
        if block.kind != "item":
            lists = _Lists()
        tight = previous is not None and previous.kind == "item" and block.kind == "item"
        if tight and out:
            out[-1] += "\n" + text
        else:
            out.append(text)
        previous = block
    return "\n\n".join(out)
