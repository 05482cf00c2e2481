"""Our Markdown next to `trafilatura --markdown` for every English fixture page: a diff each.

    python scripts/compare_markdown.py [--links-images] [NAME ...]

Ours is `scraper.render(doc, "markdown")` without its title and byline lines (trafilatura
prints no metadata by default); theirs is `trafilatura.extract(html, url,
output_format="markdown")` on the same bytes. `--links-images` turns links and images
on for both. The findings are written up in docs/markdown-vs-trafilatura.md.
"""

from __future__ import annotations

import argparse
import difflib
import json
from pathlib import Path

import trafilatura

import scraper
from scraper.formats import view
from scraper.formats.markdown import render_markdown

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def ours(raw: bytes, url: str, content_type: str | None, links_images: bool) -> str:
    doc = scraper.clean(raw, url, content_type=content_type)
    options = scraper.RenderOptions(links=links_images, images=links_images)
    return render_markdown(scraper.Document(url=doc.url, title=None, text=doc.text), view(doc, options))


def theirs(raw: bytes, url: str, links_images: bool) -> str:
    return trafilatura.extract(raw, url=url, output_format="markdown", include_links=links_images,
                               include_images=links_images) or ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*")
    ap.add_argument("--links-images", action="store_true")
    args = ap.parse_args()
    names = args.names or sorted(p.stem for p in PAGES.glob("en-*.html"))
    for name in names:
        exp = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
        raw = (PAGES / f"{name}.html").read_bytes()
        a = ours(raw, exp["url"], exp["content_type"], args.links_images).splitlines()
        b = theirs(raw, exp["url"], args.links_images).splitlines()
        same = sum(n for *_, n in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
        print(f"=== {name}: ours {len(a)} lines, trafilatura {len(b)} lines, {same} identical")
        for line in difflib.unified_diff(b, a, "trafilatura", "scraper", n=0, lineterm=""):
            print(line[:160])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
