"""reextract: re-clean stored raw bodies with an injected cleaner, write only differences."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from scraper.errors import NoContentError, StoreError
from scraper.models import Document, PageRecord
from scraper.store import Store
from store_corpus import fill


def paragraphs_cleaner(body: bytes, url: str, *, content_type: str | None = None) -> Document:
    """A stand-in extractor: title from <h1>, text from <p>, date from 发布时间."""
    html = body.decode("utf-8")
    paras = re.findall(r"<p>(.*?)</p>", html)
    if not paras:
        raise NoContentError("no paragraphs")
    date = re.search(r"发布时间：(\S+)", html)
    return Document(url=url, title=re.search(r"<h1>(.*?)</h1>", html).group(1), text="\n".join(paras),
                    date=date.group(1) if date else None)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.db") as s:
        yield s


def test_reextract_with_the_same_result_changes_nothing(store):
    docs = fill(store)
    # the stored documents carry more metadata than the stand-in finds: align them first
    first = store.reextract(paragraphs_cleaner)
    assert (first.total, first.new, first.text_changed, first.failed) == (14, 0, 0, 0)
    assert first.changed == 14  # source, lang, ... are now None
    second = store.reextract(paragraphs_cleaner)
    assert (second.total, second.changed, second.unchanged) == (14, 0, 14)
    assert len(store.changes()) == len(docs)  # metadata-only changes are not text changes


def test_reextract_updates_only_documents_whose_text_changed(store):
    fill(store)
    store.reextract(paragraphs_cleaner)

    def improved(body, url, *, content_type=None):
        doc = paragraphs_cleaner(body, url, content_type=content_type)
        return replace(doc, text=doc.text.replace("疫情", "新冠疫情")) if "疫情" in doc.text else doc

    result = store.reextract(improved, extractor_version="2.0")
    assert (result.total, result.text_changed, result.unchanged) == (14, 5, 9)
    changed = [c for c in store.changes() if c.kind == "changed"]
    assert len(changed) == 5 and all(c.run_id == result.run_id for c in changed)
    assert {h.url for h in store.search("新冠疫情", limit=100)} == {c.url for c in changed}
    entry = store.get(changed[0].url)
    assert entry.extractor_version == "2.0"
    run = store.run(result.run_id)
    assert (run.kind, run.status, run.changed, run.unchanged) == ("reextract", "ok", 5, 9)


def test_reextract_failures_keep_the_stored_document_and_are_counted(store):
    docs = fill(store)

    def flaky(body, url, *, content_type=None):
        if "://www.gov.cn/" in url:
            raise NoContentError("empty shell")
        if "people" in url:
            raise ValueError("extractor bug")
        return paragraphs_cleaner(body, url)

    result = store.reextract(flaky)
    assert result.failed == 3 and result.failed_by_reason == {"NoContentError": 2, "ValueError": 1}
    assert store.get(docs[0].url).document == docs[0]
    assert store.run(result.run_id).status == "failed"


def test_reextract_site_filter_and_page_without_document(store):
    fill(store)
    body = "<h1>通知</h1><p>关于开展安全生产大检查的通知</p>".encode()
    store.save(PageRecord(url="http://www.gov.cn/new.html", status=200, body=body))
    result = store.reextract(paragraphs_cleaner, site="www.gov.cn")
    assert (result.total, result.new) == (3, 1)
    assert store.search("安全生产")[0].url == "http://www.gov.cn/new.html"


def test_reextract_skips_error_pages_without_documents(store):
    store.save(PageRecord(url="http://www.gov.cn/500.html", status=500, error="HTTPStatusError: 500",
                          body=b"<p>Internal Server Error</p>"))
    assert store.reextract(paragraphs_cleaner).total == 0


def test_reextract_inside_a_batch_is_refused(store):
    with pytest.raises(StoreError, match="inside Store.batch"):
        with store.batch():
            store.reextract(paragraphs_cleaner)
