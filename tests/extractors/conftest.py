"""Fixtures for extractor tests: one pipeline per session, PDFs generated with reportlab."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas
from spacy.language import Language

from extractors import build_nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    return build_nlp()


def make_pdf(
    pages: Sequence[Sequence[str]],
    *,
    encrypt: str | None = None,
    header: str | None = None,
    footer: str | None = None,
) -> bytes:
    """A PDF with one text line per string; an empty sequence makes a blank page.

    `header` is drawn at the top of every page, `footer` at the bottom; `{page}` and
    `{pages}` in either are replaced by the page number and the page count.
    """
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, encrypt=encrypt)
    for number, lines in enumerate(pages, start=1):
        if header is not None:
            pdf.drawString(72, 756, header.format(page=number, pages=len(pages)))
        y = 720
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
        if footer is not None:
            pdf.drawString(72, 36, footer.format(page=number, pages=len(pages)))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture(scope="session")
def pdf_factory() -> Callable[..., bytes]:
    return make_pdf


@pytest.fixture(scope="session")
def dpa_pdf() -> bytes:
    return make_pdf(
        [
            [
                "DATA PRIVACY AGREEMENT",
                "Provider shall not sell Student Data to any third party.",
                "This Agreement shall be governed by the laws of the State of Illinois.",
            ],
            [
                "Provider shall notify the LEA of any breach of Student Data within",
                "seventy-two (72) hours of discovery.",
            ],
            [],
        ]
    )
