"""Page images and text location on real PDFs: the PNG has the page's proportions at the
asked resolution, a quoted clause is found line by line, and bad input gets a typed error
(also from the bounded worker process)."""

from __future__ import annotations

import pytest

from extractors.errors import UnreadableDocumentError, UnsupportedFormatError
from extractors.render import (
    PageOutOfRangeError,
    locate_text,
    locate_text_isolated,
    png_size,
    render_page,
    render_page_isolated,
)
from tests.documents import make_pdf

PDF = make_pdf(
    [
        ["Cover page"],
        ["Definitions.", "Provider shall notify the district of a breach", "within 30 days."],
    ]
)
LIMITS = {"timeout": 60.0, "memory_bytes": 2 * 1024**3}


def test_page_is_drawn_at_the_asked_resolution():
    png = render_page(PDF, 2, 72)
    assert png_size(png) == (612, 792)  # US letter in points at 72 dpi
    assert png_size(render_page(PDF, 1, 144)) == (1224, 1584)
    assert png_size(render_page(PDF, 1, 10_000))[0] <= 612 * 200 // 72 + 1  # capped


def test_a_clause_over_two_lines_is_found_as_two_boxes():
    boxes = locate_text(PDF, 2, "Provider shall notify the district of a breach within 30 days.")
    assert len(boxes) == 2
    (x0, top, x1, bottom), second = boxes
    assert x0 == 72.0
    assert second[0] == 72.0
    assert top < bottom <= second[1]
    assert x1 > second[2]  # the first line is the longer one
    assert locate_text(PDF, 1, "within 30 days") == ()  # not on that page
    assert locate_text(PDF, 9, "Cover") == ()
    assert locate_text(b"plain text", 1, "plain") == ()
    assert locate_text(PDF, 1, "   ") == ()


def test_bad_documents_get_typed_errors():
    with pytest.raises(UnsupportedFormatError):
        render_page(b"just some text", 1)
    with pytest.raises(PageOutOfRangeError):
        render_page(PDF, 3)
    with pytest.raises(UnreadableDocumentError):
        render_page(PDF[:700], 1)
    with pytest.raises(UnreadableDocumentError):
        locate_text(PDF[:700], 1, "Cover")
    with pytest.raises(ValueError, match="PNG"):
        png_size(b"GIF89a")


def test_the_bounded_worker_gives_the_same_results_and_errors():
    assert png_size(render_page_isolated(PDF, 2, 72, **LIMITS)) == (612, 792)
    assert locate_text_isolated(PDF, 2, "within 30 days.", **LIMITS) == locate_text(
        PDF, 2, "within 30 days."
    )
    with pytest.raises(PageOutOfRangeError):
        render_page_isolated(PDF, 5, **LIMITS)
