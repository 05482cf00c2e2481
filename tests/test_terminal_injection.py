"""Nothing from the web reaches the terminal as markup or control codes: a real
loopback crawl of a site whose URLs and titles carry rich markup, 8-bit CSI
sequences and bidi overrides, shown through rich on a (forced) terminal, then
through every store command and `clean`."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawlkit import config, crawl
from httpserv import RawServer, page
from rich.console import Console

from scraper.cli import main
from scraper.crawl.commit import Written
from scraper.crawl.progress import LogProgress, RichProgress, Snapshot, short_line, summary_table
from scraper.models import PageRecord
from scraper.store import Store
from scraper.terminal import safe_json, terminal_line, terminal_safe

HOSTILE_LINKS = ["/404[/x].html", "/[link=http://evil.example/]click[/link].html", "/[blink]x[/blink].html",
                 "/:warning:[bold].html"]
PLAIN_404 = [f"/gone_{i}.html" for i in range(5)]
# lxml drops C0 controls from titles; C1 (0x9b is CSI on 8-bit terminals) and bidi marks survive.
TITLE = "县政府通知\x9b5m闪烁\x9b0m \u202e反转 [blink]x[/blink] [link=http://evil.example/]y[/link]"
ESCAPED_TITLE = "县政府通知\\x9b5m闪烁\\x9b0m \\u202e反转 [blink]x[/blink] [link=http://evil.example/]y[/link]"
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _article_html(title: str) -> bytes:
    paras = "".join(f"<p>第{i}段：县政府召开专题会议，研究部署重点项目建设和疫情防控常态化工作，"
                    f"要求各部门狠抓落实，确保各项任务按期完成，惠及全县群众。</p>" for i in range(5))
    return (f"<html><head><meta charset=utf-8><title>{title}</title></head><body>"
            f"<div class=content><h1>{title}</h1>{paras}</div></body></html>").encode("utf-8")


def _hostile_site(srv: RawServer) -> None:
    links = "".join(f"<li><a href='{h}'>链接{i}</a></li>" for i, h in enumerate(HOSTILE_LINKS + PLAIN_404))
    links += "<li><a href='/art_1_1.html'>通知</a></li>"
    srv.route("/", page(f"<html><head><title>首页</title></head><body><ul>{links}</ul></body></html>".encode(),
                        {"Content-Type": "text/html; charset=utf-8"}))
    srv.route("/art_1_1.html", page(_article_html(TITLE), {"Content-Type": "text/html; charset=utf-8"}))


def _terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=80, color_system="truecolor"), out


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of the hostile site on a forced terminal; its output and its store."""
    db = tmp_path_factory.mktemp("inj") / "s.db"
    console, out = _terminal()
    with RawServer() as srv:
        _hostile_site(srv)
        progress = RichProgress(console=console)
        with Store.open(db) as store:
            summary = crawl(config(srv.url("/")), store, progress=progress)
        console.print(summary_table(summary))
        base = srv.url("")
    return {"db": db, "out": out.getvalue(), "summary": summary, "progress": progress, "base": base}


def test_the_crawl_survives_urls_that_are_rich_markup(crawled):
    summary = crawled["summary"]
    assert summary.status == "ok"
    assert summary.failed_by_reason == {"http_404": len(HOSTILE_LINKS) + len(PLAIN_404)}


