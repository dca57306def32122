"""Teachers' pages: search with conditions, denied apps explained, requests and decisions."""

from __future__ import annotations

import httpx
import pytest
from starlette.types import ASGIApp

from registry.catalog import grades_of
from registry.models import App, AppRequest, AppStatusRecord, Notification, Vendor
from registry.settings import Settings
from registry.status import AppStatus, Role
from tests.web.conftest import csrf_from, new_client, sign_in
from tests.web.world import World, build_world

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(web_app: ASGIApp, settings: Settings) -> World:
    return await build_world(settings)


@pytest.fixture
async def teacher(web_app: ASGIApp, world: World) -> httpx.AsyncClient:
    client = new_client(web_app)
    await sign_in(client, world.own.emails[Role.TEACHER])
    return client


@pytest.mark.parametrize(
    ("text", "grades"),
    [
        ("K-5", set(range(0, 6))),
        ("6-12", set(range(6, 13))),
        ("grades 9 – 12", {9, 10, 11, 12}),
        ("PreK-2", {-1, 0, 1, 2}),
        ("3, 5, 7", {3, 5, 7}),
        ("K", {0}),
        ("all", set(range(-1, 13))),
        ("", set()),
        ("ages 13+", set()),
        ("12-6", set()),
    ],
)
def test_grades_of_reads_free_text(text: str, grades: set[int]) -> None:
    assert grades_of(text) == grades


async def test_search_shows_conditions_and_filters(
    teacher: httpx.AsyncClient, world: World
) -> None:
    page = await teacher.get("/apps")
    assert page.status_code == 200
    n = world.own.slug.split("-")[1]
    assert f"MathQuest {n}" in page.text
    assert "Grades 6-12 only" in page.text
    assert 'class="conditions"' in page.text
    assert f"StudyBuddy {n}" not in page.text  # in review
    assert f"SpyNotes {n}" not in page.text  # denied: only shown when searched for
    assert "MathQuest" in page.text
    beta = world.other.slug.split("-")[1]
    assert f"MathQuest {beta}" not in page.text  # the other district's apps
    assert '<option value="Math">' in page.text  # subjects to filter by
    by_grade = await teacher.get("/apps", params={"grade": "8", "subject": "Science"})
    assert f"MathQuest {n}" in by_grade.text
    too_young = await teacher.get("/apps", params={"grade": "K"})
    assert f"MathQuest {n}" not in too_young.text
    assert "No approved app matches your search." in too_young.text
    other_subject = await teacher.get("/apps", params={"subject": "Art"})
    assert f"MathQuest {n}" not in other_subject.text
    bad = await teacher.get("/apps", params={"grade": "14"})
    assert bad.status_code == 422
    assert "Give the grade as K, PK or a number" in bad.text


async def test_search_for_a_denied_app_explains_why_and_suggests_the_alternative(
    teacher: httpx.AsyncClient, world: World
) -> None:
    page = await teacher.get("/apps", params={"q": "spynotes"})
    assert page.status_code == 200
    assert "Not approved" in page.text
    assert "Sells student data to advertisers." in page.text
    assert "Use instead:" in page.text
    assert "MathQuest" in page.text
    assert "INTERNAL-NOTE" not in page.text  # the officers' note never reaches teachers
    assert "Request a review of a new app" in page.text
    assert "/requests?name=spynotes" in page.text


async def test_alternative_not_approved_is_not_suggested(
    teacher: httpx.AsyncClient, world: World
) -> None:
    await AppStatusRecord.filter(
        app_id=world.own.ids["denied_app"], district_id=world.own.district_id
    ).update(alternative_id=world.own.ids["review_app"])
    page = await teacher.get("/apps", params={"q": "spynotes"})
    assert "Sells student data to advertisers." in page.text
    assert "Use instead:" not in page.text


