"""extract(): behaviours found on real government and news pages (each case modelled on one)."""

from __future__ import annotations

import pytest

import scraper

BODY = [
    "9月21日至22日，2019年中国人文地理学术年会在重庆召开，来自全国各地高校和科研院所的600余名代表参加会议。",
    "会议围绕“新时代人文地理学的创新与发展”主题，设置了乡村振兴、城市更新、文化地理等十二个专题分会场。",
    "与会专家认为，人文地理学应当立足国家重大战略需求，在国土空间规划和区域协调发展中发挥更大作用。",
]


def page(head: str, body: str) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>').encode()


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


NAV = '<div class="nav"><a href="/">首页</a><a href="/xw/">新闻动态</a><a href="/hy/">学术会议</a><a href="/lx/">联系我们</a></div>'


def test_heading_above_the_body_beats_a_column_name_in_title():
    html = page(
        "<title>新闻动态--中国地理学会官网</title>",
        NAV + '<div class="lm"><h3>新闻动态</h3></div>'
        '<div class="xq_fonts"><h5>2019年中国人文地理学术年会在重庆成功举行</h5>'
        "<p>发布时间：2019-09-23 来源：学会办公室</p></div>"
        f'<div class="content">{paragraphs(BODY)}</div>',
    )
    doc = scraper.clean(html, "http://www.gsc.org.cn/a/123.html")
    assert doc.title == "2019年中国人文地理学术年会在重庆成功举行"
    assert doc.date == "2019-09-23" and doc.source == "学会办公室"
    assert doc.text.split("\n") == BODY


def test_article_title_meta_tag_is_trusted():
    html = page(
        '<title>首页</title><meta name="ArticleTitle" content="全国人文地理学术年会召开">',
        NAV + '<h2 class="title">图片新闻</h2>' + f'<div class="content">{paragraphs(BODY)}</div>',
    )
    assert scraper.clean(html).title == "全国人文地理学术年会召开"


def test_a_stray_closing_html_tag_does_not_cut_the_page():
    html = page(
        "<title>决议_中国政府网</title>",
        '<div class="header"><script>var a = 1;</script></div></html>\n<!--end header-->'
        f'<div class="pages_content" id="UCAP-CONTENT">{paragraphs(BODY)}</div>',
    )
    assert scraper.clean(html).text.split("\n") == BODY


def test_source_marked_up_by_id_and_meta_author_that_is_the_site():
    html = page(
        '<title>年会召开-新华网</title><meta name="author" content="新华网">',
        '<div class="h-info"><span class="h-time">2019-09-23 10:12:01</span>'
        '<span>来源： <em id="source"> 新华网</em></span></div>'
        f'<div id="p-detail">{paragraphs(BODY)}</div>',
    )
    doc = scraper.clean(html)
    assert doc.source == "新华网"
    assert doc.author is None  # the site, not a person


def test_one_paragraph_article_keeps_its_metadata_line_out_of_the_body():
    body = BODY[0] + BODY[1] + BODY[2]
    html = page(
        "<title>午间公告</title>",
        NAV + '<div class="intal_tit"><h2>午间公告：多家公司发布中标公告</h2>'
        '<div class="info">2019-09-26 12:11来源：证券时报网作者：李在山</div></div>'
        f'<div class="txt_con"><p>{body}</p></div>'
        '<div class="fenxiang">分享：</div>'
        "<p>声明：证券时报力求信息真实、准确，文章提及内容仅供参考，不构成实质性投资建议，据此操作风险自担。</p>",
    )
    doc = scraper.clean(html)
    assert doc.text == body
    assert (doc.date, doc.source, doc.author) == ("2019-09-26", "证券时报网", "李在山")


@pytest.mark.parametrize(
    "tail",
    [
        ["特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。"],
        ["（原题为《人文地理学的新时代》）", "澎湃新闻报料：4009-20-4009 澎湃新闻，未经授权不得转载"],
        ["版权所有：中国地理学会 京ICP备05008815号", "地址：北京市朝阳区大屯路甲11号 邮编：100101", "传真：010-64889598"],
        ["（责任编辑： HN666）"],
    ],
    ids=["disclaimer", "original-title-and-tips", "footer-lines", "editor-id"],
)
def test_trailing_platform_lines_are_dropped(tail):
    html = page("<title>年会召开</title>", f'<div class="article">{paragraphs(BODY + tail)}</div>')
    doc = scraper.clean(html)
    assert doc.text.split("\n") == BODY
    assert doc.editor is None


def test_new_media_credit_line_gives_editor_and_leaves_the_body():
    credit = "医技药剂党支部、药剂科供稿  摄影/张艳  编辑/苏芳"
    html = page("<title>党支部开展主题党日活动</title>", f'<div class="article">{paragraphs(BODY + [credit])}</div>')
    doc = scraper.clean(html)
    assert doc.text.split("\n") == BODY
    assert doc.editor == "苏芳"


def test_date_marked_up_inside_a_share_box_is_kept():
    html = page(
        "<title>京沪高速部分路段封闭施工_无锡交警</title>",
        '<div class="article_title"><h2>京沪高速部分路段封闭施工</h2>'
        '<div class="share_box"><p class="time"><span>2019-05-17</span> · <span>苏皖城市报道</span></p>'
        '<div class="share">分享至好友和朋友圈</div></div></div>'
        f'<div class="article_content">{paragraphs(BODY)}</div>'
        '<div class="date">今天是2024年1月1日 星期一</div>'
        '<ul class="list">' + "".join(
            f'<li><span class="date">2019-05-{d:02d}</span><a href="/{d}">无锡交警发布第{d}号通告</a></li>' for d in range(1, 16)
        ) + "</ul>",
    )
    assert scraper.clean(html).date == "2019-05-17"
