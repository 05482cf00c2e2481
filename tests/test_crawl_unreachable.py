"""A site that could not be reached in a run (seeds on a dead port, robots.txt answering
5xx, timing out, or a gzip bomb) yielded nothing: the run names it and exits 1, though
every one of its URLs was only deferred. A site with nothing due is not a failure."""

from __future__ import annotations

import gzip
import time

import pytest
from click.testing import CliRunner
from crawlkit import article, config, crawl, list_page
from httpserv import RawServer, closed_port, page, send_response

from scraper.cli import main
from scraper.crawl.config import config_from_dict
from scraper.store import Store

LIMITS = {"connect_timeout": 1, "read_timeout": 1, "total_timeout": 1, "max_redirects": 5,
          "max_body_bytes": "1MB", "max_wire_bytes": "1MB"}


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.db") as s:
        yield s


def _stall(req, sock):
    time.sleep(3)


def _bomb(req, sock):
    send_response(sock, 200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"},
                  gzip.compress(b"\0" * (4 * 1024 * 1024), 9))


@pytest.mark.parametrize("robots,why", [
    (lambda req, sock: send_response(sock, 503, {}), "robots.txt answered HTTP 503"),
    (_stall, "timed out"),
    (_bomb, "too large"),
])
def test_a_site_whose_robots_txt_fails_is_named_unreachable(store, robots, why):
    with RawServer() as srv:
        srv.route("/robots.txt", robots)
        srv.route("/", page(list_page(["/art_1_1.html"])))
        summary = crawl(config(srv.url("/"), crawl={"limits": LIMITS}), store)
        assert srv.hits("/") == 0
    assert summary.status == "ok" and summary.deferred == 1 and summary.failed == 0
    assert list(summary.unreachable) == ["t"] and why in summary.unreachable["t"]
    assert not summary.ok


def _two_sites(good: str, dead: str):
    return config_from_dict({"crawl": {"delay": 0, "limits": LIMITS},
                             "sites": [{"name": "good", "seeds": [good]}, {"name": "typo", "seeds": [dead]}]})


def test_a_dead_site_beside_a_good_one_fails_the_run_and_only_it_is_named(store):
    dead = f"http://127.0.0.1:{closed_port()}/"
    with RawServer() as srv:
        srv.route("/", page(list_page(["/art_1_1.html"])))
        srv.route("/art_1_1.html", page(article(1)))
        summary = crawl(_two_sites(srv.url("/"), dead), store)
    assert summary.new == 1 and list(summary.unreachable) == ["typo"]
    assert "cannot connect" in summary.unreachable["typo"]
    with Store.open(store.path) as again:  # recorded in the runs table
        row = again.conn.execute("SELECT unreachable FROM runs WHERE id = ?", (summary.run_id,)).fetchone()
        assert "typo" in row[0]


def test_nothing_due_is_not_unreachable(store):
    with RawServer() as srv:
        srv.route("/", page(list_page(["/art_1_1.html"])))
        srv.route("/art_1_1.html", page(article(1)))
        cfg = config(srv.url("/"))
        first = crawl(cfg, store)
    second = crawl(cfg, store)  # the server is gone, but nothing was due
    assert first.ok and second.fetched == 0 and second.unreachable == {} and second.ok


def test_the_cli_exits_1_and_names_the_site(tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[crawl]\ndelay = 0\n[crawl.limits]\nconnect_timeout = 1\n\n'
                     f'[[sites]]\nname = "mistyped"\nseeds = ["http://127.0.0.1:{closed_port()}/"]\n',
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["crawl", str(sites), "--db", str(tmp_path / "s.db"), "--workers", "0"])
    assert result.exit_code == 1
    assert "site mistyped could not be reached: robots_unavailable: robots.txt unreachable" in result.stderr
    assert "unreachable sites 1 (mistyped)" in result.stderr  # the summary, once, on stderr
    assert result.stdout == ""
    quiet = CliRunner().invoke(main, ["crawl", str(sites), "--db", str(tmp_path / "q.db"), "--workers", "0", "-q"])
    assert quiet.exit_code == 1 and "unreachable sites 1 (mistyped)" in quiet.stderr
