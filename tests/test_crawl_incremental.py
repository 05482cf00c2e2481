"""What a crawl discovers and what a second run does: sitemaps and feeds, traps, list
pages, 304s, changed pages, exact and near duplicates."""

from __future__ import annotations

import pytest
from crawlkit import article, config, crawl, frontier_state, list_page, page_urls, rows
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from scraper.store import Store

HTML = "text/html; charset=utf-8"


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.db") as s:
        yield s


@pytest.fixture
def site(httpserver: HTTPServer):
    """A site whose pages are a dict the test may change between runs (path -> bytes)."""
    pages: dict[str, bytes] = {}
    etags: dict[str, bool] = {}
    hits: list[str] = []

    def handler(request: Request) -> Response:
        path = request.full_path.rstrip("?")
        hits.append(path)
        if path not in pages:
            return Response("not found", status=404)
        body = pages[path]
        ctype = "application/xml" if path.endswith(".xml") else "text/plain" if path.endswith(".txt") else HTML
        tag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if etags.get(path) and request.headers.get("If-None-Match") == tag:
            return Response(status=304, headers={"ETag": tag})
        return Response(body, content_type=ctype, headers={"ETag": tag} if etags.get(path) else {})

    httpserver.expect_request(__import__("re").compile(".*")).respond_with_handler(handler)
    httpserver.pages, httpserver.etags, httpserver.hits = pages, etags, hits  # type: ignore[attr-defined]
    return httpserver


