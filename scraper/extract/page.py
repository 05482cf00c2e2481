"""Main text and metadata of one decoded page: `extract(html, url) -> Extracted`.

Pure: no I/O. The stages, in the order the data flows:
parse once (dom) -> declared metadata (metadata, markup) -> prepare the tree (dom) ->
blocks (blocks) -> noise masks (prune) -> candidate bodies (candidates,
trafilatura_body, ...) -> choose one (choose) -> its lines: metadata lines, title and
noise lines out (pagemeta, fields, noise) -> normalise (normalize) -> Document, with the
chosen body's typed blocks (structure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import lxml.etree as etree
import lxml.html

from ..models import CleanConfig, Document
from . import dom
from .blocks import BlockMap, block_map
from .bylines import parse_meta_line
from .candidates import Candidate, block_run, selected, whole_page
from .choose import choose, page_type
from .language import document_lang
from .features import Reading, candidate_features, cart_lines, page_features, vectors
from .fields import Fields, choose_title, decide, strip_description
from .markup import scan_source_and_date
from .metadata import HeadMetadata, read_head
from .noise import drop_noise_lines, strip_title
from .normalize import normalize_lines, strip_pinyin_annotations
from .pagemeta import read_body_metadata
from .prune import Pruning, prune
from .records import Records, find_records
from .structure import body_blocks
from .thread import read_thread
from .trafilatura_body import is_scrap, trafilatura_candidate

_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CJK_SHARE = 0.15
_SAMPLE_CHARS = 8000
_THREAD_RULES = frozenset(("comments",))


@dataclass(frozen=True)
class Extracted:
    """The document found (without charset facts, which the pipeline adds) and what was removed."""

    document: Document
    removed: dict[str, int] = field(default_factory=dict)
    candidate: str | None = None  # which reading of the page was chosen
    noise_lines: int = 0  # lines of the chosen reading the noise rules took out


def is_cjk_page(root: lxml.html.HtmlElement) -> bool:
    """Most letters of the visible text are Chinese, Japanese or Korean."""
    body = root.find("body")
    sample = etree.tostring(body if body is not None else root, method="text", encoding="unicode")[:_SAMPLE_CHARS]
    cjk = len(_CJK_RE.findall(sample))
    latin = len(_LATIN_RE.findall(sample))
    return cjk > 0 and cjk / (cjk + latin) >= _CJK_SHARE


@dataclass
class _Page:
    """What every stage after parsing needs about the page."""

    root: lxml.html.HtmlElement
    head: HeadMetadata
    bmap: BlockMap
    pruning: Pruning
    records: Records | None
    cjk: bool
    url: str | None
    config: CleanConfig
    buy_buttons: int  # a shop's buy buttons: form controls (counted before they left the tree) and blocks


def _candidates(page: _Page) -> list[Candidate]:
    """Every reading of the page worth choosing from."""
    if page.config.body_selector:
        return [selected(page.root, page.bmap, page.config.body_selector, page.pruning)]
    kept = page.pruning.kept()
    found = [block_run(page.root, page.bmap, kept), whole_page(page.bmap, kept)]
    if page.pruning.spared:  # a region was spared as the page's main text: read it without, too
        found.append(block_run(page.root, page.bmap, page.pruning.kept(strict=True), name="article"))
    if page.records is not None:  # the repeated records: a thread's posts, a listing's cards
        allow = page.pruning.kept(allow=_THREAD_RULES)
        found.append(Candidate("records", [i for i in page.bmap.inside(page.records.container) if allow[i]]))
        thread = read_thread(page.records, page.bmap, allow)
        if thread is not None:
            found.append(thread)
    return found


def _trafilatura(page: _Page, run: Candidate | None) -> list[Candidate]:
    """trafilatura's reading, last: it gets the tree once our own readings and the
    metadata are done, minus the masked regions (it reads a copy; the captions renamed
    for it get their tags back, for the body's structure).

    Not asked when the article lies in a layout table's cell: trafilatura then keeps
    the whole table, and its reading is refused anyway (trafilatura_body). Its fast
    mode serves, our other readings standing in for its fallbacks, except on pages
    that declare a product or have a buy button: descriptions and specs there are what
    its fallbacks find.
    """
    if page.config.body_selector or (run is not None and run.in_layout_table()):
        return []
    page.pruning.drop_masked()
    fast = page.head.declared_kind != "product" and not page.buy_buttons
    found = trafilatura_candidate(page.root, page.bmap, page.url, page.config.include_tables, fast=fast)
    return [found] if found is not None else []


@dataclass(frozen=True)
class _Meta:
    """The page's metadata, decided once from the article reading, shared by every candidate."""

    head: HeadMetadata  # with the title decided
    meta_indexes: frozenset[int]  # blocks that are byline/date lines, out of any body
    fields: Fields


def _metadata(page: _Page, anchor: Candidate | None) -> _Meta:
    """Title, date, source, author and editor, read around the article's own reading.

    Anchored on the block run (the article), not on whichever reading wins: a
    listing or a whole-page body must not move the title to a sidebar heading.
    """
    head = page.head
    if anchor is None or not anchor.indexes:
        return _Meta(head, frozenset(), decide(head, None, head.title, page.url, page.cjk))
    blocks = page.bmap.blocks
    if page.cjk or head.title_from == "guess":
        head = replace(head, title=choose_title(head, blocks, anchor.start))
    body = read_body_metadata(blocks, anchor.start, anchor.end, head.title)
    return _Meta(head, frozenset(body.meta_indexes), decide(head, body, head.title, page.url, page.cjk))


_EDGE_LINES = 5


def _trim_metadata_lines(lines: list[str]) -> list[str]:
    """Lines at either end that are nothing but metadata (发布日期：…, By Jane Doe) go, as they
    do from our own readings: a table of fields above an article is not its body."""
    start = 0
    while start < min(len(lines), _EDGE_LINES) and parse_meta_line(lines[start]).only_metadata:
        start += 1
    end = len(lines)
    while end > max(start, len(lines) - _EDGE_LINES) and _labelled_metadata(lines[end - 1]):
        end -= 1  # a bare date closing a notice is its 落款, and stays
    return lines[start:end]


def _labelled_metadata(line: str) -> bool:
    meta = parse_meta_line(line)
    return meta.only_metadata and (meta.labelled or bool(meta.fields))


def _finish(page: _Page, chosen: Candidate, meta: _Meta) -> Extracted:
    """The document a candidate gives: its lines without metadata lines, title and noise, normalised."""
    blocks = page.bmap.blocks
    if chosen.lines is not None:  # another extractor's lines: the byline lines go by their text
        meta_lines = {blocks[i].text for i in meta.meta_indexes}
        lines = _trim_metadata_lines([line for line in chosen.lines if line not in meta_lines])
    else:
        lines = [
            blocks[i].text for i in chosen.indexes
            if i not in meta.meta_indexes and (page.config.include_tables or blocks[i].tag != "tr")
        ]
    lines, title_counts = strip_title(lines, meta.head.title)
    lines, counts = drop_noise_lines(lines, title=meta.head.title)
    counts.update(title_counts)
    lines = normalize_lines(lines)
    if chosen.lines is not None and is_scrap(lines):
        lines = []  # a menu or a button label is not an article: the pipeline says "no main content"
    lines = strip_description(lines, meta.head.description)
    fields, head = meta.fields, meta.head
    text = "\n".join(lines)
    document = Document(
        url=page.url, title=fields.title, text=text, date=fields.date, source=fields.source,
        author=fields.author, editor=fields.editor, site_name=head.site_name,
        lang=fields.lang,
        canonical_url=head.canonical_url, description=head.description,
    )
    removed = {**page.pruning.counts, **chosen.removed}
    for name, n in counts.items():
        removed[name] = removed.get(name, 0) + n
    return Extracted(document, removed, chosen.name, sum(counts.values()))


@dataclass(frozen=True)
class Choice:
    """Every finished reading of a page, the features the chooser saw, and its pick."""

    readings: list[Extracted]
    vectors: list[list[float]]
    chosen: int


def _choose(page: _Page) -> Choice:
    candidates = _candidates(page)
    run = next((c for c in candidates if c.name in ("run", "selector")), None)
    meta = _metadata(page, run)
    candidates += _trafilatura(page, run)
    done: dict[tuple, Extracted] = {}  # readings that select the same blocks are finished once
    finished = []
    for c in candidates:
        key = (tuple(c.indexes), c.lines is not None and tuple(c.lines))
        if key not in done:
            done[key] = _finish(page, c, meta)
        finished.append(replace(done[key], candidate=c.name))
    rows = candidate_features(
        [Reading(c, ex.document.text.split("\n") if ex.document.text else [], ex.noise_lines)
         for c, ex in zip(candidates, finished)],
        page.bmap.blocks, page.head.title, page.records, page.pruning,
    )
    facts = page_features(page.bmap.blocks, page.pruning, page.cjk, page.head.declared_kind, page.records,
                          page.buy_buttons)
    vecs = vectors(facts, rows)
    names = [ex.candidate for ex in finished]
    guess = page_type(names, vecs)
    chosen = choose(names, vecs, page.cjk, guess)
    kind = candidates[chosen].page_type  # a thread read post by post is a forum, whatever the model says
    if kind == "article":
        kind = guess[0]
    doc = finished[chosen].document
    lang = document_lang(doc.lang, doc.text, default="zh" if page.cjk else None)  # the text corrects <html lang>
    author = doc.author or candidates[chosen].author
    sources, source_blocks = candidates[chosen].sources(page.bmap.blocks)
    blocks = body_blocks(page.bmap, page.root, sources, source_blocks, doc.text, page.url)
    finished[chosen] = replace(finished[chosen], document=replace(doc, page_type=kind, lang=lang, author=author,
                                                                  blocks=blocks))
    return Choice(finished, vecs, chosen)


def readings(html: str, url: str | None = None, config: CleanConfig | None = None) -> Choice:
    """Every candidate reading of the page with its features (for training and inspecting the chooser)."""
    return _choose(_parse(html, url, config or CleanConfig()))
def _parse(html: str, url: str | None, config: CleanConfig, tree=None) -> _Page:
    stripped = strip_pinyin_annotations(html)
    # A tree the caller parsed from `html` is the one parse_html gives, unless annotations went.
    root = tree if tree is not None and stripped is html else dom.parse_html(stripped)
    html = stripped
    head = read_head(root, url, html)
    cjk = bool(config.body_selector) or is_cjk_page(root)
    if cjk:  # before pruning: a share box may hold the date
        source, date = scan_source_and_date(root)
        head = replace(head, source=head.source or source, markup_date=date)
    dom.prepare(root)
    bmap = block_map(root)
    return _Page(root, head, bmap, prune(root, bmap), find_records(root, bmap), cjk, url, config,
                 cart_lines(bmap.blocks, head.buy_buttons))


def extract(html: str, url: str | None = None, config: CleanConfig | None = None, *, tree=None) -> Extracted:
    """Extract the article of one page (decoded HTML) and its metadata.

    tree: `dom.parse_html(html)` if the caller has it (parsed once for its own use, e.g.
    the crawler's links); it is pruned in place, so read what you need from it first."""
    choice = _choose(_parse(html, url, config or CleanConfig(), tree))
    return choice.readings[choice.chosen]
