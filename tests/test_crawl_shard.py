"""`scraper crawl sites.toml --shard I/N`: the shards of a sites file cover every site
exactly once, sites sharing a host stay together, and the split is the same every run."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.crawl.config import config_from_dict
from scraper.crawl.shard import parse_shard, select_shard, shard_of
from scraper.errors import ConfigError


def sites_config(n: int = 40):
    sites = [{"name": f"site{i}", "seeds": [f"http://www{i}.example.gov.cn/"]} for i in range(n)]
    # two sites on one host, and one reaching a third site's host: each group must stay whole
    sites.append({"name": "same-host-b", "seeds": ["http://www3.example.gov.cn/other/"]})
    sites.append({"name": "bridge", "seeds": ["http://bridge.example.cn/"],
                  "allowed_hosts": ["bridge.example.cn", "www7.example.gov.cn"]})
    return config_from_dict({"sites": sites})


def test_three_shards_cover_every_site_exactly_once():
    config = sites_config()
    shards = [select_shard(config, i, 3) for i in (1, 2, 3)]
    names = [s.name for shard in shards for s in shard.sites]
    assert sorted(names) == sorted(s.name for s in config.sites)  # every site, none twice
    assert all(len(shard.sites) >= 5 for shard in shards)  # and the work is spread
    home = {s.name: i for i, shard in enumerate(shards) for s in shard.sites}
    assert home["site3"] == home["same-host-b"] and home["site7"] == home["bridge"]


def test_the_split_is_stable_across_processes():
    """Not Python's salted hash(): another interpreter puts every site in the same shard."""
    code = ("from scraper.crawl.shard import shard_of\n"
            "print([shard_of(f'www{i}.example.gov.cn', 3) for i in range(40)])")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                           env={"PYTHONHASHSEED": "12345", "PATH": ""})
    assert other.stdout.strip() == str([shard_of(f"www{i}.example.gov.cn", 3) for i in range(40)])


@pytest.mark.parametrize("spec", ["0/3", "4/3", "1/0", "a/b", "3", "-1/3"])
def test_bad_shard_specs_are_refused(spec):
    with pytest.raises(ConfigError, match="--shard"):
        parse_shard(spec)


def test_the_command_refuses_a_bad_shard_and_skips_an_empty_one(tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text('[[sites]]\nname = "one"\nseeds = ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    bad = CliRunner().invoke(main, ["crawl", str(sites), "--shard", "4/3", "--db", str(tmp_path / "s.db")])
    assert bad.exit_code == 2 and "I must be between 1 and N" in bad.stderr
    mine = shard_of("127.0.0.1", 2)
    empty = CliRunner().invoke(main, ["crawl", str(sites), "--shard", f"{3 - mine}/2", "--db", str(tmp_path / "s.db")])
    assert empty.exit_code == 0 and "holds no site" in empty.stderr
    assert not (tmp_path / "s.db").exists()  # nothing was started
