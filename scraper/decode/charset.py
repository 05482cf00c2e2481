"""Bytes -> str the way browsers do it, plus repairs for the declarations that lie.

Order (WHATWG Encoding Standard / HTML "encoding sniffing algorithm"):
BOM > HTTP Content-Type charset > <meta> prescan > detector (charset-normalizer).
Labels map to decoders as WHATWG does (gb2312/gbk -> gb18030, big5 -> big5hkscs,
iso-8859-1/ascii -> cp1252). Two repairs browsers do not make, because we want the
right text rather than faithful mojibake:

* a legacy declaration (GBK, Big5, latin, ...) on bytes that are valid UTF-8 with
  non-ASCII sequences loses to UTF-8 (valid multi-byte UTF-8 by chance in real GBK
  text is vanishingly rare: one GBK character alone is valid UTF-8 about 1 time in
  6, a run of three 1 time in 250, and an article has hundreds);
* a declaration that yields many decode errors (a GBK page labelled utf-8), or a
  latin label on bytes that look multi-byte (the ISO-8859-1 default of many
  servers), falls through to the next declaration and then to the detector.

A few bad bytes never flip a page: they become U+FFFD and are counted.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from .labels import LABEL_TABLE as _LABEL_TABLE
from .labels import LABELS as _LABELS
from ..models import Decoded, EncodingSource

# Browsers stop the <meta> prescan at 1024 bytes, then honour a later <meta> in <head> by
# re-parsing ("change the encoding"). Many Chinese CMS templates put ~2 KB of script
# before their meta, so we let the prescan run to 4 KB to get the same result
# without a second parse.
EXTENDED_PRESCAN_BYTES = 4096
DETECT_SAMPLE_BYTES = 64 * 1024
# A declaration holds while replacements <= 1% of non-ASCII bytes (at least 1):
# a wrong multi-byte codec fails on 10-50% of them, a damaged page on a handful.
ERROR_RATE = 0.01
# Below this many non-ASCII bytes, UTF-8 validity is not enough to override a
# multi-byte declaration that also decodes cleanly: one GBK character alone is valid
# UTF-8 one time in six. Three bytes let one UTF-8 "’" or "–" win over "鈥檚" mojibake.
MIN_UTF8_EVIDENCE = 3

_UTF16 = frozenset({"utf-16-le", "utf-16-be"})
_MULTIBYTE = frozenset({"gb18030", "big5hkscs", "cp950", "euc_jp", "cp932", "cp949"})
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Encodings browsers support, as charset-normalizer names them.
_WEB_CODECS = sorted(
    {codec.replace("-", "_") for codec in _LABEL_TABLE if codec not in _UTF16}
    | {"big5", "cp950", "gbk", "gb2312", "shift_jis", "euc_kr", "tis_620"}
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_HIGH_AS_H = bytes(0x48 if byte >= 0x80 else 0x2E for byte in range(256))  # "H" / "."
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';,\s]*)""", re.I)


def normalize_label(label: str) -> str | None:
    """WHATWG label -> Python codec name; None for unknown or 'replacement' labels."""
    key = label.strip().strip("\"'").strip().lower()
    return _LABELS.get(key)


# --- declarations --------------------------------------------------------------------


