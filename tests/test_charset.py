"""scraper.decode.charset: bytes -> str as browsers do it, and right where the page lies."""

from __future__ import annotations

import codecs

import pytest
from charset_pages import (
    ASCII_SENTENCE,
    BIG5_SENTENCE,
    CP950_SENTENCE,
    EUCKR_SENTENCE,
    GB_SENTENCE,
    GBK_SENTENCE,
    HKSCS_SENTENCE,
    LATIN_SENTENCE,
    SJIS_SENTENCE,
    ascii_page,
    ascii_script,
    foreign_page,
    gbk_page,
    gov_page,
    hkscs_page,
    latin_page,
    script_heavy_gbk_page,
)

from scraper.decode.charset import decode, normalize_label, prescan

META_GB2312 = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'
META_UTF8 = '<meta charset="utf-8">'
META_BIG5 = '<meta http-equiv="Content-Type" content="text/html; charset=big5">'


def damage(body: bytes, word: str, codec: str) -> bytes:
    """Cut `word`'s first character after its lead byte, as truncating CMS editors do."""
    encoded = word.encode(codec)
    at = body.index(encoded)
    return body[:at] + encoded[:1] + b" &quot;" + body[at + 2 :]


def insert_byte(body: bytes, before: bytes, byte: bytes = b"\xff") -> bytes:
    at = body.index(before)
    return body[:at] + byte + body[at:]


# --- GB2312 / GBK -------------------------------------------------------------------------


def test_gb2312_label_on_gbk_only_characters_decodes_as_gb18030() -> None:
    body = gbk_page(META_GB2312).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")  # the label alone would lose 镕, 喆 and 堃
    result = decode(body)
    assert GBK_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == (
        "gb18030",
        "meta",
        "gb18030",
    )
    assert result.replacements == 0


def test_undeclared_gbk_with_ascii_script_at_both_ends_is_detected() -> None:
    body = script_heavy_gbk_page().encode("gbk")
    assert body[:5120].isascii() and body[-5120:].isascii()  # what naive sampling sees
    result = decode(body)
    assert GBK_SENTENCE in result.text and GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == (
        "gb18030",
        "detected",
        None,
    )


def test_undeclared_gb2312_page_is_detected() -> None:
    result = decode(gov_page().encode("gb2312"))
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source) == ("gb18030", "detected")


def test_damaged_undeclared_gbk_page_is_still_detected() -> None:
    # charset-normalizer gives up on a page with a single undecodable byte
    body = gbk_page().encode("gbk")
    body = damage(damage(body, "协调", "gbk"), "督查", "gbk")
    result = decode(body)
    assert GBK_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.replacements) == (
        "gb18030",
        "detected",
        2,
    )


# --- declarations that lie ----------------------------------------------------------------


def test_utf8_page_mislabelled_gb2312_in_meta() -> None:
    result = decode(gov_page(META_GB2312).encode("utf-8"))
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == (
        "utf-8",
        "detected",
        "gb18030",
    )


def test_utf8_page_mislabelled_gb2312_in_header() -> None:
    result = decode(gov_page().encode("utf-8"), "text/html; charset=GB2312")
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == (
        "utf-8",
        "detected",
        "gb18030",
    )


def test_utf8_page_mislabelled_gb2312_with_one_bad_byte() -> None:
    body = insert_byte(gov_page(META_GB2312).encode("utf-8"), GB_SENTENCE.encode("utf-8"))
    result = decode(body)
    assert "\ufffd" + GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.replacements) == (
        "utf-8",
        "detected",
        1,
    )


def test_one_curly_quote_is_enough_evidence_for_utf8() -> None:
    # gb18030 also decodes these bytes, as the classic mojibake "Don鈥檛"
    body = ascii_page(META_GB2312).replace("implement", "implement, don’t delay,").encode("utf-8")
    result = decode(body)
    assert "don’t delay" in result.text
    assert (result.encoding, result.encoding_source) == ("utf-8", "detected")


