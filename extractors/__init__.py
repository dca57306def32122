"""Read edtech privacy agreements and find labelled clauses and data elements.

Formats are sniffed from the bytes: PDF, Word (.docx), web pages (HTML) and plain text or
Markdown.

Pure library: bytes in, an `Extraction` out. No ORM, no web, no environment.
"""

from __future__ import annotations

import hashlib
import threading

from spacy.language import Language

from extractors.attributes import Duration, parse_duration
from extractors.components import hits_of
from extractors.data_elements import find_data_elements
from extractors.errors import (
    EmptyDocumentError,
    EncryptedDocumentError,
    ExtractionError,
    PatternError,
    UnreadableDocumentError,
    UnsupportedFormatError,
)
from extractors.pipeline import build_nlp
from extractors.reader import no_text_warning, read_pages
from extractors.taxonomy import DATA_ELEMENTS, LABELS, STANCES
from extractors.types import Clause, Extraction, Page

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
    "Page",
    "PatternError",
    "STANCES",
    "UnreadableDocumentError",
    "UnsupportedFormatError",
    "build_nlp",
    "default_nlp",
    "extract",
    "find_clauses",
    "parse_duration",
    "read_pages",
]

# Bump when patterns, stance rules or attribute parsers change: stored extractions record it.
EXTRACTOR_VERSION = "0.2.0"

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
    """Read a document and find its clauses and data elements.

    The format is sniffed from the bytes, never from `filename`. Pages without text are
    kept (empty) and reported in `warnings`.

    Raises:
        ExtractionError: a subclass saying why the document as a whole cannot be read.
    """
    pages = read_pages(data, filename=filename)
    warnings = tuple(no_text_warning(p) for p in pages if not p.text.strip())
    return Extraction(
        file=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
        clauses=find_clauses(pages, nlp=nlp),
        data_elements=find_data_elements(p.text for p in pages),
        warnings=warnings,
        extractor_version=EXTRACTOR_VERSION,
    )