def _plain(text: str) -> str:
    """Terminal output without its colour and cursor sequences."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_failures_are_grouped_at_the_end_with_urls_printed_as_written(crawled):
    out = _plain(crawled["out"])
    assert "9 failed pages, by reason:" in out and "http_404 (9)" in out
    shown = [h for h in HOSTILE_LINKS + PLAIN_404 if crawled["base"] + h in out]
    assert len(shown) == 3, out  # a few examples per reason, not one line per failure
    assert "... and 6 more" in out
    assert f"WHERE run_id = {crawled['summary'].run_id} AND error IS NOT NULL" in " ".join(out.split())


def _blinks(out: str) -> bool:
    """Any SGR sequence turning on blink (5 or 6), colour arguments (38;5;n ...) aside."""
    for params in re.findall(r"\x1b\[([0-9;]*)m", out):
        codes = params.split(";")
        i = 0
        while i < len(codes):
            if codes[i] in ("38", "48", "58"):
                i += 3 if codes[i + 1:i + 2] == ["5"] else 5
                continue
            if codes[i] in ("5", "6"):
                return True
            i += 1
    return False


def test_no_hyperlink_blink_or_emoji_is_planted(crawled):
    out = crawled["out"]
    assert "\x1b]8;" not in out  # OSC 8 = a terminal hyperlink
    assert not _blinks(out)
    assert "⚠" not in out  # :warning: stays text


def test_the_bar_counts_failures_and_shows_an_eta_within_80_columns(crawled):
    progress = crawled["progress"]
    console, out = _terminal()
    console.print(progress.bar.make_tasks_table(progress.bar.tasks))
    line = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue()).rstrip("\n")
    assert "\n" not in line and len(line) <= 80, line
    assert "9 failed" in line
    assert len(re.findall(r"\d:\d\d:\d\d|-:--:--", line)) == 2, line  # elapsed and time remaining


def test_short_line_fits_with_large_counts():
    text = short_line(Snapshot(counts={"new": 123456, "failed": 9999}, queued=987654, elapsed=100.0))
    assert text == "133455 done, 987654 queued, 9999 failed, 1335/s" and len(text) <= 48


def test_log_lines_make_control_characters_visible():
    out = io.StringIO()
    log = LogProgress(out=out)
    log.visit("http://x.cn/a\x1b[2J\r.html", Written("failed", "http_404"))
    line = out.getvalue()
    assert "\x1b" not in line and "\r" not in line
    assert line.endswith("failed http_404: http://x.cn/a\\x1b[2J\\r.html\n")


def test_the_crawl_command_on_a_terminal_prints_bar_groups_and_table_once_on_stderr(tmp_path):
    cfg = tmp_path / "sites.toml"
    with RawServer() as srv:
        _hostile_site(srv)
        cfg.write_text(f'[crawl]\ndelay = 0\n[[sites]]\nname = "t"\nseeds = ["{srv.url("/")}"]\n', encoding="utf-8")
        master, slave = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "scraper", "crawl", str(cfg), "--db", str(tmp_path / "s.db"),
                                 "--workers", "0"], stdout=subprocess.PIPE, stderr=slave,
                                env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        os.close(slave)
        shown = _read_all(master)
        stdout = proc.stdout.read()
        assert proc.wait(timeout=120) == 1
    assert stdout == b""
    text = _plain(shown.decode("utf-8"))
    assert "Traceback" not in text and "MarkupError" not in text
    assert " ".join(text.split()).count("9 failed pages, by reason: http_404 (9)") == 1
    assert text.count("crawl run 1: ok") == 1 and "└" in text  # the table, once
    assert "\x1b]8;" not in shown.decode("utf-8") and not _blinks(shown.decode("utf-8"))


def _read_all(master: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return b"".join(chunks)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _assert_safe(output: str) -> None:
    assert not RAW_CONTROLS.search(output), repr(output)


def test_the_hostile_title_is_stored_as_it_came(crawled):
    with Store.open(crawled["db"], readonly=True) as store:
        doc = store.get(crawled["base"] + "/art_1_1.html").document
    assert doc.title == TITLE  # the data is kept; only what is printed is escaped


@pytest.mark.parametrize("command", [["search", "专题会议"], ["show", "/art_1_1.html"], ["changes"], ["stats"]],
                         ids=lambda c: c[0])
def test_store_commands_print_web_text_escaped(crawled, command):
    args = [crawled["base"] + a if a.startswith("/") else a for a in command]
    result = run(*args, "--db", crawled["db"])
    assert result.exit_code == 0, result.output
    _assert_safe(result.output)
    if command[0] in ("search", "show", "changes"):
        assert ESCAPED_TITLE in result.stdout


@pytest.mark.parametrize("command", [["search", "专题会议", "--json"], ["show", "/art_1_1.html", "--format", "json"],
                                     ["changes", "--json"], ["export"]], ids=lambda c: c[0])
def test_json_output_escapes_controls_and_keeps_the_value(crawled, command):
    args = [crawled["base"] + a if a.startswith("/") else a for a in command]
    result = run(*args, "--db", crawled["db"])
    assert result.exit_code == 0, result.output
    _assert_safe(result.output)
    assert "\\u009b" in result.stdout and "\\u202e" in result.stdout
    if command[0] == "search":
        assert json.loads(result.stdout)["hits"][0]["title"] == TITLE
    elif command[0] == "show":
        assert json.loads(result.stdout)["document"]["title"] == TITLE
    else:
        titles = [json.loads(line).get("title") for line in result.stdout.splitlines()]
        assert TITLE in titles


def test_show_prints_the_page_kind_and_its_reason_escaped(tmp_path):
    """Whatever the store holds (another tool may have written it) is printed escaped."""
    db, url = tmp_path / "s.db", "http://www.example.gov.cn/col/col1/index.html"
    with Store.open(db) as store:
        store.save(PageRecord(url, body=b"<ul><li>x</li></ul>", status=200, kind="list",
                              kind_reason="a list\x1b[2J\x9b5m of links\u202e\n(url:col)"))
    result = run("show", url, "--db", db)
    assert result.exit_code == 0, result.output
    _assert_safe(result.output)
    assert "kind: list (a list\\x1b[2J\\x9b5m of links\\u202e\\n(url:col))" in result.stdout
    assert "(no document: a list page, crawled for its links)" in result.stdout


def test_unreachable_sites_are_named_escaped_in_logs_and_the_table():
    from scraper.crawl.summary import RunSummary

    summary = RunSummary(run_id=7, status="ok", started_at="2024-05-19T08:00:00Z", finished_at=None,
                         unreachable={"[blink]县\x9b5m": "connect: refused by\x1b]8;;http://evil.example/\x07 x"})
    out = io.StringIO()
    LogProgress(out=out).finish(summary)
    _assert_safe(out.getvalue())
    assert "site [blink]县\\x9b5m could not be reached: connect: refused by\\x1b]8;;" in out.getvalue()
    assert "unreachable sites 1 ([blink]县\\x9b5m)" in out.getvalue()
    console, shown = _terminal()
    console.print(summary_table(summary))
    table = shown.getvalue()
    assert "\x1b]8;" not in table and not _blinks(table)
    assert "[blink]县\\x9b5m" in _plain(table)


def _on_a_pty(*args: str) -> str:
    """Run `python -m scraper ARGS` with stdout on a pseudo-terminal; what it printed there."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "scraper", *args], stdout=slave, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    os.close(slave)
    shown = _read_all(master)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    return shown.decode("utf-8").replace("\r\n", "\n")


