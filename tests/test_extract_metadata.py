"""clean(): the metadata and noise cases of issue 7 (items 5 and 6), each on a small whole page."""

from __future__ import annotations

import pytest

import scraper

TITLE = "通渭县人民政府办公室关于做好2020年春耕生产工作的通知"
BODY = [
    "各乡镇人民政府，县直有关部门：",
    "为切实做好今年春耕生产工作，确保粮食播种面积稳定在120万亩以上，经县政府同意，现就有关事项通知如下。",
    "一、各乡镇要把春耕生产作为当前农村工作的重中之重，层层压实责任，确保种子、化肥、农膜等农资供应充足。",
    "二、县农业农村局要组织农技人员深入田间地头，开展技术指导服务，帮助群众解决生产中的实际困难和问题。",
    "三、各有关部门要加强农资市场监管，严厉打击制售假冒伪劣农资行为，切实维护农民群众合法权益。",
]
NEWS = [
    "1月30日，通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议，安排部署全县疫情防控工作。县委书记主持会议并讲话。",
    "会议强调，各乡镇、各部门要切实提高政治站位，把疫情防控作为当前最重要的工作来抓，坚决遏制疫情扩散蔓延势头。",
    "会议要求，要加强宣传引导，及时发布权威信息，回应社会关切，引导群众科学防护，做到不信谣、不传谣。",
    "会议指出，要严格落实属地责任，全面排查从武汉返乡人员，做到早发现、早报告、早隔离、早治疗。",
]
NEWS_TITLE = "通渭县召开疫情防控工作会议"
NAV = '<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/zwfw/">政务服务</a> <a href="/hdjl/">互动交流</a></div>'
FOOTER = '<div class="footer"><p>版权所有：通渭县人民政府 陇ICP备14000381号</p></div>'


def page(head: str, body: str, html_attrs: str = "") -> bytes:
    return f'<!DOCTYPE html><html{html_attrs}><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'.encode()


def paras(lines: list[str]) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


DISCLOSURE = (
    '<table class="xxgk_table"><tr><td>索 引 号：</td><td>11621124MB1234567X/2020-00031</td>'
    "<td>主题分类：</td><td>农业、林业、水利</td></tr>"
    "<tr><td>发布机构：</td><td>通渭县人民政府办公室</td><td>成文日期：</td><td>2020-02-18</td></tr>"
    f"<tr><td>标　　题：</td><td colspan=3>{TITLE}</td></tr>"
    "<tr><td>发文字号：</td><td>通政办发〔2020〕12号</td><td>发布日期：</td><td>2020-02-20</td></tr></table>"
)


# The same fields in a layout table (a seal image in it): every cell is its own line.
DISCLOSURE_LAYOUT = DISCLOSURE.replace("<td>主题分类：", '<td><img src="/images/gk.gif">主题分类：')


@pytest.mark.parametrize("where", ["above", "inside", "layout"])
def test_disclosure_table_is_metadata(where):
    """The table's rows leave the body; 发布日期 beats 成文日期; 发布机构 is the source."""
    table_above = {"above": DISCLOSURE, "layout": DISCLOSURE_LAYOUT}.get(where, "")
    table_inside = DISCLOSURE if where == "inside" else ""
    html = page(
        "<title>通渭县人民政府</title>",
        NAV + table_above + f'<div class="article"><h2>{TITLE}</h2>{table_inside}{paras(BODY)}'
        "<p>通渭县人民政府办公室</p><p>2020年2月18日</p></div>" + FOOTER,
    )
    doc = scraper.clean(html, "http://www.tongwei.gov.cn/zwgk/a/123.html")
    assert doc.text.split("\n") == [*BODY, "通渭县人民政府办公室", "2020年2月18日"]
    assert (doc.title, doc.date, doc.source) == (TITLE, "2020-02-20", "通渭县人民政府办公室")


def test_labelled_title_when_the_title_element_names_the_system():
    html = page(
        "<title>政府信息公开</title>",
        NAV + '<div class="lm"><h3>政府信息公开</h3></div>' + DISCLOSURE + f'<div class="article">{paras(BODY)}</div>' + FOOTER,
    )
    doc = scraper.clean(html)
    assert doc.title == TITLE
    assert doc.text.split("\n") == BODY


