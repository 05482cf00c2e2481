"""str -> Document: the main content and metadata of one decoded page (pure, no I/O)."""

from .page import Extracted, extract

__all__ = ["Extracted", "extract"]