def test_pages_only_in_sitemap_and_feed_are_crawled(store, site):
    base = site.url_for("/").rstrip("/")
    site.pages["/"] = b"<html><head><link rel=alternate type='application/rss+xml' href='/feed.xml'></head>" \
                      b"<body><a href='/art_1_1.html'>one</a></body></html>"
    site.pages["/robots.txt"] = f"User-agent: *\nSitemap: {base}/maps/index.xml\n".encode()
    site.pages["/maps/index.xml"] = (f"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                                     f"<sitemap><loc>{base}/maps/a.xml</loc></sitemap></sitemapindex>").encode()
    site.pages["/maps/a.xml"] = (f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                                 f"<url><loc>{base}/art_1_2.html</loc></url></urlset>").encode()
    site.pages["/feed.xml"] = (f"<rss version='2.0'><channel><item><link>{base}/art_1_3.html</link></item>"
                               f"</channel></rss>").encode()
    for i in (1, 2, 3):
        site.pages[f"/art_1_{i}.html"] = article(i)
    summary = crawl(config(site.url_for("/")), store)
    assert {site.url_for(f"/art_1_{i}.html") for i in (1, 2, 3)} <= page_urls(store)
    assert (summary.new, summary.lists) == (3, 1) and summary.ok  # three articles, the home page
    assert rows(store, "SELECT depth FROM frontier WHERE url = ?", site.url_for("/art_1_2.html")) == [(1,)]


TRAPS = {
    "too long": "/a.html?q=" + "x" * 2100,
    "repeated segments": "/a/b/a/b/a/b/a/page.html",
    "calendar far ahead": "/calendar/2099/01/index.html",
    "calendar far back": "/events.html?date=1970-01",
    "asp.net session": "/(S(abcdefghijklmnopqrstuvwx))/x.html",
    "path session": "/x.html;jsessionid=ABCDEF0123",
    "too many params": "/s.html?" + "&".join(f"p{i}=1" for i in range(12)),
}


def test_trap_urls_are_never_enqueued(store, site):
    links = "".join(f"<a href='{href}'>{name}</a>" for name, href in TRAPS.items())
    links += "<a href='/list.html?b=2&a=1'>x</a><a href='/list.html?a=1&b=2'>y</a>"
    links += "<a href='/list.html?a=1&b=2&jsessionid=XYZ&utm_source=z'>z</a>"
    site.pages["/"] = f"<html><body>{links}</body></html>".encode()
    site.pages["/list.html?a=1&b=2"] = list_page([])
    site.pages["/x.html"] = list_page([])
    summary = crawl(config(site.url_for("/")), store)
    frontier = {r[0] for r in rows(store, "SELECT url FROM frontier")}
    # query permutations and session ids (query, ;jsessionid, ASP.NET path) collapse to one clean URL
    assert frontier == {site.url_for("/"), site.url_for("/list.html?a=1&b=2"), site.url_for("/x.html")}
    assert all(not h.startswith(("/a", "/calendar", "/events", "/(S", "/s.html")) for h in site.hits)
    assert summary.ok


def test_list_pages_are_stored_without_document(store, site):
    site.pages["/"] = list_page(["/col/col1/index.html"])
    site.pages["/col/col1/index.html"] = list_page(["/art_1_1.html"])
    site.pages["/art_1_1.html"] = article(1)
    crawl(config(site.url_for("/")), store)
    kinds = dict(rows(store, "SELECT url, kind FROM pages"))
    assert kinds == {site.url_for("/"): "list", site.url_for("/col/col1/index.html"): "list",
                     site.url_for("/art_1_1.html"): "article"}
    assert rows(store, "SELECT url FROM documents") == [(site.url_for("/art_1_1.html"),)]
    lists, arts = (rows(store, "SELECT next_fetch_at FROM frontier WHERE kind = ?", k)[0][0] for k in ("list", "article"))
    assert lists < arts  # list pages come due sooner


REVISIT = {"revisit_lists": "0s", "revisit_articles": "0s"}


def test_304_on_revisit_counts_unchanged_and_rewrites_nothing(store, site):
    site.pages["/"] = list_page(["/art_1_1.html"])
    site.pages["/art_1_1.html"] = article(1)
    site.etags.update({"/": True, "/art_1_1.html": True})
    cfg = config(site.url_for("/"), **REVISIT)
    crawl(cfg, store)
    url = site.url_for("/art_1_1.html")
    before = rows(store, "SELECT body_hash, etag FROM pages WHERE url = ?", url)
    changed_before = rows(store, "SELECT last_changed, text_hash FROM documents")
    second = crawl(cfg, store)
    assert (second.fetched, second.unchanged, second.lists, second.new, second.changed) == (2, 1, 1, 0, 0)
    assert rows(store, "SELECT body_hash, etag FROM pages WHERE url = ?", url) == before
    assert rows(store, "SELECT last_changed, text_hash FROM documents") == changed_before
    assert rows(store, "SELECT count(*) FROM changes") == [(1,)]
    assert rows(store, "SELECT status FROM pages WHERE url = ?", url) == [(304,)]


def test_changed_page_gives_exactly_one_changes_row(store, site):
    site.pages["/"] = list_page(["/art_1_1.html", "/art_1_2.html"])
    site.pages["/art_1_1.html"] = article(1)
    site.pages["/art_1_2.html"] = article(2)
    cfg = config(site.url_for("/"), **REVISIT)
    crawl(cfg, store)
    site.pages["/art_1_1.html"] = article(1, ["县政府今天发布了一则更正说明，第1号文章所述项目总投资调整为十二亿元，其余内容不变，特此说明。"])
    second = crawl(cfg, store)
    url = site.url_for("/art_1_1.html")
    assert (second.changed, second.unchanged, second.lists, second.new) == (1, 1, 1, 0)
    assert rows(store, "SELECT kind FROM changes WHERE url = ? ORDER BY id", url) == [("new",), ("changed",)]
    assert rows(store, "SELECT count(*) FROM changes WHERE run_id = ?", second.run_id) == [(1,)]
    assert "更正说明" in store.get(url).document.text


def test_exact_and_near_duplicates_are_recorded(store, site):
    base = article(5).decode()
    site.pages["/"] = list_page(["/art_1_1.html", "/art_1_2.html", "/art_1_3.html", "/art_1_4.html"])
    site.pages["/art_1_1.html"] = article(5)
    site.pages["/art_1_2.html"] = base.replace("第5号文章</title>", "第5号文章（转载）</title>").encode()
    site.pages["/art_1_3.html"] = base.replace("</div><div class=footer>",
                                               "<p>会后，与会人员还实地察看了部分项目建设现场，详细了解进展情况。</p>"
                                               "</div><div class=footer>").encode()
    site.pages["/art_1_4.html"] = article(6)
    summary = crawl(config(site.url_for("/"), concurrency=1), store)  # one at a time: the original first
    dups = {r[0]: (r[1], r[2]) for r in rows(store, "SELECT url, duplicate_of, near_duplicate_of FROM documents")}
    one, two, three, four = (site.url_for(f"/art_1_{i}.html") for i in (1, 2, 3, 4))
    assert dups[one] == (None, None) and dups[two] == (one, None) and dups[three] == (None, one)
    assert dups[four] == (None, None)
    assert summary.duplicates == 1 and summary.near_duplicates == 1


def test_sitemap_lastmod_makes_a_done_page_due_again(store, site):
    base = site.url_for("/").rstrip("/")
    site.pages["/"] = list_page([])
    site.pages["/sitemap.xml"] = (f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url>"
                                  f"<loc>{base}/art_1_1.html</loc><lastmod>2001-01-01</lastmod></url></urlset>").encode()
    site.pages["/art_1_1.html"] = article(1)
    cfg = config(site.url_for("/"))
    crawl(cfg, store)
    again = crawl(cfg, store)
    assert again.fetched == 0  # nothing due: lastmod is older than the stored page
    site.pages["/sitemap.xml"] = site.pages["/sitemap.xml"].replace(b"2001-01-01", b"2099-01-01")
    third = crawl(cfg, store)
    assert third.fetched == 1 and third.unchanged == 1
    assert frontier_state(store, site.url_for("/art_1_1.html"))[0] == "done"
