"""Result types of the store API: plain frozen dataclasses, easy to print or serialise."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..models import Document, PageRecord

Outcome = Literal["new", "changed", "unchanged", "failed"]
RUN_KINDS = ("crawl", "clean", "reextract", "import", "merge")


@dataclass(frozen=True)
class SaveResult:
    """What `Store.save` did with one page."""

    url: str
    outcome: Outcome
    site: str
    text_hash: str | None = None
    previous_hash: str | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True)
class SearchHit:
    """One search result. `snippet` is original text; `highlights` are (start, end) in it."""

    url: str
    title: str | None
    date: str | None
    site: str
    source: str | None
    lang: str | None
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...] = ()
    title_highlights: tuple[tuple[int, int], ...] = ()

    def marked(self, before: str = "[", after: str = "]", *, title: bool = False) -> str:
        """The snippet (or title) with every highlighted span wrapped in markers."""
        text = (self.title or "") if title else self.snippet
        spans = self.title_highlights if title else self.highlights
        out, pos = [], 0
        for start, end in spans:
            out += [text[pos:start], before, text[start:end], after]
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["highlights"] = [list(s) for s in self.highlights]
        data["title_highlights"] = [list(s) for s in self.title_highlights]
        return data


@dataclass(frozen=True)
class Change:
    """A document that appeared ('new') or whose text changed ('changed').

    `old_text` / `new_text` (the text before and right after this change) are filled
    only when asked for (`Store.changes(..., texts=True)`); `old_text` is None for a
    new document and for changes stored before schema v6.
    """

    id: int
    url: str
    kind: str
    changed_at: str
    old_hash: str | None
    new_hash: str
    old_length: int | None
    new_length: int
    run_id: int | None
    title: str | None = None
    old_text: str | None = None
    new_text: str | None = None

    def diff(self, context: int = 1) -> str:
        """A unified diff of the text, one paragraph a line ('' for a new document or
        when the previous text was not kept)."""
        if self.old_text is None or self.new_text is None:
            return ""
        import difflib

        lines = difflib.unified_diff(
            self.old_text.splitlines(), self.new_text.splitlines(), fromfile=f"{self.url} (before)",
            tofile=f"{self.url} ({self.changed_at})", n=context, lineterm="")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Entry:
    """Everything stored for one URL: the page facts, its document (if any) and bookkeeping."""

    page: PageRecord
    site: str
    document: Document | None = None
    text_hash: str | None = None
    extractor_version: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    last_changed: str | None = None
    duplicate_of: str | None = None
    near_duplicate_of: str | None = None

    def to_dict(self, include_body: bool = False) -> dict[str, Any]:
        page = asdict(self.page)
        body = page.pop("body")
        if include_body and body is not None:
            page["body"] = body.decode("utf-8", "replace")
        meta = {k: v for k, v in asdict(self).items() if k not in ("page", "document")}
        return {"url": self.page.url, "document": self.document.to_dict() if self.document else None, "page": page, **meta}


@dataclass(frozen=True)
class Run:
    """One crawl, clean or reextract run with its counters."""

    id: int
    kind: str
    started_at: str
    finished_at: str | None
    status: str
    config: Any
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    duplicates: int = 0
    failed_by_reason: dict[str, int] = field(default_factory=dict)
    near_duplicates: int = 0
    deferred: int = 0
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    lists: int = 0  # pages stored without a document (list pages of a crawl)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SiteStats:
    site: str
    pages: int
    documents: int
    errors: int
    last_fetched: str | None


@dataclass(frozen=True)
class Stats:
    """Counts over the whole store, as `scraper stats` prints them."""

    path: str
    schema_version: int
    size_bytes: int
    pages: int
    documents: int
    sites: int
    runs: int
    errors: int
    changes: int
    by_site: tuple[SiteStats, ...] = ()
    last_run: Run | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReextractResult:
    """What `Store.reextract` did: counts per outcome and the failures by reason."""

    run_id: int
    total: int = 0
    new: int = 0
    changed: int = 0
    text_changed: int = 0
    unchanged: int = 0
    failed: int = 0
    failed_by_reason: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
