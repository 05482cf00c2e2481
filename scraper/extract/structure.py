"""The chosen body as typed blocks (headings, list items, tables, code, quotes, images, links,
inline code).

Derived after the text is final, from the same page blocks the text came from: each
line of `Document.text` is traced back to its page block (the line filters only drop
lines or clean them, so lines are matched in order by their text), and the block's
owner element and its ancestors say what the line is (h1-h6, li and its depth, a
data-table row, `<pre>`, blockquote, figcaption). Lines of one element (a `<pre>`,
a table, a list item, a quote) make one block, so the blocks' lines joined are the
text, line for line. Images have no line: one is kept where it stands between two
lines of the body, where its caption is a line of it, or just before the first line
and close to it (a lead image). Pure and cheap: a walk up
from each kept line (memoised) and one pass over the page's links and images.
"""

from __future__ import annotations

import bisect
import re
import textwrap
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ..models import BodyBlock, Link
from .blocks import HEADING_TAGS, BlockMap
from .normalize import clean_line, strip_pinyin_annotations

_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
_LAZY_SRC = ("data-src", "data-original", "data-lazy-src", "data-actualsrc", "zoomfile", "file")  # file: Discuz
_PLACEHOLDER_RE = re.compile(r"(?:^|/)(?:none|blank|spacer|pixel|loading|lazy|grey|transparent)\.(?:gif|png)$", re.I)
_ICON_PX = 40  # an image this narrow or low is an icon, a badge, a spacer
_MAX_SPAN = 50  # a colspan beyond this is a layout trick, not a grid


@dataclass(frozen=True)
class _Context:
    """What the ancestors of an element make of the text inside it."""

    depth: int = 0  # how many list items it lies in
    ordered: bool = False  # the innermost list item is in an <ol>
    in_ol: bool = False  # the innermost list is an <ol>
    li: object = None
    quote: object = None
    pre: object = None
    figure: object = None
    caption: object = None


_ROOT = _Context()


def _step(ctx: _Context, el) -> _Context:
    tag = el.tag
    if tag in ("ul", "ol", "menu", "dir"):
        return _Context(ctx.depth, ctx.ordered, tag == "ol", ctx.li, ctx.quote, ctx.pre, ctx.figure, ctx.caption)
    if tag == "li":
        return _Context(ctx.depth + 1, ctx.in_ol, ctx.in_ol, el, ctx.quote, ctx.pre, ctx.figure, ctx.caption)
    if tag == "blockquote":
        return _Context(ctx.depth, ctx.ordered, ctx.in_ol, ctx.li, el, ctx.pre, ctx.figure, ctx.caption)
    if tag == "pre":
        return _Context(ctx.depth, ctx.ordered, ctx.in_ol, ctx.li, ctx.quote, el, ctx.figure, ctx.caption)
    if tag == "figure":
        return _Context(ctx.depth, ctx.ordered, ctx.in_ol, ctx.li, ctx.quote, ctx.pre, el, None)
    if tag == "figcaption":
        return _Context(ctx.depth, ctx.ordered, ctx.in_ol, ctx.li, ctx.quote, ctx.pre, ctx.figure, el)
    return ctx


@dataclass
class _Contexts:
    """Each element's context, computed once (walking up to the nearest known ancestor)."""

    memo: dict = field(default_factory=dict)

    def of(self, el) -> _Context:
        chain = []
        while el is not None and el not in self.memo:
            chain.append(el)
            el = el.getparent()
        ctx = self.memo[el] if el is not None else _ROOT
        for e in reversed(chain):
            if isinstance(e.tag, str):
                ctx = _step(ctx, e)
            self.memo[e] = ctx
        return ctx


def _key(text: str) -> str:
    return "".join(text.split())


def align(lines: list[str], sources: list[str]) -> list[int | None]:
    """Per final line, the source line it came from (None when none matches, in order).

    The line filters drop lines and clean the rest (whitespace, invisible characters,
    pinyin annotations), so a line is the next source line with its text.
    """
    where: dict[str, list[int]] = {}
    for n, source in enumerate(sources):
        cleaned = clean_line(source)
        keys = {_key(cleaned), _key(strip_pinyin_annotations(cleaned))} if "(" in cleaned or "（" in cleaned \
            else (_key(cleaned),)
        for key in keys:
            where.setdefault(key, []).append(n)
    out: list[int | None] = []
    last = -1
    for line in lines:
        hits = where.get(_key(line))
        pos = bisect.bisect_right(hits, last) if hits else 0
        if hits and pos < len(hits):
            last = hits[pos]
            out.append(last)
        else:
            out.append(None)
    return out


