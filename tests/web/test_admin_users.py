"""Admins' users page, the set-password link, and sessions: restarts, processes, revocation."""

from __future__ import annotations

import re

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp

from registry import accounts
from registry.models import AuditEvent, Membership, User
from registry.settings import Settings
from registry.status import Role
from tests.web.conftest import csrf_from, new_client, sign_in
from tests.web.world import World, build_world
from web.app import create_app

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(web_app: ASGIApp, settings: Settings) -> World:
    return await build_world(settings)


async def _client_as(app: ASGIApp, email: str) -> httpx.AsyncClient:
    client = new_client(app)
    response = await sign_in(client, email)
    assert response.status_code == 303
    return client


async def test_admin_invites_with_link_and_the_person_sets_a_password(
    web_app: ASGIApp, world: World
) -> None:
    admin = await _client_as(web_app, world.own.emails[Role.ADMIN])
    page = await admin.get("/admin/users")
    assert page.status_code == 200
    assert world.own.emails[Role.TEACHER] in page.text
    assert world.other.emails[Role.TEACHER] not in page.text
    token = await csrf_from(admin, "/admin/users")
    invited = await admin.post(
        "/admin/users",
        data={
            "email": "nurse@school.org",
            "name": "Nurse Joy",
            "role": "teacher",
            "csrf_token": token,
        },
    )
    assert invited.status_code == 201
    assert invited.headers["cache-control"] == "no-store"
    link = re.search(r'class="set-password-link">([^<]+)<', invited.text)
    assert link
    path = link.group(1).removeprefix("http://test")
    async with new_client(web_app) as person:
        form = await person.get(path)
        assert form.status_code == 200
        hidden = re.search(r'name="token" value="([^"]+)"', form.text)
        assert hidden
        csrf = await csrf_from(person, path)
        mismatch = await person.post(
            "/set-password",
            data={
                "token": hidden.group(1),
                "password": "a good password",
                "password_repeat": "another one!",
                "csrf_token": csrf,
            },
        )
        assert mismatch.status_code == 422
        done = await person.post(
            "/set-password",
            data={
                "token": hidden.group(1),
                "password": "a good password",
                "password_repeat": "a good password",
                "csrf_token": csrf,
            },
        )
        assert done.status_code == 303
        reused = await person.post(
            "/set-password",
            data={
                "token": hidden.group(1),
                "password": "evil password!",
                "password_repeat": "evil password!",
                "csrf_token": csrf,
            },
        )
        assert reused.status_code == 400
        assert "not valid any more" in reused.text
        login = await sign_in(person, "nurse@school.org", "a good password")
        assert login.headers["location"] == "/apps"
    assert await AuditEvent.filter(tag="user:invite").exists()
    assert await AuditEvent.filter(tag="user:password_set").exists()


async def test_admin_changes_role_and_the_last_admin_is_kept(
    web_app: ASGIApp, world: World
) -> None:
    admin = await _client_as(web_app, world.own.emails[Role.ADMIN])
    token = await csrf_from(admin, "/admin/users")
    me = world.own.user_ids[Role.ADMIN]
    refused = await admin.post(
        f"/admin/users/{me}/role", data={"role": "teacher", "csrf_token": token}
    )
    assert refused.status_code == 409
    assert "only active admin" in refused.text
    assert (await Membership.get(user_id=me)).role is Role.ADMIN
    target = world.own.ids["user"]
    changed = await admin.post(
        f"/admin/users/{target}/role", data={"role": "privacy_officer", "csrf_token": token}
    )
    assert changed.status_code == 303
    assert (await Membership.get(user_id=target)).role is Role.PRIVACY_OFFICER
    bad = await admin.post(
        f"/admin/users/{target}/role", data={"role": "root", "csrf_token": token}
    )
    assert bad.status_code == 422
    event = await AuditEvent.get(tag="user:role", subject_id=target)
    assert (event.before, event.after) == ({"role": "teacher"}, {"role": "privacy_officer"})
    assert event.actor_id == me  # type: ignore[attr-defined]


async def test_deactivation_and_role_change_end_sessions_at_once(
    web_app: ASGIApp, world: World
) -> None:
    admin = await _client_as(web_app, world.own.emails[Role.ADMIN])
    teacher = await _client_as(web_app, world.own.emails[Role.TEACHER])
    officer = await _client_as(web_app, world.own.emails[Role.PRIVACY_OFFICER])
    assert (await teacher.get("/apps")).status_code == 200
    assert (await officer.get("/desk")).status_code == 200
    token = await csrf_from(admin, "/admin/users")
    await admin.post(
        f"/admin/users/{world.own.user_ids[Role.PRIVACY_OFFICER]}/role",
        data={"role": "teacher", "csrf_token": token},
    )
    demoted = await officer.get("/desk")
    assert demoted.status_code == 303  # signed out: must sign in again with the new role
    assert demoted.headers["location"].startswith("/login")
    await admin.post(
        f"/admin/users/{world.own.user_ids[Role.TEACHER]}/deactivate", data={"csrf_token": token}
    )
    gone = await teacher.get("/apps")
    assert gone.status_code == 303
    again = await sign_in(new_client(web_app), world.own.emails[Role.TEACHER])
    assert again.status_code == 401
    api = await new_client(web_app).get(
        "/api/me", headers={"Authorization": f"Bearer {world.own.tokens[Role.TEACHER]}"}
    )
    assert api.status_code == 401
    await admin.post(
        f"/admin/users/{world.own.user_ids[Role.TEACHER]}/reactivate", data={"csrf_token": token}
    )
    assert (await sign_in(new_client(web_app), world.own.emails[Role.TEACHER])).status_code == 303