def test_csv_export_to_a_terminal_is_escaped_and_to_a_file_is_exact(crawled, tmp_path):
    shown = _on_a_pty("export", "--format", "csv", "--db", str(crawled["db"]))
    _assert_safe(shown)
    assert ESCAPED_TITLE in shown
    out = tmp_path / "docs.csv"
    assert run("export", "--format", "csv", "-o", out, "--db", crawled["db"]).exit_code == 0
    with open(out, newline="", encoding="utf-8") as fh:
        assert [row["title"] for row in csv.DictReader(fh)] == [TITLE]


def test_search_on_a_terminal_colours_highlights_of_escaped_text(crawled):
    shown = _on_a_pty("search", "闪烁", "--db", str(crawled["db"]))
    assert "\x1b[31m\x1b[1m闪烁\x1b[0m" in shown  # our own highlight, and nothing else from the page
    _assert_safe(_plain(shown))


def test_clean_prints_the_title_and_errors_escaped(tmp_path):
    path = tmp_path / "a.html"
    path.write_bytes(_article_html(TITLE))
    result = run("clean", path, "--format", "markdown")
    assert result.exit_code == 0
    _assert_safe(result.output)
    assert result.stdout.startswith(f"# {ESCAPED_TITLE}\n")
    result = run("clean", path, "--format", "json")
    _assert_safe(result.output)
    assert json.loads(result.stdout)["title"] == TITLE
    missing = tmp_path / "gone\x1b[5m\r.html"
    result = run("clean", missing)
    assert result.exit_code == 1
    _assert_safe(result.stderr)
    assert "gone\\x1b[5m\\r.html" in result.stderr


