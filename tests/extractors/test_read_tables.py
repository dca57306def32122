"""Tables come back as rows of cells with check marks recognised; a ticked schedule of data
(NDPA Exhibit B) decides the document's data elements."""

from __future__ import annotations

import pytest

from extractors import extract, read
from extractors.tables import cell_mark, ticked_data_elements
from extractors.types import Cell, Table
from tests.documents import SCHEDULE_CATEGORIES, make_pdf, make_schedule_pdf

TICKED = ("Attendance", "Demographics", "Parent/Guardian Name", "Student Work")
EXPECTED = ("attendance", "demographics", "parent_guardian_name", "student_work")


@pytest.mark.parametrize("marks", ["boxes", "glyphs"])
def test_schedule_table_rows_and_ticks(marks):
    document = read(make_schedule_pdf(TICKED, marks=marks))
    (table,) = document.tables
    assert table.page == 1
    assert table.texts()[0] == ["Category of Data", "Elements", "Check if Used"]
    categories = [row[0].text for row in table.rows[1:]]
    assert categories == [name for name, _ in SCHEDULE_CATEGORIES]
    ticked = [row[0].text for row in table.rows[1:] if row[2].checked]
    assert ticked == [name for name, _ in SCHEDULE_CATEGORIES if name in TICKED]
    if marks == "boxes":  # an empty drawn box is a "no", not an absent mark
        assert all(row[2].checked is False for row in table.rows[1:] if row[0].text not in TICKED)


@pytest.mark.parametrize("marks", ["boxes", "glyphs"])
def test_ticked_schedule_is_the_documents_data_elements(marks, nlp):
    extraction = extract(make_schedule_pdf(TICKED, marks=marks), nlp=nlp)
    # The page names every category in its table, yet only the ticked ones count.
    assert extraction.data_elements == EXPECTED
    assert extraction.tables == 1
    assert [s["title"] for s in extraction.sections] == ["", "SCHEDULE OF DATA"]


def test_without_a_schedule_data_elements_come_from_the_prose(nlp):
    pdf = make_pdf([["Provider collects student names, email addresses and grades."]])
    extraction = extract(pdf, nlp=nlp)
    assert extraction.tables == 0
    assert "student_contact_information" in extraction.data_elements
    assert "transcript" in extraction.data_elements


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("☒", True),
        ("☑", True),
        ("✓", True),
        ("✔", True),
        ("X", True),
        ("x", True),
        ("✔ Yes", True),
        ("☐", False),
        ("□ No", False),
        ("", None),
        ("Xylophone lessons", None),
        ("Attendance", None),
    ],
)
def test_checkcell_marks_in_cell_text(text, expected):
    assert cell_mark(text) is expected


def test_blank_category_cell_repeats_the_category_above():
    rows = (
        (Cell(text="Category of Data"), Cell(text="Elements"), Cell(text="Used")),
        (Cell(text="Demographics"), Cell(text="Date of Birth"), Cell(text="", checked=False)),
        (Cell(text=""), Cell(text="Gender"), Cell(text="☒", checked=True)),
        (Cell(text="Conduct"), Cell(text="Behavior data"), Cell(text="☐", checked=False)),
        (Cell(text=""), Cell(text="Something new"), Cell(text="", checked=False)),
    )
    table = Table(page=1, box=(0, 0, 100, 100), rows=rows)
    assert ticked_data_elements([table]) == ("demographics",)
