"""str -> Document: the main content and metadata of one decoded page (pure, no I/O)."""

from .page import Choice, Extracted, extract, readings

__all__ = ["Choice", "Extracted", "extract", "readings"]
