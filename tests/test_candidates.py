"""Candidate readings of one page (candidates.py) and repeated records (records.py)."""

from __future__ import annotations

import lxml.html

from scraper.extract import dom
from scraper.extract.blocks import block_map
from scraper.extract.candidates import block_run, whole_page
from scraper.extract.prune import prune
from scraper.extract.records import find_records

PARAS = [
    "1月30日，通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议，安排部署全县疫情防控工作。县委书记主持会议并讲话。",
    "会议强调，各乡镇、各部门要切实提高政治站位，把疫情防控作为当前最重要的工作来抓，坚决遏制疫情扩散蔓延势头。",
    "会议要求，要加强宣传引导，及时发布权威信息，回应社会关切，引导群众科学防护，做到不信谣、不传谣。",
]
NAV = '<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/zwfw/">政务服务</a></div>'


def _page(body: str):
    root = lxml.html.document_fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")
    dom.prepare(root)
    bmap = block_map(root)
    return root, bmap, prune(root, bmap)


def _texts(bmap, candidate) -> list[str]:
    return candidate.texts(bmap.blocks)


def test_the_block_run_is_the_article_and_the_whole_page_reading_keeps_the_sidebar_list():
    sidebar = '<div class="list"><h3>通知公告</h3>' + "".join(
        f"<p>关于做好第{i}批春耕生产农资供应工作的通知</p>" for i in range(4)) + "</div>"
    root, bmap, pruning = _page(NAV + '<div class="article">' + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>" + sidebar)
    kept = pruning.kept()
    assert _texts(bmap, block_run(root, bmap, kept)) == PARAS
    whole = _texts(bmap, whole_page(bmap, kept))
    assert PARAS[0] in whole and "关于做好第2批春耕生产农资供应工作的通知" in whole
    assert "政务公开" not in " ".join(whole)  # the menu is masked in every reading


def test_a_body_split_over_sibling_containers_is_one_run():
    """Bodies split by an ad slot or a figure into sibling containers."""
    parts = "".join(f'<div class="part"><p>{p}</p></div><div class="ad-slot">广告</div>' for p in PARAS)
    root, bmap, pruning = _page(NAV + f'<div class="article">{parts}</div>')
    assert _texts(bmap, block_run(root, bmap, pruning.kept())) == PARAS


def test_a_run_in_a_layout_table_cell_knows_it():
    table = ('<table><tr><td class="left">' + NAV + '</td><td class="main">'
             + "".join(f"<p>{p}</p>" for p in PARAS) + "</td></tr></table>")
    root, bmap, pruning = _page(table)
    assert block_run(root, bmap, pruning.kept()).in_layout_table()
    root, bmap, pruning = _page('<div class="main">' + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>")
    assert not block_run(root, bmap, pruning.kept()).in_layout_table()


def _posts(n: int) -> str:
    return "".join(
        f'<div class="post" id="post_{i}"><div class="author">user{i}</div><div class="time">2024-05-0{i + 1} 10:1{i}</div>'
        f"<p>{PARAS[i % 3]}</p></div>" for i in range(n))


def test_forum_posts_are_records_with_dates():
    root, bmap, _ = _page(NAV + f'<div id="postlist">{_posts(5)}</div>')
    records = find_records(root, bmap)
    assert records is not None and records.count == 5 and records.dated == 5
    assert records.container.get("id") == "postlist"


def test_listing_cards_are_records_and_mostly_links():
    cards = "".join(f'<li class="card"><a href="/a/{i}">第{i}篇：春耕生产农资供应工作情况通报</a><span>2024-05-0{i}</span></li>'
                    for i in range(1, 7))
    root, bmap, _ = _page(f'<ul class="news-list">{cards}</ul>')
    records = find_records(root, bmap)
    assert records is not None and records.count == 6
    assert records.link_chars / records.chars > 0.5


def test_three_layout_columns_are_not_records():
    """Columns of a page are siblings alike in markup but not in size: no record set."""
    columns = (f'<div class="col"><p>{PARAS[0]}{PARAS[1]}{PARAS[2]}{PARAS[0]}</p></div>'
               '<div class="col"><p>通知公告栏目</p></div><div class="col"><p>联系我们的方式</p></div>')
    root, bmap, _ = _page(columns)
    assert find_records(root, bmap) is None


_CARD = ('<li class="grid__item scroll-trigger animate--slide-in"><div class="card__media"><img src="/p/{i}.jpg" alt=""></div>'
         '<h3 class="card__heading"><a href="/products/{i}">{name}</a></h3>'
         '<div class="price"><span>Regular price</span> <span>${price}.99</span></div>'
         '<button type="button">Add to cart</button></li>')


def _grid(n: int) -> str:
    return '<ul class="product-grid">' + "".join(
        _CARD.format(i=i, name=f"Dark Roast Blend No. {i}", price=10 + i) for i in range(n)) + "</ul>"


def test_a_grid_of_cards_that_slide_in_is_the_page_not_a_carousel():
    """A shop theme animates its product cards with "animate--slide-in": each card alone
    is small enough for the carousel rule to take, but together they are the page."""
    hero = ('<div class="hero-carousel"><div class="slide"><a href="/sale">Winter sale: 40% off canned lattes</a></div>'
            '<div class="slide"><a href="/club">Join the club and save 15%</a></div></div>')
    root, bmap, pruning = _page(NAV + hero + _grid(12) + '<div class="footer">© 2025 Example Coffee Co.</div>')
    whole = " ".join(_texts(bmap, whole_page(bmap, pruning.kept())))
    assert "Dark Roast Blend No. 0" in whole and "Dark Roast Blend No. 11" in whole
    assert "Winter sale" not in whole  # the real carousel still goes
    assert pruning.counts["carousel"] == 1


def test_a_few_slides_beside_the_article_are_still_a_carousel():
    slides = "".join(f'<div class="swiper-slide"><a href="/news/{i}">图片新闻：通渭县春耕生产第{i}期</a></div>' for i in range(4))
    root, bmap, pruning = _page(NAV + '<div class="article">' + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"
                                + f'<div class="pics">{slides}</div>')
    kept = _texts(bmap, whole_page(bmap, pruning.kept()))
    assert PARAS[0] in kept
    assert not any("图片新闻" in line for line in kept)
    assert pruning.counts["carousel"] == 4 and not pruning.guarded["carousel"]
