"""The contracts between the pipeline stages: source -> decode -> extract -> store.

Each stage consumes one of these frozen dataclasses and produces the next, so a
stage can be tested (and replaced) without knowing how the others work.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Any, Literal, Mapping

EncodingSource = Literal["bom", "header", "meta", "detected", "default", "given"]
BlockKind = Literal["heading", "paragraph", "item", "quote", "code", "table", "image"]


@dataclass(frozen=True)
class Fetched:
    """Raw bytes and the HTTP facts that came with them; the only output of a source.

    `headers` has lower-case names. Local files and stdin have status 200 and
    headers only when the caller gives a content type.
    """

    url: str
    body: bytes
    final_url: str | None = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    fetched_at: str | None = None

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass(frozen=True)
class Decoded:
    """A page's text after charset decoding, with how the charset was chosen.

    `encoding` is the Python codec actually used (e.g. "gb18030", "big5hkscs",
    "utf-8", "cp1252"); `declared` is the label the page or server declared, if any,
    which may differ when the declaration was wrong.
    """

    text: str
    encoding: str
    encoding_source: EncodingSource
    declared: str | None = None
    replacements: int = 0


@dataclass(frozen=True)
class Link:
    """A span of a block's text that links somewhere: `block.text[start:end]` -> `href`
    (absolute when the page's URL is known)."""

    start: int
    end: int
    href: str


@dataclass(frozen=True)
class BodyBlock:
    """One piece of the body, typed, so renderers can keep the article's structure.

    `lines` are lines of `Document.text`, in order: the blocks' lines, joined, are the
    text (an image without a caption in the text has none). By kind: heading `level`
    1-6; item `level` = list depth (1: top) and `ordered`; table `rows` of cells and
    `header` (its first row is a header row); code `code`, the `<pre>` whole (its
    indentation and blank lines, which the text's lines lose); image `src`, `alt`, and
    its caption as `lines`. `links` and `code_spans` (inline `<code>`, as (start, end))
    are spans of `text`.
    """

    kind: BlockKind
    lines: tuple[str, ...] = ()
    level: int = 0
    ordered: bool = False
    rows: tuple[tuple[str, ...], ...] = ()
    header: bool = False
    code: str | None = None
    src: str | None = None
    alt: str | None = None
    links: tuple[Link, ...] = ()
    code_spans: tuple[tuple[int, int], ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def to_dict(self) -> dict[str, Any]:
        """The kind and the fields that apply to it (JSON output)."""
        out: dict[str, Any] = {"type": self.kind, "text": self.text}
        if self.kind in ("heading", "item"):
            out["level"] = self.level
        if self.kind == "item":
            out["ordered"] = self.ordered
        if self.kind == "table":
            out.update(rows=[list(r) for r in self.rows], header=self.header)
        if self.kind == "code":
            out["code"] = self.code
        if self.kind == "image":
            out.update(src=self.src, alt=self.alt, caption=self.text or None)
        if self.links:
            out["links"] = [{"start": k.start, "end": k.end, "href": k.href} for k in self.links]
        if self.code_spans:
            out["code_spans"] = [list(span) for span in self.code_spans]
        return out


@dataclass(frozen=True)
class RenderOptions:
    """What a rendering keeps besides the text (`scraper.render`, `clean --links --images --no-tables`).

    links: link targets (Markdown `[text](url)`, HTML `<a href>`, TEI `<ref target>`, JSON spans).
    images: images with their source and caption (else a caption stays as a paragraph).
    tables: tables (off: their rows go, from every format, the plain text too).
    """

    links: bool = False
    images: bool = False
    tables: bool = True


@dataclass(frozen=True)
class Document:
    """The clean result of one page: body text (one paragraph per line) and metadata.

    `blocks` is the same body typed (headings, list items, tables, code, quotes,
    images, links) for the renderers; `text` stays the plain lines the store and
    search use. A document read back from the store has no blocks: renderers then
    treat each line as a paragraph.
    """

    url: str | None
    title: str | None
    text: str
    date: str | None = None  # ISO YYYY-MM-DD
    source: str | None = None  # 来源
    author: str | None = None  # 作者
    editor: str | None = None  # 编辑 / 责任编辑 / 责编
    site_name: str | None = None
    lang: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    encoding: str | None = None
    encoding_source: str | None = None
    # article, forum, listing, collection, product, documentation or service
    page_type: str | None = None
    blocks: tuple[BodyBlock, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The text and metadata (not the blocks: `render(doc, "json")` adds them)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "blocks"}

    def render(self, fmt: str = "text", options: RenderOptions | None = None) -> str:
        """The document as text, markdown, html, json or xml (TEI): see `scraper.render`."""
        from .formats import render

        return render(self, fmt, options)

    @property
    def text_hash(self) -> str:
        """Stable hash of the body text, used for change and duplicate detection."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.text.split("\n") if line]


@dataclass(frozen=True)
class CleanConfig:
    """Settings for `clean()`; one object instead of many boolean flags.

    body_selector: a CSS selector that overrides body detection for a hard site.
    include_tables: keep tables inside the body as text (one row per line).
    max_input_bytes: larger inputs are refused with `InputTooLargeError`.
    """

    body_selector: str | None = None
    include_tables: bool = True
    max_input_bytes: int = 64 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.body_selector is not None:
            from cssselect import GenericTranslator, SelectorError

            from .errors import ConfigError

            try:
                GenericTranslator().css_to_xpath(self.body_selector)
            except SelectorError as exc:
                raise ConfigError(f"invalid CSS selector {self.body_selector!r}: {exc}") from None
        if self.max_input_bytes <= 0:
            from .errors import ConfigError

            raise ConfigError(f"max_input_bytes must be positive, not {self.max_input_bytes}")


@dataclass(frozen=True)
class PageRecord:
    """What the store keeps about one fetched URL, whether or not it held an article.

    `url` is the normalised URL (the key); `body` the raw bytes as served, so the
    extractor can be re-run later without refetching. `error` says why the page
    failed (fetch, decode or extract), if it did.
    """

    url: str
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str | None = None
    encoding: str | None = None
    encoding_source: str | None = None
    body: bytes | None = None
    error: str | None = None
    kind: str | None = None  # "article" | "list" | other page kinds the crawler tells apart
    kind_reason: str | None = None  # why the crawler decided that kind (shown by `scraper show`)

    @classmethod
    def from_fetched(cls, fetched: Fetched, decoded: Decoded | None = None, **extra: Any) -> "PageRecord":
        return cls(
            url=extra.pop("url", fetched.url),
            final_url=fetched.final_url or fetched.url,
            status=fetched.status,
            content_type=fetched.content_type,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            fetched_at=fetched.fetched_at,
            encoding=decoded.encoding if decoded else None,
            encoding_source=decoded.encoding_source if decoded else None,
            body=fetched.body,
            **extra,
        )
