"""PDF pages via pdfplumber: words in reading order, tables, and OCR for scanned pages.

Each page's words are read once (`extract_words`), ordered by `layout` (two columns read
column by column) and cleaned by `cleanup` (running headers/footers, page numbers,
hyphenation, sentences cut by a page break), so `Page.text` is exactly what clause
offsets index and every word keeps its position. Big files are read in parallel over
page ranges, one process per core.

Memory stays near the size of the result: each pdfplumber page is closed once read, its
lines are kept as strings plus one float array of positions (`_RawPage`), and cleanup
holds the word objects of two neighbouring pages at a time.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from array import array
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfplumber.pdf import PDF
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from extractors.cleanup import (
    Token,
    Vocabulary,
    build_text,
    clean_lines,
    join_page_breaks,
    running_lines,
    trim_range,
)
from extractors.errors import (
    EmptyDocumentError,
    EncryptedDocumentError,
    ResourceLimitError,
    UnreadableDocumentError,
)
from extractors.layout import Line, RawWord, reading_lines
from extractors.ocr import OcrError, recognise
from extractors.tables import page_tables
from extractors.types import Page, Table

__all__ = ["PdfPages", "clean_page_texts", "read_pdf", "read_pdf_pages"]

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
MAX_IMAGE_PIXELS = 200_000_000  # a 600 dpi scan of a poster is 70 million; more is a bomb
PARALLEL_PAGES = 50  # files with at least this many pages are read over all cores
_CHUNKS_PER_WORKER = 4
# "fork" inside the sandbox worker (single-threaded, and its children inherit its memory
# limit and process group); "forkserver" elsewhere, where threads may be running.
pool_start_method = "forkserver"


@dataclass(slots=True)
class _RawPage:
    """A page as read, compactly: `texts` holds one string per line in reading order, its
    words joined by single spaces; `counts` the number of words of each line, `lengths` the
    length of each word (a word may itself hold a space, from a font's Unicode map) and
    `boxes` x0, top, x1, bottom of each word, all in reading order."""

    number: int
    width: float
    height: float
    texts: list[str] = field(default_factory=list)
    counts: array[int] = field(default_factory=lambda: array("I"))
    lengths: array[int] = field(default_factory=lambda: array("I"))
    boxes: array[float] = field(default_factory=lambda: array("f"))
    tables: list[Table] = field(default_factory=list)
    ocr: bool = False
    confidence: float | None = None
    scanned: bool = False  # no text layer, but an image: needs OCR
    ocr_error: str | None = None


@dataclass(frozen=True, slots=True)
class PdfPages:
    """What the PDF reader found, before sections are looked for."""

    pages: tuple[Page, ...]
    tables: tuple[Table, ...]
    warnings: tuple[str, ...]
    needs_ocr: tuple[int, ...]


def read_pdf_pages(data: bytes) -> tuple[Page, ...]:
    """Text of every page; a page without a text layer comes back with empty text."""
    return read_pdf(data).pages


def read_pdf(data: bytes, *, tesseract: str | None = None) -> PdfPages:
    """Pages in reading order with word positions, tables, OCR'd scanned pages.

    `tesseract` is the Tesseract binary; None leaves scanned pages empty and lists them
    in `needs_ocr`.
    """
    with _errors():
        raw = _read_raw(data, tesseract)
    pages = _clean(raw)
    warnings: list[str] = []
    needs: list[int] = []
    for page in raw:
        if page.scanned:
            needs.append(page.number)
            reason = page.ocr_error or "Tesseract (text recognition) is not installed"
            warnings.append(
                f"page {page.number} is a scanned image without text and was not read: "
                f"{reason}. Install tesseract-ocr, or ask the vendor for a text PDF."
            )
        elif page.ocr:
            warnings.append(
                f"page {page.number} was scanned; its text was recognised by OCR "
                f"(confidence {page.confidence or 0:.0%}): check quotes against the page image"
            )
    return PdfPages(
        pages=pages,
        tables=tuple(t for page in raw for t in page.tables),
        warnings=tuple(warnings),
        needs_ocr=tuple(needs),
    )


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except _ENCRYPTED as exc:
        raise EncryptedDocumentError() from exc
    except _PARSE_FAILURES as exc:
        if _is_encryption_failure(exc):
            raise EncryptedDocumentError() from exc
        raise UnreadableDocumentError() from exc


def _open(data: bytes) -> PDF:
    return pdfplumber.open(io.BytesIO(data))


def _read_raw(data: bytes, tesseract: str | None) -> list[_RawPage]:
    with _open(data) as pdf:
        count = len(pdf.pages)
        if count == 0:
            raise EmptyDocumentError(
                "The PDF has no pages. Ask the vendor for the complete agreement."
            )
        workers = min(os.cpu_count() or 1, count // (PARALLEL_PAGES // 2))
        if count < PARALLEL_PAGES or workers < 2:
            return _read_pages(pdf, range(count), tesseract)
    step = max(1, -(-count // (workers * _CHUNKS_PER_WORKER)))
    ranges = [(start, min(start + step, count)) for start in range(0, count, step)]
    context = multiprocessing.get_context(pool_start_method)
    if pool_start_method == "forkserver":  # page readers fork with the reader imported
        context.set_forkserver_preload(["extractors.pdf"])
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        chunks = pool.map(_read_range, [data] * len(ranges), ranges, [tesseract] * len(ranges))
        return [page for chunk in chunks for page in chunk]


def _read_range(data: bytes, span: tuple[int, int], tesseract: str | None) -> list[_RawPage]:
    with _errors(), _open(data) as pdf:
        return _read_pages(pdf, range(*span), tesseract)


def _read_pages(pdf: PDF, numbers: range, tesseract: str | None) -> list[_RawPage]:
    pages: list[_RawPage] = []
    for index in numbers:
        page = pdf.pages[index]
        try:
            pages.append(_read_page(page, index + 1, tesseract))
        finally:
            page.close()
    return pages


def _read_page(page: pdfplumber.page.Page, number: int, tesseract: str | None) -> _RawPage:
    width, height = float(page.width), float(page.height)
    words = [
        RawWord(w["text"], w["x0"], w["top"], w["x1"], w["bottom"]) for w in page.extract_words()
    ]
    raw = _RawPage(number=number, width=width, height=height)
    if words:
        _keep_lines(raw, reading_lines(words, width))
        raw.tables = page_tables(page, number)
    elif page.images:
        _check_images(page, number)
        raw.scanned = True
        if tesseract is not None:
            try:
                result = recognise(page, tesseract)
            except OcrError as exc:
                raw.ocr_error = str(exc)
                return raw
            _keep_lines(raw, reading_lines(result.words, width))
            raw.scanned, raw.ocr, raw.confidence = False, True, result.confidence
    return raw


def _check_images(page: pdfplumber.page.Page, number: int) -> None:
    """Refuse an image whose declared size would take gigabytes to decode (an image bomb)."""
    for image in page.images:
        width, height = image.get("srcsize") or (0, 0)
        if float(width) * float(height) > MAX_IMAGE_PIXELS:
            raise ResourceLimitError(
                f"Page {number} holds an image of {width} x {height} pixels, far larger than "
                "any scan, so it was not read (it may be built to overload readers). Ask the "
                "vendor for a plain PDF."
            )


def _keep_lines(raw: _RawPage, lines: Sequence[Line]) -> None:
    raw.texts = [" ".join(w.text for w in line) for line in lines]
    for line in lines:
        raw.counts.append(len(line))
        for word in line:
            raw.lengths.append(len(word.text))
            raw.boxes.extend((word.x0, word.top, word.x1, word.bottom))


def _lines(raw: _RawPage, start: int, end: int) -> list[Line]:
    """Lines `start` to `end` of the page as words with their positions again."""
    lines: list[Line] = []
    index = sum(raw.counts[:start])
    boxes = raw.boxes
    for text, count in zip(raw.texts[start:end], raw.counts[start:end], strict=True):
        line: Line = []
        position = 0
        for _ in range(count):
            word = text[position : position + raw.lengths[index]]
            position += len(word) + 1
            i = 4 * index
            line.append(RawWord(word, boxes[i], boxes[i + 1], boxes[i + 2], boxes[i + 3]))
            index += 1
        lines.append(line)
    return lines


def _clean(raw: Sequence[_RawPage]) -> tuple[Page, ...]:
    """Pages of clean text; a page's tokens live until the next page's are joined to it."""
    texts = [page.texts for page in raw]
    top, bottom = running_lines(texts)
    vocabulary = Vocabulary(["\n".join(lines) for lines in texts])
    pages: list[Page] = []
    previous: tuple[_RawPage, list[Token]] | None = None
    for page in raw:
        kept = _lines(page, *trim_range(page.texts, top, bottom))
        tokens = clean_lines(kept, vocabulary)
        if previous is not None:
            join_page_breaks([previous[1], tokens])
            pages.append(_page(*previous))
        previous = (page, tokens)
    if previous is not None:
        pages.append(_page(*previous))
    return tuple(pages)


def _page(raw: _RawPage, tokens: list[Token]) -> Page:
    text, words = build_text(tokens)
    return Page(
        number=raw.number,
        text=text,
        ocr=raw.ocr,
        confidence=raw.confidence,
        width=raw.width,
        height=raw.height,
        words=words,
    )


def clean_page_texts(texts: Sequence[str]) -> list[str]:
    """Page texts without running headers/footers and page numbers, hyphenation undone.

    The same cleanup as PDF pages get, for text already extracted (one line per line).
    """
    pages = [[line for line in text.split("\n") if line.strip()] for text in texts]
    top, bottom = running_lines(pages)
    vocabulary = Vocabulary(texts)
    cleaned: list[str] = []
    for lines in pages:
        kept = lines[slice(*trim_range(lines, top, bottom))]
        words = [[RawWord(w, 0, 0, 0, 0) for w in line.split()] for line in kept]
        cleaned.append(build_text(clean_lines(words, vocabulary))[0])
    return cleaned


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
