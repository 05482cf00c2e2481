"""scraper.crawl.discover: links, sitemaps, feeds; hostile XML; discovery over loopback."""

from __future__ import annotations

import asyncio
import gzip
import zlib

import pytest
from httpserv import RawServer, send_response

from scraper.crawl.discover import (
    Entry,
    feed_links,
    page_links,
    parse_listing,
    sitemap_candidates,
    to_iso,
    walk_sitemaps,
)
from scraper.crawl.fetcher import Fetcher
from scraper.crawl.politeness import Politeness
from scraper.errors import ResponseTooLargeError

PAGE = """<html><head>
<base href="http://www.x.gov.cn/zwgk/">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" href="atom.xml">
<link rel="stylesheet" href="/s.css">
</head><body>
<a href="tzgg/t20200131_1.html">通知一</a>
<a href=" /col/col12/index.html ">栏目</a>
<a href="http://other.cn/a.html#top" rel="nofollow noopener">外站</a>
<a href="tzgg/t20200131_1.html#p2">通知一（重复）</a>
<a href="javascript:void(0)">打印本页</a>
<a href="JavaScript:window.close()">关闭窗口</a>
<a href="mailto:gov@x.cn">联系我们</a>
<a href="tel:12345">电话</a>
<a href="#top">返回顶部</a>
<a href="">空</a>
<a>无链接</a>
<map><area href="/map/a.html" alt="地图"></map>
<iframe src="/frame/list.html"></iframe>
</body></html>"""


def test_page_links():
    links = page_links(PAGE, "http://www.x.gov.cn/index.html")
    assert [(l.url, l.tag) for l in links] == [
        ("http://www.x.gov.cn/zwgk/tzgg/t20200131_1.html", "a"),
        ("http://www.x.gov.cn/col/col12/index.html", "a"),
        ("http://other.cn/a.html", "a"),
        ("http://www.x.gov.cn/map/a.html", "area"),
        ("http://www.x.gov.cn/frame/list.html", "iframe"),
    ]
    assert links[0].text == "通知一" and not links[0].nofollow
    assert links[2].nofollow and links[3].text == "地图"


def test_page_links_without_base_and_from_a_tree():
    import lxml.html

    tree = lxml.html.document_fromstring('<a href="../b.html">b</a><a href="?page=2">next</a>')
    links = page_links(tree, "http://x.cn/a/c/d.html")
    assert [l.url for l in links] == ["http://x.cn/a/b.html", "http://x.cn/a/c/d.html?page=2"]
    assert page_links("", "http://x.cn/") == []


def test_feed_links():
    assert feed_links(PAGE, "http://www.x.gov.cn/") == [
        "http://www.x.gov.cn/rss.xml", "http://www.x.gov.cn/zwgk/atom.xml"]


def test_sitemap_candidates():
    assert sitemap_candidates("https://x.cn/a/b.html", ["https://x.cn/sm_index.xml"]) == [
        "https://x.cn/sm_index.xml", "https://x.cn/sitemap.xml"]
    assert sitemap_candidates("https://x.cn/a") == ["https://x.cn/sitemap.xml"]


SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>http://www.x.gov.cn/sitemap-news.xml.gz</loc><lastmod>2024-05-01</lastmod></sitemap>
  <sitemap><loc>/sitemap-pages.xml</loc></sitemap>
</sitemapindex>"""

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>http://www.x.gov.cn/art/2024/5/1/art_1_1.html</loc><lastmod>2024-05-01T08:30:00+08:00</lastmod></url>
  <url><loc> http://www.x.gov.cn/art/2024/5/2/art_1_2.html </loc></url>
  <url><loc>http://www.x.gov.cn/n/3.html</loc>
       <news:news><news:publication_date>2024-05-03T10:00:00Z</news:publication_date></news:news></url>
  <url><loc>javascript:alert(1)</loc></url>
</urlset>""".encode()

