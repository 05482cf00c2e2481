"""A thread read post by post (scraper/extract/thread.py), on markup forum software serves."""

from __future__ import annotations

import lxml.html

from scraper.extract import dom
from scraper.extract.blocks import block_map
from scraper.extract.prune import prune
from scraper.extract.records import find_records
from scraper.extract.thread import read_thread

POSTS = [
    ("老杨在清河", ["我们单元去年开始商量加装电梯，今年6月正式通车，前后一年多，把经过写下来给大家参考。",
                "最大的体会是要有人牵头，而且账要算在明处，每一笔钱都贴在公告栏里。"]),
    ("小鱼儿0512", ["感谢楼主的详细分享，我们小区也在征求意见，一楼的邻居一直不同意，请问你们是怎么沟通的？"]),
    ("清河城小编", ["本帖已加入精华，街道的政策问题可以在帖子里问我，我们整理后统一回复大家。"]),
]


def _discuz(posts, quote: str = "") -> str:
    out = []
    for n, (author, paras) in enumerate(posts):
        body = "".join(f"{p}<br />" for p in paras)
        if n == 2 and quote:
            body = f'<div class="quote"><blockquote>{quote}</blockquote></div>' + body
        out.append(
            f'<div id="post_{n}"><table id="pid{n}" class="plhin"><tr><td class="pls">'
            f'<div class="authi"><a href="space-uid-{n}.html" class="xw1">{author}</a></div>'
            f"<dl><dt>积分</dt><dd>138{n}</dd></dl><p>中级会员</p></td>"
            f'<td class="plc"><div class="pi"><strong>{n + 1}#</strong></div>'
            f'<div class="authi"><em>发表于 2023-6-18 2{n}:31:07</em> | <a href="#">只看该作者</a></div>'
            f'<div class="t_fsz"><table><tr><td class="t_f" id="postmessage_{n}">{body}</td></tr></table></div>'
            f'<div class="po"><a>回复</a> <a>引用</a> <a>举报</a></div>'
            f'<div class="sign">清河人说清河事 | 欢迎邻居们加入业主群，站内短消息联系我</div></td></tr></table></div>'
        )
    return '<div id="postlist">' + "".join(out) + "</div>"


def _read(body: str):
    root = lxml.html.document_fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")
    dom.prepare(root)
    bmap = block_map(root)
    kept = prune(root, bmap).kept(allow=frozenset(("comments",)))
    return read_thread(find_records(root, bmap), bmap, kept)


def test_each_post_is_its_author_then_its_words():
    thread = _read(_discuz(POSTS))
    assert thread is not None and thread.page_type == "forum" and thread.author == "老杨在清河"
    expected = [line for author, paras in POSTS for line in (author, *paras)]
    assert thread.lines == expected


def test_a_reply_quoting_an_earlier_post_keeps_only_its_own_words():
    thread = _read(_discuz(POSTS, quote="小鱼儿0512 发表于 2023-6-18 21:32 感谢楼主的详细分享，我们小区也在征求意见 ..."))
    assert thread is not None
    assert thread.lines.count("感谢楼主的详细分享，我们小区也在征求意见，一楼的邻居一直不同意，请问你们是怎么沟通的？") == 1
    assert not any("发表于" in line for line in thread.lines)


def test_signatures_points_and_tools_are_no_part_of_a_post():
    text = "\n".join(_read(_discuz(POSTS)).lines)
    for chrome in ("清河人说清河事", "积分", "中级会员", "只看该作者", "举报"):
        assert chrome not in text


def test_a_listing_of_links_is_not_a_thread():
    cards = "".join(f'<li class="item"><a href="/t/{i}">第{i}个帖子的标题在这里</a></li>' for i in range(6))
    assert _read(f'<ul class="threads">{cards}</ul>') is None
