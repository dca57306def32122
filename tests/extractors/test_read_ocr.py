"""A scanned page (an image, no text layer) is read by Tesseract and marked as OCR'd; without
Tesseract the document says it needs OCR instead of coming back silently empty."""

from __future__ import annotations

import shutil

import pytest

from extractors import NeedsOcrError, extract, read
from extractors.ocr import parse_tsv
from tests.documents import make_scanned_pdf

SCAN = [
    "5. Data Breach",
    "Provider shall notify the LEA of any breach",
    "within seventy-two (72) hours of discovery.",
]
TEXT_PAGE = ["DATA PRIVACY AGREEMENT", "Provider shall not sell Student Data."]

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="Tesseract is not installed (apt-get install tesseract-ocr); .ci/run installs it",
)


@pytest.fixture(scope="module")
def scanned() -> bytes:
    return make_scanned_pdf(SCAN, text_pages=[TEXT_PAGE])


@needs_tesseract
def test_scanned_page_is_recognised_and_marked(scanned, nlp):
    extraction = extract(scanned, filename="signed.pdf", nlp=nlp)
    page = extraction.pages[1]
    assert page.ocr
    assert not extraction.pages[0].ocr
    assert page.confidence is not None
    assert page.confidence > 0.8
    assert page.text.split("\n") == SCAN
    assert extraction.ocr_pages == (2,)
    assert extraction.to_json()["ocr_pages"] == [2]
    assert any("page 2" in w and "OCR" in w for w in extraction.warnings)
    (breach,) = [c for c in extraction.clauses if c.label == "breach_notification"]
    assert breach.page == 2
    assert breach.attributes["deadline_hours"] == 72
    assert breach.section == "5 Data Breach"
    assert breach.boxes
    assert all(0 <= x0 < x1 <= 612 for x0, _, x1, _ in breach.boxes)


@needs_tesseract
def test_recognised_words_sit_where_the_image_shows_them(scanned):
    page = read(scanned).pages[1]
    first = page.words[0]
    assert page.text[first.start : first.end] == "5."
    # Drawn at (150, 200) px of a 1700 x 2200 px image stretched over 612 x 792 points.
    assert first.box[0] == pytest.approx(150 * 612 / 1700, abs=4)
    assert first.box[1] == pytest.approx(200 * 792 / 2200, abs=6)


def test_without_tesseract_the_scanned_page_needs_ocr(scanned, nlp, monkeypatch):
    monkeypatch.setattr("extractors.document.tesseract_path", lambda: None)
    extraction = extract(scanned, nlp=nlp)
    assert extraction.needs_ocr == (2,)
    assert extraction.ocr_pages == ()
    assert extraction.pages[1].text == ""
    (warning,) = [w for w in extraction.warnings if "page 2" in w]
    assert "scanned" in warning
    assert "tesseract-ocr" in warning


def test_a_scan_only_document_without_tesseract_is_a_typed_error(monkeypatch):
    monkeypatch.setattr("extractors.document.tesseract_path", lambda: None)
    with pytest.raises(NeedsOcrError) as info:
        read(make_scanned_pdf(SCAN))
    assert info.value.code == "needs_ocr"
    assert info.value.pages == (1,)
    assert "tesseract-ocr" in info.value.message


def test_tesseract_tsv_rows_become_words_in_points():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t2550\t3300\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t300\t600\t150\t40\t96.5\tNotice\n"
        "5\t1\t1\t1\t1\t2\t480\t590\t100\t52\t90.5\tgiven\n"
        "5\t1\t1\t1\t2\t1\t300\t700\t100\t40\t-1\t \n"
    )
    result = parse_tsv(tsv, scale=72 / 300)
    assert [w.text for w in result.words] == ["Notice", "given"]
    notice = result.words[0]
    assert (notice.x0, notice.x1) == pytest.approx((72.0, 108.0))
    assert result.words[0].top == result.words[1].top == pytest.approx(590 * 72 / 300)
    assert result.confidence == pytest.approx(0.935)
