"""`extractors.read` gives pages in reading order with word positions, and a section tree;
`extract` puts each clause in its section and on its page's boxes."""

from __future__ import annotations

import io
import pickle

import pdfplumber
import pytest

from extractors import extract, read
from extractors.layout import RawWord, find_gutter, group_lines, reading_lines
from extractors.sections import find_sections, section_path
from extractors.types import Page, Word, Words
from tests.documents import make_pdf, make_two_column_pdf

LEFT = [
    "1. Purpose",
    "The Provider offers a reading app",
    "to the LEA under this Agreement.",
    "It uses Student Data only to",
    "provide the services to the LEA.",
    "Nothing else is permitted here.",
]
RIGHT = [
    "2. Data Security",
    "Provider shall encrypt Student",
    "Data in transit and at rest.",
    "Provider shall train its staff",
    "on data privacy every year.",
    "Audits happen once a year.",
]


@pytest.fixture(scope="module")
def two_column() -> bytes:
    return make_two_column_pdf("MASTER SERVICE AGREEMENT", LEFT, RIGHT)


def test_two_column_page_is_read_column_by_column(two_column):
    text = read(two_column).pages[0].text
    assert text.split("\n") == ["MASTER SERVICE AGREEMENT", *LEFT, *RIGHT]


def test_single_column_page_is_not_split():
    lines = [
        "1. Purpose. Provider shall use Student Data only to provide the services to the LEA.",
        "2. Ownership. All Student Data remains the property of the LEA at all times.",
        "3. Security. Provider shall encrypt Student Data in transit and at rest.",
        "4. Breach. Provider shall notify the LEA of a breach within 72 hours.",
        "5. Deletion. Provider shall delete Student Data within 60 days of a request.",
        "6. Sale. Provider shall not sell Student Data.",
        "7. Advertising. No targeted advertising to students.",
        "8. Term. This Agreement runs for three years.",
    ]
    assert read(make_pdf([lines])).pages[0].text.split("\n") == lines


def test_every_word_maps_back_to_where_pdfplumber_draws_it(two_column):
    page = read(two_column).pages[0]
    with pdfplumber.open(io.BytesIO(two_column)) as pdf:
        drawn = {
            (w["text"], round(w["x0"], 2), round(w["top"], 2)) for w in pdf.pages[0].extract_words()
        }
    mapped = {
        (page.text[w.start : w.end], round(w.box[0], 2), round(w.box[1], 2)) for w in page.words
    }
    assert mapped == drawn
    assert (page.width, page.height) == (612.0, 792.0)


def test_boxes_of_a_span_are_merged_per_line(two_column):
    document = read(two_column)
    text = document.pages[0].text
    start = text.index("Provider shall encrypt")
    end = text.index("at rest.") + len("at rest.")
    boxes = document.boxes(1, start, end)
    assert len(boxes) == 2  # two lines of the right column
    assert all(x0 >= 318 for x0, _, _, _ in boxes)
    assert boxes[0][3] <= boxes[1][1]  # the first line is above the second


def test_page_words_round_trip_through_pickle_and_the_compact_store(two_column):
    page = read(two_column).pages[0]
    words = tuple(page.words)
    assert isinstance(page.words, Words)
    assert len(words) == len(page.words) > 20
    assert all(isinstance(w, Word) for w in words)
    assert (page.words[0], page.words[-1]) == (words[0], words[-1])
    assert tuple(page.words[3:7]) == words[3:7]
    again = pickle.loads(pickle.dumps(page))  # noqa: S301 - our own bytes
    assert again == page
    assert tuple(again.words) == words
    assert again.boxes(0, len(page.text)) == page.boxes(0, len(page.text))
    rebuilt = Page(number=1, text=page.text, width=page.width, height=page.height, words=words)
    assert rebuilt == page
    assert rebuilt.words == words  # equal to the tuple of the same words
    assert hash(rebuilt) == hash(page)


