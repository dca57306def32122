"""The JSON API with real tokens against the real app: auth, CSRF, scoping, error shape."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.types import ASGIApp

from registry.models import Agreement, ApiToken, App, AppRequest, AuditEvent, Finding
from registry.settings import Settings
from registry.status import Role
from tests.documents import make_pdf
from tests.web.conftest import csrf_from, new_client, sign_in
from tests.web.world import World, build_world

pytestmark = pytest.mark.anyio

ERROR_KEYS = {"ok", "error", "errors", "status", "code"}


@pytest.fixture
async def world(web_app: ASGIApp, settings: Settings) -> World:
    return await build_world(settings)


def bearer(world: World, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.own.tokens[role]}"}


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["ok"] is False
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["error"], str)
    assert body["error"]
    return body


async def test_token_created_in_the_web_app_is_shown_once_and_works(
    web_app: ASGIApp, client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, world.own.emails[Role.PRIVACY_OFFICER])
    token = await csrf_from(client, "/account/tokens")
    created = await client.post("/account/tokens", data={"name": "export", "csrf_token": token})
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    match = re.search(r'class="new-token">(rgy_[^<]+)<', created.text)
    assert match
    raw = match.group(1)
    listing = await client.get("/account/tokens")
    assert raw not in listing.text
    assert raw[:12] in listing.text  # the prefix tells tokens apart
    async with new_client(web_app) as api:
        me = await api.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
        assert me.json()["user"]["role"] == "privacy_officer"
        assert me.json()["user"]["district_id"] == world.own.district_id
        stored = await ApiToken.get(prefix=raw[:12])
        revoke = await csrf_from(client, "/account/tokens")
        done = await client.post(f"/account/tokens/{stored.id}/revoke", data={"csrf_token": revoke})
        assert done.status_code == 303
        refused = await api.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
        assert_error(refused, 401, "authentication_failed")


async def test_bearer_requests_need_no_csrf_but_cookie_sessions_do(
    web_app: ASGIApp, world: World
) -> None:
    async with new_client(web_app) as api:
        made = await api.post(
            "/api/requests", json={"name": "Kahoot"}, headers=bearer(world, Role.TEACHER)
        )
        assert made.status_code == 201, made.text
        assert made.json()["request"]["requested_by"] == world.own.emails[Role.TEACHER]
    async with new_client(web_app) as browser:
        await sign_in(browser, world.own.emails[Role.TEACHER])
        forged = await browser.post("/api/requests", json={"name": "Forged"})
        assert_error(forged, 403, "csrf_failed")
        token = await csrf_from(browser, "/requests")
        allowed = await browser.post(
            "/api/requests", json={"name": "Allowed"}, headers={"X-CSRF-Token": token}
        )
        assert allowed.status_code == 201
    names = set(await AppRequest.all().values_list("name", flat=True))
    assert {"Kahoot", "Allowed"} <= names
    assert "Forged" not in names


async def test_bad_authorization_never_falls_back_to_the_cookie(
    web_app: ASGIApp, world: World
) -> None:
    async with new_client(web_app) as browser:
        await sign_in(browser, world.own.emails[Role.ADMIN])
        for header in ("Bearer rgy_not-a-token", "Basic YWRtaW46YWRtaW4=", "Bearer "):
            response = await browser.get("/api/me", headers={"Authorization": header})
            assert_error(response, 401, "authentication_failed")
        # tokens are for /api/ only: an HTML page refuses them
        page = await browser.get("/desk", headers=bearer(world, Role.ADMIN))
        assert page.status_code == 401
        assert (await browser.get("/api/me")).json()["user"]["role"] == "admin"


async def test_teacher_search_shows_denial_reason_and_alternative_but_no_internal_note(
    web_app: ASGIApp, world: World
) -> None:
    async with new_client(web_app) as api:
        found = await api.get(
            "/api/apps", params={"q": "spynotes"}, headers=bearer(world, Role.TEACHER)
        )
        body = found.json()
        assert body["ok"] is True
        assert body["apps"] == []
        [denied] = body["denied"]
        assert denied["denial_reason"] == "Sells student data to advertisers."
        assert denied["alternative"]["id"] == world.own.ids["app"]
        assert denied["alternative"]["conditions"] == "Grades 6-12 only"
        assert "INTERNAL" not in found.text
        approved = await api.get(
            "/api/apps",
            params={"grade": "7", "subject": "math"},
            headers=bearer(world, Role.TEACHER),
        )
        assert [a["id"] for a in approved.json()["apps"]] == [world.own.ids["app"]]
        none = await api.get(
            "/api/apps", params={"grade": "3"}, headers=bearer(world, Role.TEACHER)
        )
        assert none.json()["apps"] == []
        bad = await api.get(
            "/api/apps", params={"grade": "13"}, headers=bearer(world, Role.TEACHER)
        )
        assert_error(bad, 422, "invalid_input")
        in_review = await api.get(
            f"/api/apps/{world.own.ids['review_app']}", headers=bearer(world, Role.TEACHER)
        )
        assert_error(in_review, 404, "not_found")
        one = await api.get(
            f"/api/apps/{world.own.ids['denied_app']}", headers=bearer(world, Role.TEACHER)
        )
        assert one.json()["app"]["denial_reason"] == "Sells student data to advertisers."
        assert "decision_note" not in one.json()["app"]
        officer = await api.get(
            f"/api/apps/{world.own.ids['denied_app']}", headers=bearer(world, Role.PRIVACY_OFFICER)
        )
        assert officer.json()["app"]["decision_note"].startswith("INTERNAL")
        everything = await api.get("/api/apps", headers=bearer(world, Role.PRIVACY_OFFICER))
        assert {a["status"] for a in everything.json()["apps"]} == {
            "approved_with_conditions",
            "denied",
            "in_review",
        }


async def test_officer_journey_over_the_api(web_app: ASGIApp, world: World) -> None:
    headers = bearer(world, Role.PRIVACY_OFFICER)
    async with new_client(web_app) as api:
        created = await api.post(
            "/api/apps",
            json={"name": "Quizzly", "vendor": "Nimbus", "grades": "9-12", "data_elements": []},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        app_id = created.json()["app"]["id"]
        assert created.json()["app"]["status"] == "in_review"
        pdf = make_pdf(
            [["The Provider shall notify the District of a breach within 30 days."],
             ["The Provider shall not sell student data."]]
        )  # fmt: skip
        uploaded = await api.post(
            f"/api/apps/{app_id}/agreements",
            data={"kind": "vendor_dpa", "signed_on": "2026-01-05", "expires_on": "2027-01-05"},
            files={"file": ("dpa.pdf", pdf, "application/pdf")},
            headers=headers,
        )
        assert uploaded.status_code == 201, uploaded.text
        agreement = uploaded.json()["agreement"]
        assert agreement["extraction_state"] == "done"
        assert agreement["findings"], "the NY pack produced findings"
        labels = {c["label"] for c in agreement["clauses"]}
        assert "breach_notification" in labels
        again = await api.post(
            f"/api/apps/{app_id}/agreements",
            data={"kind": "vendor_dpa"},
            files={"file": ("copy.pdf", pdf, "application/pdf")},
            headers=headers,
        )
        body = assert_error(again, 409, "duplicate_upload")
        assert body["errors"] == [{"field": "file", "agreement_id": agreement["id"]}]
        listed = await api.get(f"/api/apps/{app_id}/agreements", headers=headers)
        assert [a["id"] for a in listed.json()["agreements"]] == [agreement["id"]]
        finding = agreement["findings"][0]
        no_reason = await api.post(
            f"/api/findings/{finding['id']}/override", json={"outcome": "pass"}, headers=headers
        )
        assert_error(no_reason, 422, "invalid_input")
        overridden = await api.post(
            f"/api/findings/{finding['id']}/override",
            json={"outcome": "waived", "reason": "Board accepted the risk"},
            headers=headers,
        )
        assert overridden.json()["finding"]["override_outcome"] == "waived"
        got = await api.get(f"/api/agreements/{agreement['id']}", headers=headers)
        [stored] = [f for f in got.json()["agreement"]["findings"] if f["id"] == finding["id"]]
        assert stored["override_reason"] == "Board accepted the risk"
        stale = await api.post(
            f"/api/apps/{app_id}/status",
            json={"to": "approved", "expected_version": 0},
            headers=headers,
        )
        assert_error(stale, 409, "stale_edit")
        wrong = await api.post(
            f"/api/apps/{app_id}/status", json={"to": "expired"}, headers=headers
        )
        assert_error(wrong, 422, "invalid_transition")
        decided = await api.post(
            f"/api/apps/{app_id}/status",
            json={"to": "approved_with_conditions", "conditions": "No student accounts"},
            headers=headers,
        )
        assert decided.json()["app"]["conditions"] == "No student accounts"
    assert (await Finding.get(id=finding["id"])).override_reason == "Board accepted the risk"
    assert await Agreement.filter(app_id=app_id).count() == 1
    event = await AuditEvent.get(
        tag="finding:override", subject_type="agreement", subject_id=agreement["id"]
    )
    assert event.after == {
        "finding": finding["id"],
        "rule": finding["rule_id"],
        "override": "waived",
    }
    assert event.note == "Board accepted the risk"


async def test_request_decline_notifies_over_the_api(web_app: ASGIApp, world: World) -> None:
    async with new_client(web_app) as api:
        teacher, officer = bearer(world, Role.TEACHER), bearer(world, Role.PRIVACY_OFFICER)
        made = await api.post(
            "/api/requests",
            json={"name": "Blooket", "reason": "Review games", "class_name": "Bio", "grade": "9"},
            headers=teacher,
        )
        request_id = made.json()["request"]["id"]
        before = (await api.get("/api/notifications", headers=teacher)).json()["unread"]
        declined = await api.post(
            f"/api/requests/{request_id}/decline",
            json={"note": "Collects voice recordings."},
            headers=officer,
        )
        assert declined.json()["request"]["status"] == "declined"
        mine = (await api.get("/api/requests", headers=teacher)).json()["requests"]
        blooket = next(r for r in mine if r["id"] == request_id)
        assert blooket["decision_note"] == "Collects voice recordings."
        assert blooket["decided_at"]
        notes = (await api.get("/api/notifications?unread=1", headers=teacher)).json()
        assert notes["unread"] == before + 1
        newest = notes["notifications"][0]
        assert "Blooket" in newest["message"]
        assert "Collects voice recordings." in newest["message"]
        read = await api.post("/api/notifications/read", json={}, headers=teacher)
        assert read.json()["unread"] == 0
        others = (await api.get("/api/requests", headers=teacher)).json()["requests"]
        assert {r["requested_by"] for r in others} == {world.own.emails[Role.TEACHER]}


async def test_bad_bodies_get_clear_422s(web_app: ASGIApp, world: World) -> None:
    headers = bearer(world, Role.PRIVACY_OFFICER)
    async with new_client(web_app) as api:
        not_json = await api.post(
            "/api/apps", content=b"{nope", headers={**headers, "Content-Type": "application/json"}
        )
        assert_error(not_json, 422, "invalid_input")
        a_list = await api.post("/api/apps", json=[1, 2], headers=headers)
        assert_error(a_list, 422, "invalid_input")
        form = await api.post("/api/apps", data={"name": "X"}, headers=headers)
        assert "JSON" in assert_error(form, 422, "invalid_input")["error"]  # type: ignore[operator]
        typed = await api.post("/api/apps", json={"name": 5, "vendor": "V"}, headers=headers)
        body = assert_error(typed, 422, "invalid_input")
        assert body["errors"] == [{"field": "name", "message": "`name` must be a string."}]
        huge = await api.post(
            "/api/apps", json={"name": "x" * 300_000, "vendor": "V"}, headers=headers
        )
        assert_error(huge, 422, "invalid_input")
        status = await api.post(
            f"/api/apps/{world.own.ids['review_app']}/status", json={"to": "nope"}, headers=headers
        )
        assert "must be one of" in assert_error(status, 422, "invalid_input")["error"]  # type: ignore[operator]
        missing = await api.get("/api/apps/999999", headers=headers)
        assert_error(missing, 404, "not_found")
        nowhere = await api.get("/api/nowhere", headers=headers)
        assert_error(nowhere, 404, "http_404")
    assert await App.filter(name="X").count() == 0


async def test_admin_manages_users_over_the_api(web_app: ASGIApp, world: World) -> None:
    headers = bearer(world, Role.ADMIN)
    async with new_client(web_app) as api:
        made = await api.post(
            "/api/users",
            json={"email": "coach@school.org", "name": "Coach", "role": "teacher"},
            headers=headers,
        )
        assert made.status_code == 201, made.text
        assert made.json()["user"]["has_password"] is False
        link = made.json()["set_password_url"]
        assert "/set-password?token=" in link
        user_id = made.json()["user"]["id"]
        role = await api.post(f"/api/users/{user_id}/role", json={"role": "admin"}, headers=headers)
        assert role.json()["user"]["role"] == "admin"
        off = await api.post(f"/api/users/{user_id}/deactivate", headers=headers)
        assert off.json()["user"]["active"] is False
        me = await api.post(
            f"/api/users/{world.own.user_ids[Role.ADMIN]}/deactivate", headers=headers
        )
        assert_error(me, 403, "permission_denied")
        users = (await api.get("/api/users", headers=headers)).json()["users"]
        assert "coach@school.org" in {u["email"] for u in users}
        assert world.other.emails[Role.ADMIN] not in {u["email"] for u in users}


async def test_lists_are_paged_with_limit_and_offset(web_app: ASGIApp, world: World) -> None:
    for i in range(4):
        await AppRequest.create(
            district_id=world.own.district_id,
            requested_by_id=world.own.user_ids[Role.TEACHER],
            name=f"Extra {i}",
        )
    async with new_client(web_app) as api:
        officer = bearer(world, Role.PRIVACY_OFFICER)
        every = (await api.get("/api/apps", headers=officer)).json()
        assert (every["total"], every["limit"], every["offset"]) == (3, 100, 0)
        assert len(every["apps"]) == 3
        ids = [a["id"] for a in every["apps"]]
        second = await api.get("/api/apps", params={"limit": 1, "offset": 1}, headers=officer)
        assert [a["id"] for a in second.json()["apps"]] == ids[1:2]
        assert second.json()["total"] == 3
        past = (await api.get("/api/apps", params={"offset": 10}, headers=officer)).json()
        assert (past["apps"], past["total"]) == ([], 3)
        requests = (await api.get("/api/requests", params={"limit": 2}, headers=officer)).json()
        assert (len(requests["requests"]), requests["total"]) == (2, 5)
        rest = await api.get("/api/requests", params={"limit": 2, "offset": 4}, headers=officer)
        assert len(rest.json()["requests"]) == 1
        teacher = bearer(world, Role.TEACHER)
        mine = (await api.get("/api/apps", params={"limit": 1}, headers=teacher)).json()
        assert (len(mine["apps"]), mine["total"]) == (1, 1)
        notes = (await api.get("/api/notifications", params={"limit": 1}, headers=teacher)).json()
        assert (len(notes["notifications"]), notes["total"]) == (1, 1)
        for bad in ({"limit": 0}, {"limit": 501}, {"limit": "ten"}, {"offset": -1}):
            body = assert_error(await api.get("/api/apps", params=bad, headers=officer), 422,
                                "invalid_input")  # fmt: skip
            assert "limit" in body["error"] or "offset" in body["error"]
