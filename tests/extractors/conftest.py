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


def make_pdf(pages: Sequence[Sequence[str]], *, encrypt: str | None = None) -> bytes:
    """A PDF with one text line per string; an empty sequence makes a blank page."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, encrypt=encrypt)
    for lines in pages:
        y = 720
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
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
