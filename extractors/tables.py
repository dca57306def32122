"""Tables of a PDF page (pdfplumber's table finder) with check marks recognised in cells.

A cell is ticked when its text is a check mark (☒ ☑ ✓ ✔ ✗ ■ X) or when it holds a small
filled rectangle (a check box drawn as a shape); it is unticked when it holds an empty
box (☐ □ or a small stroked rectangle). An NDPA-style "schedule of data" table then
gives the data elements ticked: see `ticked_data_elements`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from extractors.data_elements import find_data_elements
from extractors.taxonomy import DATA_ELEMENTS
from extractors.types import Cell, Table

__all__ = ["cell_mark", "is_schedule_of_data", "page_tables", "ticked_data_elements"]

_TICKED = frozenset("☒☑✓✔✗✘■☓xX")
_EMPTY = frozenset("☐□")
_BOX_MIN, _BOX_MAX = 3.0, 30.0  # points: the size of a drawn check box
_ELEMENT_IDS = {re.sub(r"[^a-z0-9]+", "_", e.lower()).strip("_"): e for e in DATA_ELEMENTS}
_OTHER = ("other",) if "other" in DATA_ELEMENTS else ()
_SCHEDULE_WORDS = re.compile(r"schedule of data|data elements?|category of data", re.I)


def page_tables(page: Any, number: int) -> list[Table]:
    """The ruled tables of a pdfplumber page; pages without lines or boxes have none."""
    if not (page.rects or page.lines):
        return []
    boxes = [
        (r["x0"], r["top"], r["x1"], r["bottom"], bool(r.get("fill")))
        for r in page.rects
        if _BOX_MIN <= r["width"] <= _BOX_MAX and _BOX_MIN <= r["height"] <= _BOX_MAX
    ]
    tables: list[Table] = []
    for found in page.find_tables():
        rows: list[tuple[Cell, ...]] = []
        texts = found.extract()
        for row, row_texts in zip(found.rows, texts, strict=True):
            cells = [
                _cell(text or "", bbox, boxes)
                for bbox, text in zip(row.cells, row_texts, strict=True)
            ]
            rows.append(tuple(cells))
        x0, top, x1, bottom = found.bbox
        tables.append(Table(page=number, box=(x0, top, x1, bottom), rows=tuple(rows)))
    return tables


def _cell(
    text: str,
    bbox: tuple[float, float, float, float] | None,
    boxes: Sequence[tuple[float, float, float, float, bool]],
) -> Cell:
    text = " ".join(text.split())
    mark = cell_mark(text)
    if mark is not None or bbox is None:
        return Cell(text=text, checked=mark)
    x0, top, x1, bottom = bbox
    area = max((x1 - x0) * (bottom - top), 1.0)
    inside = [
        filled
        for bx0, btop, bx1, bbottom, filled in boxes
        if bx0 >= x0 - 1
        and bx1 <= x1 + 1
        and btop >= top - 1
        and bbottom <= bottom + 1
        and (bx1 - bx0) * (bbottom - btop) < area * 0.5
    ]
    return Cell(text=text, checked=any(inside) if inside else None)


def cell_mark(text: str) -> bool | None:
    """True for a tick, False for an empty box, None when the cell has no mark at all."""
    if not text:
        return None
    if text in _TICKED or (text[0] in _TICKED - {"x", "X"} and len(text) > 1):
        return True
    if text[0] in _EMPTY:
        return False
    return None


def is_schedule_of_data(table: Table, heading: str = "") -> bool:
    """A table listing data elements with check boxes (NDPA Exhibit B and its look-alikes)."""
    if not any(cell.checked is not None for row in table.rows for cell in row):
        return False
    header = " ".join(cell.text for row in table.rows[:2] for cell in row)
    return bool(_SCHEDULE_WORDS.search(header) or _SCHEDULE_WORDS.search(heading))


def ticked_data_elements(tables: Iterable[Table]) -> tuple[str, ...]:
    """Element ids of the ticked rows; a category cell left blank repeats the one above."""
    found: set[str] = set()
    for table in tables:
        category = ""
        for row in table.rows:
            texts = [c.text for c in row if c.checked is None and c.text]
            if row and row[0].checked is None and row[0].text:
                category = row[0].text
            if not any(c.checked for c in row):
                continue
            element = _element_of(category) or _element_of(texts[0] if texts else "")
            if element is not None:
                found.add(element)
            else:
                found.update(find_data_elements([" ".join(texts)]) or _OTHER)
    return tuple(sorted(found))


def _element_of(category: str) -> str | None:
    """The taxonomy id a category name spells ("Parent/Guardian Name" -> its id)."""
    key = re.sub(r"[^a-z0-9]+", "_", category.lower()).strip("_")
    return _ELEMENT_IDS.get(key) or _ELEMENT_IDS.get(key.replace("metadata", "meta_data"))
