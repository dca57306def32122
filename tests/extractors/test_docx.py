"""Word (.docx) agreements, generated with python-docx in each test: no binary fixtures."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_BREAK

from extractors import (
    EmptyDocumentError,
    UnreadableDocumentError,
    UnsupportedFormatError,
    extract,
    read_pages,
)
from extractors.document import read
from extractors.reader import sniff


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_dpa_docx() -> bytes:
    """Heading, numbered list, a table, then a page break before the breach clause."""
    document = Document()
    document.add_heading("Student Data Privacy Agreement", level=1)
    document.add_paragraph("Provider shall not sell Student Data to any third party.")
    document.add_paragraph("Data is used only to provide the Services.", style="List Number")
    document.add_paragraph("Student Data is stored in the United States.", style="List Number")
    table = document.add_table(rows=2, cols=3)
    rows = [["Data element", "Purpose", "Retention"], ["Student name", "Rostering", "End of term"]]
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    document.add_paragraph("Signed by the parties.").add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("Security Incidents", level=2)
    document.add_paragraph(
        "Provider shall notify the LEA of any breach of Student Data within "
        "seventy-two (72) hours of discovery."
    )
    return _save(document)


def test_docx_is_sniffed_from_the_bytes_not_the_name():
    assert sniff(make_dpa_docx()) == "docx"
    assert len(read_pages(make_dpa_docx(), filename="agreement.pdf")) == 2


def test_docx_keeps_paragraphs_headings_and_list_items_in_order():
    first = read_pages(make_dpa_docx())[0].text
    lines = [line for line in first.split("\n") if line]
    assert lines[0] == "Student Data Privacy Agreement"
    assert lines[1] == "Provider shall not sell Student Data to any third party."
    assert lines[2] == "Data is used only to provide the Services."
    assert lines[3] == "Student Data is stored in the United States."
    assert "\n\n" in first  # blocks are separated, so sentences never merge


def test_docx_table_rows_are_one_line_each_with_cells_joined():
    first = read_pages(make_dpa_docx())[0].text
    assert "Data element | Purpose | Retention" in first.split("\n")
    assert "Student name | Rostering | End of term" in first.split("\n")


def test_docx_merged_cells_are_not_repeated():
    document = Document()
    table = document.add_table(rows=1, cols=3)
    table.rows[0].cells[0].merge(table.rows[0].cells[1]).text = "Merged"
    table.rows[0].cells[2].text = "Single"
    assert read_pages(_save(document))[0].text == "Merged | Single"


def test_docx_page_break_starts_a_new_page():
    pages = read_pages(make_dpa_docx())
    assert [p.number for p in pages] == [1, 2]
    assert pages[0].text.rstrip().endswith("Signed by the parties.")
    assert pages[1].text.startswith("Security Incidents")
    assert "\f" not in pages[0].text + pages[1].text


def test_docx_without_page_breaks_is_one_page():
    document = Document()
    document.add_paragraph("Provider shall not sell Student Data.")
    document.add_paragraph("Second paragraph.")
    pages = read_pages(_save(document))
    assert len(pages) == 1
    assert pages[0].text == "Provider shall not sell Student Data.\n\nSecond paragraph."


def test_docx_trailing_page_break_adds_no_empty_page():
    document = Document()
    document.add_paragraph("Provider shall not sell Student Data.").add_run().add_break(
        WD_BREAK.PAGE
    )
    assert len(read_pages(_save(document))) == 1


def test_docx_line_breaks_and_tabs_are_kept():
    document = Document()
    run = document.add_paragraph().add_run("Section 1\tDefinitions")
    run.add_break()
    run.add_text("Student Data means any data.")
    assert (
        read_pages(_save(document))[0].text
        == "Section 1\tDefinitions\nStudent Data means any data."
    )


def test_breach_clause_in_docx_is_extracted_on_its_page(nlp):
    extraction = extract(make_dpa_docx(), filename="dpa.docx", nlp=nlp)
    breach = [c for c in extraction.clauses if c.label == "breach_notification"]
    assert len(breach) == 1
    assert breach[0].page == 2
    assert breach[0].attributes["deadline_hours"] == 72
    page_text = extraction.pages[1].text
    assert page_text[breach[0].start : breach[0].end] == breach[0].text
    sale = [c for c in extraction.clauses if c.label == "data_sale"]
    assert [c.page for c in sale] == [1]
    assert extraction.warnings == ()


def test_truncated_docx_is_unreadable_with_a_word_message():
    data = make_dpa_docx()
    with pytest.raises(UnreadableDocumentError) as info:
        read_pages(data[: len(data) // 2])
    assert "Word document" in info.value.message
    assert info.value.code == "unreadable_document"


def test_docx_with_broken_xml_is_unreadable():
    source = zipfile.ZipFile(io.BytesIO(make_dpa_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    with pytest.raises(UnreadableDocumentError) as info:
        read_pages(buffer.getvalue())
    assert info.value.__cause__ is not None


def test_docx_without_text_is_empty():
    with pytest.raises(EmptyDocumentError):
        read_pages(_save(Document()))


def test_other_zip_archives_are_still_unsupported():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("agreement.txt", "Provider shall not sell Student Data.")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFormatError) as info:
        read_pages(buffer.getvalue(), filename="agreement.docx")
    assert "ZIP archive" in info.value.message
    assert "Unzip" in info.value.message
    assert info.value.detected == "a ZIP archive"


def _checkbox_control(paragraph, checked: bool) -> None:
    """A Word 2010 check box content control (w14:checkbox), as NDPA Word forms use."""
    from docx.oxml import parse_xml

    glyph = "☒" if checked else "☐"
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    paragraph._p.append(
        parse_xml(
            f'<w:sdt xmlns:w="{w}" xmlns:w14="{w14}"><w:sdtPr><w14:checkbox>'
            f'<w14:checked w14:val="{int(checked)}"/></w14:checkbox></w:sdtPr>'
            f"<w:sdtContent><w:r><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>"
        )
    )


def make_schedule_docx(ticked: set[str]) -> bytes:
    document = Document()
    document.add_heading("Exhibit B", level=1)
    document.add_heading("Schedule of Data", level=2)
    categories = ["Attendance", "Conduct", "Demographics", "Student Work"]
    table = document.add_table(rows=len(categories) + 1, cols=3)
    table.rows[0].cells[0].text = "Category of Data"
    table.rows[0].cells[1].text = "Elements"
    table.rows[0].cells[2].text = "Check if Used by Your System"
    for row, name in zip(table.rows[1:], categories, strict=True):
        row.cells[0].text = name
        row.cells[1].text = f"{name} data"
        _checkbox_control(row.cells[2].paragraphs[0], name in ticked)
    return _save(document)


def test_docx_tables_are_read_with_word_check_boxes(nlp):
    data = make_schedule_docx({"Attendance", "Student Work"})
    document = read(data)
    (table,) = document.tables
    assert table.texts()[0] == ["Category of Data", "Elements", "Check if Used by Your System"]
    assert [row[2].checked for row in table.rows[1:]] == [True, False, False, True]
    extraction = extract(data, nlp=nlp)
    assert extraction.data_elements == ("attendance", "student_work")
    assert extraction.tables == 1
