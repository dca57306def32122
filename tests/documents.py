"""Real documents made on the fly for tests: PDFs drawn with reportlab, one line per string."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

__all__ = ["make_pdf"]


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
