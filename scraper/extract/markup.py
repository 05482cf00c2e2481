"""Facts a page marks up by tag, class or id: title-like headings, 来源, publication date.

Walking an lxml.html tree from Python costs about a microsecond an element, so each
scan walks only the tags that can hold its fact and skips elements without class/id
before any regex runs. Source and date are scanned on Chinese pages only.
"""

from __future__ import annotations

import datetime
import re
import lxml.html

from .dates import TODAY_RE, parse_date

TITLE_CLASS_RE = re.compile(
    r"(?:^|[^a-z])(title|tit|biaoti|bt|headline|(?<!section-)(?<!sub)heading|article-title|news-title|detail-title)", re.I
)
_LOGO_RE = re.compile(r"logo|banner|masthead|site-?name|sitetitle|site-title|(?:^|[^a-z])(header|top)(?:$|[^a-z])", re.I)
_SOURCE_ATTR_RE = re.compile(
    r"(?:^|[\s_\-])(?:source|laiyuan|ly|media-?name|source-?name|profile_nickname|account_nickname|js_name)(?:$|[\s_\-])",
    re.I,
)
# a link to the original ("阅读原文") marked up as a source is an action, not an outlet
_SOURCE_ACTION_RE = re.compile(r"原文|阅读|查看|点击|链接|更多|read|view|more|link", re.I)
# publication time in a page's script as a Unix timestamp (WeChat's `var ct = "1684308000"`)
_SCRIPT_TIME_RE = re.compile(r"\b(?:ct|publish_?time|pub_?time|create_?time|publishTime|createTime)\s*[=:]\s*[\"']?(1\d{9})\b")
_CHINA = datetime.timezone(datetime.timedelta(hours=8))
_SOURCE_LABEL_RE = re.compile(r"^(?:来源|來源|来源于|信息来源|稿源|出处|source)\s*[:：]?\s*", re.I)
_DATE_ATTR_RE = re.compile(
    r"(?:^|[\s_\-])(?:time|date|pubtime|pubdate|publish\w*|post-?date|post-?time|fbsj|sj|rq|ptime)(?:$|[\s_\-])", re.I
)
_SPACES_RE = re.compile(r"\s+")

_HEADING_TAGS = frozenset(("h1", "h2", "h3"))
_TITLE_TAGS = frozenset("td div p span strong font b em section header".split())
_HEADING_ITER_TAGS = ("h1", "h2", "h3", *sorted(_TITLE_TAGS))  # h1-h3, and title tags with a class or id
# Inside a heading, these hold a subtitle, a badge or a date, not the title itself:
# <h1>标题<div class="subtitle">副题</div></h1>, <h1>Title <small>tagline</small></h1>.
_HEADING_PART_TAGS = frozenset("div p section h2 h3 h4 h5 h6 small ul ol table".split())
_SUBTITLE_ATTR_RE = re.compile(r"sub(?!ject)|fu(?:ti|biaoti)|tagline|badge|label|(?:^|[^a-z])tag|date|time|info", re.I)
# a forum's thread-type link before the subject: "[经验分享]", "【求助】"
_TYPE_LABEL_RE = re.compile(r"^[\[【［].{1,10}[\]】］]$")
_SOURCE_TAGS = frozenset("span em a div p font strong i b li".split())
_DATE_TAGS = frozenset("time p span div em font td h6 small".split())
_MAX_HEADINGS = 40
_SOURCE_MAX_CHARS = 30
_DATE_MAX_CHARS = 40


def _squash(text: str | None) -> str:
    return _SPACES_RE.sub(" ", text or "").strip()


def _in_logo(el: lxml.html.HtmlElement) -> bool:
    """A heading that is the site's logo or masthead (often a link home), not an article title."""
    for node in (el, *list(el.iterancestors())[:3]):
        if node.tag == "a" or _LOGO_RE.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
    return False


def heading_text(el: lxml.html.HtmlElement, depth: int = 0) -> str:
    """A heading's own text: a subtitle <div>, a <small> tagline or a badge inside it is left out.

    A title container whose text is all in one block child (div.title > div.text + span.tag)
    gives that child's own text.
    """
    if not any(isinstance(c.tag, str) for c in el):
        return _squash(el.text_content())
    parts = [el.text or ""]
    blocks = []
    for child in el:
        if not isinstance(child.tag, str):
            pass
        elif child.tag in _HEADING_PART_TAGS:
            blocks.append(child)
        elif child.tag == "a" and _TYPE_LABEL_RE.match(_squash(child.text_content())):
            pass
        elif not _SUBTITLE_ATTR_RE.search(f"{child.get('class') or ''} {child.get('id') or ''}"):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    own = _squash("".join(parts))
    if len(own) >= 4:
        return own
    if len(blocks) == 1 and depth < 3:
        return heading_text(blocks[0], depth + 1)
    return _squash(el.text_content())


