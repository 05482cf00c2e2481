"""XML-TEI, shaped like trafilatura's `xmltei` output: a teiHeader with the metadata,
the body as <p>, <ab type="header">, <list>/<item>, <table>/<row>/<cell>, <code>,
<quote>, <figure>/<graphic>, links as <ref target>.

Built with ElementTree, so every text and attribute is escaped; characters XML 1.0
cannot hold (C0 controls) are dropped, so the output always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .. import __version__
from ..models import BodyBlock, Document
from . import segments

TEI_NS = "http://www.tei-c.org/ns/1.0"
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str | None) -> str:
    return _NOT_XML_RE.sub("", text or "")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: _x(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _x(text)
    return el


def _inline(el: ET.Element, block: BodyBlock, joiner: str = "\n") -> None:
    """A block's text in `el`, links as <ref target="...">, inline code as <code>."""
    last = None
    for piece, href, code in segments(block):
        piece = piece.replace("\n", joiner)
        if href is None and not code:
            if last is None:
                el.text = (el.text or "") + _x(piece)
            else:
                last.tail = (last.tail or "") + _x(piece)
        elif code:
            last = _sub(el, "code", piece)
        else:
            last = _sub(el, "ref", piece, target=href)


def _header(root: ET.Element, doc: Document) -> None:
    header = _sub(root, "teiHeader")
    file_desc = _sub(header, "fileDesc")
    title_stmt = _sub(file_desc, "titleStmt")
    _sub(title_stmt, "title", doc.title or "", type="main")
    if doc.author:
        _sub(title_stmt, "author", doc.author)
    if doc.editor:
        _sub(title_stmt, "editor", doc.editor)
    publication = _sub(file_desc, "publicationStmt")
    publisher = doc.site_name or doc.source
    if publisher:
        _sub(publication, "publisher", publisher)
    if doc.canonical_url or doc.url:
        _sub(publication, "ptr", type="URL", target=doc.canonical_url or doc.url or "")
    if doc.date:
        _sub(publication, "date", doc.date)
    if not len(publication):
        _sub(publication, "p")
    bibl = ", ".join(x for x in (doc.title, doc.source or doc.site_name, doc.date) if x)
    _sub(_sub(file_desc, "sourceDesc"), "bibl", bibl)
    profile = _sub(header, "profileDesc")
    if doc.description:
        _sub(_sub(profile, "abstract"), "p", doc.description)
    if doc.lang:
        _sub(_sub(profile, "langUsage"), "language", ident=doc.lang)
    app = _sub(_sub(_sub(header, "encodingDesc"), "appInfo"), "application", version=__version__, ident="scraper")
    _sub(app, "label", "scraper")


def _list(parent: ET.Element, items: list[BodyBlock]) -> None:
    """Consecutive items as nested <list rend="ul|ol">, a deeper list inside the item above it."""
    stack: list[ET.Element] = []
    last_item: ET.Element | None = None
    for block in items:
        depth = max(1, block.level)
        del stack[depth:]
        while len(stack) < depth:
            holder = parent if not stack else (last_item if last_item is not None else _sub(stack[-1], "item"))
            stack.append(_sub(holder, "list", rend="ol" if block.ordered else "ul"))
            last_item = None
        last_item = _sub(stack[-1], "item")
        _inline(last_item, block, " ")


def _block(div: ET.Element, block: BodyBlock) -> None:
    if block.kind == "heading":
        _sub(div, "ab", " ".join(block.lines), rend=f"h{block.level}", type="header")
    elif block.kind == "code":
        _sub(div, "code", block.code or block.text)
    elif block.kind == "table":
        table = _sub(div, "table", rows=str(len(block.rows)), cols=str(max((len(r) for r in block.rows), default=0)))
        for n, cells in enumerate(block.rows):
            row = _sub(table, "row", **({"role": "head"} if n == 0 and block.header else {}))
            for cell in cells:
                _sub(row, "cell", cell)
    elif block.kind == "quote":
        quote = _sub(div, "quote")
        for line in block.lines:
            _sub(quote, "p", line)
    elif block.kind == "image":
        figure = _sub(div, "figure")
        _sub(figure, "graphic", url=block.src or "", **({"alt": block.alt} if block.alt else {}))
        if block.lines:
            _sub(figure, "head", " ".join(block.lines))
    else:
        if len(block.lines) == 1:
            _inline(_sub(div, "p"), block)
        else:
            for line in block.lines:
                _sub(div, "p", line)


def render_tei(doc: Document, blocks: list[BodyBlock]) -> str:
    """One <TEI> document (no XML declaration, as trafilatura's)."""
    root = ET.Element("TEI", xmlns=TEI_NS)
    _header(root, doc)
    div = _sub(_sub(_sub(root, "text"), "body"), "div", type="entry")
    n = 0
    while n < len(blocks):
        end = n
        while end < len(blocks) and blocks[end].kind == "item":
            end += 1
        if end > n:
            _list(div, blocks[n:end])
            n = end
            continue
        _block(div, blocks[n])
        n += 1
    _indent(root)
    return ET.tostring(root, encoding="unicode")


def _blank(text: str | None) -> bool:
    return not text or text.isspace()


def _indent(root: ET.Element, space: str = "  ") -> None:
    """Pretty-print the element structure; mixed content (a paragraph with its links) is
    left as it is, so no whitespace is added to any text."""
    todo = [(root, 0)]
    while todo:
        el, level = todo.pop()
        children = list(el)
        if not children or not _blank(el.text) or not all(_blank(c.tail) for c in children):
            continue
        inner = "\n" + space * (level + 1)
        el.text = inner
        for child in children:
            child.tail = inner
            todo.append((child, level + 1))
        children[-1].tail = "\n" + space * level
