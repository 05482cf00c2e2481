"""`scraper crawl URL` (a one-off crawl without TOML) and `scraper discover URL` (what a
site's sitemaps and feeds list, pages unfetched), against fixtures/site on loopback."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from httpserv import RawServer, localhost, page, robots

from scraper.cli import main
from scraper.crawl.config import config_for_url
from scraper.crawl.survey import discover
from scraper.errors import ConfigError

SITE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "site"
sys.path.insert(0, str(SITE_DIR))
import serve  # noqa: E402  (fixtures/site/serve.py)


class RecordingHandler(serve.SiteHandler):
    def do_GET(self) -> None:  # noqa: N802
        with self.server.lock:  # type: ignore[attr-defined]
            self.server.requested.append(self.path)  # type: ignore[attr-defined]
        super().do_GET()


@pytest.fixture()
def site():
    server = serve.SiteServer(0)
    server.RequestHandlerClass = RecordingHandler
    server.requested, server.lock = [], threading.Lock()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.shutdown()


def listed_by_fixture_files(origin: str) -> set[str]:
    """The <loc>s of the site's sitemap and the <link>s of its RSS items, read from the files."""
    routes = serve.load_site()["routes"]
    sitemap = (SITE_DIR / "www" / routes["/sitemap.xml"]["file"]).read_text(encoding="utf-8")
    rss = (SITE_DIR / "www" / routes["/rss.xml"]["file"]).read_text(encoding="utf-8")
    items = re.findall(r"<item>.*?<link>(.*?)</link>", rss, re.S)
    return {u.replace("{ORIGIN}", origin) for u in re.findall(r"<loc>(.*?)</loc>", sitemap) + items}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_discover_lists_sitemap_and_feed_urls_without_fetching_pages(site):
    r = run("discover", site.origin + "/", "--delay", "0")
    assert r.exit_code == 0, r.output
    urls = r.stdout.splitlines()
    expected = listed_by_fixture_files(site.origin)
    assert set(urls) == expected and len(urls) == len(expected)  # each once
    assert f"{len(expected)} URLs listed" in r.stderr
    assert set(site.requested) == {"/robots.txt", "/sitemap.xml", "/", "/rss.xml"}  # no article fetched


def test_discover_json_says_where_each_url_came_from(site):
    r = run("discover", site.origin + "/", "--delay", "0", "--json")
    assert r.exit_code == 0, r.output
    items = [json.loads(line) for line in r.stdout.splitlines()]
    vias = {item["via"] for item in items}
    assert vias == {"sitemap", "feed"}
    feed_items = [i for i in items if i["via"] == "feed"]
    assert all(i["listing"] == site.origin + "/rss.xml" and i["title"] and i["date"] for i in feed_items)


def test_discover_python_twin_and_a_feed_given_directly(site):
    listed = discover(site.origin + "/rss.xml", delay=0)
    assert {x.url for x in listed} == listed_by_fixture_files(site.origin)


def test_discover_a_site_without_listings_exits_1():
    with RawServer() as srv:
        srv.route("/", page(b"<html><body><p>nothing listed here</p></body></html>"))
        r = run("discover", srv.url("/"), "--delay", "0")
    assert r.exit_code == 1
    assert "no sitemap or feed of this site lists any URL" in r.stderr
    assert "sitemap.xml" not in r.stderr  # a missing default /sitemap.xml is no warning


def test_discover_escapes_control_characters_from_the_web():
    with RawServer() as srv:
        srv.route("/robots.txt", robots(f"Sitemap: {srv.url('/s.txt')}\n"))  # a text sitemap: one URL a line
        srv.route("/s.txt", page(srv.url("/a\x1b[31mred.html").encode() + b"\n", {"Content-Type": "text/plain"}))
        r = run("discover", srv.url("/"), "--delay", "0")
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.stdout and "\\x1b[31mred.html" in r.stdout


def test_discover_requests_nothing_outside_the_start_urls_host():
    """As in a crawl (issue 8 item 7): a Sitemap: line, a feed or a redirect to another
    host is named in a warning and never requested (here: localhost, beside 127.0.0.1)."""
    with RawServer() as srv:
        elsewhere = localhost(srv.url("/elsewhere.xml"))
        srv.route("/robots.txt", robots(f"Sitemap: {elsewhere}\nSitemap: {srv.url('/s.txt')}\n"))
        srv.route("/s.txt", page(srv.url("/a.html").encode() + b"\n", {"Content-Type": "text/plain"}))
        srv.route("/", page(f'<html><head><link rel="alternate" type="application/rss+xml" '
                            f'href="{localhost(srv.url("/feed.xml"))}"></head><body><p>home</p></body></html>'.encode()))
        srv.route("/elsewhere.xml", page(b"<urlset><url><loc>http://evil.example/x.html</loc></url></urlset>"))
        srv.route("/feed.xml", page(b"<rss><channel><item><link>http://evil.example/y.html</link></item></channel></rss>"))
        r = run("discover", srv.url("/"), "--delay", "0")
        hits = (srv.hits("/elsewhere.xml"), srv.hits("/feed.xml"))
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [srv.url("/a.html")]
    assert hits == (0, 0)
    assert f"sitemap {elsewhere}: not requested: {elsewhere} is outside the allowed hosts" in r.stderr
    assert "feed http://localhost:" in r.stderr and "outside the allowed hosts" in r.stderr


def test_discover_needs_an_http_url():
    r = run("discover", "ftp://x.cn/")
    assert r.exit_code == 2 and "http:// or https://" in r.stderr


def test_one_off_crawl_of_a_url_uses_its_host_and_defaults(site, tmp_path):
    db = tmp_path / "s.db"
    r = run("crawl", site.origin + "/", "--max-pages", "3", "--db", db, "--workers", "0", "--quiet")
    assert r.exit_code in (0, 1), r.output
    conn = sqlite3.connect(db)
    try:
        run_row = conn.execute("SELECT status, fetched, config FROM runs").fetchone()
        sites = {s for (s,) in conn.execute("SELECT DISTINCT site FROM frontier")}
        pages = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    finally:
        conn.close()
    assert run_row[0] == "ok" and 1 <= run_row[1] <= 3 and pages <= 3
    assert sites == {"127.0.0.1"}  # the site is named after the seed's host
    articles = [p for p in site.requested if p.startswith("/art/")]
    assert len(articles) <= 3


def test_config_for_url():
    config = config_for_url("http://www.example.gov.cn/col/col1/index.html", max_pages=200)
    (site,) = config.sites
    assert site.name == "www.example.gov.cn" and site.allowed_hosts == ("www.example.gov.cn",)
    assert site.max_pages == 200 and site.delay == 1.0 and config.obey_robots
    with pytest.raises(ConfigError, match="not an absolute http"):
        config_for_url("www.example.gov.cn")


def test_crawl_argument_errors(tmp_path):
    r = run("crawl", "ftp://x.cn/", "--db", tmp_path / "s.db")
    assert r.exit_code == 2 and "unsupported URL scheme 'ftp'" in r.stderr
    r = run("crawl", "www.example.gov.cn", "--db", tmp_path / "s.db")
    assert r.exit_code == 2 and "did you mean http://www.example.gov.cn?" in r.stderr
