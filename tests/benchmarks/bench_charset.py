"""Charset benchmark: scraper.decode.charset.decode vs trafilatura on real Chinese pages.

    .venv/bin/python tests/benchmarks/bench_charset.py [path/to/zh-dev.jsonl.gz]

Without the development set (devdata.py) it says what is missing and exits 2.

Each record has `raw_b64` (the page's original bytes) and `charset` (a codec that
decodes it correctly). A page counts as right when our text equals
`bytes.decode(charset, "replace")` (BOM stripped); the codec family (gb2312 = gbk =
gb18030, big5 = big5hkscs = cp950) is reported too. Not collected by pytest.
"""

from __future__ import annotations

import base64
import codecs
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from trafilatura.utils import decode_file  # noqa: E402

from devdata import data_dir, require  # noqa: E402
from scraper.decode.charset import decode  # noqa: E402
REPEAT = 5
FAMILIES = {
    "gb2312": "gb",
    "gbk": "gb",
    "gb18030": "gb",
    "big5": "big5",
    "big5hkscs": "big5",
    "cp950": "big5",
}
RAW_LABEL = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


def family(codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec
    return FAMILIES.get(name, name)


def cjk_count(text: str) -> int:
    return sum("\u4e00" <= char <= "\u9fff" for char in text)


def verdict(text: str, truth: str) -> str:
    """exact; garbled (under half the true CJK characters survive); else near."""
    if text == truth:
        return "exact"
    return "garbled" if cjk_count(text) < cjk_count(truth) / 2 else "near"


def truth_text(body: bytes, charset: str) -> str:
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if body.startswith(bom):
            body = body[len(bom) :]
            break
    return body.decode(charset, "replace")


def timed(func: Callable[[bytes], Any], body: bytes) -> tuple[Any, float]:
    """Result and best-of-REPEAT milliseconds."""
    best = float("inf")
    result = None
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = func(body)
        best = min(best, time.perf_counter() - start)
    return result, best * 1000


def load(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def run(records: list[dict[str, Any]]) -> None:
    ours: Counter[str] = Counter()
    theirs_verdicts: Counter[str] = Counter()
    family_ok = 0
    ours_ms = theirs_ms = 0.0
    sources: Counter[str] = Counter()
    failures: list[str] = []
    for index, record in enumerate(records):
        body = base64.b64decode(record["raw_b64"])
        truth = truth_text(body, record["charset"])
        result, ms = timed(decode, body)
        theirs, their_ms = timed(decode_file, body)
        ours_ms += ms
        theirs_ms += their_ms
        sources[result.encoding_source] += 1
        ours[verdict(result.text, truth)] += 1
        family_ok += family(result.encoding) == family(record["charset"])
        theirs_verdicts[verdict(theirs, truth)] += 1
        if result.text != truth:
            raw = RAW_LABEL.search(body[:8192])
            failures.append(
                f"  #{index} {record.get('url') or record.get('id')}: truth {record['charset']}, "
                f"meta label {raw.group(1).decode() if raw else None!r}, "
                f"we chose {result.encoding} ({result.encoding_source}, "
                f"declared {result.declared}, {result.replacements} replacements)"
            )
    total = len(records)
    print(f"pages: {total}   sources: {dict(sources)}")
    print(
        f"scraper.decode.charset.decode : {ours['exact']}/{total} exact, {ours['near']} near, "
        f"{ours['garbled']} garbled; {family_ok}/{total} codec family right; "
        f"{ours_ms / total:.2f} ms/page"
    )
    print(
        f"trafilatura decode_file: {theirs_verdicts['exact']}/{total} exact, "
        f"{theirs_verdicts['near']} near, {theirs_verdicts['garbled']} garbled; "
        f"{theirs_ms / total:.2f} ms/page"
    )
    print("  (near: right script, a few characters differ, e.g. gb2312's U+30FB for GBK's '·')")
    print("failures:" if failures else "failures: none")
    print("\n".join(failures))


def big_page_timing(records: list[dict[str, Any]]) -> None:
    """ms for a ~200 KB GBK page, declared and undeclared (the detector path)."""
    gbk = [base64.b64decode(r["raw_b64"]) for r in records if r["charset"] == "gb18030"]
    body = max(gbk, key=len)
    while len(body) < 200_000:
        body += body
    body = body[:200_000].rsplit(b"\n", 1)[0]
    undeclared = RAW_LABEL.sub(b"<meta x", body[:8192]) + body[8192:]
    for name, page in (("declared gb2312", body), ("undeclared", undeclared)):
        result, ms = timed(decode, page)
        _, their_ms = timed(decode_file, page)
        print(
            f"200 KB GBK page, {name:15}: ours {ms:6.2f} ms ({result.encoding}, "
            f"{result.encoding_source}); trafilatura {their_ms:6.2f} ms"
        )


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else data_dir() / "zh-dev.jsonl.gz"
    records = load(require([path], "bench_charset.py")[0])
    run(records)
    big_page_timing(records)


if __name__ == "__main__":
    main()
