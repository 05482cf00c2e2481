"""Parse HTML text into an lxml tree once, robustly, and prune elements that never hold content.

Everything downstream (metadata, noise rules, main-content scoring, trafilatura)
works on the tree this module returns.
"""

from __future__ import annotations

import re

import lxml.etree as etree
import lxml.html

from ..errors import InputError

_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)

_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# libxml2 stops at the first </html> and drops what follows; browsers ignore stray ones.
# Server-side includes leave them mid-page (www.gov.cn's 公报 pages), so all go: the
# parser closes the document itself.
_END_TAGS_RE = re.compile(r"</(?:body|html)\s*>", re.I)
# NUL and other C0 controls are rejected by lxml for str input and are never content.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Used only when the page is nested deeper than libxml2 allows (a hostile or broken
# page): drop every tag except those that carry structure we rely on, then reparse.
_FLATTEN_KEEP = "html|head|body|title|meta|link|script|style|p|br|h[1-6]|li"
_FLATTEN_RE = re.compile(rf"<(?!/?(?:{_FLATTEN_KEEP})\b)/?[a-zA-Z][^>]*>")

# Elements that never hold readable body text.
UNREADABLE_TAGS = (
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "canvas", "map", "select", "option", "button",
    "input", "textarea", "link", "meta", "audio", "video", "source", "track",
)


# libxml2 checks each new attribute of a tag against all earlier ones, so a tag with
# n distinct attributes costs O(n^2): 20,000 take 0.8 s, 200,000 over a minute (a
# hostile 1.9 MB page). No real tag has more than a few dozen, so tags are capped
# at MAX_ATTRIBUTES before parsing. The scan is linear: _TAG_RE reads a start tag up
# to its end outside quotes (an unclosed quote runs to the end of the text, as it
# does for the parser, so no position is scanned twice), and only tags longer than
# _LONG_TAG characters are walked attribute by attribute.
MAX_ATTRIBUTES = 256
_LONG_TAG = 4096
_TAG_RE = re.compile(r"""<[a-zA-Z](?:[^"'<>]++|"[^"]*+(?:"|\Z)|'[^']*+(?:'|\Z))*+""")
_ATTR_RE = re.compile(
    r"""[\s/]*+[^\s"'<>/=]++(?:\s*+=\s*+(?:"[^"]*+(?:"|\Z)|'[^']*+(?:'|\Z)|[^\s"'<>]*+))?+""")
_TAG_NAME_RE = re.compile(r"<[^\s/<>\"']++")


def cap_attributes(text: str, limit: int = MAX_ATTRIBUTES) -> str:
    """Drop the attributes of any start tag beyond its first `limit` (see _TAG_RE)."""
    pieces: list[str] = []
    last = 0
    for tag in _TAG_RE.finditer(text):
        start, end = tag.span()
        if end - start < _LONG_TAG:
            continue
        pos = _TAG_NAME_RE.match(text, start).end()
        for _ in range(limit):
            attr = _ATTR_RE.match(text, pos, end)
            if attr is None or attr.end() == pos:
                break
            pos = attr.end()
        else:
            pieces += [text[last:pos]]
            last = end
    if not pieces:
        return text
    return "".join(pieces) + text[last:]


def _prepare(text: str) -> str:
    text = cap_attributes(_END_TAGS_RE.sub("", _CONTROL_RE.sub("", text)))
    if text.startswith("<?") or text.lstrip().startswith("<?xml"):
        text = _XML_DECL_RE.sub("", text, count=1)
    return text


def _depth_exceeded(parser: lxml.html.HTMLParser) -> bool:
    return any("Excessive depth" in entry.message for entry in parser.error_log)


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a page into a tree with an <html> root; flatten hostile nesting instead of losing text."""
    text = _prepare(text)
    if not text.strip():
        raise InputError("empty page: no markup or text to parse")
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
        if _depth_exceeded(_PARSER):
            root = lxml.html.document_fromstring(_FLATTEN_RE.sub("\n", text), parser=_PARSER)
            if _depth_exceeded(_PARSER):
                raise InputError("page is nested too deeply to parse (over 256 levels)")
    except etree.ParserError as exc:  # "Document is empty" and friends
        raise InputError(f"cannot parse page as HTML: {exc}") from exc
    return root


def drop_unreadable(root: lxml.html.HtmlElement) -> None:
    """Remove script/style/form controls and the like, keeping their tails (text after them)."""
    for el in list(root.iter(*UNREADABLE_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()


_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    """Hidden by inline style or attribute; CSS files are not evaluated."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE_RE.search(style))


def drop_hidden(root: lxml.html.HtmlElement) -> None:
    for el in list(root.iter("div", "span", "p", "ul", "section", "table", "td", "li", "a", "font")):
        if el.getparent() is not None and is_hidden(el):
            el.drop_tree()
