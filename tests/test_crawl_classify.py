"""scraper.crawl.classify: article vs list pages, from URLs and from page trees."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from scraper.crawl.classify import PageStats, classify, classify_with_reason, page_stats

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


@pytest.mark.parametrize("url", [
    "http://www.pingliang.gov.cn/zwgk/zwdt/202001/t20200131_123456.html",  # TRS
    "http://www.x.gov.cn/xxgk/202305/t20230519_3958721.shtml",
    "http://www.sihong.gov.cn/art/2023/5/19/art_24516_3958721.html",  # Hanweb
    "http://news.xjtu.edu.cn/2020/0131/c1234a56789/page.htm",  # 博达
    "http://www.gangu.gov.cn/info/1085/48213.htm",
    "http://www.gov.cn/zhengce/content/2020-01/31/content_5473393.htm",
    "http://epaper.bhrb.com.cn/html/2023-05/20/content_283715.htm",
    "http://www.wslmz.gov.cn/ShowNews.asp?id=386",
    "http://www.twdjw.gov.cn/Article/ShowArticle.asp?ArticleID=1187",
    "https://www.chcg.gov.tw/ch/02news/news_detail.asp?id=283764",
    "http://www.x.gov.cn/detail.jsp?infoid=A1B2C3&catid=7",
    "http://www.x.gov.cn/view.php?aid=3345",
    "http://news.sina.com.cn/c/2004-05-12/n123456789.shtml",
    "http://news.x.com/n1234567.shtml",
    "http://politics.people.com.cn/n1/2020/0131/c1001-31565123.html",
    "http://www.news.cn/tech/2024-03/18/c_1130102648.htm",
    "http://www.huining.gov.cn/Item/15832.aspx",
    "http://www.lintao.gov.cn/html/zwgk/zwdt/2022/0315/20220315093012.html",
    "http://www.x.cn/news/12345678",
])
def test_article_urls(url):
    assert classify(url) == "article", classify_with_reason(url)


@pytest.mark.parametrize("url", [
    "http://www.x.gov.cn/",
    "http://www.x.gov.cn",
    "http://www.x.gov.cn/index.html",
    "http://www.x.gov.cn/xwzx/index_2.html",
    "http://www.x.gov.cn/col/col123/index.html",
    "http://www.x.gov.cn/col/col4567/",
    "http://www.x.gov.cn/zwgk/list_3.html",
    "http://www.x.gov.cn/news/more.html",
    "http://www.xinhuanet.com/politics/node_1234.htm",
    "http://www.x.gov.cn/NewsList.asp?ClassID=3",
    "http://www.x.gov.cn/articlelist.jsp?page=2",
    "http://www.x.gov.cn/news/?page=4",
    "http://www.x.gov.cn/zwgk/tzgg/",
    "http://www.x.gov.cn/channel/zwdt",
    "http://www.x.gov.cn/about.html",  # no evidence: not an article until the page says so
])
def test_list_urls(url):
    assert classify(url) == "list", classify_with_reason(url)


def _fixture_tree(name: str):
    meta = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    html = (PAGES / f"{name}.html").read_bytes().decode(meta.get("encoding") or "utf-8", errors="replace")
    return meta["url"], lxml.html.document_fromstring(html)


@pytest.mark.parametrize("name", sorted(p.stem for p in PAGES.glob("*.html")))
def test_fixture_articles_are_articles(name):
    url, tree = _fixture_tree(name)
    assert classify(url, tree) == "article", classify_with_reason(url, tree)


def test_fixture_articles_are_articles_even_without_url_hints():
    """Page stats alone carry most fixture articles (a neutral URL)."""
    hits = [classify("http://x.cn/page", _fixture_tree(p.stem)[1]) == "article" for p in PAGES.glob("*.html")]
    assert sum(hits) >= len(hits) - 3


def _list_page(items: int = 40, nav: int = 30) -> str:
    navs = "".join(f'<li><a href="/col/col{i}/">栏目{i}</a></li>' for i in range(nav))
    rows = "".join(
        f'<li><a href="/art/2024/5/{i % 28 + 1}/art_12_{i}.html">关于开展第{i}批重点项目检查工作的通知</a>'
        f'<span>2024-05-{i % 28 + 1:02d}</span></li>' for i in range(items))
    return (f"<html><head><title>通知公告</title></head><body><ul class=nav>{navs}</ul>"
            f"<div class=list><ul>{rows}</ul></div><div class=page>共10页 <a href='index_1.html'>下一页</a>"
            f"</div><div class=foot>版权所有 某某县人民政府 陇ICP备14000381号</div></body></html>")


def _article_page() -> str:
    para = "为深入贯彻落实党中央、国务院决策部署，切实做好当前疫情防控工作，现将有关事项通知如下。" * 5
    navs = "".join(f'<a href="/col/col{i}/">栏目{i}</a>' for i in range(40))
    return (f"<html><body><div class=nav>{navs}</div><h1>关于做好疫情防控工作的通知</h1>"
            f"<div class=TRS_Editor><p>{para}</p><p>{para}</p><p>某某县人民政府办公室<br>2020年1月31日</p></div>"
            f"</body></html>")


@pytest.mark.parametrize("url", [
    "http://www.x.gov.cn/zwgk/tzgg/",
    "http://www.x.gov.cn/zwgk/tzgg/index.html",
    "http://www.x.gov.cn/zwgk/tzgg/index_3.html",
    "http://www.x.gov.cn/page/notices",
    "http://www.x.gov.cn/zwgk/tzgg/12345.html",  # weak article hint outvoted by the page
])
def test_list_page_trees(url):
    tree = lxml.html.document_fromstring(_list_page())
    assert classify(url, tree) == "list", classify_with_reason(url, tree)


@pytest.mark.parametrize("url", [
    "http://www.x.gov.cn/page/notice",
    "http://www.x.gov.cn/zt/2020/yqfk/index.html",  # an article living at index.html
    "http://www.x.gov.cn/zwgk/tzgg/202001/t20200131_1.html",
])
def test_article_page_trees(url):
    tree = lxml.html.document_fromstring(_article_page())
    assert classify(url, tree) == "article", classify_with_reason(url, tree)


def test_page_stats_counts():
    tree = lxml.html.document_fromstring(
        "<html><head><title>标题不算</title><style>p{x:1}</style></head><body>"
        "<div>一二三<a href='/a'>链接</a>四五<script>var x = 1;</script><p>六七<b>八</b></p></div>"
        "<a name='anchor'>锚</a></body></html>")
    stats = page_stats(tree)
    assert stats == PageStats(text_chars=11, link_chars=2, links=1, longest_block=5)
    assert stats.link_density == pytest.approx(2 / 11)
    assert classify("http://x.cn/a.html", stats) == classify("http://x.cn/a.html", tree)


def test_page_stats_survive_deep_nesting():
    html = "<html><body>" + "<div>" * 200 + "深" * 300 + "</div>" * 200 + "</body></html>"
    assert page_stats(lxml.html.document_fromstring(html)).text_chars == 300
