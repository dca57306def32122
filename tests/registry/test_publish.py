"""The public list shows only approved apps, only public agreements, and no internal fields."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from registry import agreements, catalog, publish, reviews
from registry.errors import NotFoundError, PermissionDeniedError
from registry.models import AppStatusRecord
from registry.status import AgreementKind, AppStatus, Role
from registry.storage import InMemoryFileStorage
from tests.conftest import make_actor, make_district

pytestmark = pytest.mark.anyio

TEXT = b"Provider shall not sell Student Data. We collect student name, grades and attendance."


async def test_only_published_apps_and_no_confidential_fields(orm):
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    shown = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    hidden = await catalog.create_app(officer, name="SpyGlass", vendor_name="Overwatch")
    denied = await catalog.create_app(officer, name="AdGames", vendor_name="Arcadia")
    storage = InMemoryFileStorage()
    agreement = await agreements.upload_agreement(
        officer, app_id=shown.id, data=TEXT, filename="dpa.txt", kind=AgreementKind.NDPA,
        storage=storage, max_bytes=10**6, signed_on=date(2026, 1, 5),
        expires_on=date(2029, 1, 5), is_public=True,
    )  # fmt: skip
    await reviews.change_status(
        officer, shown.id, to=AppStatus.APPROVED_WITH_CONDITIONS,
        conditions="Grades 6-12 only", note="INTERNAL-NOTE-xyz",
    )  # fmt: skip
    await reviews.change_status(officer, denied.id, to=AppStatus.DENIED, note="sells data")
    listing = await publish.public_listing(district.slug)
    assert [a.name for a in listing.apps] == ["MathQuest"]
    app = listing.apps[0]
    assert app.conditions == "Grades 6-12 only"
    assert "assessment" in app.data_elements or "attendance" in app.data_elements
    assert app.agreement is not None
    assert app.agreement.signed_on == date(2026, 1, 5)
    dumped = json.dumps(listing.to_json())
    for secret in (
        "INTERNAL-NOTE-xyz",
        "SpyGlass",
        "AdGames",
        "sells data",
        "in_review",
        "officer",
    ):
        assert secret not in dumped
    sha, filename = await publish.public_agreement_file(district.slug, agreement.id)
    assert storage.get(sha) == TEXT
    assert filename == "dpa.txt"
    assert hidden.id not in [a.id for a in listing.apps]


async def test_agreement_file_is_public_only_when_marked_and_app_published(orm):
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    private = await agreements.upload_agreement(
        officer, app_id=app.id, data=TEXT, filename="a.txt", kind=AgreementKind.NDPA,
        storage=InMemoryFileStorage(), max_bytes=10**6, is_public=False,
    )  # fmt: skip
    public = await agreements.upload_agreement(
        officer, app_id=app.id, data=TEXT + b" v2", filename="b.txt", kind=AgreementKind.NDPA,
        storage=InMemoryFileStorage(), max_bytes=10**6, is_public=True,
    )  # fmt: skip
    with pytest.raises(NotFoundError):  # app still in review
        await publish.public_agreement_file(district.slug, public.id)
    await reviews.change_status(officer, app.id, to=AppStatus.APPROVED)
    await publish.public_agreement_file(district.slug, public.id)
    with pytest.raises(NotFoundError):
        await publish.public_agreement_file(district.slug, private.id)
    with pytest.raises(NotFoundError):
        await publish.public_agreement_file("other-district", public.id)


async def test_teacher_search_and_request(orm):
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    teacher = await make_actor(district, Role.TEACHER)
    other = await make_actor(await make_district("elsewhere", "CA"), Role.TEACHER)
    app = await catalog.create_app(
        officer, name="LabBench", vendor_name="Cobalt", subjects="Science", grades="6-12"
    )
    assert await catalog.search_approved(teacher, "science") == []
    await reviews.change_status(
        officer, app.id, to=AppStatus.APPROVED_WITH_CONDITIONS, conditions="No student accounts"
    )
    found = await catalog.search_approved(teacher, "science")
    assert [r.app.name for r in found] == ["LabBench"]
    assert found[0].conditions == "No student accounts"
    assert await catalog.search_approved(other, "science") == []
    request = await catalog.request_app(teacher, name="Padlet", reason="brainstorming", grade="7")
    assert [r.id for r in await catalog.list_requests(teacher)] == [request.id]
    assert await catalog.list_requests(other) == []
    with pytest.raises(PermissionDeniedError):
        await catalog.create_app(teacher, name="X", vendor_name="Y")


async def test_expired_agreement_expires_approved_app(orm):
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    app = await catalog.create_app(officer, name="TypingTutor", vendor_name="Keystroke")
    today = date(2026, 11, 25)
    await agreements.upload_agreement(
        officer, app_id=app.id, data=TEXT, filename="a.txt", kind=AgreementKind.NDPA,
        storage=InMemoryFileStorage(), max_bytes=10**6,
        signed_on=today - timedelta(days=400), expires_on=today - timedelta(days=1),
    )  # fmt: skip
    await reviews.change_status(officer, app.id, to=AppStatus.APPROVED)
    assert await reviews.expire_due(today) == [app.id]
    assert (await AppStatusRecord.get(app_id=app.id)).status == AppStatus.EXPIRED
    assert await reviews.expire_due(today) == []
    assert (await publish.public_listing(district.slug)).apps == ()


async def test_request_is_accepted_by_adding_the_app_or_declined(orm):
    from registry.models import AppRequest, AuditEvent
    from registry.status import RequestStatus

    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    teacher = await make_actor(district, Role.TEACHER)
    padlet = await catalog.request_app(teacher, name="Padlet")
    canva = await catalog.request_app(teacher, name="Canva")
    app = await catalog.create_app(officer, name="padlet", vendor_name="Wallwisher")
    padlet = await AppRequest.get(id=padlet.id)
    assert padlet.status == RequestStatus.ACCEPTED
    assert padlet.app_id == app.id
    with pytest.raises(PermissionDeniedError):
        await catalog.decline_request(teacher, canva.id)
    await catalog.decline_request(officer, canva.id)
    assert (await AppRequest.get(id=canva.id)).status == RequestStatus.DECLINED
    with pytest.raises(NotFoundError):  # already decided
        await catalog.decline_request(officer, canva.id)
    tags = await AuditEvent.filter(subject_type="request").values_list("tag", flat=True)
    assert sorted(tags) == ["request:accept", "request:create", "request:create", "request:decline"]