def test_one_gbk_character_that_is_also_valid_utf8_keeps_the_declaration() -> None:
    page = ascii_page(META_GB2312).replace("in earnest.", "in earnest (see Annex 一).")
    body = page.encode("gbk")
    assert body.decode("utf-8")  # 一 is D2BB in GBK: also valid UTF-8 (U+04BB)
    result = decode(body)
    assert "see Annex 一" in result.text
    assert (result.encoding, result.encoding_source) == ("gb18030", "meta")


def test_real_gbk_page_does_not_trigger_the_utf8_override() -> None:
    body = gbk_page(META_GB2312).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    result = decode(body, "text/html; charset=gbk")
    assert GBK_SENTENCE in result.text
    assert (result.encoding, result.encoding_source) == ("gb18030", "header")


def test_gbk_page_labelled_utf8_falls_to_the_detector() -> None:
    result = decode(gbk_page(META_UTF8).encode("gbk"))
    assert GBK_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == (
        "gb18030",
        "detected",
        "utf-8",
    )


def test_wrong_header_falls_back_to_the_meta() -> None:
    result = decode(gbk_page(META_GB2312).encode("gbk"), "text/html; charset=utf-8")
    assert GBK_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == (
        "gb18030",
        "meta",
        "utf-8",
    )


def test_server_default_latin1_header_on_gbk_page_yields_to_meta() -> None:
    result = decode(gov_page(META_GB2312).encode("gb2312"), "text/html; charset=ISO-8859-1")
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == (
        "gb18030",
        "meta",
        "cp1252",
    )


def test_server_default_latin1_header_on_undeclared_gbk_page_is_detected() -> None:
    result = decode(gov_page().encode("gb2312"), "text/html; charset=ISO-8859-1")
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source) == ("gb18030", "detected")


def test_junk_label_is_ignored() -> None:
    result = decode(gov_page('<meta charset="x-no-such-charset">').encode("gb2312"))
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == (
        "gb18030",
        "detected",
        None,
    )


# --- BOMs ---------------------------------------------------------------------------------


def test_utf8_bom_wins_and_is_stripped() -> None:
    body = codecs.BOM_UTF8 + gov_page(META_GB2312).encode("utf-8")
    result = decode(body, "text/html; charset=gbk")
    assert GB_SENTENCE in result.text
    assert result.text.startswith("<!DOCTYPE")
    assert (result.encoding, result.encoding_source, result.declared) == ("utf-8", "bom", "gb18030")


@pytest.mark.parametrize(
    ("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_utf16_with_bom(bom: bytes, codec: str) -> None:
    result = decode(bom + gov_page('<meta charset="utf-16">').encode(codec))
    assert GB_SENTENCE in result.text
    assert result.text.startswith("<!DOCTYPE")
    assert (result.encoding, result.encoding_source) == (codec, "bom")


def test_utf16_without_bom_is_detected() -> None:
    result = decode(gov_page().encode("utf-16-le"))
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source) == ("utf-16-le", "detected")


# --- Big5 ---------------------------------------------------------------------------------


def test_big5_page_declared() -> None:
    result = decode(gov_page(META_BIG5, traditional=True).encode("big5"))
    assert BIG5_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == (
        "big5hkscs",
        "meta",
        "big5hkscs",
    )


def test_big5_page_undeclared_is_detected() -> None:
    result = decode(gov_page(traditional=True).encode("big5"))
    assert BIG5_SENTENCE in result.text
    assert (result.encoding, result.encoding_source) == ("big5hkscs", "detected")


def test_hkscs_characters_on_page_declared_big5() -> None:
    result = decode(hkscs_page(META_BIG5).encode("big5hkscs"))
    assert HKSCS_SENTENCE in result.text  # 㗎 嘅 啲 𥄫
    assert (result.encoding, result.encoding_source) == ("big5hkscs", "meta")


def test_hkscs_page_undeclared_is_detected() -> None:
    result = decode(hkscs_page().encode("big5hkscs"))
    assert HKSCS_SENTENCE in result.text
    assert (result.encoding, result.encoding_source) == ("big5hkscs", "detected")


def test_big5_falls_back_to_cp950_for_microsoft_extensions() -> None:
    page = gov_page(META_BIG5, traditional=True, paragraphs=[BIG5_SENTENCE, CP950_SENTENCE])
    result = decode(page.encode("cp950"))
    assert CP950_SENTENCE in result.text  # € is A3E1 in cp950, absent from big5hkscs
    assert (result.encoding, result.encoding_source, result.declared) == (
        "cp950",
        "meta",
        "big5hkscs",
    )


# --- damage is repaired in place ----------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "codec", "expected"),
    [
        (META_GB2312, "gb2312", "gb18030"),
        (META_UTF8, "utf-8", "utf-8"),
        ("", "gb2312", "gb18030"),
        ("", "utf-8", "utf-8"),
    ],
)
def test_lone_invalid_byte_keeps_the_right_codec(meta: str, codec: str, expected: str) -> None:
    body = insert_byte(gov_page(meta).encode(codec), GB_SENTENCE.encode(codec))
    result = decode(body)
    assert "\ufffd" + GB_SENTENCE in result.text
    assert result.encoding == expected
    assert result.encoding_source == ("meta" if meta else "detected")
    assert result.replacements == 1


