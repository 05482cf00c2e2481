"""Page-level metadata from <head> and headings: title, site name, canonical URL, language.

Read before any noise is removed, from the untouched tree. The article's own title
beats the <title> element, which carries the site suffix ("..._某某市人民政府").
"""

from __future__ import annotations

import html
import re
import json
from dataclasses import dataclass

import lxml.html

from .dates import date_from_url, parse_date
from .markup import scan_founder, scan_headings, scan_labelled_title
from .normalize import clean_title, strip_tags

_TITLE_SPLIT_RE = re.compile(r"\s*(?:_|\||｜| - | – | — |—|－|-{2,}|::|：：| » )\s*")
_SPACES_RE = re.compile(r"\s+")

_META_TITLE = ("articletitle", "og:title", "twitter:title", "title", "dc.title", "headline")
_META_DATE = (
    "pubdate", "publishdate", "article:published_time", "og:published_time", "published_time",
    "publish_date", "publication_date", "date", "dc.date", "dc.date.issued", "dcterms.created",
    "firstpublishedtime", "originalpublicationdate", "sailthru.date", "parsely-pub-date",
    "datepublished", "article.published", "publishtime", "releasedate",
)
_META_SOURCE = ("contentsource", "source", "article:source", "og:article:source")
_META_AUTHOR = ("author", "article:author", "og:article:author", "byl", "dc.creator", "sailthru.author", "parsely-author")
_META_SITE = ("og:site_name", "sitename", "application-name", "site_name", "twitter:site")


@dataclass(frozen=True)
class HeadMetadata:
    title: str | None = None
    # where the title came from: "meta" (ArticleTitle, <founder-title>), "label" (a 标题：
    # field when <title> names only the system), "heading" (a heading <title> starts
    # with), "og", "h1", or "guess" (<title> split); the heading just above the body may be better
    title_from: str = "guess"
    title_element: str | None = None  # raw <title>, used to recognise the title in the body
    date: str | None = None
    markup_date: str | None = None  # <time>, class="time" (Chinese pages): weaker than a labelled line
    source: str | None = None
    author: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    lang: str | None = None
    description: str | None = None
    declared_kind: str | None = None  # what the page says it is: article, product, forum, listing, website
    buy_buttons: int = 0  # <button>/<input> "Add to cart", "Buy now": a shop's page (form controls leave the tree)


def _squash(text: str | None) -> str:
    return _SPACES_RE.sub(" ", text or "").strip()


def strip_markup(text: str) -> str:
    """Markup a CMS put inside a meta value or <title>: <b>…</b>, &lt;b&gt;…&lt;/b&gt;."""
    if "&" in text:
        text = html.unescape(text)
    return strip_tags(text)


def meta_tags(root: lxml.html.HtmlElement) -> dict[str, str]:
    """name/property/itemprop -> content (markup stripped), first occurrence wins, keys lower-cased."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and content.strip():
            value = _squash(strip_markup(content))
            if value:
                found.setdefault(key.strip().lower(), value)
    return found


def _first(tags: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if tags.get(key):
            return tags[key]
    return None


@dataclass(frozen=True)
class LinkedData:
    """The schema.org Article facts a page declares in JSON-LD."""

    date: str | None = None
    author: str | None = None  # a Person
    source: str | None = None  # an Organization given as author
    headline: str | None = None


def _ld_objects(data) -> list[dict]:
    if isinstance(data, list):
        return [o for item in data for o in _ld_objects(item)]
    if isinstance(data, dict):
        return [data] + _ld_objects(data.get("@graph", []))
    return []


def _ld_names(value, kind: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict) and kind in str(item.get("@type", "Person")) and item.get("name"):
            names.append(_squash(str(item["name"])))
        elif isinstance(item, str) and kind == "Person":
            names.append(_squash(item))
    return names


def read_linked_data(root: lxml.html.HtmlElement) -> LinkedData:
    """Date, author and headline from JSON-LD; broken JSON is ignored, never fatal."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            objects = _ld_objects(json.loads(script.text))
        except (ValueError, RecursionError):
            continue
        for obj in objects:
            if "datePublished" in obj or "headline" in obj:
                people = _ld_names(obj.get("author"), "Person")
                orgs = _ld_names(obj.get("author"), "Organization")
                return LinkedData(
                    date=parse_date(str(obj.get("datePublished") or "")),
                    author=", ".join(people) or None,
                    source=orgs[0] if orgs else None,
                    headline=_squash(str(obj["headline"])) if obj.get("headline") else None,
                )
    return LinkedData()


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def choose_title(
    headings: tuple[str, ...], h1s: tuple[str, ...], tags: dict[str, str], title_el: str,
    labelled: str | None = None,
) -> tuple[str | None, str]:
    """The article title and where it came from: "meta", "heading", "label", "og", "h1" or "guess".

    ArticleTitle (the Chinese government CMS tag) first, then a labelled 标题： field
    when <title> is one name (the system's), then a heading that the <title> element
    starts with, then og:title, then the page's only <h1>; failing those, the first
    part of <title> before the site suffix, marked uncertain so the extractor may
    prefer the heading just above the body.
    """
    if tags.get("articletitle"):
        return tags["articletitle"], "meta"
    head_key = _key(title_el)
    if labelled and len([p for p in _TITLE_SPLIT_RE.split(title_el) if p]) <= 1 and _key(labelled) != head_key:
        return labelled, "label"  # <title> (and the heading showing it) name the system, the field the document
    for text in headings:
        key = _key(text)
        if len(key) >= 4 and head_key and (head_key.startswith(key) or key.startswith(head_key)):
            return text, "heading"
    og = tags.get("og:title") or tags.get("twitter:title")
    if og:
        og_parts = [p for p in _TITLE_SPLIT_RE.split(og) if p]
        return (og_parts[0] if og_parts and len(og_parts[0]) >= 4 else og), "og"
    if len(h1s) == 1:
        return h1s[0], "h1"
    parts = [p for p in _TITLE_SPLIT_RE.split(title_el) if p]
    if len(parts) <= 1:  # <title> names only the site: the first title-like heading is a better guess
        if headings:
            return headings[0], "guess"
    return (parts[0] if parts else (title_el or None)), "guess"


