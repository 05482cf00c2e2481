"""Helpers for crawl-level tests: a config for one loopback site, a run, store queries."""

from __future__ import annotations

from typing import Any

from scraper.crawl.config import CrawlConfig, config_from_dict
from scraper.crawl.retry import RetryPolicy
from scraper.crawl.runner import run_crawl
from scraper.crawl.summary import RunSummary
from scraper.store import Store

FAST_RETRY = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05, max_retry_after=5)
LIMITS = {"connect_timeout": 2, "read_timeout": 2, "total_timeout": 3, "max_redirects": 5}

ARTICLE = ("<html><head><meta charset=utf-8><title>{title}</title></head><body>"
           "<div class=nav><a href='/'>首页</a></div>"
           "<div class=content><h1>{title}</h1>{paras}</div>{links}"
           "<div class=footer>版权所有 示例县人民政府</div></body></html>")


def article(n: int | str, paragraphs: list[str] | None = None, links: str = "", charset: str = "utf-8") -> bytes:
    """A realistic-enough article page (UTF-8 unless told) with unique text for `n`."""
    paragraphs = paragraphs or [
        f"第{n}号文章：县政府召开专题会议，研究部署第{n}批重点项目建设和疫情防控常态化工作，要求各部门狠抓落实。",
        f"会议指出，第{n}批项目涉及交通、水利、教育和医疗卫生等领域，总投资约{n}亿元，要加快前期手续办理。",
        f"会议要求，各责任单位要倒排工期、挂图作战，确保第{n}批项目按期开工建设，早日发挥效益，惠及群众。",
    ]
    html = ARTICLE.format(title=f"第{n}号文章", paras="".join(f"<p>{p}</p>" for p in paragraphs), links=links)
    return html.replace("charset=utf-8", f"charset={charset}").encode(charset)


def list_page(hrefs: list[str], title: str = "工作动态") -> bytes:
    items = "".join(f"<li><a href='{h}'>文章 {h}</a></li>" for h in hrefs)
    return f"<html><head><title>{title}</title></head><body><ul>{items}</ul></body></html>".encode()


def config(seed: str, *, crawl: dict | None = None, **site: Any) -> CrawlConfig:
    base = {"delay": 0, "concurrency": 8, "site_concurrency": 4, "limits": dict(LIMITS)}
    base.update(crawl or {})
    return config_from_dict({"crawl": base, "sites": [{"name": "t", "seeds": [seed], **site}]})


def crawl(cfg: CrawlConfig, store: Store, **options: Any) -> RunSummary:
    options.setdefault("workers", 0)
    options.setdefault("retry", FAST_RETRY)
    return run_crawl(cfg, store, **options)


def rows(store: Store, sql: str, *params: Any) -> list[tuple]:
    return [tuple(r) for r in store.conn.execute(sql, params)]


def page_urls(store: Store) -> set[str]:
    return {r[0] for r in rows(store, "SELECT url FROM pages")}


def frontier_state(store: Store, url: str) -> tuple | None:
    found = rows(store, "SELECT state, kind, last_error FROM frontier WHERE url = ?", url)
    return found[0] if found else None


def attribute_bomb(n: int = 200_000) -> bytes:
    """A 1.9 MB page whose one tag carries n distinct attributes (lxml is quadratic in
    them), followed by a real article, as a hostile site would serve it."""
    attrs = " ".join(f"d{i}=1" for i in range(n))
    body = article("属性", links="")
    return body.replace(b"<div class=content>", f"<div class=content {attrs}>".encode(), 1)


def spin_on_slow(body: bytes, url: str, content_type, rules):
    """`process_page`, but CPU-bound for ever on URLs with '/slow' in them (a page that no
    bound catches): what the worker pool's CPU limit is for."""
    from scraper.crawl.work import process_page

    while "/slow" in url:
        pass
    return process_page(body, url, content_type, rules)


def link_flood(n: int = 100_000, articles: int = 30) -> bytes:
    """A column page whose tag cloud of `n` in-scope links comes before its article list."""
    cloud = "".join(f"<a href='/tag/{i}.html'>{i}</a> " for i in range(n))
    items = "".join(f"<li><a href='/art/2024/1/5/art_7_{i}.html'>县政府召开第{i}次常务会议研究部署重点工作</a>"
                    f" <a href='/art/2024/1/5/art_7_{i}.html'>详细</a></li>" for i in range(articles))
    return (f"<html><head><meta charset=utf-8><title>工作动态</title></head><body><div class=tags>{cloud}</div>"
            f"<ul class=list>{items}</ul></body></html>").encode()