def test_lone_invalid_byte_in_big5_page_keeps_big5() -> None:
    body = insert_byte(
        gov_page(META_BIG5, traditional=True).encode("big5"), BIG5_SENTENCE.encode("big5")
    )
    result = decode(body)
    assert BIG5_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.replacements) == (
        "big5hkscs",
        "meta",
        1,
    )


# --- ASCII and defaults -------------------------------------------------------------------


@pytest.mark.parametrize(
    "meta", ["", '<meta charset="">', '<meta charset="foo-bar">', "<meta charset>"]
)
def test_pure_ascii_without_usable_declaration_is_utf8_default(meta: str) -> None:
    result = decode(ascii_page(meta).encode("ascii"))
    assert ASCII_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == ("utf-8", "default", None)


def test_pure_ascii_keeps_its_declared_label() -> None:
    result = decode(ascii_page(META_GB2312).encode("ascii"))
    assert ASCII_SENTENCE in result.text
    assert (result.encoding, result.encoding_source) == ("gb18030", "meta")


def test_empty_body() -> None:
    assert decode(b"") == decode(b"", None)
    assert (decode(b"").text, decode(b"").encoding_source) == ("", "default")


# --- other scripts ------------------------------------------------------------------------


def test_iso_8859_1_label_means_cp1252() -> None:
    result = decode(latin_page('<meta charset="iso-8859-1">').encode("cp1252"))
    assert LATIN_SENTENCE in result.text  # the euro sign is 0x80 in cp1252 only
    assert (result.encoding, result.encoding_source) == ("cp1252", "meta")


def test_undeclared_latin_page_is_detected() -> None:
    result = decode(latin_page().encode("cp1252"))
    assert LATIN_SENTENCE in result.text
    assert result.encoding_source == "detected"


def test_utf8_page_labelled_latin1_is_utf8() -> None:
    result = decode(latin_page('<meta charset="iso-8859-1">').encode("utf-8"))
    assert LATIN_SENTENCE in result.text
    assert (result.encoding, result.encoding_source) == ("utf-8", "detected")


@pytest.mark.parametrize(
    ("sentence", "label", "codec", "lang"),
    [
        (SJIS_SENTENCE, "shift_jis", "cp932", "ja"),
        (SJIS_SENTENCE, "euc-jp", "euc_jp", "ja"),
        (EUCKR_SENTENCE, "euc-kr", "cp949", "ko"),
    ],
)
def test_other_cjk_codecs_declared(sentence: str, label: str, codec: str, lang: str) -> None:
    result = decode(foreign_page(sentence, f'<meta charset="{label}">', lang).encode(codec))
    assert sentence in result.text
    assert (result.encoding, result.encoding_source) == (codec, "meta")


