"""Value objects the extractor returns: pages of text, clauses found in them, the extraction."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

__all__ = [
    "LOW_CONFIDENCE",
    "Box",
    "Cell",
    "Clause",
    "Extraction",
    "Page",
    "ParsedDocument",
    "Section",
    "Table",
    "Word",
    "Words",
]

# (x0, top, x1, bottom) in PDF points, origin at the top left of the page.
Box = tuple[float, float, float, float]

# Clauses below this confidence are marked `needs_review` in the JSON output.
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class Word:
    """One word of a page: `text[start:end]` of the page's text, drawn at `box`."""

    start: int
    end: int
    box: Box


class Words(Sequence[Word]):
    """A page's words, stored compactly: 24 bytes a word instead of ~270 for `Word` objects.

    Offsets are two `array('i')` (start, end), positions one `array('f')` (x0, top, x1,
    bottom per word, float32: a ten-thousandth of a point on any page). Reading an item
    builds its `Word`; pickling sends the arrays' bytes. Equal to a tuple of the same words.
    """

    __slots__ = ("_boxes", "_ends", "_starts")

    def __init__(self, words: Iterable[Word] = ()) -> None:
        self._starts, self._ends, self._boxes = array("i"), array("i"), array("f")
        for word in words:
            self.append(word.start, word.end, word.box)

    def append(self, start: int, end: int, box: Box) -> None:
        self._starts.append(start)
        self._ends.append(end)
        self._boxes.extend(box)

    @classmethod
    def _from_bytes(cls, starts: bytes, ends: bytes, boxes: bytes) -> Words:
        words = cls()
        words._starts.frombytes(starts)
        words._ends.frombytes(ends)
        words._boxes.frombytes(boxes)
        return words

    def __reduce__(self) -> tuple[Any, tuple[bytes, bytes, bytes]]:
        parts = (self._starts.tobytes(), self._ends.tobytes(), self._boxes.tobytes())
        return (Words._from_bytes, parts)

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Word: ...
    @overload
    def __getitem__(self, index: slice) -> Words: ...
    def __getitem__(self, index: int | slice) -> Word | Words:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            return Words(self[i] for i in range(start, stop, step))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("word index out of range")
        return Word(start=self._starts[index], end=self._ends[index], box=self._box(index))

    def __iter__(self) -> Iterator[Word]:
        for i, (start, end) in enumerate(zip(self._starts, self._ends, strict=True)):
            yield Word(start=start, end=end, box=self._box(i))

    def _box(self, index: int) -> Box:
        b, i = self._boxes, 4 * index
        return (b[i], b[i + 1], b[i + 2], b[i + 3])

    def overlapping(self, start: int, end: int) -> Iterator[Box]:
        """Boxes of the words that overlap `text[start:end]`, without building `Word`s."""
        for i, (s, e) in enumerate(zip(self._starts, self._ends, strict=True)):
            if e > start and s < end:
                yield self._box(i)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Words):
            return (self._starts, self._ends, self._boxes) == (
                other._starts,
                other._ends,
                other._boxes,
            )
        if isinstance(other, tuple | list):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._starts.tobytes(), self._ends.tobytes(), self._boxes.tobytes()))

    def __repr__(self) -> str:
        return f"Words({len(self)} words)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """The text of one page in reading order; `number` is 1-based.

    `ocr` is True when the text came from text recognition, with `confidence` in [0, 1].
    `words` map character offsets of `text` to positions (PDF pages only; other formats
    have no geometry): any sequence of `Word` may be given, and is kept as `Words`.
    `width`/`height` are in PDF points, 0 when the format has no pages.
    """

    number: int
    text: str
    ocr: bool = False
    confidence: float | None = None
    width: float = 0.0
    height: float = 0.0
    words: Sequence[Word] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.words, Words):
            object.__setattr__(self, "words", Words(self.words))

    def boxes(self, start: int, end: int) -> tuple[Box, ...]:
        """Rectangles covering `text[start:end]`, one per line of the page it spans."""
        assert isinstance(self.words, Words)  # noqa: S101 - __post_init__ makes it so
        lines: list[list[float]] = []
        for x0, top, x1, bottom in self.words.overlapping(start, end):
            last = lines[-1] if lines else None
            if last is not None and top < last[3] and bottom > last[1] and x0 >= last[0]:
                last[2] = max(last[2], x1)
                last[1], last[3] = min(last[1], top), max(last[3], bottom)
            else:
                lines.append([x0, top, x1, bottom])
        return tuple((a, b, c, d) for a, b, c, d in lines)


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A numbered or titled heading; the section runs until the next heading of its rank."""

    id: str
    number: str
    title: str
    level: int
    page: int
    start: int
    parent: str | None

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.number, self.title) if part)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "level": self.level,
            "page": self.page,
            "start": self.start,
            "parent": self.parent,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """A table cell; `checked` is None when the cell holds no check box or mark at all."""

    text: str
    checked: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    page: int
    box: Box
    rows: tuple[tuple[Cell, ...], ...]

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedDocument:
    """A document read into pages, sections and tables (see `extractors.read`).

    `needs_ocr` lists pages that have no text layer and could not be recognised (no
    Tesseract, or recognition failed); `warnings` says so in words.
    """

    kind: str
    pages: tuple[Page, ...]
    sections: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()
    warnings: tuple[str, ...] = ()
    needs_ocr: tuple[int, ...] = ()

    @property
    def ocr_pages(self) -> tuple[int, ...]:
        return tuple(p.number for p in self.pages if p.ocr)

    def boxes(self, page: int, start: int, end: int) -> tuple[Box, ...]:
        """Where `pages[page - 1].text[start:end]` is drawn, merged per line."""
        return self.pages[page - 1].boxes(start, end)


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
    # The heading path of the section holding the clause, e.g. "5. Data Security > 5.2".
    section: str = ""
    # Where the clause is on its page: (x0, top, x1, bottom) in PDF points; empty for text.
    boxes: tuple[Box, ...] = ()

    @property
    def needs_review(self) -> bool:
        """Too weak a match to act on: policies give `needs_review` rather than guess."""
        return self.confidence < LOW_CONFIDENCE


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
    ocr_pages: tuple[int, ...] = ()
    # Flat list of headings: {"id", "number", "title", "level", "page", "start", "parent"}.
    sections: tuple[Mapping[str, Any], ...] = ()
    tables: int = 0
    # Pages without a text layer that could not be recognised (no Tesseract): not in to_json.
    needs_ocr: tuple[int, ...] = ()

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
                    "section": c.section,
                    "confidence": c.confidence,
                    "needs_review": c.needs_review,
                }
                for c in self.clauses
            ],
            "data_elements": list(self.data_elements),
            "warnings": list(self.warnings),
            "extractor_version": self.extractor_version,
            "ocr_pages": list(self.ocr_pages),
            "sections": [dict(s) for s in self.sections],
            "tables": self.tables,
        }


def _plain(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in attributes.items()}