def test_words_given_as_a_tuple_are_kept_as_given():
    words = (
        Word(start=0, end=4, box=(72.0, 90.5, 96.25, 101.0)),
        Word(start=5, end=9, box=(1, 2, 3, 4)),
    )
    page = Page(number=1, text="Data kept", words=words)
    assert tuple(page.words) == words
    assert page.words[-1].box == (1.0, 2.0, 3.0, 4.0)
    assert page.boxes(0, 4) == ((72.0, 90.5, 96.25, 101.0),)
    assert Page(number=1, text="x").words == ()
    with pytest.raises(IndexError):
        page.words[2]


def test_numbered_headings_make_a_tree():
    text = (
        "ARTICLE IV\nData Protection\n"
        "4. Security\n4.1 Encryption\nProvider shall encrypt Student Data.\n"
        "(a) Provider shall use TLS.\n(b) Provider shall rotate keys.\n"
        "4.2 Breach Notice\nProvider shall notify the LEA.\n"
        "Exhibit B\nSchedule of Data\n"
    )
    sections = find_sections([Page(number=1, text=text)])
    assert [(s.number, s.title, s.level) for s in sections] == [
        ("Article IV", "", 1),
        ("4", "Security", 2),
        ("4.1", "Encryption", 3),
        ("(a)", "", 4),
        ("(b)", "", 4),
        ("4.2", "Breach Notice", 3),
        ("Exhibit B", "", 1),
        ("", "Schedule of Data", 2),
    ]
    by_number = {s.number: s for s in sections}
    assert by_number["(b)"].parent == by_number["4.1"].id
    assert by_number["4.2"].parent == by_number["4"].id
    assert text[by_number["4.2"].start :].startswith("4.2 Breach Notice")
    position = text.index("Provider shall notify")
    assert section_path(sections, 1, position) == "Article IV > 4 Security > 4.2 Breach Notice"


@pytest.mark.parametrize(
    "line",
    [
        "1. Provider shall not sell Student Data to anyone.",
        "72 hours after discovery",
        "2024 Annual Report",
        "Schedule of payments is attached and forms part of this Agreement.",
    ],
)
def test_sentences_are_not_headings(line):
    assert find_sections([Page(number=1, text=line)]) == ()


def test_run_in_heading_keeps_only_its_title():
    text = "5. Data Breach. Provider shall notify the LEA within 72 hours."
    (section,) = find_sections([Page(number=1, text=text)])
    assert (section.number, section.title) == ("5", "Data Breach")


BREACH_PAGES = [
    ["DATA PRIVACY AGREEMENT", "1. Definitions", "Student Data means any data about a student."],
    [
        "5. Data Breach",
        "In the event of an unauthorized release of Student Data, Provider shall",
        "notify the affected LEA in writing of the breach within",
    ],
    [
        "seventy-two (72) hours of discovery. Provider shall cooperate with the",
        "LEA. Independent third-",
        "party auditors may review the Provider.",
    ],
]


@pytest.fixture(scope="module")
def breach_pdf() -> bytes:
    return make_pdf(BREACH_PAGES, header="Acme Learning DPA", footer="Page {page} of {pages}")


def _notice_clauses(extraction):
    """The breach clauses that carry the notice: one, though its words span two pages.
    (The model may also see "cooperate with the LEA" in the breach section as one.)"""
    found = [c for c in extraction.clauses if c.label == "breach_notification"]
    assert not [c for c in found if "seventy-two" in c.text and "notify" not in c.text]
    return [c for c in found if "notify" in c.text]


def test_clause_cut_by_a_page_break_is_one_clause_on_its_first_page(breach_pdf, nlp):
    extraction = extract(breach_pdf, filename="dpa.pdf", nlp=nlp)
    (breach,) = _notice_clauses(extraction)
    assert breach.page == 2
    assert breach.attributes["deadline_hours"] == 72
    assert "notify the affected LEA" in breach.text
    assert breach.text.endswith("seventy-two (72) hours of discovery.")
    assert extraction.pages[1].text[breach.start : breach.end] == breach.text
    assert extraction.pages[2].text.startswith("Provider shall cooperate")
    assert "Acme Learning" not in breach.text
    assert "Page" not in breach.text