def _cells(tr) -> tuple[str, ...]:
    """A row's cells; a cell spanning n columns is followed by n-1 empty ones (a grid)."""
    out: list[str] = []
    for cell in tr:
        if cell.tag in ("td", "th"):
            out.append(clean_line(" ".join(cell.text_content().split())))
            span = (cell.get("colspan") or "").strip()
            out += [""] * (min(int(span), _MAX_SPAN) - 1 if span.isdigit() and int(span) > 1 else 0)
    return tuple(out)


def _bold(cell) -> bool:
    text = "".join(cell.text_content().split())
    strong = "".join("".join(b.text_content().split()) for b in cell.iter("strong", "b") if b.getparent() is not None
                     and b.getparent().tag not in ("strong", "b"))
    return bool(text) and text == strong


def _is_header(tr) -> bool:
    """A header row: in <thead>, or every cell a <th> or all bold (as Chinese CMS tables mark it)."""
    cells = [c for c in tr if c.tag in ("td", "th")]
    if tr.getparent() is not None and tr.getparent().tag == "thead":
        return True
    return bool(cells) and all(c.tag == "th" or _bold(c) for c in cells)


def _table_of(tr):
    el = tr.getparent()
    return el.getparent() if el is not None and el.tag in ("tbody", "thead", "tfoot") else el


