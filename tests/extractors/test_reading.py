"""Documents are read by what their bytes are; every unreadable input raises a typed error."""

from __future__ import annotations

import os

import pytest

from extractors import (
    EmptyDocumentError,
    EncryptedDocumentError,
    ExtractionError,
    UnreadableDocumentError,
    UnsupportedFormatError,
    extract,
    read_pages,
)


def test_pdf_pages_are_numbered_and_keep_their_text(dpa_pdf):
    pages = read_pages(dpa_pdf, filename="dpa.pdf")
    assert [p.number for p in pages] == [1, 2, 3]
    assert "shall not sell" in pages[0].text
    assert "seventy-two (72) hours" in pages[1].text
    assert pages[2].text == ""


def test_breach_clause_on_page_two_reports_page_two(dpa_pdf, nlp):
    extraction = extract(dpa_pdf, filename="dpa.pdf", nlp=nlp)
    breach = [c for c in extraction.clauses if c.label == "breach_notification"]
    assert len(breach) == 1
    assert breach[0].page == 2
    assert breach[0].attributes["deadline_hours"] == 72
    page_text = extraction.pages[1].text
    assert page_text[breach[0].start : breach[0].end] == breach[0].text


def test_blank_page_is_a_warning_not_silence(dpa_pdf, nlp):
    extraction = extract(dpa_pdf, nlp=nlp)
    assert extraction.warnings == ("page 3 has no text layer (scanned?); OCR is needed",)


def test_extension_does_not_decide_the_type(dpa_pdf, nlp):
    extraction = extract(dpa_pdf, filename="agreement.txt", nlp=nlp)
    assert len(extraction.pages) == 3


def test_leading_whitespace_before_pdf_header_is_accepted(dpa_pdf):
    assert len(read_pages(b"\n  " + dpa_pdf)) == 3


def test_encrypted_pdf_raises_encrypted_document(pdf_factory):
    data = pdf_factory([["Provider shall not sell Student Data."]], encrypt="secret")
    with pytest.raises(EncryptedDocumentError) as info:
        read_pages(data)
    assert info.value.code == "encrypted_document"
    assert "password" in info.value.message


def test_truncated_pdf_raises_unreadable_document(dpa_pdf):
    with pytest.raises(UnreadableDocumentError) as info:
        read_pages(dpa_pdf[: len(dpa_pdf) // 2])
    assert info.value.code == "unreadable_document"
    assert info.value.__cause__ is not None


def test_pdf_header_with_garbage_raises_unreadable_document():
    with pytest.raises(UnreadableDocumentError):
        read_pages(b"%PDF-1.7\n" + bytes(range(256)) * 20)


def test_blank_only_pdf_is_empty_and_mentions_ocr(pdf_factory):
    with pytest.raises(EmptyDocumentError) as info:
        read_pages(pdf_factory([[], []]))
    assert info.value.code == "empty_document"
    assert "OCR" in info.value.message


@pytest.mark.parametrize("data", [b"", b"   \n\t  "])
def test_no_bytes_is_empty(data):
    with pytest.raises(EmptyDocumentError):
        read_pages(data)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "JPEG image"),
        (b"PK\x03\x04" + b"\x00" * 64, "ZIP archive"),
        (b"GIF89a" + b"\x00" * 16, "GIF image"),
    ],
)
def test_known_binary_formats_are_named(data, named):
    with pytest.raises(UnsupportedFormatError) as info:
        read_pages(data, filename="agreement.pdf")
    assert named in info.value.message
    assert info.value.code == "unsupported_format"


def test_random_binary_is_unsupported():
    data = os.urandom(4096)
    with pytest.raises(UnsupportedFormatError):
        read_pages(b"\x01" + data)


def test_all_errors_share_the_base_and_have_distinct_codes():
    classes = [
        UnreadableDocumentError,
        EncryptedDocumentError,
        UnsupportedFormatError,
        EmptyDocumentError,
    ]
    assert all(issubclass(c, ExtractionError) for c in classes)
    assert len({c.code for c in classes}) == len(classes)


def test_utf8_bom_text_is_one_page():
    pages = read_pages("\ufeffProvider shall not sell Student Data.".encode())
    assert len(pages) == 1
    assert pages[0].text.startswith("Provider")


def test_cp1252_text_is_decoded():
    pages = read_pages("Provider’s “Student Data” café".encode("cp1252"))
    assert "café" in pages[0].text
    assert "“Student Data”" in pages[0].text


def test_form_feeds_split_text_pages(nlp):
    data = b"Intro page.\fProvider shall not sell Student Data.\f"
    extraction = extract(data, nlp=nlp)
    assert [p.number for p in extraction.pages] == [1, 2, 3]
    sale = [c for c in extraction.clauses if c.label == "data_sale"]
    assert [c.page for c in sale] == [2]


def test_text_with_nul_bytes_is_unsupported():
    with pytest.raises(UnsupportedFormatError):
        read_pages(b"Provider shall\x00 not sell data")