@pytest.mark.parametrize(
    ("attrs", "lines", "lang"),
    [(' lang="en"', NEWS, "zh"), (' lang="zh-CN"', None, "en")],
    ids=["chinese-declared-en", "english-declared-zh"],
)
def test_lang_follows_the_text_when_the_attribute_disagrees(attrs, lines, lang):
    english = [
        "The council voted on Tuesday to approve a new budget for the district's schools, ending months of debate.",
        "Officials said the plan would add forty teachers and repair the roofs of six buildings before winter.",
        "Parents who spoke at the meeting welcomed the money but asked how the district would pay for it next year.",
    ]
    html = page("<title>x</title>", f'<div class="article"><h1>Council approves school budget</h1>{paras(lines or english)}</div>',
                attrs)
    assert scraper.clean(html).lang == lang


def test_lead_in_and_subtitle_around_the_title_are_not_body():
    lead_in = "坚决贯彻落实习近平总书记重要指示精神，全力以赴打赢疫情防控阻击战"
    html = page(
        f'<meta name="ArticleTitle" content="{NEWS_TITLE}"><title>{NEWS_TITLE}_通渭县人民政府</title>',
        NAV + f'<div class="article"><p>{lead_in}</p><p>{NEWS_TITLE}</p><p>——县委书记主持会议并讲话</p>{paras(NEWS)}</div>',
    )
    doc = scraper.clean(html)
    assert doc.text.split("\n") == NEWS
    assert doc.title == NEWS_TITLE


@pytest.mark.parametrize(
    ("credit", "author"),
    [("（记者 张三 李四）", "张三 李四"), ("某某日报记者 王五 赵六", "王五 赵六"), ("执笔人：陈静", "陈静")],
)
def test_closing_reporter_credit_goes_to_author(credit, author):
    html = page(f"<title>{NEWS_TITLE}</title>", NAV + f'<div class="article"><h1>{NEWS_TITLE}</h1>{paras(NEWS + [credit])}</div>')
    doc = scraper.clean(html)
    assert doc.text.split("\n") == NEWS
    assert doc.author == author


def test_reporter_credit_under_the_title_goes_to_author():
    html = page(f"<title>{NEWS_TITLE}</title>",
                NAV + f'<div class="article"><h1>{NEWS_TITLE}</h1><p>人民日报记者 张三 李四</p>{paras(NEWS)}</div>')
    doc = scraper.clean(html)
    assert doc.text.split("\n") == NEWS and doc.author == "张三 李四"


@pytest.mark.parametrize(
    "after",
    [
        [f"<p>{NEWS_TITLE}</p>", f"<p>{NEWS[0]}</p>", '<p><a href="/zt/">更多&gt;&gt;</a></p>'],  # a topic box
        ['<p>来源：通渭县融媒体中心 免责声明：本网转载文章仅为传播信息，不代表本网观点。</p>'],
        ["<p>本平台仅提供信息存储服务。</p>"],
        ['<div class="pages">首页 上一页 <a href="?p=1">1</a> <a href="?p=2">2</a> 下一页 尾页</div>'],
        ["<p>通渭县人民政府网 www.tongwei.gov.cn</p>"],
        ["<p>您对本文的满意度：</p>", "<p>加载中</p>"],
        ["<p>${fbrq}</p>"],
    ],
    ids=["topic-box", "statement-mid-line", "platform", "page-bar", "site-domain", "widgets", "template"],
)
def test_noise_after_the_body_is_dropped(after):
    html = page(f"<title>{NEWS_TITLE}</title>",
                NAV + f'<div class="article"><h1>{NEWS_TITLE}</h1>{paras(NEWS)}{"".join(after)}</div>' + FOOTER)
    assert scraper.clean(html).text.split("\n") == NEWS


