"""Teachers are told when their request is decided; notifications stay private."""

from __future__ import annotations

import pytest

from registry import catalog, notifications, reviews
from registry.errors import NotFoundError, PermissionDeniedError
from registry.models import AppRequest, AuditEvent, Notification
from registry.status import AppStatus, RequestStatus, Role
from tests.conftest import make_actor, make_district

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("orm")]


async def test_declining_a_request_notifies_the_teacher_with_the_note() -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    teacher = await make_actor(district, Role.TEACHER)
    request = await catalog.request_app(teacher, name="FlashCardz", grade="4")
    declined = await catalog.decline_request(
        officer, request.id, note="Sells data to advertisers; use Quizlet instead."
    )
    assert declined.status is RequestStatus.DECLINED
    assert declined.decision_note == "Sells data to advertisers; use Quizlet instead."
    assert declined.decided_at is not None
    assert await notifications.unread_count(teacher) == 1
    [item] = await notifications.list_notifications(teacher)
    assert "FlashCardz" in item.message
    assert "declined" in item.message
    assert "use Quizlet instead" in item.message
    assert item.link == "/requests"
    event = await AuditEvent.get(tag="request:decline", subject_id=request.id)
    assert event.note == "Sells data to advertisers; use Quizlet instead."
    officer_messages = [n.message for n in await notifications.list_notifications(officer)]
    assert officer_messages == [f"{teacher.name} asked for a review of FlashCardz."]
    with pytest.raises(NotFoundError):  # only open requests can be declined
        await catalog.decline_request(officer, request.id)


async def test_adding_the_requested_app_accepts_and_notifies() -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    teacher = await make_actor(district, Role.TEACHER)
    request = await catalog.request_app(teacher, name="Desmos")
    await catalog.create_app(officer, name="desmos", vendor_name="Amplify")
    stored = await AppRequest.get(id=request.id)
    assert stored.status is RequestStatus.ACCEPTED
    assert stored.decided_at is not None
    assert "reviewing" in stored.decision_note
    [item] = await notifications.list_notifications(teacher, unread_only=True)
    assert "Desmos" in item.message
    assert "accepted" in item.message


async def test_the_app_decision_reaches_the_teacher_who_asked() -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    teacher = await make_actor(district, Role.TEACHER)
    bystander = await make_actor(district, Role.TEACHER, email="other@example.org")
    await catalog.request_app(teacher, name="Desmos")
    app = await catalog.create_app(officer, name="Desmos", vendor_name="Amplify")
    assert await notifications.unread_count(teacher) == 1  # only "accepted" so far
    await reviews.change_status(
        officer, app.id, to=AppStatus.APPROVED_WITH_CONDITIONS, conditions="grades 6-12 only"
    )
    newest = (await notifications.list_notifications(teacher))[0]
    assert newest.message == (
        "The app you requested, Desmos, was approved with conditions: grades 6-12 only."
    )
    assert newest.link == "/apps?q=Desmos"
    assert await notifications.unread_count(bystander) == 0


async def test_mark_read_one_or_all_and_only_own() -> None:
    a, b = await make_district("alpha"), await make_district("beta")
    teacher = await make_actor(a, Role.TEACHER)
    colleague = await make_actor(a, Role.TEACHER, email="colleague@alpha.example.org")
    stranger = await make_actor(b, Role.TEACHER)
    for n in range(3):
        await notifications.notify(user_id=teacher.user_id, district_id=a.id, message=f"m{n}")
    first = (await notifications.list_notifications(teacher))[-1]
    for actor in (colleague, stranger):
        with pytest.raises(NotFoundError):
            await notifications.mark_read(actor, first.id)
        assert await notifications.list_notifications(actor) == []
    assert await notifications.mark_read(teacher, first.id) == 1
    assert await notifications.unread_count(teacher) == 2
    assert await notifications.mark_read(teacher) == 2
    assert await notifications.unread_count(teacher) == 0
    assert await Notification.filter(read_at=None).count() == 0


async def test_teachers_cannot_decline_requests() -> None:
    district = await make_district()
    teacher = await make_actor(district, Role.TEACHER)
    request = await catalog.request_app(teacher, name="FlashCardz")
    with pytest.raises(PermissionDeniedError):
        await catalog.decline_request(teacher, request.id)
    assert (await AppRequest.get(id=request.id)).status is RequestStatus.OPEN
    assert await Notification.all().count() == 0


async def test_a_new_request_notifies_the_districts_privacy_officers() -> None:
    a, b = await make_district("alpha"), await make_district("beta")
    teacher = await make_actor(a, Role.TEACHER)
    officer = await make_actor(a, Role.PRIVACY_OFFICER)
    admin = await make_actor(a, Role.ADMIN)
    elsewhere = await make_actor(b, Role.PRIVACY_OFFICER)
    await catalog.request_app(teacher, name="Padlet", reason="Brainstorming")
    [item] = await notifications.list_notifications(officer)
    assert item.message == f"{teacher.name} asked for a review of Padlet."
    assert item.link == "/desk#requests"
    assert await notifications.list_notifications(elsewhere) == []
    assert await notifications.list_notifications(admin) == []
    assert await notifications.list_notifications(teacher) == []
