"""Read edtech privacy agreements and find labelled clauses and data elements.

Formats are sniffed from the bytes: PDF, Word (.docx), web pages (HTML) and plain text or
Markdown.

Pure library: bytes in, an `Extraction` out. No ORM, no web, no environment.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading

from spacy.language import Language

from extractors.attributes import Duration, parse_duration
from extractors.components import hits_of
from extractors.data_elements import find_data_elements
from extractors.document import read, read_pages
from extractors.errors import (
    EmptyDocumentError,
    EncryptedDocumentError,
    ExtractionError,
    NeedsOcrError,
    PatternError,
    ResourceLimitError,
    UnreadableDocumentError,
    UnsupportedFormatError,
)
from extractors.pipeline import build_nlp
from extractors.reader import no_text_warning
from extractors.sections import section_path
from extractors.tables import is_schedule_of_data, ticked_data_elements
from extractors.taxonomy import DATA_ELEMENTS, LABELS, STANCES
from extractors.types import Clause, Extraction, Page, ParsedDocument, Section, Table

# Plain sorted() order, as tests/test_contracts.py checks (not ruff's isort-style order).
__all__ = [  # noqa: RUF022
    "Clause",
    "DATA_ELEMENTS",
    "Duration",
    "EXTRACTOR_VERSION",
    "EmptyDocumentError",
    "EncryptedDocumentError",
    "Extraction",
    "ExtractionError",
    "LABELS",
    "NeedsOcrError",
    "Page",
    "ParsedDocument",
    "PatternError",
    "ResourceLimitError",
    "STANCES",
    "UnreadableDocumentError",
    "UnsupportedFormatError",
    "build_nlp",
    "default_nlp",
    "extract",
    "find_clauses",
    "parse_duration",
    "read",
    "read_pages",
]

# Bump when patterns, stance rules or attribute parsers change: stored extractions record it.
EXTRACTOR_VERSION = "0.4.0"

_default_nlp: Language | None = None
_default_lock = threading.Lock()


def default_nlp() -> Language:
    """The pipeline `extract` uses when none is passed: built once per process."""
    global _default_nlp
    with _default_lock:
        if _default_nlp is None:
            _default_nlp = build_nlp()
        return _default_nlp


def find_clauses(pages: tuple[Page, ...], *, nlp: Language | None = None) -> tuple[Clause, ...]:
    """Clauses on `pages`, in page and text order; offsets are into each page's text."""
    nlp = nlp or default_nlp()
    numbered = [p for p in pages if p.text.strip()]
    clauses: list[Clause] = []
    for page, doc in zip(numbered, nlp.pipe(p.text for p in numbered), strict=True):
        clauses.extend(
            Clause(
                label=hit.label,
                stance=hit.stance,
                attributes=hit.attributes,
                text=page.text[hit.start : hit.end],
                page=page.number,
                start=hit.start,
                end=hit.end,
                confidence=hit.confidence,
            )
            for hit in hits_of(doc)
        )
    return tuple(clauses)


def extract(data: bytes, *, filename: str | None = None, nlp: Language | None = None) -> Extraction:
    """Read a document and find its clauses, sections, tables and data elements.

    The format is sniffed from the bytes, never from `filename`. Pages without text are
    kept (empty) and reported in `warnings`; scanned pages are read by OCR when Tesseract
    is installed, else listed in `needs_ocr`. Each clause gets the heading path of its
    section and its boxes on the page.

    Raises:
        ExtractionError: a subclass saying why the document as a whole cannot be read.
    """
    document = read(data, filename)
    pages = document.pages
    blank = tuple(
        no_text_warning(p)
        for p in pages
        if not p.text.strip() and p.number not in document.needs_ocr
    )
    clauses = tuple(_placed(c, document) for c in find_clauses(pages, nlp=nlp))
    return Extraction(
        file=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
        clauses=clauses,
        data_elements=_data_elements(document),
        warnings=document.warnings + blank,
        extractor_version=EXTRACTOR_VERSION,
        ocr_pages=document.ocr_pages,
        sections=tuple(s.to_json() for s in document.sections),
        tables=len(document.tables),
        needs_ocr=document.needs_ocr,
    )


def _placed(clause: Clause, document: ParsedDocument) -> Clause:
    return dataclasses.replace(
        clause,
        section=section_path(document.sections, clause.page, clause.start),
        boxes=document.boxes(clause.page, clause.start, clause.end),
    )


def _data_elements(document: ParsedDocument) -> tuple[str, ...]:
    """Ticked rows of a schedule-of-data table when there is one; else named in the text."""
    schedules = [t for t in document.tables if is_schedule_of_data(t, _headings(t, document))]
    if schedules:
        return ticked_data_elements(schedules)
    return find_data_elements(p.text for p in document.pages)


def _headings(table: Table, document: ParsedDocument) -> str:
    """The headings over a table: its page's section path and the headings on its page."""
    here: list[Section] = [s for s in document.sections if s.page == table.page]
    return " ".join([section_path(document.sections, table.page, 0), *(s.label for s in here)])