def _code_text(pre) -> str:
    """The `<pre>` whole: its own indentation and blank lines, blank edges trimmed."""
    lines = [line.rstrip() for line in pre.text_content().expandtabs(4).split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return textwrap.dedent("\n".join(lines))


def _href(url: str | None, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href or href.lower().startswith(_UNSAFE_SCHEMES):
        return None
    if not url or (href.startswith(("http://", "https://")) and " " not in href and "/." not in href):
        return href  # already absolute (urljoin would only cost time)
    return urljoin(url, href)


def _image_src(img, url: str | None) -> str | None:
    """The picture's address: a lazy-loading attribute when `src` is a placeholder."""
    src = img.get("src")
    if not src or src.startswith("data:") or _PLACEHOLDER_RE.search(src):
        src = next((img.get(a) for a in _LAZY_SRC if img.get(a)), None) or src
    if (not src or src.startswith("data:")) and img.get("srcset"):
        src = img.get("srcset").split(",")[0].split()[0]
    return _href(url, src)


def _is_icon(img) -> bool:
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < _ICON_PX:
            return True
    return False


@dataclass
class _Line:
    """A final line, where it came from and what it is."""

    text: str
    kind: str = "paragraph"
    group: object = None  # lines of one element (a <pre>, a table, a list item) share it
    level: int = 0
    ordered: bool = False
    block: int | None = None  # the page block it was read from
    owner: object = None  # that block's element (a table row's <tr>)


def _classify(line: _Line, bmap: BlockMap, contexts: _Contexts) -> None:
    block = bmap.blocks[line.block]
    line.owner = block.owner
    ctx = contexts.of(block.owner)
    if block.tag == "tr":
        line.kind, line.group = "table", _table_of(block.owner)
    elif block.tag == "pre" or ctx.pre is not None:
        line.kind, line.group = "code", ctx.pre if ctx.pre is not None else block.owner
    elif block.tag in HEADING_TAGS:
        line.kind, line.group, line.level = "heading", block.owner, int(block.tag[1])
    elif ctx.caption is not None and ctx.figure is not None:
        line.kind, line.group = "caption", ctx.caption
    elif ctx.li is not None:
        line.kind, line.group, line.level, line.ordered = "item", ctx.li, ctx.depth, ctx.ordered
    elif ctx.quote is not None:
        line.kind, line.group = "quote", ctx.quote


def body_blocks(bmap: BlockMap, root, sources: list[str], source_blocks: list[int | None],
                text: str, url: str | None) -> tuple[BodyBlock, ...]:
    """The typed blocks of a body: `text` (the document's final text) read back through
    `sources`, the chosen reading's lines, and `source_blocks`, the page block of each."""
    if not text:
        return ()
    final = text.split("\n")
    contexts = _Contexts()
    lines = []
    for line, n in zip(final, align(final, sources)):
        item = _Line(line, block=source_blocks[n] if n is not None else None)
        if item.block is not None:
            _classify(item, bmap, contexts)
        lines.append(item)
    images = _images(bmap, root, lines, contexts, url)
    links = _anchors(bmap, root, {ln.block for ln in lines if ln.block is not None}, url)
    return tuple(_build(lines, images, links))


def _images(bmap: BlockMap, root, lines: list[_Line], contexts: _Contexts, url: str | None) -> dict:
    """Images of the body, by the final line they stand before (or the caption group they belong to)."""
    where = {ln.block: n for n, ln in enumerate(lines) if ln.block is not None}
    captions = {ln.group for ln in lines if ln.kind == "caption"}
    found: dict = {}
    for img in root.iter("img"):
        k, _ = bmap.spans.get(img, (None, None))
        if k not in where or _is_icon(img):  # the line after it is no body line: neither rule holds
            continue
        figure = contexts.of(img).figure if captions else None
        caption = figure.find(".//figcaption") if figure is not None else None
        captioned = caption is not None and caption in captions and caption not in found
        between = k - 1 in where and where[k - 1] == where[k] - 1
        if not captioned and not between and not (where[k] == 0 and _near(img, bmap.blocks[k].owner)):
            continue
        src = _image_src(img, url)
        if src is None:
            continue
        alt = clean_line(img.get("alt") or "") or None
        if captioned:
            found[caption] = (src, alt)
        else:
            found.setdefault(where[k], []).append((src, alt))
    return found


_LEAD_LEVELS = 4  # a lead image and the first paragraph share an element this close to the paragraph


def _near(img, owner) -> bool:
    """A lead image: just before the body's first line, in the same part of the page
    (an ancestor of the line's element, at most a few levels up, holds it), not a logo
    in the page header before an article whose title line went to the metadata."""
    el = owner
    for _ in range(_LEAD_LEVELS):
        el = el.getparent()
        if el is None or el.tag in ("body", "html"):
            return False
        if any(a is el for a in img.iterancestors()):
            return True
    return False


def _anchors(bmap: BlockMap, root, wanted: set[int], url: str | None) -> dict[int, list[tuple[str, str | None]]]:
    """Per page block of the body, its links and inline code in order: (text, absolute href
    or None for code). Code inside a link (or a link inside code) is found after it and
    skipped: the outer one wins."""
    found: dict[int, list[tuple[str, str | None]]] = {}
    if not wanted:
        return found
    blocks = bmap.blocks
    for el in root.iter("a", "code"):
        first, end = bmap.spans.get(el, (None, None))
        if first is None or end - first > 1 or first not in wanted or blocks[first].tag == "pre":
            continue
        label = clean_line(el.text_content())
        if el.tag == "code":
            if label:
                found.setdefault(first, []).append((label, None))
            continue
        href = _href(url, el.get("href"))
        if href and label:
            found.setdefault(first, []).append((label, href))
    return found


def _spans(text: str, offset: int, anchors: list[tuple[str, str | None]],
           links: list[Link], codes: list[tuple[int, int]]) -> None:
    cursor = 0
    for label, href in anchors:
        pos = text.find(label, cursor)
        if pos >= 0:
            if href is None:
                codes.append((offset + pos, offset + pos + len(label)))
            else:
                links.append(Link(offset + pos, offset + pos + len(label), href))
            cursor = pos + len(label)


def _build(lines: list[_Line], images: dict, anchors: dict) -> list[BodyBlock]:
    """Consecutive lines of one element become one block; images go where they stand."""
    out: list[BodyBlock] = []
    n = 0
    while n < len(lines):
        for src, alt in images.get(n, ()):
            out.append(BodyBlock("image", src=src, alt=alt))
        first = lines[n]
        end = n + 1
        if first.group is not None:
            while end < len(lines) and lines[end].group is first.group and end not in images:
                end += 1
        out.append(_block(lines[n:end], images, anchors))
        n = end
    return out


def _block(group: list[_Line], images: dict, anchors: dict) -> BodyBlock:
    first = group[0]
    texts = tuple(ln.text for ln in group)
    if first.kind == "table":
        rows = tuple(_cells(ln.owner) for ln in group)
        return BodyBlock("table", texts, rows=rows, header=_is_header(first.owner))
    if first.kind == "code":
        return BodyBlock("code", texts, code=_code_text(first.group))
    if first.kind == "caption" and first.group in images:
        src, alt = images[first.group]
        return BodyBlock("image", texts, src=src, alt=alt)
    links: list[Link] = []
    codes: list[tuple[int, int]] = []
    offset = 0
    for ln in group:
        if ln.block in anchors:
            _spans(ln.text, offset, anchors[ln.block], links, codes)
        offset += len(ln.text) + 1
    kind = "paragraph" if first.kind == "caption" else first.kind
    return BodyBlock(kind, texts, level=first.level, ordered=first.ordered, links=tuple(links),
                     code_spans=tuple(codes))


__all__ = ["align", "body_blocks"]
