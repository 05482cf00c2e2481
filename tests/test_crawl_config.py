"""scraper.crawl.config: the sites TOML, validated with errors naming file, key, problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.crawl.config import CrawlConfig, load_config, parse_duration, parse_size
from scraper.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sites.example.toml"

GOOD = """
[crawl]
concurrency = 4
delay = 0.5
revisit_lists = "2h"

[[sites]]
name = "a"
seeds = ["http://www.a.gov.cn/"]

[[sites]]
name = "b"
seeds = ["https://b.cn/index.html"]
allowed_hosts = ["*.b.cn"]
include = ['/art_\\d+']
delay = 3
revisit_articles = "7d"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_file_loads():
    config = load_config(EXAMPLE)
    assert isinstance(config, CrawlConfig) and config.path == EXAMPLE
    assert [s.name for s in config.sites] == ["tongwei", "county-news"]
    tongwei = config.site("tongwei")
    assert tongwei.delay == 2.0 and tongwei.concurrency == 1 and tongwei.revisit_lists == 3 * 3600
    assert tongwei.include[0].search("http://www.tongwei.gov.cn/art/2020/2/5/art_1_2.html")
    news = config.site("county-news")
    assert news.body_selector == "div.TRS_Editor"
    assert news.allowed_hosts == ("news.example.gov.cn", "www.example.gov.cn")
    assert config.limits.max_body_bytes == 20 * 1024 * 1024


