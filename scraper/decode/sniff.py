"""What kind of bytes is this? Refuse PDFs, images and archives before parsing them as HTML.

Order: magic bytes (they do not lie), then a body that plainly starts as an HTML
document (servers send error pages under the requested file's type), then the
Content-Type, then a heuristic. Binary is judged by the share of control bytes,
never by their mere presence: real pages carry stray NULs, and UTF-16 pages are
half NULs.
"""

from __future__ import annotations

import codecs
import re

from ..errors import EmptyInputError, NotHTMLError

ACCEPTED_KINDS = frozenset({"html", "xml", "text"})
HEAD_BYTES = 4096
CONTROL_SAMPLE_BYTES = 1 << 20
# Random binary data has ~10% control bytes; text has next to none. With markup
# present we tolerate far more (NUL padding in a real page), up to a third.
BINARY_SHARE = 0.05
BINARY_SHARE_WITH_MARKUP = 0.30

_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "image", "a PNG image"),
    (b"\xff\xd8\xff", "image", "a JPEG image"),
    (b"GIF87a", "image", "a GIF image"),
    (b"GIF89a", "image", "a GIF image"),
    (b"II*\x00", "image", "a TIFF image"),
    (b"MM\x00*", "image", "a TIFF image"),
    (b"\x00\x00\x01\x00", "image", "an icon (ICO)"),
    (b"\x1f\x8b", "archive", "gzip-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "archive", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "archive", "a RAR archive"),
    (b"\xfd7zXZ\x00", "archive", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "archive", "zstd-compressed data"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "office", "a Microsoft Office document (doc/xls/ppt)"),
    (b"{\\rtf", "office", "an RTF document"),
    (b"ID3\x02", "audio", "an MP3 audio file"),
    (b"ID3\x03", "audio", "an MP3 audio file"),
    (b"ID3\x04", "audio", "an MP3 audio file"),
    (b"\xff\xfb", "audio", "an MP3 audio file"),
    (b"\xff\xf3", "audio", "an MP3 audio file"),
    (b"\xff\xf2", "audio", "an MP3 audio file"),
    (b"OggS\x00", "audio", "an Ogg audio file"),
    (b"fLaC", "audio", "a FLAC audio file"),
    (b"MThd\x00\x00\x00\x06", "audio", "a MIDI file"),
    (b"\x1aE\xdf\xa3", "video", "a WebM/Matroska video"),
    (b"FLV\x01", "video", "a Flash video"),
    (b"\x00\x00\x01\xba", "video", "an MPEG video"),
    (b"\x7fELF", "binary", "an ELF executable"),
    (b"\xca\xfe\xba\xbe", "binary", "a Java class file"),
    (b"\x00asm", "binary", "a WebAssembly module"),
    (b"SQLite format 3\x00", "binary", "an SQLite database"),
    (b"wOFF", "binary", "a web font (WOFF)"),
    (b"wOF2", "binary", "a web font (WOFF2)"),
)
_RIFF = {
    b"WEBP": ("image", "a WebP image"),
    b"WAVE": ("audio", "a WAV audio file"),
    b"AVI ": ("video", "an AVI video"),
}
_FTYP = {
    b"avif": ("image", "an AVIF image"),
    b"avis": ("image", "an AVIF image"),
    b"heic": ("image", "a HEIF image"),
    b"heix": ("image", "a HEIF image"),
    b"mif1": ("image", "a HEIF image"),
    b"M4A ": ("audio", "an M4A audio file"),
    b"M4B ": ("audio", "an M4B audio book"),
    b"qt  ": ("video", "a QuickTime video"),
}
_ZIP_CONTENTS = (
    (b"word/", "office", "a Word document (docx)"),
    (b"xl/", "office", "an Excel workbook (xlsx)"),
    (b"ppt/", "office", "a PowerPoint presentation (pptx)"),
    (b"application/vnd.oasis.opendocument", "office", "an OpenDocument file (odt/ods/odp)"),
    (b"application/epub+zip", "office", "an EPUB e-book"),
    (b"AndroidManifest.xml", "archive", "an Android package (apk)"),
    (b"META-INF/MANIFEST.MF", "archive", "a Java archive (jar)"),
)
_TYPE_KINDS = (  # (substring of the MIME type, kind, description), first match wins
    ("text/html", "html", ""),
    ("application/xhtml+xml", "html", ""),
    ("image/svg+xml", "image", "an SVG image"),
    ("+xml", "xml", ""),
    ("/xml", "xml", ""),
    ("application/json", "text", ""),
    ("+json", "text", ""),
    ("application/javascript", "text", ""),
    ("text/", "text", ""),
    ("application/pdf", "pdf", "a PDF document"),
    ("image/", "image", "an image"),
    ("audio/", "audio", "an audio file"),
    ("video/", "video", "a video"),
    ("font/", "binary", "a font file"),
    ("application/zip", "archive", "a ZIP archive"),
    ("gzip", "archive", "gzip-compressed data"),
    ("compressed", "archive", "an archive"),
    ("application/x-tar", "archive", "a tar archive"),
    ("application/x-bzip2", "archive", "bzip2-compressed data"),
    ("application/x-xz", "archive", "xz-compressed data"),
    ("application/java-archive", "archive", "a Java archive (jar)"),
    ("application/vnd.rar", "archive", "a RAR archive"),
    ("application/msword", "office", "a Word document"),
    ("application/vnd.ms-", "office", "a Microsoft Office document"),
    ("application/vnd.openxmlformats-officedocument", "office", "an Office document"),
    ("application/vnd.oasis.opendocument", "office", "an OpenDocument file"),
    ("application/rtf", "office", "an RTF document"),
    ("application/epub+zip", "office", "an EPUB e-book"),
    ("application/wasm", "binary", "a WebAssembly module"),
    ("application/x-msdownload", "binary", "a Windows executable"),
    ("application/x-shockwave-flash", "binary", "a Flash file"),
)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_ROOT = re.compile(  # the first element after the XML declaration, comments, doctype
    r"\s*(?:<\?[^>]*>\s*|<!--.*?-->\s*|<!doctype[^>]*>\s*)*<([a-zA-Z][\w:.-]*)", re.I | re.S
)
_HTML_TAGS = (
    "html|head|body|meta|title|div|p|a|br|table|tr|td|span|script|style|link|img|ul|li|"
    "h[1-6]|form|iframe|center|font|b|strong"
)
_TAG = re.compile(rf"<(?:!doctype\s+html|/?(?:{_HTML_TAGS})\b)[^<>]*>", re.I)
_XML_ROOTS = frozenset({"rss", "feed", "urlset", "sitemapindex", "rdf:rdf", "opml"})


