"""Real documents made on the fly for tests: PDFs drawn with reportlab, one line per string."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

__all__ = ["make_pdf"]


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
