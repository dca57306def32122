"""The walking skeleton end to end: officer -> agreement review -> decision -> teacher ->
parent page and JSON feed; district scoping; stale edits."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.types import ASGIApp

from registry import catalog, reviews
from registry.models import District
from registry.scoping import Actor
from registry.status import AppStatus, Role
from tests.conftest import make_actor, make_district
from tests.documents import make_pdf
from tests.web.conftest import csrf_from, new_client, sign_in

pytestmark = pytest.mark.anyio

BREACH_30 = "Provider shall notify the district of a breach within 30 days."
GOVERNING_NY = "This Agreement is governed by the laws of the State of New York."
CONDITION = "Teacher accounts only; students use first names."


async def officer_client(client: httpx.AsyncClient, slug: str = "springfield") -> Actor:
    district = await make_district(slug, "NY")
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    await sign_in(client, officer.email)
    return officer


async def teacher_of(officer: Actor) -> Actor:
    district = await District.get(id=officer.district_id)
    return await make_actor(district, Role.TEACHER)


async def test_desk_adds_app_and_shows_it(client: httpx.AsyncClient) -> None:
    await officer_client(client)
    token = await csrf_from(client, "/desk")
    response = await client.post(
        "/apps/new",
        data={
            "csrf_token": token,
            "name": "MathQuest",
            "vendor": "Brightpath Learning",
            "url": "https://mathquest.example",
            "grades": "3-5",
            "subjects": "Math",
            "description": "Practice games.",
            "under_13": "on",
        },
    )
    assert response.status_code == 303
    app_url = response.headers["location"]
    assert re.fullmatch(r"/apps/\d+", app_url)
    page = await client.get(app_url)
    assert page.status_code == 200
    assert "MathQuest" in page.text
    assert "in review" in page.text
    assert 'enctype="multipart/form-data"' in page.text
    desk = await client.get("/desk")
    assert "MathQuest" in desk.text
    assert "<strong>1</strong> in review" in desk.text


async def test_add_app_without_name_shows_message(client: httpx.AsyncClient) -> None:
    await officer_client(client)
    token = await csrf_from(client, "/desk")
    response = await client.post(
        "/apps/new", data={"csrf_token": token, "name": "", "vendor": "Brightpath"}
    )
    assert response.status_code == 422
    assert "Please fill in the name." in response.text


async def test_full_journey(web_app: ASGIApp, client: httpx.AsyncClient) -> None:
    officer = await officer_client(client)
    token = await csrf_from(client, "/desk")
    created = await client.post(
        "/apps/new",
        data={
            "csrf_token": token,
            "name": "MathQuest",
            "vendor": "Brightpath Learning",
            "grades": "3-5",
            "subjects": "Math",
            "description": "Practice games.",
            "under_13": "on",
        },
    )
    app_url = created.headers["location"]
    app_id = int(app_url.rsplit("/", 1)[1])
    data = make_pdf(
        [
            ["Student Data Privacy Agreement", BREACH_30],
            ["Provider shall not sell Student Data.", GOVERNING_NY],
        ]
    )
    uploaded = await client.post(
        f"{app_url}/agreements",
        data={
            "csrf_token": token,
            "kind": "state_dpa",
            "signed_on": "2025-07-01",
            "expires_on": "2028-06-30",
            "is_public": "on",
        },
        files={"file": ("mathquest-dpa.pdf", data, "application/pdf")},
    )
    assert uploaded.status_code == 303, uploaded.text
    agreement_url = uploaded.headers["location"]
    assert re.fullmatch(r"/agreements/\d+", agreement_url)

    review = await client.get(agreement_url)
    assert review.status_code == 200
    assert "us-ny.part121.breach-7d" in review.text
    assert "Page 1" in review.text
    assert "within 30 days" in review.text
    fail_section = review.text.split('class="card outcome-fail"', 1)[1].split("</section>")[0]
    assert "us-ny.part121.breach-7d" in fail_section
    assert "Extracted clauses" in review.text

    # override one finding (with the required reason), then see it on the page
    finding_id = re.search(r'action="/findings/(\d+)/override"', review.text)
    assert finding_id
    no_reason = await client.post(
        f"/findings/{finding_id.group(1)}/override",
        data={"csrf_token": token, "outcome": "needs_review", "reason": ""},
    )
    assert no_reason.status_code == 422
    assert "An override needs a reason." in no_reason.text
    overridden = await client.post(
        f"/findings/{finding_id.group(1)}/override",
        data={"csrf_token": token, "outcome": "waived", "reason": "Cabinet accepted the risk"},
    )
    assert overridden.status_code == 303
    assert overridden.headers["location"].startswith(agreement_url)
    review = await client.get(agreement_url)
    assert "Cabinet accepted the risk" in review.text

    # decide: approve with a condition
    page = await client.get(app_url)
    version = re.search(r'name="expected_version" value="(\d+)"', page.text)
    assert version
    decided = await client.post(
        f"{app_url}/status",
        data={
            "csrf_token": token,
            "to": "approved_with_conditions",
            "conditions": CONDITION,
            "note": "breach clause accepted by cabinet",
            "expected_version": version.group(1),
        },
    )
    assert decided.status_code == 303
    record = await reviews.get_status(officer, app_id)
    assert record.status is AppStatus.APPROVED_WITH_CONDITIONS

    # a second app stays in review and must never be public
    await catalog.create_app(officer, name="SecretDraft", vendor_name="Hidden Vendor")

    # teacher search
    teacher = await teacher_of(officer)
    async with new_client(web_app) as teacher_client:
        await sign_in(teacher_client, teacher.email)
        found = await teacher_client.get("/apps", params={"q": "math"})
        assert found.status_code == 200
        assert "MathQuest" in found.text
        assert CONDITION in found.text
        assert "SecretDraft" not in found.text
        none = await teacher_client.get("/apps", params={"q": "zzz-nothing"})
        assert "MathQuest" not in none.text

    # the parent page, anonymous
    async with new_client(web_app) as parent:
        public = await parent.get("/d/springfield")
        assert public.status_code == 200
        assert "MathQuest" in public.text
        assert CONDITION in public.text
        assert "Brightpath Learning" in public.text
        assert "SecretDraft" not in public.text
        assert "in_review" not in public.text
        assert "in review" not in public.text
        assert "us-ny.part121" not in public.text
        assert "within 30 days" not in public.text
        assert "breach clause accepted by cabinet" not in public.text
        assert officer.name not in public.text
        assert "July 1, 2025" in public.text  # the signed date, written out for parents
        file_link = re.search(r'href="(/d/springfield/agreements/\d+/file)"', public.text)
        assert file_link
        pdf = await parent.get(file_link.group(1))
        assert pdf.status_code == 200
        assert pdf.content == data
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"].startswith(
            'attachment; filename="mathquest-dpa.pdf"'
        )

        feed = await parent.get("/d/springfield.json")
        assert feed.status_code == 200
        body = feed.json()
        assert body["ok"] is True
        assert body["district"]["slug"] == "springfield"
        assert [a["name"] for a in body["apps"]] == ["MathQuest"]
        assert body["apps"][0]["conditions"] == CONDITION
        assert "SecretDraft" not in feed.text
        assert "finding" not in feed.text

        searched = await parent.get("/d/springfield", params={"q": "nothing-like-this"})
        assert "MathQuest" not in searched.text


async def test_officer_of_other_district_gets_404(
    web_app: ASGIApp, client: httpx.AsyncClient
) -> None:
    officer_a = await officer_client(client, "springfield")
    token = await csrf_from(client, "/desk")
    app = await catalog.create_app(officer_a, name="MathQuest", vendor_name="Brightpath")
    uploaded = await client.post(
        f"/apps/{app.id}/agreements",
        data={"csrf_token": token, "kind": "ndpa"},
        files={"file": ("dpa.pdf", make_pdf([[BREACH_30, GOVERNING_NY]]), "application/pdf")},
    )
    assert uploaded.status_code == 303, uploaded.text
    agreement_url = uploaded.headers["location"]

    async with new_client(web_app) as other:
        await officer_client(other, "shelbyville")
        assert (await other.get(f"/apps/{app.id}")).status_code == 404
        assert (await other.get(agreement_url)).status_code == 404
        other_token = await csrf_from(other, "/desk")
        decided = await other.post(
            f"/apps/{app.id}/status",
            data={"csrf_token": other_token, "to": "approved"},
        )
        assert decided.status_code == 404
        desk = await other.get("/desk")
        assert "MathQuest" not in desk.text
    assert (await reviews.get_status(officer_a, app.id)).status is AppStatus.IN_REVIEW


async def test_stale_decision_is_refused_with_409(client: httpx.AsyncClient) -> None:
    officer = await officer_client(client)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    page = await client.get(f"/apps/{app.id}")
    version = re.search(r'name="expected_version" value="(\d+)"', page.text)
    assert version
    token = await csrf_from(client, "/desk")
    # somebody else decides in the meantime
    await reviews.change_status(officer, app.id, to=AppStatus.APPROVED)
    response = await client.post(
        f"/apps/{app.id}/status",
        data={"csrf_token": token, "to": "denied", "note": "no", "expected_version": version[1]},
    )
    assert response.status_code == 409
    assert "Someone else changed this app" in response.text
    assert (await reviews.get_status(officer, app.id)).status is AppStatus.APPROVED


async def test_conditions_are_required_for_conditional_approval(
    client: httpx.AsyncClient,
) -> None:
    officer = await officer_client(client)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    token = await csrf_from(client, "/desk")
    response = await client.post(
        f"/apps/{app.id}/status",
        data={"csrf_token": token, "to": "approved_with_conditions", "conditions": ""},
    )
    assert response.status_code == 422
    assert "Say which conditions apply." in response.text


async def test_teacher_requests_an_app(client: httpx.AsyncClient) -> None:
    district = await make_district()
    teacher = await make_actor(district, Role.TEACHER)
    await sign_in(client, teacher.email)
    token = await csrf_from(client, "/requests")
    response = await client.post(
        "/requests",
        data={
            "csrf_token": token,
            "name": "StoryMaker",
            "url": "https://storymaker.example",
            "reason": "Creative writing unit",
            "class_name": "4B",
            "grade": "4",
        },
    )
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "StoryMaker" in page.text
    assert "your request was sent" in page.text
    empty = await client.post("/requests", data={"csrf_token": token, "name": " "})
    assert empty.status_code == 422
    assert "Please fill in the name." in empty.text


async def test_unknown_district_is_404(client: httpx.AsyncClient) -> None:
    page = await client.get("/d/nowhere")
    assert page.status_code == 404
    assert "No such district." in page.text
    feed = await client.get("/d/nowhere.json")
    assert feed.status_code == 404
    assert feed.json() == {
        "ok": False,
        "error": "No such district.",
        "errors": [],
        "status": 404,
        "code": "not_found",
    }


async def test_request_urls_are_not_rendered_as_script_links(
    web_app: ASGIApp, client: httpx.AsyncClient
) -> None:
    officer = await officer_client(client)
    teacher = await teacher_of(officer)
    await catalog.request_app(teacher, name="Sneaky", url="javascript:alert(1)")
    desk = await client.get("/desk")
    assert "Sneaky" in desk.text
    assert 'href="javascript:' not in desk.text


async def test_officer_declines_a_request_from_the_desk(client: httpx.AsyncClient) -> None:
    officer = await officer_client(client)
    teacher = await teacher_of(officer)
    request = await catalog.request_app(teacher, name="Padlet", reason="walls")
    desk = await client.get("/desk")
    assert "Padlet" in desk.text
    token = await csrf_from(client, "/desk")
    refused = await client.post(f"/requests/{request.id}/decline", data={})
    assert refused.status_code == 403
    response = await client.post(f"/requests/{request.id}/decline", data={"csrf_token": token})
    assert response.status_code == 303
    assert "Padlet" not in (await client.get("/desk")).text
    mine = await catalog.list_requests(teacher)
    assert mine[0].status.value == "declined"