def test_defaults_and_inheritance(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    a, b = config.sites
    assert config.concurrency == 4 and config.politeness.concurrency == 4
    assert a.allowed_hosts == ("www.a.gov.cn",)  # from the seeds
    assert a.delay == 0.5 and b.delay == 3  # [crawl] default, then per site
    assert a.revisit_lists == b.revisit_lists == 7200 and b.revisit_articles == 7 * 86400
    assert a.max_depth == 5 and a.max_pages == 1000 and a.sitemaps is True
    assert config.limits.user_agent == config.user_agent


@pytest.mark.parametrize("text,message", [
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\nmax_dept = 3\n",
     "sites[0].max_dept: unknown key (did you mean 'max_depth'?)"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\nmax_depth = '3'\n",
     "sites[0].max_depth: expected an integer, got a string '3'"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\nmax_pages = 0\n",
     "sites[0].max_pages: must be at least 1, got 0"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\nsitemaps = 1\n",
     "sites[0].sitemaps: expected true or false, got an integer 1"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\n[[sites]]\nname = 'b'\nseeds = ['http://b.cn/']\n"
     "[[sites]]\nname = 'c'\nseeds = ['http://c.cn/']\ninclude = ['(unclosed']\n",
     "sites[2].include[0]: bad regular expression '(unclosed': missing ), unterminated subpattern at position 0"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn/', 'www.b.cn/x']\n",
     "sites[0].seeds[1]: not an absolute http(s) URL: 'www.b.cn/x'"),
    ("[[sites]]\nname = 'a'\nseeds = 'http://a.cn/'\n",
     "sites[0].seeds: expected a list, got a string 'http://a.cn/'"),
    ("[[sites]]\nname = 'a'\nseeds = []\n", "sites[0].seeds: needs at least one URL"),
    ("[[sites]]\nseeds = ['http://a.cn/']\n", "sites[0].name: missing (required)"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\nallowed_hosts = ['http://a.cn/']\n",
     "sites[0].allowed_hosts[0]: expected a host name like 'www.gov.cn' or '*.gov.cn', got 'http://a.cn/'"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn/', 'http://b.cn/']\nallowed_hosts = ['a.cn']\n",
     "sites[0].seeds[1]: host of 'http://b.cn/' is not in allowed_hosts"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\nrevisit_lists = 'often'\n",
     "sites[0].revisit_lists: expected a duration like '30m', '6h' or '7d', got 'often'"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\n[[sites]]\nname = 'a'\nseeds = ['http://b.cn/']\n",
     "sites[1].name: 'a' is already used by sites[0]"),
    ("[crawl]\nconcurency = 3\n[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\n",
     "crawl.concurency: unknown key (did you mean 'concurrency'?)"),
    ("[crawl.limits]\nmax_body_bytes = 'huge'\n[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\n",
     "crawl.limits.max_body_bytes: expected a size like '512KB' or '20MB', got 'huge'"),
    ("[crawl]\n[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\n[other]\nx = 1\n", "other: unknown key"),
    ("[crawl]\nconcurrency = 2\n", "sites: missing (required)"),
    ("sites = []\n", "sites: no sites: add at least one [[sites]] table"),
    ("sites = [1]\n", "sites[0]: expected a table, got an integer 1"),
])
def test_errors_name_file_key_and_problem(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: {message}"


def test_invalid_toml_and_missing_file(tmp_path):
    path = write(tmp_path, "[[sites]]\nname = 'a'\nseeds = [1,,]\n")
    with pytest.raises(ConfigError, match=r"sites.toml: invalid TOML: .*line 3"):
        load_config(path)
    with pytest.raises(ConfigError, match=r"nope.toml: cannot read: No such file"):
        load_config(tmp_path / "nope.toml")


def test_durations_and_sizes():
    assert parse_duration("6h") == 21600 and parse_duration("1h30m") == 5400
    assert parse_duration("7d") == 7 * 86400 and parse_duration(90) == 90.0
    assert parse_size("20MB") == 20 * 1024 * 1024 and parse_size("512kb") == 512 * 1024
    assert parse_size(1000) == 1000
    for bad in ("6 hours", "h", "-1h", ""):
        with pytest.raises(ValueError):
            parse_duration(bad)
    with pytest.raises(ValueError):
        parse_size("-3MB")


def test_bad_css_selector_is_named(tmp_path):
    pytest.importorskip("cssselect")
    path = write(tmp_path, "[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\nbody_selector = 'div[[class'\n")
    with pytest.raises(ConfigError, match=r"sites\[0\]\.body_selector: bad CSS selector 'div\[\[class'"):
        load_config(path)


SITE = "[[sites]]\nname = 'a'\nseeds = ['http://a.cn/']\n"


@pytest.mark.parametrize("text,message", [
    ("[crawl]\ndelay = inf\n" + SITE, "crawl.delay: expected a finite number, got inf"),
    ("[crawl]\ndelay = nan\n" + SITE, "crawl.delay: expected a finite number, got nan"),
    (SITE + "delay = -inf\n", "sites[0].delay: expected a finite number, got -inf"),
    (SITE + "delay = 1e300\n", "sites[0].delay: must be at most 3600, got 1e+300"),
    ("[crawl.limits]\ntotal_timeout = inf\n" + SITE, "crawl.limits.total_timeout: expected a finite number, got inf"),
    ("[crawl.limits]\nread_timeout = nan\n" + SITE, "crawl.limits.read_timeout: expected a finite number, got nan"),
    ("[crawl.limits]\nconnect_timeout = 86400\n" + SITE, "crawl.limits.connect_timeout: must be at most 3600, got 86400"),
    (SITE + "revisit_articles = '1000000w'\n", "sites[0].revisit_articles: '1000000w' is too long: at most 3650 days"),
    ("[crawl]\nrevisit_lists = " + "9" * 400 + ".0\n" + SITE,
     "crawl.revisit_lists: expected a duration like '6h', got inf"),
    (SITE + "revisit_lists = '" + "9" * 400 + "s'\n", "sites[0].revisit_lists: duration '" + "9" * 400 + "s' is too long"),
    ("[crawl]\nuser_agent = '爬虫/1.0'\n" + SITE,
     "crawl.user_agent: must be one line of printable ASCII (an HTTP header); '爬' at position 0"
     " (write non-ASCII names in pinyin or English)"),
    ("[crawl]\nuser_agent = \"bot/1.0\\r\\nX-Injected: 1\"\n" + SITE,
     "crawl.user_agent: must be one line of printable ASCII (an HTTP header); a line break at position 7"
     " (write non-ASCII names in pinyin or English)"),
    ("[crawl]\nuser_agent = '  '\n" + SITE, "crawl.user_agent: must not be empty"),
    ("[crawl.limits]\nmax_body_bytes = 1\n" + SITE, "crawl.limits.max_body_bytes: must be between 64KB and 1GB, got 1"),
    ("[crawl.limits]\nmax_wire_bytes = '5TB'\n" + SITE,
     "crawl.limits.max_wire_bytes: expected a size like '512KB' or '20MB', got '5TB'"),
    ("[crawl.limits]\nmax_wire_bytes = '2GB'\n" + SITE, "crawl.limits.max_wire_bytes: must be between 64KB and 1GB, got '2GB'"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn:99999/']\n",
     "sites[0].seeds[0]: port 99999 of 'http://a.cn:99999/' is out of range (1-65535)"),
    ("[[sites]]\nname = 'a'\nseeds = ['http://a.cn:0/']\n", "sites[0].seeds[0]: port 0 of 'http://a.cn:0/' is out of range (1-65535)"),
    (SITE + "allowed_hosts = ['a.cn:70000']\n", "sites[0].allowed_hosts[0]: port 70000 of 'a.cn:70000' is out of range (1-65535)"),
    (SITE + "feeds = ['http://a.cn:123456/rss.xml']\n",
     "sites[0].feeds[0]: port 123456 of 'http://a.cn:123456/rss.xml' is out of range (1-65535)"),
    ("[crawl]\nconcurrency = 100000\n" + SITE, "crawl.concurrency: must be at most 1000, got 100000"),
    (SITE + "max_pages = 99999999999999\n", "sites[0].max_pages: must be at most 1e+09, got 99999999999999"),
    ("[crawl]\npage_cpu_limit = 0.01\n" + SITE, "crawl.page_cpu_limit: must be between 0.1 s and 1 h, got 0.01"),
    ("[crawl]\npage_cpu_limit = '2h'\n" + SITE, "crawl.page_cpu_limit: must be between 0.1 s and 1 h, got '2h'"),
    ("[crawl]\npage_cpu_limit = inf\n" + SITE, "crawl.page_cpu_limit: expected a duration like '6h', got inf"),
    ("[crawl]\npage_cpu_limit = nan\n" + SITE, "crawl.page_cpu_limit: expected a duration like '6h', got nan"),
    ("[crawl]\npage_cpu_limit = 'soon'\n" + SITE,
     "crawl.page_cpu_limit: expected a duration like '30m', '6h' or '7d', got 'soon'"),
])
def test_values_that_validate_as_numbers_but_break_a_run_are_refused(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: {message}"


def test_a_file_that_never_ends_is_refused_after_1_mb(tmp_path):
    with pytest.raises(ConfigError, match=r"^/dev/zero: larger than 1 MB: not a sites file$"):
        load_config("/dev/zero")
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 2_000_000 + "\n" + SITE)
    with pytest.raises(ConfigError, match="larger than 1 MB"):
        load_config(big)


def test_the_limits_accepted_still_run(tmp_path):
    config = load_config(write(tmp_path, "[crawl]\ndelay = 3600\nuser_agent = 'bot/1.0 (+mailto:ops@x.cn)'\n"
                                         "[crawl.limits]\nmax_body_bytes = '64KB'\ntotal_timeout = 3600\n"
                                         + SITE + "revisit_articles = '3650d'\nallowed_hosts = ['a.cn:65535', 'a.cn']\n"))
    assert config.sites[0].delay == 3600 and config.limits.max_body_bytes == 64 * 1024
    assert config.sites[0].revisit_articles == 3650 * 86400 and config.limits.user_agent.startswith("bot/1.0")
    for limit, seconds in (("0.1", 0.1), ("'1h'", 3600.0), ("'90s'", 90.0)):
        assert load_config(write(tmp_path, f"[crawl]\npage_cpu_limit = {limit}\n" + SITE)).page_cpu_limit == seconds