RSS = """<?xml version="1.0" encoding="gb2312"?>
<rss version="2.0"><channel><title>新闻</title>
<item><title>第一条</title><link>http://www.x.gov.cn/a/1.html</link>
      <pubDate>Fri, 31 Jan 2020 08:00:00 +0800</pubDate></item>
<item><title>第二条</title><guid isPermaLink="true">http://www.x.gov.cn/a/2.html</guid></item>
<item><title>无链接</title><guid isPermaLink="false">abc-123</guid></item>
</channel></rss>""".encode("gb2312")

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>One</title><link href="/posts/1.html"/><updated>2024-05-01T00:00:00Z</updated></entry>
<entry><title>Two</title><link rel="enclosure" href="/a.mp3"/><link rel="alternate" href="http://x.cn/posts/2.html"/>
       <published>2024-05-02T09:00:00+08:00</published></entry>
</feed>"""


def test_parse_sitemap_index_and_urlset():
    index = parse_listing(SITEMAP_INDEX, "http://www.x.gov.cn/sitemap.xml")
    assert index.kind == "sitemapindex"
    assert index.entries == (Entry("http://www.x.gov.cn/sitemap-news.xml.gz", "2024-05-01"),
                             Entry("http://www.x.gov.cn/sitemap-pages.xml"))
    urlset = parse_listing(gzip.compress(URLSET), "http://www.x.gov.cn/sitemap-news.xml.gz")
    assert urlset.kind == "urlset"
    assert urlset.entries == (
        Entry("http://www.x.gov.cn/art/2024/5/1/art_1_1.html", "2024-05-01T08:30:00+08:00"),
        Entry("http://www.x.gov.cn/art/2024/5/2/art_1_2.html"),
        Entry("http://www.x.gov.cn/n/3.html", "2024-05-03T10:00:00+00:00"),
    )


def test_parse_feeds():
    rss = parse_listing(RSS, "http://www.x.gov.cn/rss.xml")
    assert rss.kind == "rss"
    assert rss.entries == (Entry("http://www.x.gov.cn/a/1.html", "2020-01-31T08:00:00+08:00", "第一条"),
                           Entry("http://www.x.gov.cn/a/2.html", None, "第二条"))
    atom = parse_listing(ATOM, "http://x.cn/feed.atom")
    assert atom.kind == "atom"
    assert atom.entries == (Entry("http://x.cn/posts/1.html", "2024-05-01T00:00:00+00:00", "One"),
                            Entry("http://x.cn/posts/2.html", "2024-05-02T09:00:00+08:00", "Two"))


def test_text_sitemap_and_garbage():
    text = parse_listing(b"\xef\xbb\xbfhttp://x.cn/a.html\n\nhttp://x.cn/b.html\r\nnot a url\n", "http://x.cn/s.txt")
    assert text.kind == "text" and [e.url for e in text.entries] == ["http://x.cn/a.html", "http://x.cn/b.html"]
    assert parse_listing(b"<html><body>404</body></html>").kind == "unknown"
    assert parse_listing(b"\x00\x01binary").kind == "unknown"
    assert parse_listing(b"").kind == "unknown"


def test_dates():
    assert to_iso("2024-05-01") == "2024-05-01" and to_iso("2024-02-30") is None
    assert to_iso("Fri, 31 Jan 2020 08:00:00 GMT") == "2020-01-31T08:00:00+00:00"
    assert to_iso("2024-05-01 nonsense") == "2024-05-01"
    assert to_iso("yesterday") is None and to_iso(None) is None


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset><url><loc>http://x.cn/&lol9;</loc></url></urlset>"""


def test_billion_laughs_is_not_expanded():
    listing = parse_listing(BILLION_LAUGHS, "http://x.cn/sitemap.xml")
    assert all("lol" not in e.url and len(e.url) < 100 for e in listing.entries)


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    doc = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'
           f'<urlset><url><loc>http://x.cn/&xxe;</loc></url></urlset>').encode()
    listing = parse_listing(doc, "http://x.cn/sitemap.xml")
    assert all("TOPSECRET" not in e.url for e in listing.entries)


def test_huge_and_bomb_sitemaps_are_refused():
    with pytest.raises(ResponseTooLargeError):
        parse_listing(b"<urlset>" + b" " * 2000 + b"</urlset>", max_bytes=1000)
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = c.compress(b"<urlset>" + b" " * (20 * 1024 * 1024)) + c.flush()
    with pytest.raises(ResponseTooLargeError, match="after decompression"):
        parse_listing(bomb, max_bytes=1024 * 1024)