# schema.org @type (JSON-LD) and og:type -> the kind of page, a hint for choosing its main content
_KINDS = {
    "article": "article", "newsarticle": "article", "blogposting": "article", "report": "article",
    "scholarlyarticle": "article", "techarticle": "article", "reportagenewsarticle": "article",
    "product": "product", "productgroup": "product", "offer": "product", "book": "product",
    "qapage": "forum", "discussionforumposting": "forum", "question": "forum", "socialmediaposting": "forum",
    "itemlist": "listing", "collectionpage": "listing", "searchresultspage": "listing",
    "website": "website", "webpage": "website",
}
_KIND_ORDER = ("forum", "product", "listing", "article", "website")
_LD_TYPE_RE = re.compile(r'"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")')


def _declared_kind(root: lxml.html.HtmlElement, tags: dict[str, str]) -> str | None:
    """The most specific kind among the page's JSON-LD types and og:type."""
    found = set()
    for script in root.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            for m in _LD_TYPE_RE.finditer(script.text):
                found.update(_KINDS.get(t.lower()) for t in re.findall(r'"([^"]+)"', m.group(1)))
    found.add(_KINDS.get((tags.get("og:type") or "").lower()))
    found.update(_microdata_kinds(root))
    return next((k for k in _KIND_ORDER if k in found), None)


# A shop's buy button ("Add to cart", "加入购物车"), as a whole label.
BUY_RE = re.compile(r"^\W*(?:add to (?:cart|bag|basket|trolley)|buy (?:it )?now|加入购物车|立即购买)\W*$", re.I)
_BUY_MAX_CHARS = 30


def _buy_buttons(root: lxml.html.HtmlElement) -> int:
    """Form controls labelled as a buy button (counted before the controls leave the tree)."""
    count = 0
    for el in root.iter("button", "input"):
        label = (el.get("value") or "") if el.tag == "input" else el.text_content()
        if len(label) <= _BUY_MAX_CHARS and BUY_RE.match(label.strip()):
            count += 1
    return count


_MICRODATA_PRODUCTS_MAX = 2  # more Product items than this: a grid of product cards, a listing


def _microdata_kinds(root: lxml.html.HtmlElement) -> set[str | None]:
    """The kinds of the page's top-level schema.org microdata items (itemtype="https://schema.org/Product");
    an item inside another (a product's questions, an article's comments) says nothing of the page."""
    types = root.xpath("//*[@itemtype][not(ancestor::*[@itemscope])]/@itemtype")
    kinds = [_KINDS.get(t.strip().rstrip("/").rsplit("/", 1)[-1].lower()) for t in types]
    if kinds.count("product") > _MICRODATA_PRODUCTS_MAX:
        kinds = ["listing" if k == "product" else k for k in kinds]
    return set(kinds)


