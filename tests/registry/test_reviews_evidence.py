"""The review page's read model: the selected finding's evidence is located on the page
image (from stored clause boxes, or by finding the quoted text on the PDF page when a clause
has none), page images are rendered once and cached, and only officers of the district see
them."""

from __future__ import annotations

import pytest

from extractors.render import png_size
from registry import agreements, catalog
from registry.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from registry.evidence import PageImageCache, load_review, page_image
from registry.models import Clause, Extraction, Finding
from registry.status import AgreementKind, Role
from registry.storage import InMemoryFileStorage
from tests.conftest import make_actor, make_district
from tests.documents import make_pdf

pytestmark = pytest.mark.anyio

RULE = "us-ny.part121.breach-7d"
PDF = make_pdf(
    [
        ["Student Data Privacy Agreement", "Provider shall not sell Student Data."],
        ["Definitions apply.", "Provider shall notify the district of a breach within 30 days."],
    ]
)


class CountingStorage(InMemoryFileStorage):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, sha256: str) -> bytes:
        self.reads += 1
        return super().get(sha256)


async def _setup(data: bytes = PDF, filename: str = "dpa.pdf"):
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    storage = CountingStorage()
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    agreement = await agreements.upload_agreement(
        officer,
        app_id=app.id,
        data=data,
        filename=filename,
        kind=AgreementKind.STATE_DPA,
        storage=storage,
        max_bytes=5 * 1024 * 1024,
    )
    return district, officer, storage, agreement


async def test_stored_boxes_become_percent_highlights_on_the_evidence_page(orm):
    _, officer, _, agreement = await _setup()
    finding = await Finding.get(agreement_id=agreement.id, rule_id=RULE)
    clause = await Clause.get(extraction__agreement_id=agreement.id, label="breach_notification")
    # What the reader records: [page, x0, top, x1, bottom] in points, and the page sizes.
    await Clause.filter(id=clause.id).update(boxes=[[2, 61.2, 79.2, 306.0, 99.0]])
    await Extraction.filter(agreement_id=agreement.id).update(
        page_sizes=[{"width": 612.0, "height": 792.0}] * 2
    )
    review = await load_review(officer, agreement.id, finding_id=finding.id)
    assert review.page == 2
    assert review.page_count == 2
    assert review.has_images
    assert review.selected is not None
    assert review.selected.outcome == "fail"
    (box,) = review.highlights
    assert (box.page, box.left, box.top, box.width, box.height) == (2, 10.0, 10.0, 40.0, 2.5)
    assert review.selected.evidence[0].clause_id == clause.id
    assert next(outcome for outcome, _ in review.groups) == "fail"
    # another page shows no highlight of this finding
    assert (
        await load_review(officer, agreement.id, finding_id=finding.id, page=1)
    ).highlights == ()


async def test_without_stored_boxes_the_quote_is_found_on_the_pdf_page(orm):
    _, officer, storage, agreement = await _setup()
    finding = await Finding.get(agreement_id=agreement.id, rule_id=RULE)
    await Clause.filter(extraction__agreement_id=agreement.id).update(boxes=[])
    await Extraction.filter(agreement_id=agreement.id).update(page_sizes=[])
    cache = PageImageCache()
    review = await load_review(
        officer, agreement.id, finding_id=finding.id, storage=storage, cache=cache
    )
    assert review.highlights, "the evidence text is located on page 2"
    box = review.highlights[0]
    # make_pdf draws the second line of a page at y = 704 pt from the bottom of 792 pt
    assert box.page == 2
    assert 9.0 < box.top < 13.0
    assert 11.0 < box.left < 13.0  # x = 72 pt of 612 pt
    assert 0 < box.height < 3


async def test_page_images_are_rendered_once_and_cached(orm, tmp_path):
    _, officer, storage, agreement = await _setup()
    cache = PageImageCache(tmp_path / "pages")
    first = await page_image(officer, agreement.id, 2, storage=storage, cache=cache)
    reads = storage.reads
    again = await page_image(officer, agreement.id, 2, storage=storage, cache=cache)
    assert again.png == first.png
    assert storage.reads == reads
    assert first.png.startswith(b"\x89PNG")
    width, height = png_size(first.png)
    assert height > width
    assert round(first.width_pt) == 612
    assert round(first.height_pt) == 792
    assert len(list((tmp_path / "pages").rglob("*.png"))) == 1
    with pytest.raises(NotFoundError):
        await page_image(officer, agreement.id, 3, storage=storage, cache=cache)


async def test_text_agreements_have_no_page_images(orm):
    text = b"Provider shall notify the district of a breach within 30 days."
    _, officer, storage, agreement = await _setup(text, "dpa.txt")
    review = await load_review(officer, agreement.id)
    assert not review.has_images
    with pytest.raises(NotFoundError):
        await page_image(officer, agreement.id, 1, storage=storage, cache=PageImageCache())


async def test_review_and_images_are_scoped(orm):
    district, officer, storage, agreement = await _setup()
    teacher = await make_actor(district, Role.TEACHER)
    other = await make_district("shelbyville")
    stranger = await make_actor(other, Role.PRIVACY_OFFICER)
    with pytest.raises(PermissionDeniedError):
        await load_review(teacher, agreement.id)
    with pytest.raises(PermissionDeniedError):
        await page_image(teacher, agreement.id, 1, storage=storage, cache=PageImageCache())
    with pytest.raises(NotFoundError):
        await load_review(stranger, agreement.id)
    with pytest.raises(NotFoundError):
        await page_image(stranger, agreement.id, 1, storage=storage, cache=PageImageCache())
    with pytest.raises(NotFoundError):
        await load_review(officer, agreement.id, finding_id=10**6)
    with pytest.raises(InvalidInputError):
        await load_review(officer, agreement.id, page=9)
