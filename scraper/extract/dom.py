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
# Every element an HtmlElement, looked up in C: lxml.html's own lookup is Python code run
# each time an element is touched (a million calls over a few hundred pages), and only
# adds form-control classes (FormElement, InputElement...) that no stage here uses.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))

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
    "script", "style", "template", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "canvas", "map", "option",
    "input", "textarea", "link", "meta", "audio", "video", "source", "track",
)
# Form controls hold labels ("Reply", "Subscribe"), but an unclosed <button> or <select>
# makes libxml2 nest the rest of the page inside it: such a control is unwrapped.
_CONTROL_TAGS = ("button", "select")
_SWALLOWED_CHARS = 200
_SWALLOWED_TAGS = ("p", "div", "table", "ul", "ol", "section", "article", "h1", "h2", "h3", "h4")

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


def _text_chars(el: lxml.html.HtmlElement) -> int:
    return sum(len(t) - t.count(" ") for t in el.itertext())


def _noscript_is_the_page(noscripts: list, body) -> bool:
    """The page's content lives in <noscript> (forum software renders it there for no-JS readers).

    True when the noscript text outweighs all the text outside it, as when a script
    paints the page and the noscript copy is the only text in the markup.
    """
    inside = sum(_text_chars(el) for el in noscripts)
    return inside >= _SWALLOWED_CHARS and inside > _text_chars(body) - inside


def drop_unreadable(root: lxml.html.HtmlElement) -> None:
    """Remove script/style/embeds and the like, keeping their tails (text after them).

    A form control that swallowed following content is unwrapped, keeping that
    content; <noscript> copies go unless they are the only rendering of the page.
    """
    body = root.find("body")
    noscripts = list(root.iter("noscript"))
    if noscripts and body is not None and _noscript_is_the_page(noscripts, body):
        for el in noscripts:
            el.drop_tag()
    else:
        for el in noscripts:
            if el.getparent() is not None:
                el.drop_tree()
    for el in list(root.iter(*UNREADABLE_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter(*_CONTROL_TAGS)):
        if el.getparent() is None:
            continue
        if next(el.iter(*_SWALLOWED_TAGS), None) is not None or _text_chars(el) > _SWALLOWED_CHARS:
            el.drop_tag()  # it swallowed the page: paragraphs are never a button's label
        else:
            el.drop_tree()


# display:none copies go (mobile duplicates, templates); visibility:hidden and opacity:0
# stay: scripts reveal them (WeChat hides the whole article until it has loaded).
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none", re.I)


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    """Hidden by inline style or attribute; CSS files are not evaluated."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE_RE.search(style))


def _hidden_roots(root: lxml.html.HtmlElement) -> list:
    """The outermost hidden elements (the XPath finds the few with a style or hidden attribute)."""
    found = [el for el in root.xpath("//*[@style or @hidden or @aria-hidden]")
             if el.tag in _HIDDEN_TAGS and is_hidden(el)]
    inside = set(found)
    return [el for el in found if not any(a in inside for a in el.iterancestors())]


_HIDDEN_TAGS = frozenset(("div", "span", "p", "ul", "section", "table", "td", "li", "a", "font", "article", "main"))
_SAMPLE_CHARS = 40
_SPACE_RE = re.compile(r"\s+")


def _squashed(el: lxml.html.HtmlElement) -> str:
    return _SPACE_RE.sub("", "".join(el.itertext()))


def _is_only_copy(el: lxml.html.HtmlElement, page_text: str) -> bool:
    """A hidden region that is the page's content, not a copy, a menu or a widget.

    Scripts reveal such regions after loading (shops, paywalled and lazy templates):
    its text is long, appears nowhere else on the page, and is not a list of links.
    """
    text = _squashed(el)
    if len(text) < _SWALLOWED_CHARS:
        return False
    samples = (text[int(len(text) * q) :][:_SAMPLE_CHARS] for q in (0.25, 0.5, 0.75))
    if any(page_text.count(sample) > text.count(sample) for sample in samples):
        return False  # a copy: its text is shown elsewhere too
    links = sum(len(_squashed(a)) for a in el.iter("a"))
    return links * 2 < len(text)


def drop_hidden(root: lxml.html.HtmlElement) -> None:
    """Drop display:none regions: copies of the page (mobile layouts), closed menus, widgets;
    keep one that is the only copy of long text (shown by a script once the page loads)."""
    hidden = _hidden_roots(root)
    if not hidden:
        return
    page_text = _squashed(root)
    for el in hidden:
        if not _is_only_copy(el, page_text):
            el.drop_tree()


def prepare(root: lxml.html.HtmlElement) -> None:
    """The tree as a reader sees it: no <head>, scripts, embeds, controls or hidden copies."""
    for el in root.findall("head"):
        el.drop_tree()
    drop_unreadable(root)
    drop_hidden(root)