async def test_password_change_ends_other_sessions(web_app: ASGIApp, world: World) -> None:
    teacher = await _client_as(web_app, world.own.emails[Role.TEACHER])
    assert (await teacher.get("/apps")).status_code == 200
    admin_actor = await accounts.actor_for(world.own.user_ids[Role.ADMIN], world.own.district_id)
    link = await accounts.set_password_link_token(
        admin_actor, world.own.user_ids[Role.TEACHER], secret="test-secret-key-0123456789abcdef"
    )
    await accounts.set_password_with_token(
        link, "brand new password", secret="test-secret-key-0123456789abcdef"
    )
    assert (await teacher.get("/apps")).status_code == 303


async def test_sessions_survive_a_restart_and_work_across_processes(
    settings: Settings, clean_db: None
) -> None:
    """Two app instances with the same persisted secret: a cookie from one works on the other."""
    first_app = create_app(settings)
    async with LifespanManager(first_app) as first:
        world = await build_world(settings)
        client = new_client(first.app)
        await sign_in(client, world.own.emails[Role.PRIVACY_OFFICER])
        cookies = dict(client.cookies)
        assert "registry_session" in cookies
        async with LifespanManager(create_app(settings)) as second:
            other = new_client(second.app)
            other.cookies.update(cookies)
            desk = await other.get("/desk")
            assert desk.status_code == 200
            token = await csrf_from(other, "/desk")
            made = await other.post(
                "/apps/new", data={"name": "Crossproc", "vendor": "Multi", "csrf_token": token}
            )
            assert made.status_code == 303  # the CSRF token of the session works there too
    async with LifespanManager(create_app(settings)) as restarted:
        after = new_client(restarted.app)
        after.cookies.update(cookies)
        assert (await after.get("/desk")).status_code == 200
    stranger = Settings.from_env(
        {
            "REGISTRY_DATABASE_URL": settings.database_url,
            "REGISTRY_VAR_DIR": str(settings.var_dir),
            "REGISTRY_SECRET_KEY": "another-secret-key-0123456789abcdef",
        }
    )
    async with LifespanManager(create_app(stranger)) as other_secret:
        forged = new_client(other_secret.app)
        forged.cookies.update(cookies)
        assert (await forged.get("/desk")).status_code == 303  # not signed by this secret


async def test_generated_secret_is_persisted_for_the_next_start(
    settings: Settings, clean_db: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    var = tmp_path_factory.mktemp("persisted")
    env = {"REGISTRY_DATABASE_URL": settings.database_url, "REGISTRY_VAR_DIR": str(var)}
    one, two = Settings.from_env(env), Settings.from_env(env)
    assert one.secret_key == two.secret_key
    async with LifespanManager(create_app(one)) as first:
        world = await build_world(one)
        client = new_client(first.app)
        await sign_in(client, world.own.emails[Role.TEACHER])
        cookies = dict(client.cookies)
    async with LifespanManager(create_app(two)) as second:
        again = new_client(second.app)
        again.cookies.update(cookies)
        assert (await again.get("/apps")).status_code == 200


async def test_users_page_is_admin_only(web_app: ASGIApp, world: World) -> None:
    officer = await _client_as(web_app, world.own.emails[Role.PRIVACY_OFFICER])
    assert (await officer.get("/admin/users")).status_code == 403
    token = await csrf_from(officer, "/desk")
    response = await officer.post(
        "/admin/users",
        data={"email": "x@school.org", "name": "X", "role": "admin", "csrf_token": token},
    )
    assert response.status_code == 403
    assert not await User.filter(email="x@school.org").exists()


def test_processes_starting_together_share_one_generated_secret(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Server processes starting at once on an empty var dir agree on one secret (and leave
    no temp files); the race itself is too narrow to provoke reliably on every run."""
    import subprocess
    import sys
    import time

    var = tmp_path_factory.mktemp("race") / "var"
    go = var.parent / "go"
    code = (
        "import os, sys, time; from pathlib import Path\n"
        "from registry.settings import Settings\n"
        "while not Path(sys.argv[2]).exists(): time.sleep(0.001)\n"
        "print(Settings.from_env({'REGISTRY_VAR_DIR': sys.argv[1]}).secret_key)\n"
    )
    procs = [
        subprocess.Popen(  # noqa: S603 - our own module with fixed arguments
            [sys.executable, "-c", code, str(var), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    time.sleep(3)  # every process has imported and is waiting
    go.touch()
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs if err]
    secrets = {out.strip() for out, _ in outputs}
    assert len(secrets) == 1
    assert len(next(iter(secrets))) >= 48
    assert [f.name for f in var.iterdir()] == ["secret_key"]