def test_clause_gets_its_section_and_boxes(breach_pdf, nlp):
    extraction = extract(breach_pdf, nlp=nlp)
    (breach,) = _notice_clauses(extraction)
    assert breach.section == "5 Data Breach"
    # One box per line on page 2; the tail moved up from page 3 adds no box on page 2.
    assert len(breach.boxes) == len(breach.text.split("\n"))
    assert breach.boxes[-1][1] > breach.boxes[0][1]
    assert all(
        72 <= x0 < x1 <= 612 and 0 < top < bottom < 792 for x0, top, x1, bottom in breach.boxes
    )
    numbers = [(s["number"], s["title"], s["page"]) for s in extraction.sections]
    assert numbers == [("1", "Definitions", 1), ("5", "Data Breach", 2)]


def test_compound_hyphen_at_a_line_end_is_kept(breach_pdf):
    pages = read(breach_pdf).pages
    assert "third-party auditors" in pages[2].text
    assert "thirdparty" not in pages[2].text


def test_extraction_json_carries_sections_tables_and_ocr_pages(breach_pdf, nlp):
    data = extract(breach_pdf, nlp=nlp).to_json()
    assert data["ocr_pages"] == []
    assert data["tables"] == 0
    assert data["sections"][1] == {
        "id": "s2",
        "number": "5",
        "title": "Data Breach",
        "level": 1,
        "page": 2,
        "start": 0,
        "parent": None,
    }
    breach = next(c for c in data["clauses"] if c["label"] == "breach_notification")
    assert breach["section"] == "5 Data Breach"


def test_text_documents_get_sections_too(nlp):
    data = (
        b"1. Definitions\nStudent Data means data.\n"
        b"2. Data Sale\nProvider shall not sell Student Data."
    )
    extraction = extract(data, nlp=nlp)
    (sale,) = [c for c in extraction.clauses if c.label == "data_sale"]
    assert sale.section == "2 Data Sale"
    assert sale.boxes == ()  # text has no geometry


def _words(line: str, x: float, top: float) -> list[RawWord]:
    words, cursor = [], x
    for text in line.split():
        words.append(RawWord(text, cursor, top, cursor + 5 * len(text), top + 10))
        cursor += 5 * len(text) + 3
    return words


def test_full_width_line_between_column_runs_stays_in_place():
    words = _words("TITLE OF THE AGREEMENT SPANNING THE WHOLE PAGE WIDTH HERE", 54, 40)
    for row in range(5):
        words += _words(f"left a{row} text", 54, 60 + row * 14)
        words += _words(f"right a{row} text", 330, 60 + row * 14)
    words += _words(
        "A full width paragraph line that crosses the middle gutter of the page", 54, 140
    )
    for row in range(5):
        words += _words(f"left b{row} text", 54, 160 + row * 14)
        words += _words(f"right b{row} text", 330, 160 + row * 14)
    lines = [" ".join(w.text for w in line) for line in reading_lines(words, 612)]
    assert lines == [
        "TITLE OF THE AGREEMENT SPANNING THE WHOLE PAGE WIDTH HERE",
        *(f"left a{r} text" for r in range(5)),
        *(f"right a{r} text" for r in range(5)),
        "A full width paragraph line that crosses the middle gutter of the page",
        *(f"left b{r} text" for r in range(5)),
        *(f"right b{r} text" for r in range(5)),
    ]


def test_a_form_with_labels_and_values_is_not_two_columns():
    words = []
    for row in range(3):  # too few rows with both sides to call it two columns
        words += _words(f"Label {row}:", 54, 60 + row * 14)
        words += _words(f"value {row}", 330, 60 + row * 14)
    assert find_gutter(group_lines(words), 612) is None


def test_lines_kept_compactly_come_back_whole_even_with_a_space_in_a_word():
    from extractors.pdf import _keep_lines, _lines, _RawPage

    lines = [
        [RawWord("Header", 10, 5, 60, 15)],
        [RawWord("of f", 10, 20, 40, 30), RawWord("ice", 45, 20, 70, 30)],
        [RawWord("Data", 10.5, 40.25, 50, 50)],
    ]
    raw = _RawPage(number=1, width=612, height=792)
    _keep_lines(raw, lines)
    assert raw.texts == ["Header", "of f ice", "Data"]
    assert _lines(raw, 0, 3) == lines
    assert _lines(raw, 1, 2) == lines[1:2]
