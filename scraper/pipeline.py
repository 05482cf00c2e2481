"""`clean()`: the one-page pipeline, bytes or str in, `Document` out.

decode (bytes only) -> parse once -> extract main content + metadata -> normalise.
Pure: no I/O, no globals that change, the same input gives the same output.
"""

from __future__ import annotations

from .models import CleanConfig, Document

DEFAULT_CONFIG = CleanConfig()


def clean(
    source: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    config: CleanConfig | None = None,
) -> Document:
    """Clean one page. Bytes are decoded by our charset logic; a str is taken as decoded."""
    raise NotImplementedError("being written")
