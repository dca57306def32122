"""Hostile or broken uploads get a typed error, read in the worker process with its limits,
and leave nothing stored but the audit event of the rejected upload.

(The corrupt-PDF, empty and PNG cases live in tests/registry/test_agreements.py.)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from extractors import ResourceLimitError, read
from registry import agreements, catalog
from registry.errors import InvalidUploadError
from registry.models import (
    Agreement,
    AuditEvent,
    Clause,
    Extraction,
    Finding,
    StoredFile,
)
from registry.status import AgreementKind, Role
from registry.storage import InMemoryFileStorage
from tests.conftest import make_actor, make_district
from tests.documents import (
    make_flate_bomb_pdf,
    make_image_bomb_pdf,
    make_pdf,
    make_zero_page_pdf,
)

pytestmark = pytest.mark.anyio

LIMITS = agreements.ReadLimits(timeout=120, memory_bytes=1024**3)
SMALL_PDF = make_pdf([["Provider shall not sell Student Data."], ["Notify within 72 hours."]])
# Built when the test runs (the bomb takes seconds to compress), with the expected code.
BAD: dict[str, tuple[Callable[[], bytes], str]] = {
    "truncated": (lambda: SMALL_PDF[: len(SMALL_PDF) // 2], "unreadable_document"),
    "encrypted": (
        lambda: make_pdf([["Provider shall not sell data."]], encrypt="s3cret"),
        "encrypted_document",
    ),
    "zero-pages": (make_zero_page_pdf, "empty_document"),
    "program-named-pdf": (lambda: b"\x7fELF\x02\x01\x01" + bytes(200), "unsupported_format"),
    "zip-named-pdf": (lambda: b"PK\x03\x04" + bytes(100), "unsupported_format"),
    # 2 GiB of content from 2 MB of file: past the worker's 1 GiB address space.
    "flate-bomb": (lambda: make_flate_bomb_pdf(2 << 30), "resource_limit"),
    "image-bomb": (make_image_bomb_pdf, "resource_limit"),
}


async def upload(data: bytes, filename: str):
    district = await make_district("springfield", "NY")
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    storage = InMemoryFileStorage()
    result = await agreements.upload_agreement(
        officer, app_id=app.id, data=data, filename=filename, kind=AgreementKind.NDPA,
        storage=storage, max_bytes=50 * 1024**2, limits=LIMITS,
    )  # fmt: skip
    return officer, storage, result


@pytest.mark.parametrize("name", BAD)
async def test_bad_upload_is_a_typed_error_and_stores_nothing(orm, name):
    make, code = BAD[name]
    data = make()
    with pytest.raises(InvalidUploadError) as info:
        await upload(data, f"{name}.pdf")
    assert info.value.reason == code
    assert info.value.message
    for model in (Agreement, StoredFile, Extraction, Clause, Finding):
        assert await model.all().count() == 0, model.__name__
    (rejected,) = await AuditEvent.filter(tag="agreement:upload_rejected")
    assert rejected.after["error"] == code
    assert rejected.after["filename"] == f"{name}.pdf"
    assert await AuditEvent.filter(tag="agreement:upload").count() == 0


def test_image_bomb_is_refused_before_decoding():
    with pytest.raises(ResourceLimitError) as info:
        read(make_image_bomb_pdf())
    assert "Page 1" in info.value.message
    assert "pixels" in info.value.message


async def test_upload_stores_page_sizes_sections_and_clause_places(orm):
    data = make_pdf(
        [
            ["1. Definitions", "Student Data means data."],
            ["2. Data Sale", "Provider shall not sell Student Data."],
        ]
    )
    _, _, agreement = await upload(data, "dpa.pdf")
    extraction = await Extraction.get(agreement_id=agreement.id)
    assert extraction.page_sizes == [{"width": 612.0, "height": 792.0}] * 2
    assert extraction.ocr_pages == []
    assert [(s["number"], s["title"], s["page"]) for s in extraction.sections] == [
        ("1", "Definitions", 1),
        ("2", "Data Sale", 2),
    ]
    sale = await Clause.get(extraction_id=extraction.id, label="data_sale")
    assert sale.section == "2 Data Sale"
    assert sale.boxes
    assert all(len(box) == 4 for box in sale.boxes)


@pytest.mark.slow
async def test_two_thousand_page_pdf_is_read_within_the_limits(orm):
    # Lines repeated at the top and bottom of every page are running heads and go; the
    # middle line is body text on every page.
    body = ["Annex of terms", "Part one", "Provider shall not sell Student Data.", "End", "of part"]
    data = make_pdf([body] * 2000, footer="Page {page} of {pages}")
    _, storage, agreement = await upload(data, "long.pdf")
    extraction = await Extraction.get(agreement_id=agreement.id)
    assert extraction.pages == 2000
    assert len(extraction.page_sizes) == 2000
    assert extraction.page_sizes[0] == {"width": 612.0, "height": 792.0}
    assert len(storage.blobs) == 1
    sale = await Clause.filter(extraction_id=extraction.id, label="data_sale").count()
    assert sale == 2000