def test_title_h1_with_a_subtitle_div():
    html = page(f"<title>{NEWS_TITLE}——县委书记主持会议并讲话_通渭县人民政府</title>",
                NAV + f'<div class="article"><h1>{NEWS_TITLE}<div class="sub">——县委书记主持会议并讲话</div></h1>{paras(NEWS)}</div>')
    doc = scraper.clean(html)
    assert doc.title == NEWS_TITLE
    assert doc.text.split("\n") == NEWS


def test_spaces_inside_a_date_in_the_heading_title():
    html = page("<title>通知公告</title>",
                NAV + f'<div class="article"><h1>关于2020 年 2 月 1 日起恢复办公的通知</h1>{paras(BODY[1:])}</div>')
    assert scraper.clean(html).title == "关于2020年2月1日起恢复办公的通知"


def test_roc_date_line_on_a_taiwanese_page():
    html = page("<title>臺北市政府</title>",
                NAV + f'<div class="article"><h1>{NEWS_TITLE}</h1><p>發布日期：民國107年3月5日</p>{paras(NEWS)}</div>')
    doc = scraper.clean(html)
    assert doc.date == "2018-03-05"
    assert doc.text.split("\n") == NEWS


def test_a_thread_subject_beside_its_type_label_is_the_title():
    """Discuz: <h1><a>[经验分享]</a> <span id="thread_subject">…</span></h1>; "subject" is no subtitle."""
    html = page("<title>加装电梯的全过程 - 民生杂谈 - 清河城论坛</title>",
                '<h1 class="ts"><a href="/f?typeid=112">[经验分享]</a> <span id="thread_subject">加装电梯的全过程</span></h1>'
                + paras(BODY))
    assert scraper.clean(html, "http://bbs.example.net/thread-1-1-1.html").title == "加装电梯的全过程"


def test_an_action_link_marked_as_source_is_not_the_source_and_a_script_timestamp_dates_the_page():
    """WeChat: <a id="js_view_source">阅读原文</a>, the account in #js_name, the time in `var ct`."""
    html = page('<title>清源发布</title><script>var ct = "1684308000"; var nickname = "x";</script>',
                '<h1 class="rich_media_title">春耕生产有序推进</h1><a id="js_name">清源发布</a><em id="publish_time"></em>'
                + paras(BODY) + '<a id="js_view_source" class="source">阅读原文</a>')
    doc = scraper.clean(html, "https://mp.example.com/s/abc")
    assert doc.source == "清源发布" and doc.date == "2023-05-17"


def test_a_template_credit_is_not_an_author():
    from scraper.extract.bylines import person_name

    assert person_name("Discuz! Team and Comsenz UI Team") is None
    assert person_name("Staff") is None and person_name("Maria Gonzalez") == "Maria Gonzalez"


def _kind(body: str, head: str = "") -> str | None:
    from scraper.extract import dom
    from scraper.extract.metadata import read_head

    html = f"<html><head><title>Kallax shelf unit</title>{head}</head><body>{body}</body></html>"
    return read_head(dom.parse_html(html), "https://shop.example.com/p/kallax", html).declared_kind


_OFFER = ('<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">79.99</span></div>')


def test_a_product_declared_in_microdata_is_a_product_page():
    page = ('<main itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Kallax shelf unit</h1>'
            f'<p itemprop="description">A shelf unit that stands upright or lies on its side.</p>{_OFFER}'
            '<section><div itemscope itemtype="http://schema.org/Question"><p itemprop="name">Can it hold vinyl records?</p>'
            "</div></section></main>")
    assert _kind(page) == "product"  # the question inside the product says nothing of the page
    assert _kind("<main><h1>Kallax shelf unit</h1><p>A shelf unit.</p></main>") is None


def test_a_grid_of_microdata_products_is_a_listing():
    cards = "".join(f'<li itemscope itemtype="https://schema.org/Product"><a itemprop="name" href="/p/{i}">Shelf {i}</a>'
                    f"{_OFFER}</li>" for i in range(6))
    assert _kind(f"<ul>{cards}</ul>") == "listing"
    assert _kind(f"<ul>{cards}</ul>", '<meta property="og:type" content="article">') == "listing"