def header_charset(content_type: str | None) -> str | None:
    """The codec named by an HTTP Content-Type's charset parameter, if known."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalize_label(match.group(1)) if match and match.group(1) else None


_PRESCAN_TOKEN = re.compile(
    rb"(?P<comment><!--)|(?P<meta><meta(?=[\t\n\f\r /]))|(?P<tag></?[a-zA-Z])|<[!/?]", re.I
)
_ATTRIBUTE = re.compile(
    rb"""[\t\n\f\r /]*(?:(>)|([^\t\n\f\r />][^\t\n\f\r /=>]*)[\t\n\f\r ]*"""
    rb"""(?:=[\t\n\f\r ]*("[^"]*"|'[^']*'|[^\t\n\f\r >]*))?)"""
)
_CONTENT_CHARSET = re.compile(
    rb"""charset[\t\n\f\r ]*=[\t\n\f\r ]*("[^"]*"|'[^']*'|[^\t\n\f\r ;"']+)""", re.I
)


def _attributes(buf: bytes, pos: int) -> tuple[dict[bytes, bytes], int] | None:
    """Read a tag's attributes from pos; (attributes, end) or None if the tag is cut off."""
    attrs: dict[bytes, bytes] = {}
    while True:
        match = _ATTRIBUTE.match(buf, pos)
        if match is None or match.end() == pos:
            return None
        pos = match.end()
        if match.group(1):
            return attrs, pos
        value = match.group(3) or b""
        if value[:1] in (b'"', b"'"):
            value = value[1:-1]
        attrs.setdefault(match.group(2).lower(), value)


def _meta_codec(attrs: dict[bytes, bytes]) -> str | None:
    """WHATWG prescan rules for one <meta>: charset=, or http-equiv + content."""
    if b"charset" in attrs:
        label = attrs[b"charset"]
    elif attrs.get(b"http-equiv", b"").lower() == b"content-type" and b"content" in attrs:
        match = _CONTENT_CHARSET.search(attrs[b"content"])
        if not match:
            return None
        label = match.group(1).strip(b"\"'")
    else:
        return None
    codec = normalize_label(label.decode("latin-1"))
    # A page whose meta says UTF-16 was read as ASCII to find it, so it is not UTF-16.
    return "utf-8" if codec in _UTF16 else codec


def prescan(body: bytes, limit: int = EXTENDED_PRESCAN_BYTES) -> str | None:
    """The codec declared by the first usable <meta> in body[:limit] (comments skipped)."""
    buf = body[:limit]
    pos = 0
    while (token := _PRESCAN_TOKEN.search(buf, pos)) is not None:
        if token.group("comment"):
            close, width = buf.find(b"-->", token.start() + 2), 3  # "<!-->" is whole
        elif token.group("meta") or token.group("tag"):
            parsed = _attributes(buf, token.end())
            if parsed is None:
                return None
            attrs, pos = parsed
            codec = _meta_codec(attrs) if token.group("meta") else None
            if codec:
                return codec
            continue
        else:
            close, width = buf.find(b">", token.end()), 1  # <!DOCTYPE>, <?xml?>, </ >
        if close < 0:
            return None
        pos = close + width
    return None


Declaration = tuple[str, EncodingSource]


def _declarations(body: bytes, content_type: str | None) -> list[Declaration]:
    """Declared codecs in browser priority order, as (codec, source)."""
    found: list[tuple[str | None, EncodingSource]] = [
        (header_charset(content_type), "header"),
        (prescan(body), "meta"),
    ]
    return [(codec, source) for codec, source in found if codec]


# --- trial decoding ------------------------------------------------------------------


def _decode(body: bytes, codec: str) -> tuple[str, str, int]:
    """Decode once, strictly if possible; (text, codec used, replacements).

    big5hkscs falls back to cp950 (Microsoft's Big5, e.g. the euro sign) when
    only the latter decodes cleanly.
    """
    try:
        return body.decode(codec), codec, 0
    except UnicodeDecodeError:
        pass
    if codec == "big5hkscs":
        try:
            return body.decode("cp950"), "cp950", 0
        except UnicodeDecodeError:
            pass
    text = body.decode(codec, "replace")
    return text, codec, text.count("\ufffd")


def _high_count(body: bytes) -> int:
    """Number of non-ASCII bytes."""
    return len(body) - len(body.translate(None, _HIGH_BYTES))


def _tolerable(errors: int, high: int) -> bool:
    """Few enough replacements that the codec is right and the page is damaged."""
    return errors <= max(1, int(high * ERROR_RATE))


def _looks_multibyte(body: bytes, high: int) -> bool:
    """Non-ASCII bytes in runs (CJK text), not one by one (accents in a latin page)."""
    if high < 16:
        return False
    shape = body.translate(_HIGH_AS_H)
    runs = shape.count(b".H") + shape.startswith(b"H")
    return high >= 1.8 * runs


def _utf8_wins(body: bytes, codec: str, high: int) -> bool:
    """Bytes known to be valid UTF-8 with non-ASCII: do they beat this declaration?

    Yes over any legacy codec (see the module docstring), unless the declared codec
    is multi-byte, decodes the body too, and there are too few non-ASCII bytes for
    UTF-8 validity to mean much.
    """
    if codec in _UTF16:
        return False
    if codec not in _MULTIBYTE or high >= MIN_UTF8_EVIDENCE:
        return True
    try:
        body.decode(codec)
    except UnicodeDecodeError:
        return True
    return False


def _utf16_guess(body: bytes) -> str | None:
    """BOM-less UTF-16: NULs on every other byte of the first KB."""
    head = body[:1024]
    if len(head) < 16 or head.count(0) < len(head) // 4:
        return None
    if head[0::2].count(0) > len(head) // 3:
        return "utf-16-be"
    if head[1::2].count(0) > len(head) // 3:
        return "utf-16-le"
    return None


# --- detection -----------------------------------------------------------------------


def _sample(body: bytes) -> bytes:
    """The lines holding non-ASCII bytes, up to DETECT_SAMPLE_BYTES.

    Detectors sample the start and end of a page; on CMS pages those are kilobytes
    of ASCII script and CSS, with the Chinese only in the middle. Cutting at line
    breaks keeps multi-byte characters whole (no CJK trail byte is a newline).
    """
    sample = b"\n".join(line for line in body.split(b"\n") if not line.isascii())
    if len(sample) > DETECT_SAMPLE_BYTES:
        head = sample[:DETECT_SAMPLE_BYTES]
        # cut after a byte below 0x40: never the second byte of a CJK character
        cut = max(head.rfind(b"<"), head.rfind(b">"), head.rfind(b" "), head.rfind(b'"'))
        sample = head[: cut + 1] if cut > 0 else head
    return sample


def _without_damaged_lines(sample: bytes) -> bytes:
    """The sample minus lines that gb18030 cannot decode.

    charset-normalizer rejects any codec that fails on a single byte, so one damaged
    character makes it give up on (or mis-guess) a GBK page. gb18030 accepts every
    Big5/EUC/Shift_JIS byte pair too, so this drops damage without biasing the vote.
    """
    text = sample.decode("gb18030", "replace")
    kept = [line for line in text.split("\n") if "\ufffd" not in line]
    return "\n".join(kept).encode("gb18030")


def _codec_for_detected(name: str) -> str | None:
    """A detector's codec name -> our codec (WHATWG mapping where one exists)."""
    codec = normalize_label(name) or normalize_label(name.replace("_", "-"))
    if codec:
        return codec
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _ask_detector(sample: bytes) -> list[str]:
    """charset-normalizer's codec names among web encodings, best first.

    Without the restriction it offers DOS code pages (cp850, cp775, hp-roman8) for
    Western pages; on a tie it lists cp1250 before cp1252, the browsers' default.
    """
    matches = list(from_bytes(sample, cp_isolation=_WEB_CODECS, preemptive_behaviour=False))
    names = [match.encoding for match in matches]
    for match in matches[1:4]:
        if (
            match.encoding == "cp1252"
            and match.chaos <= matches[0].chaos
            and match.coherence >= matches[0].coherence - 0.01
        ):
            names.remove("cp1252")
            names.insert(0, "cp1252")
            break
    return names


def detect(body: bytes) -> list[str]:
    """charset-normalizer's candidate codecs for the body, best first (at most 3)."""
    sample = _sample(body)
    if not sample:
        return []
    names = _ask_detector(sample) or _ask_detector(_without_damaged_lines(sample))
    found: list[str] = []
    for name in names[:3]:
        codec = _codec_for_detected(name)
        if codec and codec not in found:
            found.append(codec)
    return found


# --- the decision --------------------------------------------------------------------


def _bom(body: bytes, declared: list[Declaration]) -> Decoded | None:
    """A byte-order mark beats any declaration, as in browsers."""
    for mark, codec in _BOMS:
        if body.startswith(mark):
            text, codec, errors = _decode(body[len(mark) :], codec)
            return Decoded(text, codec, "bom", declared[0][0] if declared else None, errors)
    return None


def _from_declarations(
    body: bytes, declared: list[Declaration], utf8: str | None, high: int
) -> Decoded | None:
    """The first declaration that holds; a lying one yields to UTF-8 or falls through."""
    first = declared[0][0] if declared else None
    for codec, source in declared:
        if utf8 is not None and codec == "utf-8":
            return Decoded(utf8, "utf-8", source, first, 0)
        if utf8 is not None and _utf8_wins(body, codec, high):
            return Decoded(utf8, "utf-8", "detected", first, 0)
        if codec == "cp1252" and _looks_multibyte(body, high):
            continue  # a server's ISO-8859-1 default on a GBK/Big5 page
        text, used, errors = _decode(body, codec)
        if _tolerable(errors, high):
            return Decoded(text, used, source, first, errors)
    return None


def _from_detector(body: bytes, declared: list[Declaration], high: int) -> Decoded:
    """No declaration held: BOM-less UTF-16, nearly-valid UTF-8, then the detector.

    UTF-8 comes before the detector because its structure is strict (a legacy CJK
    or latin page fails on most of its non-ASCII bytes), while a detector may call a
    damaged page some single-byte codec that decodes anything. When nothing is
    tolerable, a browser's locale default is tried (GBK for zh-CN when the non-ASCII
    bytes come in runs, else windows-1252), and failing that, fewest replacements.
    """
    first = declared[0][0] if declared else None
    guess = _utf16_guess(body) or "utf-8"
    text, used, errors = _decode(body, guess)
    best = Decoded(text, used, "detected", first, errors)
    if guess != "utf-8" or (_tolerable(errors, high) and 2 * errors < high):
        return best  # UTF-16, or UTF-8 with some damage (but not *only* damage)
    candidates: list[Declaration] = [(codec, "detected") for codec in detect(body)]
    default = "gb18030" if _looks_multibyte(body, high) else "cp1252"
    for codec, source in [*candidates, (default, "default"), *declared]:
        text, used, errors = _decode(body, codec)
        if source in ("detected", "default") and _tolerable(errors, high):
            return Decoded(text, used, source, first, errors)
        if errors < best.replacements:
            best = Decoded(text, used, source, first, errors)
    return best


def _ascii(body: bytes, declared: list[Declaration]) -> Decoded:
    """ASCII bytes read the same in every ASCII-compatible codec: keep the declared one."""
    text = body.decode("ascii")
    for codec, source in declared:
        if codec not in _UTF16:
            return Decoded(text, codec, source, declared[0][0])
    return Decoded(text, "utf-8", "default", declared[0][0] if declared else None)


def decode(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode a page's bytes: BOM > header > <meta> > detector, with the repairs above.

    Pure ASCII with no usable declaration is reported as utf-8/"default": browsers
    would say windows-1252, which gives the same text.
    """
    declared = _declarations(body, content_type)
    bom = _bom(body, declared)
    if bom:
        return bom
    if body.isascii() and not _utf16_guess(body):
        return _ascii(body, declared)
    high = _high_count(body)
    try:
        utf8: str | None = body.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if not declared and utf8 is not None and high:
        return Decoded(utf8, "utf-8", "detected")
    return _from_declarations(body, declared, utf8, high) or _from_detector(body, declared, high)