async def test_request_then_see_decision_and_notification(
    web_app: ASGIApp, teacher: httpx.AsyncClient, world: World
) -> None:
    prefilled = await teacher.get("/requests", params={"name": "Blooket"})
    assert 'value="Blooket"' in prefilled.text
    token = await csrf_from(teacher, "/requests")
    sent = await teacher.post(
        "/requests",
        data={
            "name": "Blooket",
            "url": "https://blooket.com",
            "reason": "Review games",
            "class_name": "Biology",
            "grade": "9",
            "csrf_token": token,
        },
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/requests?sent=1"
    listing = await teacher.get("/requests?sent=1")
    assert "Waiting for review" in listing.text
    assert "Biology" in listing.text
    request = await AppRequest.get(name="Blooket")
    async with new_client(web_app) as officer:
        await sign_in(officer, world.own.emails[Role.PRIVACY_OFFICER])
        officer_token = await csrf_from(officer, "/desk")
        declined = await officer.post(
            f"/requests/{request.id}/decline", data={"csrf_token": officer_token}
        )
        assert declined.status_code == 303
    listing = await teacher.get("/requests")
    assert "Declined" in listing.text
    nav = await teacher.get("/apps")
    unread = await Notification.filter(
        user_id=world.own.user_ids[Role.TEACHER], read_at=None
    ).count()
    assert unread == 2  # the seeded one and the decision
    assert f'class="badge status-in_review unread-count">{unread}<' in nav.text
    notes = await teacher.get("/notifications")
    assert "Your request for Blooket was declined." in notes.text
    token = await csrf_from(teacher, "/notifications")
    await teacher.post("/notifications/read", data={"csrf_token": token})
    after = await teacher.get("/apps")
    assert "unread-count" not in after.text
    assert (
        await Notification.filter(user_id=world.own.user_ids[Role.TEACHER], read_at=None).count()
        == 0
    )


async def test_bad_request_keeps_the_input(teacher: httpx.AsyncClient) -> None:
    token = await csrf_from(teacher, "/requests")
    response = await teacher.post(
        "/requests", data={"name": "", "reason": "Keep me", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "Please fill in the name." in response.text
    assert "Keep me" in response.text
    assert await AppRequest.filter(reason="Keep me").count() == 0


async def _approve_many(world: World, count: int) -> None:
    vendor = await Vendor.create(name="Paging Vendor")
    apps = [App(vendor=vendor, name=f"Pager {i:03d}", grades="K-5") for i in range(count)]
    await App.bulk_create(apps)
    rows = await App.filter(vendor=vendor).order_by("id")
    await AppStatusRecord.bulk_create(
        [
            AppStatusRecord(app=a, district_id=world.own.district_id, status=AppStatus.APPROVED)
            for a in rows
        ]
    )


async def test_search_pages_long_lists_and_keeps_the_filters(
    teacher: httpx.AsyncClient, world: World
) -> None:
    await _approve_many(world, 120)  # + MathQuest: 121 approved apps, 3 pages of 50
    first = await teacher.get("/apps")
    assert "121 approved apps" in first.text
    assert "Page 1 of 3." in first.text
    assert first.text.count('<li class="card">') == 50
    assert 'rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    last = await teacher.get("/apps", params={"page": "3"})
    assert last.text.count('<li class="card">') == 21
    assert 'rel="next"' not in last.text
    assert 'href="/apps?page=2" rel="prev"' in last.text
    # page numbers past the end or nonsense clamp; filters are kept in the links
    assert (await teacher.get("/apps", params={"page": "99"})).text.count("Page 3 of 3.") == 1
    assert "Page 1 of 3." in (await teacher.get("/apps", params={"page": "x"})).text
    graded = await teacher.get("/apps", params={"grade": "3", "q": "pager"})
    assert "120 approved apps" in graded.text
    assert 'href="/apps?q=pager&amp;grade=3&amp;page=2" rel="next"' in graded.text
    assert f"MathQuest {world.own.slug.split('-')[1]}" not in graded.text  # grades 6-12