# --- discovery over loopback -----------------------------------------------------------------


def _serve(srv: RawServer, path: str, body: bytes, ctype: str = "application/xml", **extra: str) -> None:
    srv.route(path, lambda req, sock: send_response(sock, 200, {"Content-Type": ctype, **extra}, body))


def _fetcher() -> Fetcher:
    return Fetcher(politeness=Politeness(delay=0, per_host_concurrency=4))


def test_sitemaps_via_robots_index_and_gzip():
    with RawServer() as srv:
        base = srv.url("")
        srv.route("/robots.txt", lambda req, sock: send_response(
            sock, 200, {}, f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sm/index.xml\n".encode()))
        _serve(srv, "/sm/index.xml", f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>{base}/sm/news.xml.gz</loc></sitemap>
            <sitemap><loc>{base}/sm/pages.xml</loc></sitemap>
            <sitemap><loc>{base}/sm/missing.xml</loc></sitemap>
            <sitemap><loc>{base}/sm/index.xml</loc></sitemap></sitemapindex>""".encode())
        _serve(srv, "/sm/news.xml.gz", gzip.compress(
            f"<urlset><url><loc>{base}/art/1.html</loc><lastmod>2024-05-01</lastmod></url></urlset>".encode()),
            "application/x-gzip")
        _serve(srv, "/sm/pages.xml", gzip.compress(
            f"<urlset><url><loc>{base}/about.html</loc></url></urlset>".encode()), "application/xml",
            **{"Content-Encoding": "gzip"})
        _serve(srv, "/sitemap.xml", f"<urlset><url><loc>{base}/from-default.html</loc></url></urlset>".encode())
        errors = []

        async def main():
            async with _fetcher() as f:
                robots = await f.robots_for(base + "/")

                async def get(url):
                    return (await f.fetch(url)).fetched.body

                found = [e async for e in walk_sitemaps(get, sitemap_candidates(base + "/", robots.sitemaps),
                                                        on_error=lambda u, e: errors.append(u))]
                return found

        found = asyncio.run(main())
    # breadth first: /sitemap.xml (a start URL) before the index's children
    assert found == [Entry(f"{base}/from-default.html"), Entry(f"{base}/art/1.html", "2024-05-01"),
                     Entry(f"{base}/about.html")]
    assert errors == [f"{base}/sm/missing.xml"]
    assert srv.hits("/sm/index.xml") == 1  # an index listing itself is read once


def test_walk_sitemaps_caps_the_number_of_files():
    calls = []

    async def fetch(url):
        calls.append(url)
        n = int(url.rsplit("/", 1)[1].split(".")[0])
        return f"<sitemapindex><sitemap><loc>http://x.cn/{n + 1}.xml</loc></sitemap></sitemapindex>".encode()

    async def main():
        return [e async for e in walk_sitemaps(fetch, ["http://x.cn/0.xml"], max_files=5)]

    assert asyncio.run(main()) == [] and len(calls) == 5


def test_feeds_found_from_a_page():
    with RawServer() as srv:
        base = srv.url("")
        home = (f'<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
                f'<link rel="alternate" type="application/atom+xml" href="{base}/atom.xml"></head>'
                f'<body><a href="/art/1.html">a</a></body></html>').encode()
        _serve(srv, "/", home, "text/html; charset=utf-8")
        _serve(srv, "/rss.xml", RSS, "application/rss+xml")
        _serve(srv, "/atom.xml", ATOM, "application/atom+xml; charset=utf-8")

        async def main():
            async with _fetcher() as f:
                page = await f.fetch(base + "/")
                feeds = feed_links(page.fetched.body.decode(), page.final_url)
                out = []
                for feed in feeds:
                    result = await f.fetch(feed)
                    out.append(parse_listing(result.fetched.body, result.final_url))
                return feeds, out

        feeds, listings = asyncio.run(main())
    assert feeds == [f"{base}/rss.xml", f"{base}/atom.xml"]
    assert [l.kind for l in listings] == ["rss", "atom"]
    assert [e.url for e in listings[1].entries] == [f"{base}/posts/1.html", "http://x.cn/posts/2.html"]
