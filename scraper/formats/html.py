"""Clean HTML: one standalone page holding the article and nothing else.

Every text and attribute value is escaped; link targets with a script scheme never
reach here (extract/structure.py drops them). Lists are nested as the page nested
them, tables get a `<thead>` when their first row is a header row.
"""

from __future__ import annotations

from html import escape

from ..models import BodyBlock, Document
from . import segments


def _piece(piece: str, href: str | None, code: bool) -> str:
    if code:
        return f"<code>{escape(piece)}</code>"
    return escape(piece) if href is None else f'<a href="{escape(href)}">{escape(piece)}</a>'


def _lines(block: BodyBlock) -> list[str]:
    """The block's lines as HTML, with its links and inline code."""
    return "".join(_piece(*seg) for seg in segments(block)).split("\n")


def _table(block: BodyBlock) -> str:
    rows = list(block.rows)
    out = ["<table>"]
    if block.header and rows:
        out.append("<thead><tr>" + "".join(f"<th>{escape(c)}</th>" for c in rows.pop(0)) + "</tr></thead>")
    out.append("<tbody>")
    out += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows]
    out.append("</tbody></table>")
    return "\n".join(out)


def _image(block: BodyBlock) -> str:
    img = f'<img src="{escape(block.src or "")}" alt="{escape(block.alt or block.text)}">'
    if not block.lines:
        return f"<figure>{img}</figure>"
    return f"<figure>{img}<figcaption>{'<br>'.join(_lines(block))}</figcaption></figure>"


def _block(block: BodyBlock) -> str:
    if block.kind == "heading":
        level = max(1, min(6, block.level))
        return f"<h{level}>{' '.join(_lines(block))}</h{level}>"
    if block.kind == "code":
        return f"<pre><code>{escape(block.code or block.text)}</code></pre>"
    if block.kind == "table":
        return _table(block)
    if block.kind == "quote":
        return "<blockquote>" + "".join(f"<p>{line}</p>" for line in _lines(block)) + "</blockquote>"
    if block.kind == "image":
        return _image(block)
    return "\n".join(f"<p>{line}</p>" for line in _lines(block))


def _list(items: list[BodyBlock]) -> list[str]:
    """Consecutive list items as nested <ul>/<ol>, each depth inside an item of the one above."""
    out: list[str] = []
    stack: list[str] = []  # the open lists, innermost last, each with an open <li>
    for item in items:
        depth = max(1, item.level)
        while len(stack) > depth:
            out.append(f"</li></{stack.pop()}>")
        if len(stack) == depth:
            out.append("</li>")
        opened = False  # a deeper list opens inside the item before it, still open
        while len(stack) < depth:
            if opened:
                out.append("<li>")  # two levels deeper at once: an empty item holds the inner list
            opened = True
            tag = "ol" if item.ordered else "ul"
            out.append(f"<{tag}>")
            stack.append(tag)
        out.append("<li>" + "<br>".join(_lines(item)))
    while stack:
        out.append(f"</li></{stack.pop()}>")
    return ["".join(out)]


def render_html(doc: Document, blocks: list[BodyBlock]) -> str:
    """An HTML5 page: the title as <h1>, the date, source and author, then the body."""
    head = ['<meta charset="utf-8">']
    if doc.title:
        head.append(f"<title>{escape(doc.title)}</title>")
    if doc.canonical_url or doc.url:
        head.append(f'<link rel="canonical" href="{escape(doc.canonical_url or doc.url or "")}">')
    for name in ("author", "description"):
        if getattr(doc, name):
            head.append(f'<meta name="{name}" content="{escape(getattr(doc, name))}">')
    body = [f"<h1>{escape(doc.title)}</h1>"] if doc.title else []
    facts = " · ".join(escape(x) for x in (doc.date, doc.source, doc.author) if x)
    if facts:
        body.append(f'<p class="byline">{facts}</p>')
    n = 0
    while n < len(blocks):
        if blocks[n].kind == "item":
            end = n
            while end < len(blocks) and blocks[end].kind == "item":
                end += 1
            body += _list(blocks[n:end])
            n = end
            continue
        body.append(_block(blocks[n]))
        n += 1
    lang = f' lang="{escape(doc.lang)}"' if doc.lang else ""
    return (f"<!DOCTYPE html>\n<html{lang}>\n<head>\n" + "\n".join(head) + "\n</head>\n<body>\n<article>\n"
            + "\n".join(body) + "\n</article>\n</body>\n</html>")
