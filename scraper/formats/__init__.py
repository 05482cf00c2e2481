"""A document as the user wants to read it: text, Markdown, clean HTML, JSON or XML-TEI.

    >>> scraper.render(doc, "markdown", scraper.RenderOptions(links=True, images=True))

Every format is drawn from `Document.blocks` (the body typed by extract/structure.py)
through the same `view`: the options decide what it keeps (link targets, images,
tables), so the formats agree with each other and with `Document.text`. A document
without blocks (read back from the store) is rendered as one paragraph a line.
Pure functions returning strings: the CLI makes them safe for a terminal.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import ConfigError
from ..models import BodyBlock, Document, RenderOptions

FORMATS = ("text", "markdown", "html", "json", "xml")
EXTENSIONS = {"text": ".txt", "markdown": ".md", "html": ".html", "json": ".json", "xml": ".xml"}
DEFAULT_OPTIONS = RenderOptions()


def view(doc: Document, options: RenderOptions = DEFAULT_OPTIONS) -> list[BodyBlock]:
    """The document's blocks as the options want them.

    Without `images` an image's caption stays as a paragraph (it is a line of the
    text) and an image without one goes; without `tables` tables go; without `links`
    the link spans go.
    """
    blocks = doc.blocks or tuple(BodyBlock("paragraph", (line,)) for line in doc.paragraphs)
    out = []
    for block in blocks:
        if block.kind == "table" and not options.tables:
            continue
        if block.kind == "image" and not options.images:
            if not block.lines:
                continue
            block = BodyBlock("paragraph", block.lines)
        if block.links and not options.links:
            block = replace(block, links=())
        out.append(block)
    return out


def segments(block: BodyBlock) -> list[tuple[str, str | None, bool]]:
    """A block's text cut at its link and inline-code spans: (piece, href or None, is code).

    A span overlapping one before it is left out (the text stays, unmarked)."""
    text = block.text
    marks = sorted([(k.start, k.end, k.href, False) for k in block.links]
                   + [(start, end, None, True) for start, end in block.code_spans])
    out: list[tuple[str, str | None, bool]] = []
    pos = 0
    for start, end, href, code in marks:
        if start < pos or end > len(text) or start >= end:
            continue
        if start > pos:
            out.append((text[pos:start], None, False))
        out.append((text[start:end], href, code))
        pos = end
    if pos < len(text) or not out:
        out.append((text[pos:], None, False))
    return out


def render_text(doc: Document, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """The plain text: `Document.text` itself, without the tables' rows if asked."""
    if options.tables:
        return doc.text
    return "\n".join(line for block in view(doc, options) for line in block.lines)


def document_dict(doc: Document, options: RenderOptions = DEFAULT_OPTIONS) -> dict[str, Any]:
    """The document's fields and its blocks, as JSON values (`--format json`)."""
    data = doc.to_dict()
    if not options.tables:
        data["text"] = render_text(doc, options)
    data["blocks"] = [block.to_dict() for block in view(doc, options)]
    return data


def render(doc: Document, fmt: str = "text", options: RenderOptions | None = None) -> str:
    """The document in one of FORMATS (raises ConfigError for another)."""
    options = options or DEFAULT_OPTIONS
    if fmt == "text":
        return render_text(doc, options)
    if fmt == "markdown":
        from .markdown import render_markdown

        return render_markdown(doc, view(doc, options))
    if fmt == "html":
        from .html import render_html

        return render_html(doc, view(doc, options))
    if fmt == "xml":
        from .tei import render_tei

        return render_tei(doc, view(doc, options))
    if fmt == "json":
        from ..terminal import safe_json

        return safe_json(document_dict(doc, options))
    raise ConfigError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


__all__ = ["DEFAULT_OPTIONS", "EXTENSIONS", "FORMATS", "RenderOptions", "document_dict", "render", "render_text",
           "segments", "view"]
