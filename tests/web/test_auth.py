"""Login, logout, CSRF, role checks and redirects for anonymous visitors."""

from __future__ import annotations

import httpx
import pytest
from starlette.types import ASGIApp

from registry.models import App
from registry.status import Role
from tests.conftest import make_actor, make_district
from tests.web.conftest import csrf_from, new_client, sign_in

pytestmark = pytest.mark.anyio


async def test_login_success_lands_officer_on_desk(client: httpx.AsyncClient) -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    response = await sign_in(client, officer.email)
    assert response.status_code == 303
    assert response.headers["location"] == "/desk"
    desk = await client.get("/desk")
    assert desk.status_code == 200
    assert "Review desk" in desk.text
    home = await client.get("/")
    assert home.headers["location"] == "/desk"


async def test_teacher_lands_on_apps(client: httpx.AsyncClient) -> None:
    district = await make_district()
    teacher = await make_actor(district, Role.TEACHER)
    response = await sign_in(client, teacher.email)
    assert response.headers["location"] == "/apps"


async def test_wrong_password_shows_form_again_without_session(
    client: httpx.AsyncClient,
) -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    response = await sign_in(client, officer.email, "wrong password!!")
    assert response.status_code == 401
    assert "Wrong email or password." in response.text
    assert 'name="password"' in response.text
    desk = await client.get("/desk")
    assert desk.status_code == 303
    assert desk.headers["location"].startswith("/login?next=/desk")


async def test_login_follows_only_local_next(client: httpx.AsyncClient) -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    token = await csrf_from(client)
    data = {"email": officer.email, "password": "correct horse battery", "csrf_token": token}
    evil = await client.post("/login", data={**data, "next": "//evil.example/"})
    assert evil.headers["location"] == "/desk"


async def test_login_next_returns_to_requested_page(client: httpx.AsyncClient) -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    token = await csrf_from(client)
    response = await client.post(
        "/login",
        data={
            "email": officer.email,
            "password": "correct horse battery",
            "csrf_token": token,
            "next": "/apps?q=math",
        },
    )
    assert response.headers["location"] == "/apps?q=math"


async def test_login_rotates_session_and_csrf_token(client: httpx.AsyncClient) -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    before = await csrf_from(client)
    await sign_in(client, officer.email)
    after = await csrf_from(client, "/desk")
    assert before != after


async def test_logout_needs_post_with_token_and_ends_session(client: httpx.AsyncClient) -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    await sign_in(client, officer.email)
    assert (await client.get("/logout")).status_code == 405
    refused = await client.post("/logout")
    assert refused.status_code == 403
    assert (await client.get("/desk")).status_code == 200
    token = await csrf_from(client, "/desk")
    response = await client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert (await client.get("/desk")).status_code == 303


async def test_post_without_csrf_token_is_refused_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    await sign_in(client, officer.email)
    form = {"name": "MathQuest", "vendor": "Brightpath"}
    response = await client.post("/apps/new", data=form)
    assert response.status_code == 403
    assert "did not come from this site" in response.text
    wrong = await client.post("/apps/new", data={**form, "csrf_token": "forged"})
    assert wrong.status_code == 403
    as_json = await client.post("/apps/new", json=form)
    assert as_json.status_code == 403
    assert await App.all().count() == 0


async def test_csrf_token_of_another_session_is_refused(web_app: ASGIApp) -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    async with new_client(web_app) as victim, new_client(web_app) as attacker:
        await sign_in(victim, officer.email)
        attacker_token = await csrf_from(attacker)
        response = await victim.post(
            "/apps/new",
            data={"name": "Evil", "vendor": "Evil Inc", "csrf_token": attacker_token},
        )
        assert response.status_code == 403
    assert await App.all().count() == 0


async def test_anonymous_pages_redirect_to_login(client: httpx.AsyncClient) -> None:
    for path in ("/desk", "/apps", "/requests", "/apps/1", "/agreements/1"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/login?next={path}"
    assert (await client.get("/")).headers["location"] == "/login"


async def test_teacher_cannot_open_officer_pages(client: httpx.AsyncClient) -> None:
    district = await make_district()
    teacher = await make_actor(district, Role.TEACHER)
    await sign_in(client, teacher.email)
    response = await client.get("/desk")
    assert response.status_code == 403
    assert "This action needs the role: privacy officer." in response.text
    token = await csrf_from(client, "/apps")
    created = await client.post("/apps/new", data={"name": "X", "vendor": "Y", "csrf_token": token})
    assert created.status_code == 403
    assert await App.all().count() == 0