# Language names some templates write instead of codes (<meta name="language" content="English">).
_LANG_NAMES = {"english": "en", "chinese": "zh", "french": "fr", "german": "de", "spanish": "es",
               "japanese": "ja", "korean": "ko", "russian": "ru", "italian": "it", "portuguese": "pt", "dutch": "nl"}


def title_confirmed(head: HeadMetadata) -> bool:
    """The title is the first part of a <title> that also names the site ("金锺国 - 维基百科")."""
    parts = [p for p in _TITLE_SPLIT_RE.split(head.title_element or "") if p]
    return len(parts) >= 2 and bool(head.title) and _key(parts[0]) == _key(head.title)


def _lang(root: lxml.html.HtmlElement, tags: dict[str, str]) -> str | None:
    """The declared language (primary subtag); the extractor checks it against the text (language.py)."""
    lang = root.get("lang") or root.get("xml:lang") or tags.get("content-language") or tags.get("language")
    if not lang:
        return None
    lang = lang.strip().split(",")[0].replace("_", "-")
    code = lang.split("-")[0].lower() if lang else None
    return _LANG_NAMES.get(code, code) if code else None


def _canonical(root: lxml.html.HtmlElement, tags: dict[str, str]) -> str | None:
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            return link.get("href").strip()
    return tags.get("og:url")


def _plain_name(value: str | None) -> str | None:
    """Meta author tags sometimes hold a profile URL; that is not a name."""
    if not value or "://" in value or value.startswith("@") or len(value) > 80:
        return None
    return value


# Founder ENP article pages: <!--enpproperty <date>2023-12-01 14:43:00:0</date>…<title>…</title>-->
_ENP_RE = re.compile(r"<!--\s*enpproperty(.{0,3000}?)-->", re.S)
_ENP_FIELD_RE = re.compile(r"<(date|title|author)>([^<]{1,200})</\1>")
# Founder e-paper URLs carry the edition: /html/2020-01/31/content_123.htm, /pc/layout/202001/31/node_A01.html
_EDITION_URL_RE = re.compile(r"/(?:html|pc/\w+|content|layout)/(?:19|20)\d{2}-?\d{2}/\d{2}/(?:content|node|nw|nbs)[_.]", re.I)


def _founder_fields(root: lxml.html.HtmlElement, page_html: str | None) -> dict[str, str]:
    found = scan_founder(root)
    m = _ENP_RE.search(page_html) if page_html and "enpproperty" in page_html else None
    if m:
        for key, value in _ENP_FIELD_RE.findall(m.group(1)):
            found.setdefault(key, _squash(value))
    return found


def _meta_date(tags: dict[str, str]) -> str | None:
    for key in _META_DATE:
        if tags.get(key):
            date = parse_date(tags[key], roc=True)
            if date:
                return date
    return None


def read_head(root: lxml.html.HtmlElement, url: str | None = None, page_html: str | None = None) -> HeadMetadata:
    """Metadata a page declares about itself, before any body heuristics.

    `url` and `page_html` (the decoded page, for the comments the parser drops) let
    Founder e-paper pages give their edition date and fields.
    """
    tags = meta_tags(root)
    title_node = root.find(".//title")
    title_el = _squash(strip_markup(title_node.text_content())) if title_node is not None else ""
    founder = _founder_fields(root, page_html)
    if founder.get("title"):
        title, title_from = founder["title"], "meta"
    else:
        single = len([p for p in _TITLE_SPLIT_RE.split(title_el) if p]) <= 1  # the field matters only then
        labelled = scan_labelled_title(root) if single and not tags.get("articletitle") else None
        title, title_from = choose_title(*scan_headings(root), tags, title_el, labelled)
    date = parse_date(founder.get("date")) or _meta_date(tags)
    if not date and (founder or (url and _EDITION_URL_RE.search(url))):
        date = date_from_url(url)  # an e-paper's edition date
    linked = read_linked_data(root)
    return HeadMetadata(
        title=clean_title(title),
        title_from=title_from,
        title_element=title_el or None,
        date=date or linked.date,
        source=_first(tags, _META_SOURCE) or linked.source,
        author=_plain_name(founder.get("author") or _first(tags, _META_AUTHOR)) or linked.author,
        site_name=_first(tags, _META_SITE),
        canonical_url=_canonical(root, tags),
        lang=_lang(root, tags),
        description=_first(tags, ("description", "og:description", "twitter:description")),
        declared_kind=_declared_kind(root, tags),
        buy_buttons=_buy_buttons(root),
    )
