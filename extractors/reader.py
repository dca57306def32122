"""Sniff what the bytes are, never trusting the file name."""

from __future__ import annotations

from extractors.errors import UnsupportedFormatError
from extractors.types import Page
from extractors.webpage import is_html
from extractors.word import is_docx

__all__ = ["no_text_warning", "sniff"]

# Magic numbers of formats we are sometimes handed instead of an agreement.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Excel (OLE) document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"OggS", "an audio file"),
    (b"ID3", "an MP3 audio file"),
    (b"%!PS", "a PostScript file"),
)


def sniff(data: bytes) -> str:
    """ "pdf", "docx", "html" or "text"; raises UnsupportedFormatError for known binary formats."""
    head = data.lstrip(b" \t\r\n\x00\x0c")[:1024]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if is_docx(data):
            return "docx"
        raise UnsupportedFormatError(
            "This looks like a ZIP archive, not a Word (.docx) document or an agreement. "
            "Unzip it and upload the agreement itself as a PDF, Word (.docx) or text file.",
            detected="a ZIP archive",
        )
    for magic, name in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedFormatError(detected=name)
    if head[4:12] in (b"ftypisom", b"ftypmp42") or head[4:8] == b"ftyp":
        raise UnsupportedFormatError(detected="a video or HEIC image")
    if data[:4] == b"RIFF":
        raise UnsupportedFormatError(detected="an audio, video or WebP file")
    if is_html(data):
        return "html"
    return "text"


def no_text_warning(page: Page) -> str:
    return f"page {page.number} has no text layer (scanned?); OCR is needed"
