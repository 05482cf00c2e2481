"""`clean()`: the one-page pipeline, bytes or str in, `Document` out.

sniff (bytes only) -> decode once -> parse once -> extract main content + metadata.
Pure: no I/O and no changing globals; the same input gives the same output.
`clean_decoded()` starts after the decode (and the parse): the crawler's worker has
already decoded and parsed the page for its links and its kind, and hands both on.
"""

from __future__ import annotations

from dataclasses import replace

from .decode import decode, ensure_html
from .errors import EmptyInputError, InputTooLargeError, NoContentError, SelectorMatchedNothingError
from .extract import extract
from .models import CleanConfig, Decoded, Document

DEFAULT_CONFIG = CleanConfig()


def _check_size(size: int, config: CleanConfig) -> None:
    if size > config.max_input_bytes:
        raise InputTooLargeError(
            f"input too large: {size:,} bytes (limit {config.max_input_bytes:,}; "
            "raise CleanConfig.max_input_bytes to accept it)"
        )


def clean(
    source: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    config: CleanConfig | None = None,
) -> Document:
    """Clean one page. Bytes are decoded by our charset logic; a str is taken as decoded.

    Raises a subclass of `scraper.InputError` for input that is not a web page
    (`NotHTMLError`, `EmptyInputError`, `InputTooLargeError`) or that holds no main
    content (`NoContentError`).
    """
    config = config or DEFAULT_CONFIG
    if isinstance(source, (bytes, bytearray, memoryview)):
        body = bytes(source)
        _check_size(len(body), config)
        ensure_html(body, content_type)
        decoded = decode(body, content_type)
        html, encoding, encoding_source = decoded.text, decoded.encoding, decoded.encoding_source
    elif isinstance(source, str):
        _check_size(len(source), config)
        if not source.strip():
            raise EmptyInputError("empty input: no text")
        html, encoding, encoding_source = source.lstrip("\ufeff"), None, "given"
    else:
        raise TypeError(f"clean() takes bytes or str, not {type(source).__name__}")
    return _finish(html, url, config, encoding, encoding_source)


def clean_decoded(decoded: Decoded, url: str | None = None, *, config: CleanConfig | None = None,
                  size: int | None = None, tree=None) -> Document:
    """`clean()` of a page already sniffed (`ensure_html`) and decoded: the same Document.

    size: the raw page's length in bytes, checked against the limit as `clean()` does
    (default: the text's length). tree: `extract.dom.parse_html(decoded.text)`, when the
    caller has parsed it already; it is used up (the extractor prunes it in place).
    """
    config = config or DEFAULT_CONFIG
    _check_size(len(decoded.text) if size is None else size, config)
    return _finish(decoded.text, url, config, decoded.encoding, decoded.encoding_source, tree)


def _finish(html: str, url: str | None, config: CleanConfig, encoding: str | None, encoding_source: str,
            tree=None) -> Document:
    found = extract(html, url, config, tree=tree).document
    if not found.text.strip():
        where = f" at {url}" if url else ""
        if config.body_selector and not _selector_matches(html, config.body_selector):
            raise SelectorMatchedNothingError(
                f"selector {config.body_selector!r} matched nothing{where}: check it against the page's HTML")
        raise NoContentError(f"no main content found{where}: the page holds no article text")
    return replace(found, encoding=encoding, encoding_source=encoding_source)


def _selector_matches(html: str, selector: str) -> bool:
    """Whether the body selector finds any element (asked only after an empty result,
    to tell a wrong selector from a page without text)."""
    import lxml.html
    from cssselect import HTMLTranslator

    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return False
    return bool(root.xpath(HTMLTranslator().css_to_xpath(selector)))
