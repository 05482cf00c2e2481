"""The contracts between the pipeline stages: source -> decode -> extract -> store.

Each stage consumes one of these frozen dataclasses and produces the next, so a
stage can be tested (and replaced) without knowing how the others work.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Mapping

EncodingSource = Literal["bom", "header", "meta", "detected", "default", "given"]


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


# What a cleaned page is (Document.page_type, scraper.extract.choose.page_type).
PAGE_TYPES = ("article", "forum", "listing", "collection", "product", "documentation", "service")


@dataclass(frozen=True)
class Document:
    """The clean result of one page: body text (one paragraph per line) and metadata."""

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
    page_type: str | None = None  # one of PAGE_TYPES

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

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