def _signature(body: bytes) -> tuple[str, str] | None:
    """Kind and description from magic bytes, or None."""
    for magic, kind, description in _SIGNATURES:
        if body.startswith(magic):
            return kind, description
    if body.startswith(b"RIFF") and body[8:12] in _RIFF:
        return _RIFF[body[8:12]]
    if body[4:8] == b"ftyp":
        return _FTYP.get(body[8:12], ("video", "an MP4 video"))
    if body.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        head = body[:65536]
        for marker, kind, description in _ZIP_CONTENTS:
            if marker in head:
                return kind, description
        return "archive", "a ZIP archive"
    if body[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf", "a PDF document"  # some servers prepend a newline or two
    if body[257:262] == b"ustar":
        return "archive", "a tar archive"
    if body.startswith(b"BZh") and body[4:10] == b"1AY&SY":
        return "archive", "bzip2-compressed data"
    if body.startswith(b"MZ") and b"\x00" in body[2:64]:
        return "binary", "a Windows executable"
    return None


def _head_text(body: bytes) -> tuple[str, bool]:
    """The first few KB as text for looking at markup; (text, was_utf16)."""
    head = body[: HEAD_BYTES + 2]
    if head.startswith(codecs.BOM_UTF8):
        return head[3:].decode("utf-8", "replace"), False
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(codec, "replace"), True
    if len(head) >= 16 and head[1::2].count(0) > len(head) // 3:
        return head.decode("utf-16-le", "replace"), True
    if len(head) >= 16 and head[0::2].count(0) > len(head) // 3:
        return head.decode("utf-16-be", "replace"), True
    return head.decode("latin-1"), False


def _control_share(body: bytes, head: str, utf16: bool) -> float:
    """Share of control characters (NUL, BEL, ... but not tab, newline, ESC)."""
    if utf16:
        return len(_CONTROL_CHARS.findall(head)) / max(1, len(head))
    sample = body[:CONTROL_SAMPLE_BYTES]
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


def _from_content_type(content_type: str | None) -> tuple[str, str] | None:
    """Kind and description the Content-Type claims, or None when it says nothing."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    for key, kind, description in _TYPE_KINDS:
        if key in mime:
            return kind, description
    return None


def _from_markup(head: str) -> tuple[str, str]:
    """Kind of a text body judged from its markup: html, xml, image (svg) or text."""
    root = _ROOT.match(head)
    name = root.group(1).lower() if root else ""
    if name == "html":
        return "html", "an HTML page"
    if name == "svg":
        return "image", "an SVG image"
    if root and (name in _XML_ROOTS or head.lstrip().startswith("<?xml")):
        return "xml", "an XML document"
    if _TAG.search(head):
        return "html", "an HTML page"
    return "text", "plain text"


def classify(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(kind, human description) for a body; see `sniff` for the kinds."""
    if not _strip(body):
        return "empty", "empty input"
    signature = _signature(body)
    if signature:
        return signature
    head, utf16 = _head_text(body)
    share = _control_share(body, head, utf16)
    markup = len(_TAG.findall(head)) >= 3
    if share > BINARY_SHARE_WITH_MARKUP or (share > BINARY_SHARE and not markup):
        return "binary", f"binary data ({share:.0%} control bytes)"
    if _HTML_START.match(head):
        return "html", "an HTML page"
    claimed = _from_content_type(content_type)
    if claimed and claimed[0] not in ACCEPTED_KINDS:
        mime = (content_type or "").split(";", 1)[0].strip()
        return claimed[0], f"{claimed[1]} (Content-Type {mime})"
    if claimed and claimed[0] == "html":
        return "html", "an HTML page"
    judged = _from_markup(head)
    if claimed and claimed[0] == "xml" and judged[0] == "text":
        return "xml", "an XML document"
    return judged


def sniff(body: bytes, content_type: str | None = None) -> str:
    """The kind of a body: "html", "xml", "text", or a non-HTML kind.

    Non-HTML kinds: "pdf", "image", "archive", "office", "audio", "video", "binary";
    "empty" for no bytes or only whitespace.
    """
    return classify(body, content_type)[0]


def _strip(body: bytes) -> bytes:
    """The body without its BOM and surrounding whitespace."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].strip()
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body[2:].strip(b"\x00\t\n\r\f\v ")  # UTF-16 whitespace
    return body.strip()


def _preview(body: bytes, size: int = 8) -> str:
    """The first bytes, printable ASCII as is and anything else as \\xNN."""
    return "".join(chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}" for b in body[:size])


def ensure_html(body: bytes, content_type: str | None = None) -> None:
    """Raise if the body is clearly not a web page; HTML, XML and plain text pass.

    Plain text is let through on purpose: the caller decides what to do with it.
    """
    kind, description = classify(body, content_type)
    if kind == "empty":
        if not body:
            raise EmptyInputError("empty input: 0 bytes")
        raise EmptyInputError(f"empty input: {len(body):,} bytes of whitespace")
    if kind in ACCEPTED_KINDS:
        return
    raise NotHTMLError(
        f"not a web page: looks like {description} "
        f"({len(body):,} bytes, starts with {_preview(body)})",
        kind=kind,
    )
