"""Value objects the extractor returns: pages of text, clauses found in them, the extraction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Clause", "Extraction", "Page"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """The text of one page; `number` is 1-based. `ocr` is True when the text came from OCR."""

    number: int
    text: str
    ocr: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause:
    """One labelled sentence (or numbered item) of a document.

    `start`/`end` are character offsets into the text of page `page`, so
    `pages[page - 1].text[start:end] == text`. `attributes` is a plain dict: treat it as
    read-only. `confidence` is in (0, 1]: 0.9 for strong rule matches, lower for weak ones.
    """

    label: str
    stance: str
    attributes: Mapping[str, Any]
    text: str
    page: int
    start: int
    end: int
    confidence: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Extraction:
    """Everything read from one document; `to_json()` is the stable JSON contract."""

    file: str | None
    sha256: str
    pages: tuple[Page, ...]
    clauses: tuple[Clause, ...]
    data_elements: tuple[str, ...]
    warnings: tuple[str, ...]
    extractor_version: str

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "pages": len(self.pages),
            "clauses": [
                {
                    "label": c.label,
                    "stance": c.stance,
                    "attributes": _plain(c.attributes),
                    "text": c.text,
                    "page": c.page,
                    "confidence": c.confidence,
                }
                for c in self.clauses
            ],
            "data_elements": list(self.data_elements),
            "warnings": list(self.warnings),
            "extractor_version": self.extractor_version,
        }


def _plain(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in attributes.items()}
