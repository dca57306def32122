"""PDF pages via pdfplumber; each page is closed as soon as its text is read."""

from __future__ import annotations

import io

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from extractors.errors import EncryptedDocumentError, UnreadableDocumentError
from extractors.types import Page

__all__ = ["read_pdf_pages"]

_ENCRYPTED = (PDFPasswordIncorrect, PDFEncryptionError)
# pdfminer raises assorted built-ins (KeyError, TypeError, ValueError, ...) on mangled files.
_PARSE_FAILURES = (
    PdfminerException,
    MalformedPDFException,
    PDFSyntaxError,
    PSException,
    KeyError,
    TypeError,
    ValueError,
    IndexError,
    AttributeError,
    AssertionError,
    RecursionError,
)


def read_pdf_pages(data: bytes) -> tuple[Page, ...]:
    """Text of every page; a page without a text layer comes back with empty text."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages: list[Page] = []
            for number, page in enumerate(pdf.pages, start=1):
                try:
                    text = page.extract_text() or ""
                finally:
                    page.close()
                pages.append(Page(number=number, text=text))
            return tuple(pages)
    except _ENCRYPTED as exc:
        raise EncryptedDocumentError() from exc
    except _PARSE_FAILURES as exc:
        if _is_encryption_failure(exc):
            raise EncryptedDocumentError() from exc
        raise UnreadableDocumentError() from exc


def _is_encryption_failure(exc: BaseException) -> bool:
    """pdfplumber wraps pdfminer's errors in PdfminerException(original)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, _ENCRYPTED):
            return True
        todo.extend(a for a in current.args if isinstance(a, BaseException))
        todo.extend([current.__cause__, current.__context__])
    return False
