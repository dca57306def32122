"""Uploads: read -> extract -> check -> store atomically; bad files leave nothing half-written;
the same bytes are recognised; every query is scoped to the actor's district."""

from __future__ import annotations

import pytest

from registry import agreements, catalog
from registry.demo_agreements import DpaTerms, render_dpa
from registry.errors import DuplicateUploadError, InvalidUploadError, NotFoundError
from registry.models import (
    Agreement,
    AppDataElement,
    AuditEvent,
    Clause,
    Extraction,
    Finding,
    StoredFile,
)
from registry.status import AgreementKind, Role
from registry.storage import InMemoryFileStorage
from tests.conftest import make_actor, make_district
from tests.documents import make_pdf

pytestmark = pytest.mark.anyio

LIMIT = 5 * 1024 * 1024


async def setup_app(state: str = "NY", slug: str = "springfield"):
    district = await make_district(slug, state)
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath Learning")
    return officer, app


async def upload(officer, app, data, storage, filename="dpa.pdf"):
    return await agreements.upload_agreement(
        officer,
        app_id=app.id,
        data=data,
        filename=filename,
        kind=AgreementKind.STATE_DPA,
        storage=storage,
        max_bytes=LIMIT,
    )


async def test_thirty_day_breach_fails_new_york_rule_with_page(orm):
    officer, app = await setup_app()
    storage = InMemoryFileStorage()
    data = make_pdf(
        [
            ["Student Data Privacy Agreement", "Provider shall not sell Student Data."],
            ["Provider shall notify the district of a breach within 30 days."],
        ]
    )
    agreement = await upload(officer, app, data, storage)
    finding = await Finding.get(agreement_id=agreement.id, rule_id="us-ny.part121.breach-7d")
    assert finding.outcome == "fail"
    assert finding.evidence[0]["page"] == 2
    assert "30 days" in finding.evidence[0]["text"]
    breach = await Clause.get(extraction__agreement_id=agreement.id, label="breach_notification")
    assert breach.attributes["deadline_hours"] == 720
    assert breach.page == 2
    assert storage.exists((await StoredFile.get()).sha256)
    event = await AuditEvent.get(tag="agreement:upload")
    assert event.after["findings"] == await Finding.filter(agreement_id=agreement.id).count()


async def test_generated_dpa_passes_the_breach_rule_and_records_data_elements(orm):
    officer, app = await setup_app()
    text = render_dpa(DpaTerms(vendor="Brightpath", product="MathQuest", district="Springfield"))
    agreement = await upload(officer, app, text.encode(), InMemoryFileStorage(), "dpa.txt")
    finding = await Finding.get(agreement_id=agreement.id, rule_id="us-ny.part121.breach-7d")
    assert finding.outcome == "pass"
    elements = set(await AppDataElement.filter(app_id=app.id).values_list("element", flat=True))
    assert elements, "the data-collected paragraph names elements"


async def test_same_bytes_twice_is_a_duplicate_and_stored_once(orm):
    officer, app = await setup_app()
    storage = InMemoryFileStorage()
    data = b"Provider shall not sell Student Data. Provider shall notify the LEA within 72 hours."
    first = await upload(officer, app, data, storage, "a.txt")
    with pytest.raises(DuplicateUploadError) as info:
        await upload(officer, app, data, storage, "copy.txt")
    assert info.value.agreement_id == first.id
    assert await Agreement.all().count() == 1
    assert await StoredFile.all().count() == 1
    assert len(storage.blobs) == 1


BAD_FILES = {
    "corrupt-pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> garbage\n%%EO",
    "empty": b"",
    "png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
}


@pytest.mark.parametrize("name", BAD_FILES)
async def test_unreadable_upload_leaves_nothing_half_written(orm, name):
    officer, app = await setup_app()
    storage = InMemoryFileStorage()
    with pytest.raises(InvalidUploadError) as info:
        await upload(officer, app, BAD_FILES[name], storage, f"{name}.pdf")
    assert info.value.message
    for model in (Agreement, StoredFile, Extraction, Clause, Finding):
        assert await model.all().count() == 0, model.__name__
    assert storage.blobs == {}
    rejected = await AuditEvent.get(tag="agreement:upload_rejected")
    assert rejected.actor_id == officer.user_id
    assert rejected.after["filename"] == f"{name}.pdf"


async def test_too_large_upload_is_refused(orm):
    officer, app = await setup_app()
    with pytest.raises(InvalidUploadError) as info:
        await upload(officer, app, b"x" * (LIMIT + 1), InMemoryFileStorage())
    assert info.value.reason == "too_large"
    assert await Agreement.all().count() == 0


async def test_other_district_cannot_see_or_upload(orm):
    officer_a, app = await setup_app("NY", "alpha")
    district_b = await make_district("beta", "CA")
    officer_b = await make_actor(district_b, Role.PRIVACY_OFFICER)
    storage = InMemoryFileStorage()
    agreement = await upload(officer_a, app, b"Provider shall not sell Student Data.", storage)
    with pytest.raises(NotFoundError):
        await upload(officer_b, app, b"Provider shall not sell data at all.", storage)
    with pytest.raises(NotFoundError):
        await agreements.get_agreement(officer_b, agreement.id)
    assert await agreements.list_agreements(officer_b, app.id) == []
    loaded = await agreements.get_agreement(officer_a, agreement.id)
    assert loaded.app.name == "MathQuest"


async def test_reader_past_its_limits_is_stopped_and_nothing_is_stored(orm):
    officer, app = await setup_app()
    data = make_pdf([["Provider shall not sell Student Data."]])
    tight = agreements.ReadLimits(timeout=30, memory_bytes=150 * 1024 * 1024)
    with pytest.raises(InvalidUploadError) as info:
        await agreements.upload_agreement(
            officer, app_id=app.id, data=data, filename="dpa.pdf", kind=AgreementKind.NDPA,
            storage=InMemoryFileStorage(), max_bytes=LIMIT, limits=tight,
        )  # fmt: skip
    assert info.value.reason == "resource_limit"
    assert "too long or needed too much memory" in info.value.message
    assert await Agreement.all().count() == 0
    roomy = agreements.ReadLimits(timeout=60, memory_bytes=2 * 1024**3)
    agreement = await agreements.upload_agreement(
        officer, app_id=app.id, data=data, filename="dpa.pdf", kind=AgreementKind.NDPA,
        storage=InMemoryFileStorage(), max_bytes=LIMIT, limits=roomy,
    )  # fmt: skip
    assert await Clause.filter(extraction__agreement_id=agreement.id, label="data_sale").exists()