def test_the_escapers():
    assert terminal_line("a\tb\nc\rd\x1b\x07\x7f\x9b\u202e\u2066") == "a\\tb\\nc\\rd\\x1b\\x07\\x7f\\x9b\\u202e\\u2066"
    assert terminal_safe("line 1\n\tline 2\x1b[31m") == "line 1\n\tline 2\\x1b[31m"
    value = {"t": "a\x1b\x9b\u202e\x7f\u2028b"}
    text = safe_json(value)
    assert json.loads(text) == value and not RAW_CONTROLS.search(text) and "\u2028" not in text
    assert terminal_line("普通的标题 [not markup]") == "普通的标题 [not markup]"


# --- the commands of issue 10 (clean -i/-o, changes --diff, runs, discover) go through
# --- the same scraper.terminal escapers ------------------------------------------------


def test_changes_diff_prints_old_and_new_web_text_escaped(tmp_path):
    db, path, url = tmp_path / "s.db", tmp_path / "a.html", "http://www.example.gov.cn/art_1.html"
    path.write_bytes(_article_html("县政府通知"))
    assert run("clean", path, "--url", url, "--save", "--db", db).exit_code == 0
    page_html = _article_html("县政府通知").replace(b"</div>", "<p>补充：\x9b5m闪烁\u202e反转\x1b]8;;http://evil/\x1b\\链接</p></div>".encode())
    path.write_bytes(page_html)
    assert run("clean", path, "--url", url, "--save", "--db", db).exit_code == 0
    result = run("changes", "--diff", "--db", db)
    assert result.exit_code == 0, result.output
    _assert_safe(result.output)
    assert "+补充：\\x9b5m闪烁\\u202e反转" in result.stdout
    result = run("changes", "--diff", "--json", "--db", db)
    _assert_safe(result.output)
    diffs = [json.loads(line).get("diff") for line in result.stdout.splitlines()]
    assert any(d and "\x9b5m闪烁\u202e反转" in d for d in diffs)  # the value intact, only escaped


def test_runs_lists_the_hostile_crawl_safely(crawled):
    for args in (["runs"], ["runs", "--json"]):
        result = run(*args, "--db", crawled["db"])
        assert result.exit_code == 0, result.output
        _assert_safe(result.output)
        assert "http_404" in result.stdout


def test_clean_of_many_inputs_escapes_headers_and_writes_files_escaped(tmp_path):
    hostile = tmp_path / "b\x1b[5m.html"
    plain = tmp_path / "a.html"
    for p in (hostile, plain):
        p.write_bytes(_article_html(TITLE))
    listing = tmp_path / "inputs.txt"
    listing.write_text(f"{plain}\n{hostile}\n", encoding="utf-8")
    result = run("clean", "-i", listing, "-j", "2")
    assert result.exit_code == 0, result.output
    _assert_safe(result.output)
    assert f"==> {tmp_path}/b\\x1b[5m.html <==" in result.stdout
    out = tmp_path / "out"
    result = run("clean", "-i", listing, "-o", out, "--format", "markdown")
    assert result.exit_code == 0, result.output
    written = sorted(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert len(written) == 2 and all(w.startswith(f"# {ESCAPED_TITLE}\n") for w in written)


def test_discover_json_escapes_c1_and_bidi_and_keeps_the_value():
    with RawServer() as srv:
        hostile = srv.url("/a\x9b5m\u202e.html")
        srv.route("/robots.txt", page(f"Sitemap: {srv.url('/s.txt')}\n".encode(), {"Content-Type": "text/plain"}))
        srv.route("/s.txt", page(hostile.encode("utf-8") + b"\n", {"Content-Type": "text/plain; charset=utf-8"}))
        result = run("discover", srv.url("/"), "--delay", "0", "--json")
    assert result.exit_code == 0, result.output
    _assert_safe(result.output)
    assert [json.loads(line)["url"] for line in result.stdout.splitlines()] == [hostile]
