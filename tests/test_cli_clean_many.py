"""`scraper clean` for many inputs (-i, -j, -o, JSON Lines), `scraper.clean_many`, and the
messages for inputs that cannot be read (ftp://, a host typed without http://, a
missing file, a selector that matches nothing)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug.wrappers import Response

import scraper
from scraper.cli import main
from scraper.many import output_name, unique_names
from scraper.sources.inputs import missing_hint, resolve_input
from scraper.errors import InputError

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
TRS = PAGES / "gov-city-gbk-trs.html"
TONGWEI = PAGES / "party-org-gb2312-tongwei.html"
EN = PAGES / "en-news-local.html"


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def test_input_list_file_gives_json_lines_in_its_order(tmp_path):
    listing = tmp_path / "inputs.txt"
    listing.write_text(f"# three pages\n{TONGWEI}\n\n{EN}\n{TRS}\n", encoding="utf-8")
    r = run("clean", "-i", listing, "--format", "json")
    assert r.exit_code == 0, r.output
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["url"].rsplit("/", 1)[-1] for d in docs] == [TONGWEI.name, EN.name, TRS.name]
    assert docs[0]["title"] == "通渭县强化政治保证大打疫情防控阻击战"


def test_input_list_from_stdin_and_arguments_together():
    r = run("clean", "-i", "-", str(EN), "--format", "json", input=f"{TRS}\n{TONGWEI}\n")
    assert r.exit_code == 0, r.output
    names = [json.loads(line)["url"].rsplit("/", 1)[-1] for line in r.stdout.splitlines()]
    assert names == [TRS.name, TONGWEI.name, EN.name]


def test_a_missing_input_list_is_a_usage_error(tmp_path):
    r = run("clean", "-i", tmp_path / "nope.txt")
    assert r.exit_code == 2
    assert "nope.txt: no such file" in r.stderr


def test_no_inputs_at_all_is_a_usage_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    r = run("clean", "-i", empty)
    assert r.exit_code == 2 and "no inputs" in r.stderr


@pytest.fixture()
def threaded_server():
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_parallel_jobs_overlap_and_keep_the_input_order(threaded_server):
    """The first URL answers only once the others were requested: a sequential clean
    would wait for it first; the output must still start with it."""
    httpserver = threaded_server
    others = [f"/art/{n}.html" for n in range(3)]
    requested: set[str] = set()
    all_requested = threading.Event()
    lock = threading.Lock()

    def fast(request):
        with lock:
            requested.add(request.path)
            if requested >= set(others):
                all_requested.set()
        return Response(TONGWEI.read_bytes(), content_type="text/html; charset=gb2312")

    def slow(request):
        overlapped = all_requested.wait(timeout=60)
        page = TRS if overlapped else EN  # a sequential run would get the English page: the test fails
        return Response(page.read_bytes(), content_type="text/html; charset=gb2312")

    httpserver.expect_request("/first.html").respond_with_handler(slow)
    for path in others:
        httpserver.expect_request(path).respond_with_handler(fast)
    urls = [httpserver.url_for("/first.html")] + [httpserver.url_for(p) for p in others]
    r = run("clean", "-j", "4", "--format", "json", *urls)
    assert r.exit_code == 0, r.output
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["url"] for d in docs] == urls
    assert docs[0]["title"] == "市政府召开新型冠状病毒感染的肺炎疫情防控工作专题会议"


def test_output_dir_one_file_per_input_named_from_url_or_path(tmp_path, httpserver):
    httpserver.expect_request("/Item/15832.aspx").respond_with_data(
        TRS.read_bytes(), content_type="text/html; charset=gb2312")
    url = httpserver.url_for("/Item/15832.aspx")
    copy = tmp_path / "again" / TRS.name
    copy.parent.mkdir()
    copy.write_bytes(TRS.read_bytes())
    out = tmp_path / "out"
    r = run("clean", "-o", out, "--format", "json", "-j", "2", url, TRS, copy)
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    host = url.split("/")[2].split(":")[0]
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{host}_Item_15832.json", "gov-city-gbk-trs.json", "gov-city-gbk-trs-2.json"])
    doc = json.loads((out / "gov-city-gbk-trs.json").read_text(encoding="utf-8"))
    assert doc["title"] == "市政府召开新型冠状病毒感染的肺炎疫情防控工作专题会议"
    assert "wrote 3 files" in r.stderr
    r = run("clean", "-o", out, "--format", "markdown", TONGWEI)
    assert (out / "party-org-gb2312-tongwei.md").read_text(encoding="utf-8").startswith("# 通渭县")


def test_save_with_parallel_jobs_stores_every_page(tmp_path):
    from scraper.store import Store

    db = tmp_path / "s.db"
    r = run("clean", "--save", "--db", db, "-j", "2", "--format", "json", TRS, TONGWEI, tmp_path / "gone.html")
    assert r.exit_code == 1
    with Store.open(db) as store:
        assert store.stats().documents == 2
        assert store.run(1).new == 2


def test_failures_are_reported_once_each_and_the_rest_goes_on(tmp_path):
    missing = tmp_path / "missing.html"
    r = run("clean", "ftp://ftp.example.gov.cn/pub/a.html", "www.example.com", str(missing), TRS)
    assert r.exit_code == 1
    assert "副市长王镕主持会议并讲话" in r.stdout
    err = r.stderr
    assert "ftp://ftp.example.gov.cn/pub/a.html: unsupported URL scheme 'ftp'" in err
    assert "ftp:/ftp" not in err
    assert "www.example.com: no such file (did you mean http://www.example.com?)" in err
    assert err.count(str(missing)) == 1
    assert "3 of 4 inputs failed" in err


def test_a_selector_that_matches_nothing_says_so():
    r = run("clean", "--selector", "div.nonexistent", TRS)
    assert r.exit_code == 1
    assert "selector 'div.nonexistent' matched nothing" in r.stderr
    assert "no main content" not in r.stderr
    with pytest.raises(scraper.SelectorMatchedNothingError):
        scraper.clean(TRS.read_bytes(), "http://x.gov.cn/a.html", config=scraper.CleanConfig(body_selector="#none"))


def test_a_selector_that_matches_an_empty_element_is_no_content():
    html = "<html><body><div id=zoom></div><div class=nav><a href=/>首页</a></div></body></html>"
    with pytest.raises(scraper.NoContentError) as info:
        scraper.clean(html, "http://x.gov.cn/a.html", config=scraper.CleanConfig(body_selector="#zoom"))
    assert not isinstance(info.value, scraper.SelectorMatchedNothingError)


def test_clean_many_python_twin(tmp_path):
    results = list(scraper.clean_many([str(TRS), "nope.html", str(TONGWEI)], workers=2))
    assert [r.input for r in results] == [str(TRS), "nope.html", str(TONGWEI)]
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error == "nope.html: no such file" and results[1].error_type == "InputError"
    assert results[2].document.title == "通渭县强化政治保证大打疫情防控阻击战"
    inline = list(scraper.clean_many([str(TRS)], workers=1, keep_fetched=True))
    assert inline[0].fetched.body == TRS.read_bytes()


@pytest.mark.parametrize("arg, kind", [
    ("-", "stdin"), ("http://x.cn/a.html", "url"), ("HTTPS://x.cn/", "url"), ("page.html", "file"),
    ("file:///tmp/a%20b.html", "file"), ("C:\\pages\\a.html", "file"),
])
def test_resolve_input(arg, kind):
    inp = resolve_input(arg)
    assert inp.kind == kind
    if arg.startswith("file:"):
        assert inp.location == "/tmp/a b.html"


@pytest.mark.parametrize("arg", ["ftp://x.cn/a", "gopher://x.cn/", "http:///no-host"])
def test_resolve_input_refuses(arg):
    with pytest.raises(InputError):
        resolve_input(arg)


@pytest.mark.parametrize("arg, hint", [
    ("www.example.com", True), ("example.gov.cn/a.html", True), ("www.x.cn/art/1.html", True),
    ("page.html", False), ("fixtures/pages/x.html", False), ("notes.txt", False), ("www.html", False),
])
def test_missing_hint(arg, hint):
    assert bool(missing_hint(arg)) is hint


def test_output_names():
    assert output_name("http://www.example.gov.cn/Item/15832.aspx", "markdown") == "www.example.gov.cn_Item_15832.md"
    assert output_name("http://x.cn/a/b/?id=3", "json") == "x.cn_a_b_id_3.json"
    assert output_name("http://x.cn/", "text") == "x.cn.txt"
    assert output_name("fixtures/pages/gov.shtml", "text") == "gov.txt"
    assert output_name("-", "json", url="http://x.cn/a.html") == "x.cn_a.json"
    assert output_name("-", "text") == "stdin.txt"
    assert "/" not in output_name("http://x.cn/../../etc/passwd", "text")
    long = output_name("http://x.cn/" + "a" * 500, "text")
    assert len(long) <= 130 and long.endswith(".txt")
    assert unique_names(["a.txt", "A.txt", "a.txt", "a-2.txt"]) == ["a.txt", "A-2.txt", "a-3.txt", "a-2-2.txt"]


def test_stdin_as_one_of_several_inputs_with_parallel_jobs():
    r = CliRunner().invoke(main, ["clean", "-j", "2", "--format", "json", str(TONGWEI), "-", str(EN)],
                           input=TRS.read_bytes())
    assert r.exit_code == 0, r.output
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["url"] for d in docs][1] == "stdin:"
    assert docs[1]["title"] == "市政府召开新型冠状病毒感染的肺炎疫情防控工作专题会议"
    assert docs[0]["url"].endswith(TONGWEI.name) and docs[2]["url"].endswith(EN.name)
