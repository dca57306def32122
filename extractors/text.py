"""Plain text and Markdown: decode the bytes, split pages on form feeds."""

from __future__ import annotations

from extractors.errors import EmptyDocumentError, UnsupportedFormatError
from extractors.types import Page

__all__ = ["decode_text", "read_text_pages"]

_BOM = b"\xef\xbb\xbf"
# Control characters other than tab, newline, carriage return and form feed.
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}
_MAX_CONTROL_RATIO = 0.01


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM stripped); cp1252 or Latin-1 only when the bytes look like text."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if b"\x00" in data:
        raise UnsupportedFormatError(detected="binary data (it contains NUL bytes)")
    control = sum(1 for b in data if b in _CONTROL)
    if data and control / len(data) > _MAX_CONTROL_RATIO:
        raise UnsupportedFormatError(detected="binary data")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    # Many non-ASCII bytes with almost no letters is binary, not Western-European text.
    letters = sum(1 for ch in text if ch.isalpha() or ch.isspace())
    if letters / max(len(text), 1) < 0.7:
        raise UnsupportedFormatError(detected="binary data")
    return text


def read_text_pages(data: bytes) -> tuple[Page, ...]:
    """One page, or one per form-feed-separated part; empty documents raise."""
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("\f") if "\f" in text else [text]
    pages = tuple(Page(number=i, text=part) for i, part in enumerate(parts, start=1))
    if not any(p.text.strip() for p in pages):
        raise EmptyDocumentError(
            "The text document contains no text. Check that the right file was uploaded."
        )
    return pages
