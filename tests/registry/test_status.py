"""The app-status state machine: every pair of statuses is either allowed or refused,
and every allowed change through the registry writes one audit event."""

from __future__ import annotations

import itertools

import pytest

from registry import catalog, reviews
from registry.errors import InvalidInputError, InvalidTransitionError, StaleEditError
from registry.models import AppStatusRecord, AuditEvent
from registry.status import TRANSITIONS, AppStatus, Role, check_transition
from tests.conftest import make_actor, make_district

ALLOWED = {
    (AppStatus.REQUESTED, AppStatus.IN_REVIEW),
    (AppStatus.IN_REVIEW, AppStatus.APPROVED),
    (AppStatus.IN_REVIEW, AppStatus.APPROVED_WITH_CONDITIONS),
    (AppStatus.IN_REVIEW, AppStatus.DENIED),
    (AppStatus.APPROVED, AppStatus.EXPIRED),
    (AppStatus.APPROVED, AppStatus.IN_REVIEW),
    (AppStatus.APPROVED_WITH_CONDITIONS, AppStatus.EXPIRED),
    (AppStatus.APPROVED_WITH_CONDITIONS, AppStatus.IN_REVIEW),
    (AppStatus.DENIED, AppStatus.IN_REVIEW),
    (AppStatus.EXPIRED, AppStatus.IN_REVIEW),
}
PAIRS = list(itertools.product(AppStatus, AppStatus))


def test_transition_table_is_exactly_the_documented_one():
    table = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert set(TRANSITIONS) == set(AppStatus)


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_is_allowed_or_refused(current, target):
    if (current, target) in ALLOWED:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidTransitionError) as info:
            check_transition(current, target)
        assert info.value.current == current.value
        assert "cannot become" in str(info.value)


async def _app_in(status: AppStatus):
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    await AppStatusRecord.filter(app_id=app.id).update(status=status)
    return officer, app


@pytest.mark.anyio
@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
async def test_persisted_transition_and_audit(orm, current, target):
    officer, app = await _app_in(current)
    events_before = await AuditEvent.filter(tag="app:status").count()
    kwargs = {"conditions": "Grades 6-12 only", "note": "reason given"}
    if (current, target) in ALLOWED:
        record = await reviews.change_status(officer, app.id, to=target, **kwargs)
        assert record.status == target
        event = await AuditEvent.filter(tag="app:status").order_by("-id").first()
        assert event.before["status"] == current.value
        assert event.after["status"] == target.value
        assert event.actor_id == officer.user_id
        assert await AuditEvent.filter(tag="app:status").count() == events_before + 1
    else:
        with pytest.raises(InvalidTransitionError):
            await reviews.change_status(officer, app.id, to=target, **kwargs)
        record = await AppStatusRecord.get(app_id=app.id)
        assert record.status == current
        assert await AuditEvent.filter(tag="app:status").count() == events_before


@pytest.mark.anyio
async def test_conditions_required_and_denial_needs_reason(orm):
    officer, app = await _app_in(AppStatus.IN_REVIEW)
    with pytest.raises(InvalidInputError):
        await reviews.change_status(officer, app.id, to=AppStatus.APPROVED_WITH_CONDITIONS)
    with pytest.raises(InvalidInputError):
        await reviews.change_status(officer, app.id, to=AppStatus.DENIED)
    assert (await AppStatusRecord.get(app_id=app.id)).status == AppStatus.IN_REVIEW


@pytest.mark.anyio
async def test_concurrent_edit_is_refused(orm):
    officer, app = await _app_in(AppStatus.IN_REVIEW)
    seen = (await AppStatusRecord.get(app_id=app.id)).version
    await reviews.change_status(officer, app.id, to=AppStatus.APPROVED, expected_version=seen)
    with pytest.raises(StaleEditError):
        await reviews.change_status(officer, app.id, to=AppStatus.IN_REVIEW, expected_version=seen)
    assert (await AppStatusRecord.get(app_id=app.id)).status == AppStatus.APPROVED


@pytest.mark.anyio
async def test_teacher_cannot_decide(orm):
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    teacher = await make_actor(district, Role.TEACHER)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    from registry.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        await reviews.change_status(teacher, app.id, to=AppStatus.APPROVED)
