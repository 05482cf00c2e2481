"""`scraper clean`: files, directories, stdin and URLs (served on loopback), formats, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
TRS = PAGES / "gov-city-gbk-trs.html"
TONGWEI = PAGES / "party-org-gb2312-tongwei.html"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_file_to_text(runner):
    result = runner.invoke(main, ["clean", str(TRS)])
    assert result.exit_code == 0, result.output
    assert "副市长王镕主持会议并讲话" in result.output
    assert "版权所有" not in result.output and "打印本页" not in result.output


def test_json_output_holds_every_field(runner):
    result = runner.invoke(main, ["clean", "--format", "json", "--url",
                                  "http://www.pingliang.gov.cn/zwgk/zwdt/202001/t20200131_123456.html", str(TRS)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["title"] == "市政府召开新型冠状病毒感染的肺炎疫情防控工作专题会议"
    assert doc["date"] == "2020-01-31"
    assert doc["source"] == "市政府办公室"
    assert doc["url"].startswith("http://www.pingliang.gov.cn/")
    assert doc["encoding"] == "gb18030"


def test_markdown_output(runner):
    result = runner.invoke(main, ["clean", "--format", "markdown", str(TONGWEI)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# 通渭县强化政治保证大打疫情防控阻击战\n\n*2020-02-05*")
    assert "\n\n新型冠状病毒感染的肺炎疫情发生以来" in result.output


def test_directory_cleans_every_page(runner):
    result = runner.invoke(main, ["clean", "--format", "json", str(PAGES)])
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.output.splitlines()]
    assert len(docs) == len(list(PAGES.glob("*.html")))
    assert all(d["text"] for d in docs)


def test_stdin(runner):
    result = runner.invoke(main, ["clean", "-"], input=TRS.read_bytes())
    assert result.exit_code == 0, result.output
    assert "副市长王镕主持会议并讲话" in result.output


def test_url_served_on_loopback(runner, httpserver):
    httpserver.expect_request("/zwgk/202001/t20200131_1.html").respond_with_data(
        TRS.read_bytes(), content_type="text/html; charset=gb2312")
    result = runner.invoke(main, ["clean", "--format", "json", httpserver.url_for("/zwgk/202001/t20200131_1.html")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["encoding_source"] == "header"
    assert "副市长王镕主持会议并讲话" in doc["text"]


def test_pdf_url_fails_with_a_specific_message(runner, httpserver):
    httpserver.expect_request("/report.pdf").respond_with_data(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n", content_type="application/pdf")
    result = runner.invoke(main, ["clean", httpserver.url_for("/report.pdf")])
    assert result.exit_code == 1
    assert "PDF" in result.output and "Traceback" not in result.output


def test_http_404_is_reported(runner, httpserver):
    httpserver.expect_request("/gone.html").respond_with_data("not here", status=404)
    result = runner.invoke(main, ["clean", httpserver.url_for("/gone.html")])
    assert result.exit_code == 1
    assert "404" in result.output


def test_every_input_is_processed_and_each_failure_reported(runner, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    image = tmp_path / "logo.html"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = runner.invoke(main, ["clean", str(empty), str(TRS), str(image), str(tmp_path / "missing.html")])
    assert result.exit_code == 1
    assert "副市长王镕主持会议并讲话" in result.output
    assert "empty input" in result.output
    assert "PNG" in result.output
    assert "no such file" in result.output
    assert "3 of 4 inputs failed" in result.output


def test_no_input_is_a_usage_error(runner):
    result = runner.invoke(main, ["clean"])
    assert result.exit_code == 2


def test_bad_format_is_a_usage_error(runner):
    result = runner.invoke(main, ["clean", "--format", "pdf", str(TRS)])
    assert result.exit_code == 2


def test_bad_selector_is_a_usage_error(runner):
    result = runner.invoke(main, ["clean", "--selector", "div[[", str(TRS)])
    assert result.exit_code == 2
    assert "invalid CSS selector" in result.output


def test_real_process_exit_codes_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"%PDF-1.4\n" + bytes(100))
    ok = subprocess.run([sys.executable, "-m", "scraper", "clean", str(TONGWEI)], capture_output=True, timeout=120)
    assert ok.returncode == 0
    assert "通渭县委组织部坚决贯彻落实" in ok.stdout.decode("utf-8")
    failed = subprocess.run([sys.executable, "-m", "scraper", "clean", str(bad)], capture_output=True, timeout=120)
    assert failed.returncode == 1
    assert b"Traceback" not in failed.stderr
    assert "PDF" in failed.stderr.decode("utf-8")


def test_save_records_a_clean_run_with_its_failures(runner, tmp_path):
    from scraper.store import Store

    db = tmp_path / "s.db"
    shell = tmp_path / "shell.html"
    shell.write_text('<html><body><div class="nav"><a href="/">首页</a><a href="/a">新闻</a></div></body></html>',
                     encoding="utf-8")
    result = runner.invoke(main, ["clean", "--save", "--db", str(db), "--format", "json", str(TRS), str(TONGWEI), str(shell)])
    assert result.exit_code == 1
    with Store.open(db) as store:
        stats = store.stats()
        assert (stats.pages, stats.documents) == (3, 2)
        run = store.run(1)
        assert run.kind == "clean" and run.status == "failed"  # one input of three failed: said so
        assert (run.new, run.failed) == (2, 1)
        assert len(store.search("王镕")) == 1
