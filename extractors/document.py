"""One entry point for every format: bytes -> `ParsedDocument` (pages, sections, tables)."""

from __future__ import annotations

from extractors.errors import EmptyDocumentError, NeedsOcrError
from extractors.ocr import tesseract_path
from extractors.pdf import read_pdf
from extractors.reader import sniff
from extractors.sections import find_sections
from extractors.text import read_text_pages
from extractors.types import Page, ParsedDocument, Table
from extractors.webpage import read_html_pages
from extractors.word import read_docx

__all__ = ["read", "read_pages"]


def read(data: bytes, filename: str | None = None, *, ocr: bool = True) -> ParsedDocument:
    """Read a document; its type comes from the bytes, never from `filename`.

    Scanned PDF pages are recognised with Tesseract when it is installed (and `ocr` is
    True); otherwise they are listed in `needs_ocr` with a warning.

    Raises:
        ExtractionError: a subclass saying why the document as a whole cannot be read;
            NeedsOcrError when every page is a scan and no text could be recognised.
    """
    del filename  # the type comes from the bytes; the name can lie
    if not data.strip():
        raise EmptyDocumentError(
            "The file is empty: it has no content. Upload the agreement again."
        )
    kind = sniff(data)
    if kind == "pdf":
        found = read_pdf(data, tesseract=tesseract_path() if ocr else None)
        _require_text(found.pages, found.needs_ocr)
        return ParsedDocument(
            kind=kind,
            pages=found.pages,
            sections=find_sections(found.pages),
            tables=found.tables,
            warnings=found.warnings,
            needs_ocr=found.needs_ocr,
        )
    tables: tuple[Table, ...] = ()
    if kind == "docx":
        pages, tables = read_docx(data)
        empty = "The Word document contains no text. Check that the right file was uploaded."
    elif kind == "html":
        pages = read_html_pages(data)
        empty = (
            "The web page has no main text (only menus, banners or scripts). Save the "
            "policy page as PDF from the browser, or paste its text into a text file."
        )
    else:
        pages = read_text_pages(data)
        empty = "The text document contains no text. Check that the right file was uploaded."
    if not any(p.text.strip() for p in pages):
        raise EmptyDocumentError(empty)
    return ParsedDocument(kind=kind, pages=pages, sections=find_sections(pages), tables=tables)


def _require_text(pages: tuple[Page, ...], needs_ocr: tuple[int, ...]) -> None:
    if any(p.text.strip() for p in pages):
        return
    if needs_ocr:
        raise NeedsOcrError(pages=needs_ocr)
    raise EmptyDocumentError()


def read_pages(data: bytes, *, filename: str | None = None) -> tuple[Page, ...]:
    """Document bytes -> pages of text; raises EmptyDocumentError when no page has text."""
    return read(data, filename).pages