def _heading(el: lxml.html.HtmlElement, attrs: str) -> str | None:
    if el.tag in _HEADING_TAGS or (el.tag in _TITLE_TAGS and TITLE_CLASS_RE.search(attrs)):
        text = heading_text(el)
        if 4 <= len(text) <= 120 and not _in_logo(el):
            return text
    return None


def _source(el: lxml.html.HtmlElement, attrs: str) -> str | None:
    if el.tag not in _SOURCE_TAGS or not _SOURCE_ATTR_RE.search(attrs):
        return None
    text = _SOURCE_LABEL_RE.sub("", _squash(el.text_content()))
    if (2 <= len(text) <= _SOURCE_MAX_CHARS and not parse_date(text) and not any(c in text for c in ":：|")
            and not _SOURCE_ACTION_RE.search(text)):
        return text
    return None


def _script_date(root: lxml.html.HtmlElement) -> str | None:
    """A publication timestamp a script sets (the page shows it only once the script runs)."""
    for script in root.iter("script"):
        m = _SCRIPT_TIME_RE.search(script.text or "")
        if m:
            return datetime.datetime.fromtimestamp(int(m.group(1)), _CHINA).date().isoformat()
    return None


def _date(el: lxml.html.HtmlElement, attrs: str) -> str | None:
    """Lists of other articles carry their own span.date in every item: those are skipped."""
    if el.tag not in _DATE_TAGS or (el.tag != "time" and not _DATE_ATTR_RE.search(attrs)):
        return None
    if any(a.tag in ("li", "a", "dd") for a in el.iterancestors()):
        return None
    text = el.get("datetime") or _squash(el.text_content())
    if len(text) <= _DATE_MAX_CHARS and not TODAY_RE.search(text):
        return parse_date(text, roc=True)  # 107-03-05 in a date field is ROC year 107
    return None


def _attrs(el: lxml.html.HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def scan_headings(root: lxml.html.HtmlElement) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Title-like headings (h1-h3, title-classed elements, not the logo) and the h1s among them."""
    headings: list[str] = []
    h1s: list[str] = []
    for el in root.iter(*_HEADING_ITER_TAGS):  # tags filtered in C (an XPath predicate on every node is 4x slower)
        if el.tag not in _HEADING_TAGS and el.get("class") is None and el.get("id") is None:
            continue
        text = _heading(el, _attrs(el))
        if text:
            headings.append(text)
            if el.tag == "h1":
                h1s.append(text)
            if len(headings) >= _MAX_HEADINGS:
                break
    return tuple(headings), tuple(h1s)


# 信息公开 pages and OA systems: the <title> names the system, a labelled field the document.
_TITLE_FIELD_RE = re.compile(r"^\s*[【\[]?(?:标\s*题|標\s*題|文件名称|信息名称|公文标题|题\s*名|名\s*称)[】\]]?\s*[:：]\s*(.*)$", re.S)
_TITLE_FIELD_XPATH = "//body//text()[contains(., '题') or contains(., '題') or contains(., '称')]"
_TITLE_FIELD_MIN, _TITLE_FIELD_MAX = 4, 120


def _next_text(node: lxml.html.HtmlElement) -> str:
    """The value cell after a label cell: the next sibling element (td, dd, span)."""
    sibling = node.getnext()
    return _squash(sibling.text_content()) if sibling is not None else ""


def scan_labelled_title(root: lxml.html.HtmlElement) -> str | None:
    """The value of a "标题：" / "名称：" field (in the same element or the next cell), if any."""
    for text in root.xpath(_TITLE_FIELD_XPATH):
        m = _TITLE_FIELD_RE.match(text)
        if not m:
            continue
        parent = text.getparent()
        value = _squash(m.group(1))
        if not value and parent is not None:
            if text.is_tail:  # <br>标题：<span>value</span>
                value = _next_text(parent)
            else:  # <td>标题：</td><td>value</td>, <b>标题：</b>value, <td>标题：<span>value</span></td>
                value = _squash(parent.text_content()[len(text):]) or _squash(parent.tail) or _next_text(parent)
        if _TITLE_FIELD_MIN <= len(value) <= _TITLE_FIELD_MAX:
            return value
    return None


# Founder (方正) e-paper templates mark the article's fields with their own tags.
_FOUNDER_TAGS = ("founder-title", "founder-date", "founder-author")


def scan_founder(root: lxml.html.HtmlElement) -> dict[str, str]:
    """{"title", "date", "author"} from <founder-title>, <founder-date>, <founder-author>."""
    found: dict[str, str] = {}
    for el in root.iter(*_FOUNDER_TAGS):
        key = el.tag.split("-", 1)[1]
        text = _squash(el.text_content())
        if text and key not in found:
            found[key] = text
    return found


def scan_source_and_date(root: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """The first 来源 and the first publication date the page marks up by class or id."""
    source = date = None
    for el in root.iter(*(_SOURCE_TAGS | _DATE_TAGS)):
        if el.tag != "time" and not (el.get("class") or el.get("id")):
            continue
        attrs = _attrs(el)
        source = source or _source(el, attrs)
        date = date or _date(el, attrs)
        if source and date:
            break
    return source, date or _script_date(root)
