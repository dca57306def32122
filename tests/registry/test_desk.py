"""The desk read model: open requests, agreements whose findings still fail or need review
(overrides count, replaced versions drop out), apps by expiry bucket, in a fixed number of
queries whatever the district's size, and only the actor's district."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tortoise import connections

from registry import agreements, catalog, reviews
from registry.desk import load_desk
from registry.errors import PermissionDeniedError
from registry.models import Agreement, AppStatusRecord, Finding
from registry.status import AgreementKind, AppStatus, Role
from registry.storage import InMemoryFileStorage
from tests.conftest import make_actor, make_district
from tests.documents import make_pdf

pytestmark = pytest.mark.anyio

TODAY = date(2026, 11, 25)
RULE = "us-ny.part121.breach-7d"


def _pdf(deadline: str, marker: str) -> bytes:
    return make_pdf(
        [[f"Agreement {marker}", f"Provider shall notify the district of a breach {deadline}."]]
    )


async def _upload(officer, app, data, **extra):
    return await agreements.upload_agreement(
        officer,
        app_id=app.id,
        data=data,
        filename=f"{app.name}.pdf",
        kind=AgreementKind.STATE_DPA,
        storage=InMemoryFileStorage(),
        max_bytes=5 * 1024 * 1024,
        **extra,
    )


async def _approved_with_expiry(officer, name, expires_on):
    app = await catalog.create_app(officer, name=name, vendor_name=f"{name} Inc")
    made = await _upload(officer, app, _pdf("within 72 hours", name))
    await Agreement.filter(id=made.id).update(expires_on=expires_on)
    await AppStatusRecord.filter(app_id=app.id).update(status=AppStatus.APPROVED)
    return app


async def test_desk_lists_what_needs_the_officer(orm):
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    teacher = await make_actor(district, Role.TEACHER)
    await catalog.request_app(teacher, name="Kahoot", reason="quizzes", grade="7")
    failing = await catalog.create_app(officer, name="SlowNotice", vendor_name="Snail")
    bad = await _upload(officer, failing, _pdf("within 30 days", "slow"))
    overridden = await catalog.create_app(officer, name="Waived", vendor_name="W")
    waived = await _upload(officer, overridden, _pdf("within 30 days", "waived"))
    for finding in await Finding.filter(
        agreement_id=waived.id, outcome__in=["fail", "needs_review"]
    ):
        await reviews.override_finding(officer, finding.id, outcome="waived", reason="ok")
    refused = await catalog.create_app(officer, name="Refused", vendor_name="No")
    await _upload(officer, refused, _pdf("within 30 days", "refused"))
    await reviews.change_status(officer, refused.id, to=AppStatus.DENIED, denial_reason="slow")
    renewed = await catalog.create_app(officer, name="Renewed", vendor_name="R")
    old = await _upload(officer, renewed, _pdf("within 30 days", "old"))
    await _upload(officer, renewed, _pdf("within 30 days", "new"), replaces_id=old.id)
    await _approved_with_expiry(officer, "Soon", TODAY + timedelta(days=10))
    await _approved_with_expiry(officer, "Later", TODAY + timedelta(days=45))
    await _approved_with_expiry(officer, "Quarter", TODAY + timedelta(days=90))
    await _approved_with_expiry(officer, "Far", TODAY + timedelta(days=200))
    await _approved_with_expiry(officer, "Gone", TODAY - timedelta(days=3))

    desk = await load_desk(officer, today=TODAY)

    assert [r.name for r in desk.requests] == ["Kahoot"]
    assert desk.requests[0].requested_by == "Teacher"
    by_app = {row.app_name: row for row in desk.attention}
    assert by_app["SlowNotice"].agreement_id == bad.id
    assert by_app["SlowNotice"].failing >= 1
    assert "Waived" not in by_app  # every failing finding was overridden
    assert "Refused" not in by_app  # decided: denied
    renewed_rows = [r for r in desk.attention if r.app_name == "Renewed"]
    assert len(renewed_rows) == 1
    assert renewed_rows[0].agreement_id != old.id
    assert [(r.app_name, r.bucket) for r in desk.expiring] == [
        ("Gone", "expired"),
        ("Soon", "30"),
        ("Later", "60"),
        ("Quarter", "90"),
    ]
    assert desk.expiring[0].days_left == -3
    assert dict(desk.expiry_counts) == {"expired": 1, "30": 1, "60": 1, "90": 1}
    assert dict(desk.status_counts)[AppStatus.APPROVED] == 5


async def test_desk_is_for_officers_of_the_district_only(orm):
    home = await make_district("springfield")
    away = await make_district("shelbyville")
    officer = await make_actor(home, Role.PRIVACY_OFFICER)
    admin = await make_actor(home, Role.ADMIN)
    teacher = await make_actor(home, Role.TEACHER)
    stranger = await make_actor(away, Role.PRIVACY_OFFICER)
    app = await catalog.create_app(officer, name="SlowNotice", vendor_name="Snail")
    await _upload(officer, app, _pdf("within 30 days", "x"))
    await catalog.request_app(teacher, name="Kahoot")
    with pytest.raises(PermissionDeniedError):
        await load_desk(teacher, today=TODAY)
    assert (await load_desk(admin, today=TODAY)).attention
    theirs = await load_desk(stranger, today=TODAY)
    assert (theirs.requests, theirs.attention, theirs.expiring, theirs.apps) == ((), (), (), ())


async def _count_queries(monkeypatch, coro):
    client = type(connections.get("default"))
    count = 0
    for name in ("execute_query", "execute_query_dict"):
        original = getattr(client, name)

        def counting(self, *args, _original=original, **kwargs):
            nonlocal count
            count += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(client, name, counting)
    result = await coro
    monkeypatch.undo()
    return result, count


async def test_desk_reads_in_a_fixed_number_of_queries(orm, monkeypatch):
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    await _approved_with_expiry(officer, "App0", TODAY + timedelta(days=5))
    _, small = await _count_queries(monkeypatch, load_desk(officer, today=TODAY))
    for n in range(1, 6):
        await _approved_with_expiry(officer, f"App{n}", TODAY + timedelta(days=5 * n))
    desk, large = await _count_queries(monkeypatch, load_desk(officer, today=TODAY))
    assert len(desk.expiring) == 6
    assert large == small <= 5
    # expire_due reads the same way (it had one query per app before)
    _, few = await _count_queries(monkeypatch, reviews.expire_due(TODAY))
    for n in range(6, 12):
        await _approved_with_expiry(officer, f"App{n}", TODAY + timedelta(days=5))
    _, more = await _count_queries(monkeypatch, reviews.expire_due(TODAY))
    assert few == more == 2
