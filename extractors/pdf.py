"""PDF pages via pdfplumber; each page is closed as soon as its text is read.

The text is then cleaned, page by page, and `Page.text` is the cleaned text (so clause
offsets index into exactly what is stored):

* running headers and footers are removed: in documents with 3+ pages of text, a line
  among the first or last two lines of a page (one on a page of two or three lines,
  so the zones never overlap) that recurs (digits read as "#") in the same
  place on at least 60% of those pages;
* bare page numbers at the top or bottom of a page ("3", "Page 3 of 10", "- 3 -", "3/10");
* words hyphenated across a line break are joined ("notifi-\ncation" -> "notification")
  when the line ends with a letter and a hyphen and the next line starts in lowercase.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Sequence

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from extractors.errors import EncryptedDocumentError, UnreadableDocumentError
from extractors.types import Page

__all__ = ["clean_page_texts", "read_pdf_pages"]

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
            texts: list[str] = []
            for page in pdf.pages:
                try:
                    texts.append(page.extract_text() or "")
                finally:
                    page.close()
    except _ENCRYPTED as exc:
        raise EncryptedDocumentError() from exc
    except _PARSE_FAILURES as exc:
        if _is_encryption_failure(exc):
            raise EncryptedDocumentError() from exc
        raise UnreadableDocumentError() from exc
    cleaned = clean_page_texts(texts)
    return tuple(Page(number=n, text=text) for n, text in enumerate(cleaned, start=1))


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


_ZONE = 2  # lines at the top and at the bottom of a page where running heads are looked for
_MIN_PAGES_FOR_RUNNING = 3
_RUNNING_SHARE = 0.6
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"(?:page|p\.|pg\.?)?\s*[-–—]?\s*\d{1,4}\s*(?:(?:of|/)\s*\d{1,4})?\s*[-–—]?",
    re.IGNORECASE,
)
_HYPHENATED = re.compile(r"([^\W\d_])-[ \t]*\n[ \t]*([^\W\d_])")


def clean_page_texts(texts: Sequence[str]) -> list[str]:
    """Page texts without running headers/footers and page numbers, hyphenation undone."""
    pages = [text.split("\n") for text in texts]
    top, bottom = _running_lines(pages)
    return [_dehyphenate("\n".join(_trim(lines, top, bottom))) for lines in pages]


def _key(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split()))


def _zone_size(lines: list[str]) -> int:
    """Up to `_ZONE` lines, but the top and bottom zones of a short page never overlap."""
    filled = sum(1 for line in lines if line.strip())
    return max(1, min(_ZONE, filled // 2))


def _zones(lines: list[str]) -> tuple[list[str], list[str]]:
    filled = [line for line in lines if line.strip()]
    size = _zone_size(lines)
    return filled[:size], filled[-size:]


def _running_lines(pages: list[list[str]]) -> tuple[frozenset[str], frozenset[str]]:
    """Keys of lines repeated at the top / bottom of at least 60% of the pages with text."""
    with_text = [lines for lines in pages if any(line.strip() for line in lines)]
    if len(with_text) < _MIN_PAGES_FOR_RUNNING:
        return frozenset(), frozenset()
    top: Counter[str] = Counter()
    bottom: Counter[str] = Counter()
    for lines in with_text:
        head, foot = _zones(lines)
        top.update({_key(line) for line in head})
        bottom.update({_key(line) for line in foot})
    needed = math.ceil(_RUNNING_SHARE * len(with_text))
    return (
        frozenset(k for k, n in top.items() if n >= needed),
        frozenset(k for k, n in bottom.items() if n >= needed),
    )


def _is_page_number(line: str) -> bool:
    return _PAGE_NUMBER.fullmatch(line.strip()) is not None


def _trim(lines: list[str], top: frozenset[str], bottom: frozenset[str]) -> list[str]:
    """Drop running lines and page numbers among the first and last text lines (zones)."""
    size = _zone_size(lines)
    lines = _trim_start(lines, top, size)
    return _trim_start(lines[::-1], bottom, size)[::-1]


def _trim_start(lines: list[str], running: frozenset[str], size: int) -> list[str]:
    start = 0
    seen = 0
    while start < len(lines) and seen < size:
        line = lines[start]
        if not line.strip():
            start += 1
            continue
        if _key(line) not in running and not _is_page_number(line):
            break
        start += 1
        seen += 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    return lines[start:] if start else lines


def _dehyphenate(text: str) -> str:
    def join(match: re.Match[str]) -> str:
        before, after = match.group(1), match.group(2)
        return before + after if after.islower() else match.group(0)

    return _HYPHENATED.sub(join, text)
