"""Word (.docx) documents via python-docx: paragraphs and table rows in body order.

Each paragraph (headings and numbered-list items included; automatic list numbers are
not rendered by Word's XML, so only the item text is kept) and each table row (cells
joined with " | ") is one line, with a blank line between them so sentences never merge
across blocks. A hard page break (`<w:br w:type="page"/>`) starts a new page; a document
without one is a single page.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from extractors.errors import UnreadableDocumentError
from extractors.tables import cell_mark
from extractors.types import Cell, Page
from extractors.types import Table as TableFound

__all__ = ["DOCX_UNREADABLE", "is_docx", "read_docx", "read_docx_pages"]

DOCX_UNREADABLE = (
    "The Word document is damaged or incomplete and could not be read. Ask the vendor for a "
    "fresh copy, or open it in Word, save it again as .docx (or as PDF) and upload that."
)

_MAIN_PART = "word/document.xml"
_PAGE_BREAK = "\f"  # internal marker only: split on it, never left in page text
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_BR_TYPE = qn("w:type")
# Check boxes: a content control (Word 2010+) or a legacy form field's default/checked state.
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_W14_CHECKED, _W14_VAL = f"{{{_W14}}}checked", f"{{{_W14}}}val"
_W_CHECKBOX, _W_DEFAULT = qn("w:checkBox"), qn("w:default")
_W_CHECKED, _W_VAL = qn("w:checked"), qn("w:val")


def is_docx(data: bytes) -> bool:
    """A ZIP whose members include `word/document.xml`.

    A ZIP too damaged to open still counts when a local file header names a `word/` part,
    so a truncated .docx is reported as an unreadable Word document, not as "a ZIP".
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _MAIN_PART in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError):
        return b"PK\x03\x04" in data[:4] and b"word/" in data[:65536]


def read_docx_pages(data: bytes) -> tuple[Page, ...]:
    """Pages of a .docx; raises UnreadableDocumentError for a corrupt file."""
    return read_docx(data)[0]


def read_docx(data: bytes) -> tuple[tuple[Page, ...], tuple[TableFound, ...]]:
    """Pages and tables (cells with Word check boxes read as ticked or not) of a .docx."""
    tables: list[TableFound] = []
    try:
        document = Document(io.BytesIO(data))
        blocks = list(_blocks(document.iter_inner_content(), tables))
    except Exception as exc:  # zipfile, lxml and python-docx raise many unrelated types
        raise UnreadableDocumentError(DOCX_UNREADABLE) from exc
    text = "\n\n".join(b for b in blocks if b.strip() or b == _PAGE_BREAK)
    parts = [_tidy(part) for part in text.split(_PAGE_BREAK)]
    if len(parts) > 1 and not parts[-1]:
        parts.pop()  # a break at the very end does not make a trailing empty page
    pages = tuple(Page(number=i, text=part) for i, part in enumerate(parts, start=1))
    return pages, tuple(tables)


def _blocks(content: Iterator[Paragraph | Table], tables: list[TableFound]) -> Iterator[str]:
    """One string per paragraph or table row; `_PAGE_BREAK` alone marks a page break.

    Each table is also added to `tables`, numbered with the page it starts on.
    """
    page = 1
    for item in content:
        if isinstance(item, Table):
            tables.append(_table(item, page))
            yield from _table_rows(item)
            continue
        for block in _paragraph(item):
            page += block == _PAGE_BREAK
            yield block


def _table(table: Table, page: int) -> TableFound:
    rows: list[tuple[Cell, ...]] = []
    for row in table.rows:
        cells: list[Cell] = []
        previous: object = None
        for cell in row.cells:
            if cell._tc is previous:
                continue
            previous = cell._tc
            text = " ".join(cell.text.split())
            cells.append(Cell(text=text, checked=_checked(cell._tc, text)))
        rows.append(tuple(cells))
    return TableFound(page=page, box=(0.0, 0.0, 0.0, 0.0), rows=tuple(rows))


def _checked(element: Any, text: str) -> bool | None:
    """A check box content control or legacy form field, else a check glyph in the text."""
    for node in element.iter(_W14_CHECKED):
        return node.get(_W14_VAL) in ("1", "true")
    for box in element.iter(_W_CHECKBOX):
        for state in box.iter(_W_CHECKED, _W_DEFAULT):
            value = state.get(_W_VAL)
            if state.tag == _W_CHECKED:  # the current state wins over the default
                return value is None or value in ("1", "true", "on")
        default = box.find(_W_DEFAULT)
        return default is not None and default.get(_W_VAL) in ("1", "true", "on")
    return cell_mark(text)


def _paragraph(paragraph: Paragraph) -> Iterator[str]:
    """The paragraph's text, split into pieces around any hard page breaks."""
    pieces: list[str] = []
    for element in paragraph._p.iter(_T, _TAB, _BR, _CR):
        if element.tag == _T:
            pieces.append(element.text or "")
        elif element.tag == _TAB:
            pieces.append("\t")
        elif element.tag == _BR and element.get(_BR_TYPE) == "page":
            yield "".join(pieces)
            yield _PAGE_BREAK
            pieces = []
        elif element.tag == _BR and element.get(_BR_TYPE) == "column":
            pieces.append(" ")
        else:
            pieces.append("\n")
    yield "".join(pieces)


def _table_rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        previous: object = None
        for cell in row.cells:  # a merged cell is repeated once per grid column it spans
            if cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            yield " | ".join(cells)


def _tidy(text: str) -> str:
    """Drop blank lines left at the edges of a page by page breaks."""
    return text.strip("\n")