@pytest.mark.parametrize(
    ("sentence", "codec", "lang"), [(SJIS_SENTENCE, "cp932", "ja"), (EUCKR_SENTENCE, "cp949", "ko")]
)
def test_other_cjk_codecs_undeclared(sentence: str, codec: str, lang: str) -> None:
    result = decode(foreign_page(sentence, "", lang).encode(codec))
    assert sentence in result.text
    assert result.encoding_source == "detected"


# --- the prescan --------------------------------------------------------------------------


def test_meta_after_2kb_of_script_is_found() -> None:
    page = gov_page(META_GB2312, head_script=ascii_script(2500))
    body = page.encode("gb2312")
    assert body.index(b"charset=gb2312") > 1024  # past where browsers' prescan stops
    result = decode(body)
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source) == ("gb18030", "meta")


def test_meta_far_beyond_the_prescan_window_is_not_used() -> None:
    result = decode(gov_page(META_BIG5, head_script=ascii_script(6000)).encode("gb2312"))
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == (
        "gb18030",
        "detected",
        None,
    )


def test_header_beats_meta() -> None:
    result = decode(gov_page(META_BIG5).encode("gbk"), "text/html; charset=gbk")
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source) == ("gb18030", "header")


def test_utf16_label_in_meta_means_utf8() -> None:
    result = decode(gov_page('<meta charset="utf-16">').encode("utf-8"))
    assert GB_SENTENCE in result.text
    assert (result.encoding, result.encoding_source, result.declared) == ("utf-8", "meta", "utf-8")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta charset="gb2312">', "gb18030"),
        ("<META CHARSET=GBK>", "gb18030"),
        ("<meta charset='big5'/>", "big5hkscs"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb18030"),
        ("<meta content='text/html;charset=\"big5\"' http-equiv=content-type>", "big5hkscs"),
        ('<!-- <meta charset="big5"> --><meta charset="gbk">', "gb18030"),
        ('<meta content="text/html; charset=big5"><meta charset="gbk">', "gb18030"),  # no pragma
        ('<meta charset="nonsense"><meta charset="gbk">', "gb18030"),
        ('<div title="<meta charset=big5>"><meta charset="gbk">', "gb18030"),
        ('<meta name="keywords" content="charset=big5">', None),
        ("<!-- unterminated <meta charset=gbk>", None),
        ('<meta charset="utf-16le">', "utf-8"),
        ("<meta charset=x-user-defined>", "cp1252"),
    ],
)
def test_prescan(head: str, expected: str | None) -> None:
    assert prescan(f"<!DOCTYPE html><html><head>{head}<title>t</title>".encode()) == expected


# --- labels -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        *[
            (lbl, "gb18030")
            for lbl in (
                "gb2312",
                "GBK",
                "x-gbk",
                "cp936",
                "gb_2312-80",
                "chinese",
                "csGB2312",
                "iso-ir-58",
                "gb18030",
                " gb2312 ",
            )
        ],
        *[(lbl, "big5hkscs") for lbl in ("big5", "Big5-HKSCS", "cn-big5", "x-x-big5", "csbig5")],
        *[(lbl, "cp1252") for lbl in ("iso-8859-1", "latin1", "ascii", "us-ascii", "windows-1252")],
        ("utf8", "utf-8"),
        ("UTF-8", "utf-8"),
        ("unicode-1-1-utf-8", "utf-8"),
        ("shift_jis", "cp932"),
        ("sjis", "cp932"),
        ("euc-jp", "euc_jp"),
        ("euc-kr", "cp949"),
        ("koi8-r", "koi8-r"),
        ("windows-1251", "cp1251"),
        ("iso-8859-2", "iso8859-2"),
        ("iso-8859-9", "cp1254"),
        ("utf-16", "utf-16-le"),
        ("utf-16be", "utf-16-be"),
    ],
)
def test_normalize_label(label: str, codec: str) -> None:
    assert normalize_label(label) == codec
    assert codecs.lookup(codec).name == codec


@pytest.mark.parametrize(
    "label", ["", "foo-bar", "hz-gb-2312", "iso-2022-kr", "replacement", "utf-9"]
)
def test_normalize_label_unknown(label: str) -> None:
    assert normalize_label(label) is None
