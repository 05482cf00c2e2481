"""CPU of one hostile page in a crawl worker, against an ordinary page measured in the same run.

    .venv/bin/python tests/benchmarks/bench_hostile.py

- anchor: `process_page` on an ordinary article (fixtures/pages/gov-city-gbk-trs.html);
- the attribute bomb (one tag with 200,000 attributes, 1.9 MB): `process_page`, and
  lxml on the raw page without the attribute cap (50,000 attributes only: 200,000 take
  over a minute);
- the link flood (100,000 links ahead of 30 articles, 3.5 MB): `process_page`, and
  checking every link as the first-N-in-page-order cap did (the cost the value-ranked
  choice avoids), and whether the 30 articles were among the chosen links.
Prints CPU seconds and ratios to the anchor; asserts nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import lxml.html  # noqa: E402
from crawlkit import attribute_bomb, link_flood  # noqa: E402

from scraper.crawl.discover import resolve  # noqa: E402
from scraper.crawl.links import link_verdict  # noqa: E402
from scraper.crawl.urls import Scope  # noqa: E402
from scraper.crawl.work import SiteRules, process_page  # noqa: E402


def cpu(fn, *args):
    started = time.process_time()
    result = fn(*args)
    return time.process_time() - started, result


def every_link(html: bytes, url: str, rules: SiteRules) -> int:
    tree = lxml.html.document_fromstring(html)
    return sum(1 for a in tree.iter("a") if isinstance(link_verdict(resolve(url, a.get("href")) or "", rules), tuple))


def main() -> None:
    rules = SiteRules(Scope(("x.gov.cn",)))
    ordinary = (ROOT / "fixtures" / "pages" / "gov-city-gbk-trs.html").read_bytes()
    url = "http://x.gov.cn/art/2020/1/31/art_1_2.html"
    process_page(ordinary, url, "text/html", rules)  # warm up (imports, caches)
    anchor = min(cpu(process_page, ordinary, url, "text/html", rules)[0] for _ in range(5))
    print(f"anchor: ordinary article {anchor * 1000:.1f} ms CPU")
    bomb, _ = cpu(process_page, attribute_bomb(), url, "text/html; charset=utf-8", rules)
    raw, _ = cpu(lxml.html.document_fromstring, attribute_bomb(50_000))
    print(f"attribute bomb (200,000 attributes): {bomb:.2f} s ({bomb / anchor:.0f}x the anchor); "
          f"unbounded lxml on 50,000 of them: {raw:.2f} s ({raw / anchor:.0f}x)")
    flood = link_flood()
    col = "http://x.gov.cn/col/col7/index.html"
    links, done = cpu(process_page, flood, col, "text/html; charset=utf-8", rules)
    found = sum("/art_7_" in u for u, _ in done.links)
    old, _ = cpu(every_link, flood, col, rules)
    print(f"link flood (100,000 links, 30 articles after them): {links:.2f} s ({links / anchor:.0f}x), "
          f"{len(done.links)} links chosen, {found}/30 articles among them; "
          f"checking every link (the old way): {old:.2f} s ({old / anchor:.0f}x)")


if __name__ == "__main__":
    main()
