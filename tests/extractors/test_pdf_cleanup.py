"""PDF text is cleaned: running headers/footers and page numbers go, hyphenation is undone."""

from __future__ import annotations

import pytest

from extractors import extract, read_pages
from extractors.pdf import clean_page_texts

HEADER = "Acme DPA — Confidential"
FOOTER = "Page {page} of {pages}"

BODY = [
    [
        "DATA PRIVACY AGREEMENT",
        "Provider shall not sell Student Data to any third party.",
    ],
    [
        "Provider shall provide written notifi-",
        "cation to the LEA of any breach of Student Data within",
        "seventy-two (72) hours of discovery.",
    ],
    [
        "This Agreement shall be governed by the laws of the State of Illinois.",
    ],
]


@pytest.fixture(scope="module")
def running_pdf(pdf_factory) -> bytes:
    return pdf_factory(BODY, header=HEADER, footer=FOOTER)


def test_running_header_and_page_footer_are_removed(running_pdf):
    pages = read_pages(running_pdf)
    assert [p.number for p in pages] == [1, 2, 3]
    for page in pages:
        assert "Confidential" not in page.text
        assert "Page" not in page.text
    assert pages[0].text.startswith("DATA PRIVACY AGREEMENT")
    assert pages[2].text == BODY[2][0]


def test_hyphenated_word_across_lines_is_joined(running_pdf):
    text = read_pages(running_pdf)[1].text
    assert "written notification to the LEA" in text
    assert "notifi-" not in text
    assert "seventy-two (72) hours" in text  # a hyphen inside a line stays


def test_breach_clause_offsets_index_the_cleaned_page_text(running_pdf, nlp):
    extraction = extract(running_pdf, filename="dpa.pdf", nlp=nlp)
    breach = [c for c in extraction.clauses if c.label == "breach_notification"]
    assert len(breach) == 1
    assert breach[0].page == 2
    assert breach[0].attributes["deadline_hours"] == 72
    assert "notification" in breach[0].text
    assert extraction.pages[1].text[breach[0].start : breach[0].end] == breach[0].text
    for clause in extraction.clauses:
        page_text = extraction.pages[clause.page - 1].text
        assert page_text[clause.start : clause.end] == clause.text
        assert "Confidential" not in clause.text
    assert extraction.warnings == ()


def test_headers_are_not_guessed_in_short_documents(pdf_factory):
    pages = read_pages(pdf_factory(BODY[:2], header=HEADER, footer=FOOTER))
    assert all(p.text.startswith(HEADER) for p in pages)  # 2 pages: too few to tell
    assert all("Page" not in p.text for p in pages)  # bare page numbers always go


def test_a_line_on_fewer_than_60_percent_of_pages_is_kept():
    texts = [
        "Exhibit A\nProvider shall not sell Student Data.",
        "Exhibit A\nProvider shall delete Student Data.",
        "Schedule 1\nProvider shall encrypt Student Data.",
        "Schedule 2\nProvider shall notify the LEA.",
    ]
    assert clean_page_texts(texts) == texts  # "Exhibit A" tops 2 of 4 pages: 50%
    texts[2] = "Exhibit A\nProvider shall encrypt Student Data."
    cleaned = clean_page_texts(texts)  # now 3 of 4: 75%
    assert cleaned[:3] == [
        "Provider shall not sell Student Data.",
        "Provider shall delete Student Data.",
        "Provider shall encrypt Student Data.",
    ]
    assert cleaned[3] == texts[3]


def test_repeated_lines_in_the_middle_of_pages_are_kept():
    middle = "Student Data is confidential."
    texts = [f"Section {n}\nFirst line.\n{middle}\nSecond line.\nLast line {n}." for n in "ABC"]
    cleaned = clean_page_texts(texts)
    assert all(middle in text for text in cleaned)


def test_running_lines_differing_only_in_digits_are_one_line():
    texts = [
        f"Acme DPA v2 — {n} March 2025\nBody text {n}.\nacme.com/dpa — {n}/12"
        for n in (1, 9, 10, 11)
    ]
    assert clean_page_texts(texts) == [f"Body text {n}." for n in (1, 9, 10, 11)]


@pytest.mark.parametrize("number", ["3", "- 3 -", "Page 3", "Page 3 of 10", "page 3 of 10", "3/10"])
def test_bare_page_numbers_at_the_edges_are_removed(number):
    assert clean_page_texts([f"Provider shall not sell Student Data.\n{number}"]) == [
        "Provider shall not sell Student Data."
    ]
    assert clean_page_texts([f"{number}\nProvider shall not sell Student Data."]) == [
        "Provider shall not sell Student Data."
    ]


def test_numbers_in_the_body_are_kept():
    text = "Provider shall notify within\n72\nhours of discovery.\nSee Section 3."
    assert clean_page_texts([text]) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("notifi-\ncation", "notification"),
        ("Student Da-\nta is deleted", "Student Data is deleted"),
        ("re-  \n  identify", "reidentify"),
        ("Acme-\nBased", "Acme-\nBased"),  # next line starts in uppercase
        ("2024-\n2025", "2024-\n2025"),  # a number, not a word
        ("pages 1-\n3", "pages 1-\n3"),
        ("the following -\nitems", "the following -\nitems"),  # a dash, not a hyphen
        ("Übermittlungs-\nfrist", "Übermittlungsfrist"),
        # Compounds keep their hyphen: both halves are words, the joined form is unused.
        ("third-\nparty", "third-party"),
        ("seventy-\ntwo", "seventy-two"),
    ],
)
def test_hyphenation_is_undone_only_between_letters(text, expected):
    assert clean_page_texts([f"Intro.\n{text}\nEnd."]) == [f"Intro.\n{expected}\nEnd."]


def test_blank_pages_stay_blank_and_keep_their_number(pdf_factory):
    data = pdf_factory([*BODY, []], header=HEADER, footer=FOOTER)
    pages = read_pages(data)
    assert len(pages) == 4
    assert pages[3].text == ""  # "Page 4 of 4" and the header are gone too


def test_compound_hyphen_follows_how_the_document_spells_the_word():
    """Both halves are words, so the document decides: its other spelling wins."""
    joined = clean_page_texts(["Use a note-\nbook.\nEvery notebook is kept."])
    assert joined == ["Use a notebook.\nEvery notebook is kept."]
    kept = clean_page_texts(["A de-\nidentified set.\nOnly de-identified data."])
    assert kept == ["A de-identified set.\nOnly de-identified data."]
    # "cyber" occurs once (here), so it is not known to be a word: the split is joined.
    assert clean_page_texts(["cyber-\nsecurity plan."]) == ["cybersecurity plan."]
