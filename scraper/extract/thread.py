"""A thread read post by post: each post's author on a line, then the post's own words.

Forum software (Discuz!, phpBB, vBulletin, Discourse, Flarum) renders every post with
the same markup, so the posts are the page's repeated records (records.py). In each
post the body is the part holding nearly all of its prose; the author is the element
named like one (author, username, poster...) or the first link to a member's page.
Everything else in a post is chrome: points, user group, "回复 引用 举报", signatures,
and the quoted copy of an earlier post, which would repeat it.
"""

from __future__ import annotations

import re

import lxml.html

from .blocks import BlockMap
from .candidates import Candidate
from .dates import has_date
from .prune import prose_chars
from .records import Records

_AUTHOR_ATTR_RE = re.compile(
    r"(?:^|[^a-z])(author|authi|username|user-name|user_name|poster|nickname|uname|screen-?name|display-?name)",
    re.I,
)
_PROFILE_HREF_RE = re.compile(r"space-uid|/u/|/users?/|/members?[/.]|/profile|[?&]uid=|/people/|/space/", re.I)
_QUOTE_ATTR_RE = re.compile(r"(?:^|[^a-z])(quote|bbcode_quote|quotecontent)", re.I)
_AUTHOR_MAX_CHARS = 40
_STAMP_MAX_CHARS = 60
_TIME_RE = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")
_BODY_SHARE = 0.9  # the post's body holds this share of its prose
_MIN_POSTS = 2


def _is_stamp(text: str) -> bool:
    """A post's header line: "发表于 2023-6-18 21:32 | 只看该作者", "Posted Mar 3, 2024"."""
    return len(text) <= _STAMP_MAX_CHARS and bool(has_date(text) or _TIME_RE.search(text))


def _attrs(el: lxml.html.HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _author(post: lxml.html.HtmlElement) -> str | None:
    """The name of the post's author, if the markup says which it is."""
    for el in post.iter():
        if not isinstance(el.tag, str):
            continue
        named = el.get("itemprop") == "author" or _AUTHOR_ATTR_RE.search(_attrs(el))
        linked = el.tag == "a" and _PROFILE_HREF_RE.search(el.get("href") or "")
        if named or linked:
            text = " ".join(el.text_content().split())
            if 1 <= len(text) <= _AUTHOR_MAX_CHARS:
                return text
    return None


def _body(post: lxml.html.HtmlElement, bmap: BlockMap, prose: list[int]) -> lxml.html.HtmlElement | None:
    """The smallest element of the post holding nearly all of its prose."""
    def held(el) -> int:
        span = bmap.inside(el)
        return prose[span.stop] - prose[span.start]

    total = held(post)
    if not total:
        return None
    el = post
    while True:
        child = next((c for c in el if isinstance(c.tag, str) and held(c) >= _BODY_SHARE * total), None)
        if child is None:
            return el
        el = child


def _quoted(body: lxml.html.HtmlElement, bmap: BlockMap) -> set[int]:
    """Blocks of the copies of earlier posts that a reply quotes."""
    out: set[int] = set()
    for el in body.iter("blockquote", "div", "table", "aside"):
        if el.tag == "blockquote" or _QUOTE_ATTR_RE.search(_attrs(el)):
            out.update(bmap.inside(el))
    return out


def read_thread(records: Records | None, bmap: BlockMap, kept: list[bool]) -> Candidate | None:
    """The posts of the page, author line first, when its records are posts with prose."""
    if records is None or records.count < _MIN_POSTS:
        return None
    prose = [0]
    for b in bmap.blocks:  # a signature, a rating box (masked) or a post's date line are no body
        words = prose_chars(b) if kept[b.index] else 0
        prose.append(prose[-1] + (words if words and not _is_stamp(b.text) else 0))
    lines: list[str] = []
    indexes: list[int] = []
    line_blocks: list[int | None] = []  # None: an author line the post's markup did not hold as a line
    authors: list[str] = []
    posts = 0
    for post in records.members:
        body = _body(post, bmap, prose)
        if body is None:
            continue
        quoted = _quoted(body, bmap)
        words = [i for i in bmap.inside(body) if kept[i] and i not in quoted]
        if not words:
            continue
        author = _author(post)
        if author and bmap.blocks[words[0]].text != author:
            lines.append(author)
            line_blocks.append(None)
            authors.append(author)
        lines.extend(bmap.blocks[i].text for i in words)
        indexes.extend(words)
        line_blocks.extend(words)
        posts += 1
    if posts < _MIN_POSTS or len(authors) * 2 < posts:
        return None  # parts of one article are alike too, but have no authors of their own
    return Candidate("thread", indexes, lines=lines, page_type="forum", author=authors[0] if authors else None,
                     line_blocks=line_blocks)
