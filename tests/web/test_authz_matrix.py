"""The authorization matrix: every route x role x own/other district -> expected status.

`MATRIX` has one line per (method, route path as declared). A route of the app without a
line fails `test_every_route_is_in_the_matrix`, so a new route cannot ship unexamined.

A line reads `row(METHOD, PATH, OWN, OTHER, body=..., use=...)`:
- OWN / OTHER are four statuses for anonymous, teacher, privacy_officer, admin; OWN acts
  on the actor's own district's rows, OTHER on the other district's rows (with the same
  actor); OTHER "-" means the route names no row (same as OWN).
- Path parameters are filled from the seeded world (tests/web/world.py): `{x_id:int}` is
  the row `ids["x"]` (app, agreement, finding, clause, request, user; `app` is approved),
  `use` picks another (use={"app_id": "review_app"}) or a literal (use={"pack_id": "=x"});
  `token_id` and `{notification}` (in bodies) are the acting role's own. A route that
  needs a new kind of row gets it seeded in world.py.
- HTML routes run with a signed-in cookie session and a valid CSRF token; /api/ routes run
  with the role's bearer token (anonymous: none).
Cases expected to succeed get a fresh world, so one success cannot hide another.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp

from registry.settings import Settings
from registry.status import Role
from tests.conftest import PASSWORD
from tests.registry.test_packs import PACK_48H
from tests.web.conftest import csrf_from, new_client, sign_in
from tests.web.world import Place, World, build_world
from web.app import create_app

pytestmark = pytest.mark.anyio

ROLES = ("anonymous", Role.TEACHER, Role.PRIVACY_OFFICER, Role.ADMIN)
NEW_USER = {"email": "new.person@school.org", "name": "New", "role": "teacher"}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    own: tuple[int, ...]
    other: tuple[int, ...] | None
    body: dict[str, Any] | None = None
    use: dict[str, str] = field(default_factory=dict)


def row(
    method: str,
    path: str,
    own: str,
    other: str = "-",
    *,
    body: dict[str, Any] | None = None,
    use: dict[str, str] | None = None,
) -> Row:
    def codes(text: str) -> tuple[int, ...]:
        values = tuple(int(c) for c in text.split())
        assert len(values) == 4, f"{method} {path}: four statuses, one per role"
        return values

    return Row(method, path, codes(own), None if other == "-" else codes(other), body, use or {})


MATRIX: list[Row] = [
    # session and home
    row("GET", "/", "303 303 303 303"),
    row("GET", "/login", "200 303 303 303"),
    row("POST", "/login", "303 303 303 303", body={"email": "{teacher_email}", "password": PASSWORD}),
    row("POST", "/logout", "303 303 303 303"),
    # privacy officer pages
    row("GET", "/desk", "303 403 200 200"),
    row("POST", "/apps/new", "303 403 303 303", body={"name": "Newapp", "vendor": "Newco"}),
    row("GET", "/apps/{app_id:int}", "303 403 200 200", "303 404 404 404"),
    row("POST", "/apps/{app_id:int}/agreements", "303 403 422 422", "303 404 404 404", body={"kind": "ndpa"}),
    row("POST", "/apps/{app_id:int}/status", "303 403 303 303", "303 404 404 404", body={"to": "approved"}, use={"app_id": "review_app"}),
    row("GET", "/agreements/{agreement_id:int}", "303 403 200 200", "303 403 404 404"),
    row("POST", "/findings/{finding_id:int}/override", "303 403 303 303", "303 403 404 404", body={"outcome": "fail", "reason": "Checked by hand"}),
    row("POST", "/requests/{request_id:int}/decline", "303 403 303 303", "303 403 404 404"),
    row("POST", "/apps/{app_id:int}/edit", "303 403 409 409", "303 404 404 404", body={"name": "Renamed", "vendor": "Newco"}),
    row("GET", "/agreements/{agreement_id:int}/pages/{page:int}.png", "303 403 200 200", "303 403 404 404", use={"agreement_id": "pdf_agreement", "page": "=1"}),
    row("POST", "/agreements/{agreement_id:int}/replace", "303 403 422 422", "303 403 404 404", body={"kind": "ndpa"}),
    row("POST", "/findings/{finding_id:int}/accept", "303 403 303 303", "303 403 404 404", body={"reason": "Read it myself"}),
    row("POST", "/clauses/{clause_id:int}/correct", "303 403 200 200", "303 403 404 404", body={"label": "data_sale", "stance": "prohibits", "reason": "Misread"}),
    # district rule packs (admins)
    row("GET", "/admin/packs", "303 403 403 200"),
    row("GET", "/admin/packs/new", "303 403 403 200"),
    row("GET", "/admin/packs/{pack_row_id:int}", "303 403 403 200", "303 403 403 404", use={"pack_row_id": "pack_row"}),
    row("POST", "/admin/packs/new", "303 403 403 200", body={"source": PACK_48H}),
    row("POST", "/admin/packs/shipped", "303 403 403 200", body={"pack": "us-ny"}),
    row("POST", "/admin/packs/{pack_row_id:int}", "303 403 403 200", "303 403 403 404", body={"source": PACK_48H.replace("springfield", "world"), "version": "1"}, use={"pack_row_id": "pack_row"}),
    row("POST", "/admin/packs/{pack_row_id:int}/enabled", "303 403 403 200", "303 403 403 404", body={"enabled": "0"}, use={"pack_row_id": "pack_row"}),
    # teachers
    row("GET", "/apps", "303 200 200 200"),
    row("GET", "/requests", "303 200 200 200"),
    row("POST", "/requests", "303 303 303 303", body={"name": "Kahoot", "grade": "5"}),
    # every signed-in user
    row("GET", "/notifications", "303 200 200 200"),
    row("POST", "/notifications/read", "303 303 303 303", "303 404 404 404", body={"id": "{notification}"}),
    row("GET", "/account/tokens", "303 200 200 200"),
    row("POST", "/account/tokens", "303 201 201 201", body={"name": "script"}),
    row("POST", "/account/tokens/{token_id:int}/revoke", "303 303 303 303", "303 404 404 404"),
    # admins
    row("GET", "/admin/users", "303 403 403 200"),
    row("POST", "/admin/users", "303 403 403 201", body=NEW_USER),
    row("POST", "/admin/users/{user_id:int}/role", "303 403 403 303", "303 403 403 404", body={"role": "privacy_officer"}),
    row("POST", "/admin/users/{user_id:int}/deactivate", "303 403 403 303", "303 403 403 404"),
    row("POST", "/admin/users/{user_id:int}/reactivate", "303 403 403 303", "303 403 403 404"),
    row("POST", "/admin/users/{user_id:int}/password-link", "303 403 403 200", "303 403 403 404"),
    row("GET", "/admin/district", "303 403 403 200"),
    row("POST", "/admin/district", "303 403 403 303", body={"name": "Renamed Schools", "privacy_contact": "Call 555-0100"}),
    row("GET", "/set-password", "200 200 200 200"),
    row("POST", "/set-password", "400 400 400 400", body={"token": "1.2.3", "password": "a new password", "password_repeat": "a new password"}),
    # public (no login): every district's public page is public
    row("GET", "/d/{slug}.json", "200 200 200 200", "200 200 200 200"),
    row("GET", "/d/{slug}", "200 200 200 200", "200 200 200 200"),
    row("GET", "/d/{slug}.csv", "200 200 200 200", "200 200 200 200"),
    row("GET", "/d/{slug}/postings", "200 200 200 200", "200 200 200 200"),
    row("GET", "/d/{slug}/postings/{state:str}", "200 200 200 200", "200 200 200 200", use={"state": "=ny"}),
    row("GET", "/d/{slug}/postings/{state:str}.csv", "200 200 200 200", "200 200 200 200", use={"state": "=ny"}),
    row("GET", "/d/{slug}/postings/{state:str}.json", "200 200 200 200", "200 200 200 200", use={"state": "=ny"}),
    row("GET", "/d/{slug}/agreements/{agreement_id:int}/file", "200 200 200 200", "200 200 200 200"),
    row("GET", "/static/{path}", "200 200 200 200"),
    # JSON API (bearer tokens)
    row("GET", "/api/health", "200 200 200 200"),
    row("GET", "/api/openapi.json", "200 200 200 200"),
    row("GET", "/api/me", "401 200 200 200"),
    row("GET", "/api/apps", "401 200 200 200"),
    row("POST", "/api/apps", "401 403 201 201", body={"name": "Newapp", "vendor": "Newco"}),
    row("GET", "/api/apps/{app_id:int}", "401 200 200 200", "401 404 404 404"),
    row("POST", "/api/apps/{app_id:int}/status", "401 403 200 200", "401 404 404 404", body={"to": "approved"}, use={"app_id": "review_app"}),
    row("GET", "/api/apps/{app_id:int}/agreements", "401 403 200 200", "401 403 404 404"),
    row("POST", "/api/apps/{app_id:int}/agreements", "401 403 422 422", "401 403 404 404", body={"kind": "ndpa"}),
    row("GET", "/api/agreements/{agreement_id:int}", "401 403 200 200", "401 403 404 404"),
    row("POST", "/api/findings/{finding_id:int}/override", "401 403 200 200", "401 403 404 404", body={"outcome": "fail", "reason": "Checked"}),
    row("GET", "/api/requests", "401 200 200 200"),
    row("POST", "/api/requests", "401 201 201 201", body={"name": "Kahoot"}),
    row("POST", "/api/requests/{request_id:int}/decline", "401 403 200 200", "401 403 404 404", body={"note": "No"}),
    row("GET", "/api/notifications", "401 200 200 200"),
    row("POST", "/api/notifications/read", "401 200 200 200", "401 404 404 404", body={"id": "{notification}"}),
    row("GET", "/api/tokens", "401 200 200 200"),
    row("POST", "/api/tokens", "401 201 201 201", body={"name": "script"}),
    row("POST", "/api/tokens/{token_id:int}/revoke", "401 200 200 200", "401 404 404 404"),
    row("GET", "/api/users", "401 403 403 200"),
    row("POST", "/api/users", "401 403 403 201", body=NEW_USER),
    row("POST", "/api/users/{user_id:int}/role", "401 403 403 200", "401 403 403 404", body={"role": "privacy_officer"}),
    row("POST", "/api/users/{user_id:int}/deactivate", "401 403 403 200", "401 403 403 404"),
    row("POST", "/api/users/{user_id:int}/reactivate", "401 403 403 200", "401 403 403 404"),
]  # fmt: skip


def declared_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route, Mounts included; a mounted app is `GET prefix/{path}`."""
    for route in routes:
        if isinstance(route, Mount):
            if route.routes:
                yield from declared_routes(list(route.routes), prefix + route.path)
            else:
                yield "GET", f"{prefix}{route.path}/{{path}}"
        elif isinstance(route, Route):
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                yield method, prefix + route.path
        else:  # a WebSocketRoute or a custom route would need its own rows
            raise AssertionError(f"unexpected route type {route!r}")


def test_every_route_is_in_the_matrix(settings: Settings) -> None:
    app = create_app(settings)
    declared = set(declared_routes(list(app.routes)))
    listed = [(r.method, r.path) for r in MATRIX]
    assert len(listed) == len(set(listed)), "a route is listed twice"
    missing = sorted(declared - set(listed))
    assert not missing, f"routes without a line in MATRIX: {missing}"
    stale = sorted(set(listed) - declared)
    assert not stale, f"MATRIX lines for routes that do not exist: {stale}"


# -- running the matrix ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_settings(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Settings:
    var = tmp_path_factory.mktemp("matrix")
    return Settings.from_env(
        {
            "REGISTRY_DATABASE_URL": database_url,
            "REGISTRY_VAR_DIR": str(var),
            "REGISTRY_SECRET_KEY": "matrix-secret-key-0123456789abcdef",
            "REGISTRY_MAX_UPLOAD_MB": "5",
        }
    )


@pytest.fixture(scope="module")
async def matrix_app(matrix_settings: Settings) -> AsyncIterator[ASGIApp]:
    from tests.conftest import truncate

    async with LifespanManager(create_app(matrix_settings)) as manager:
        await truncate(matrix_settings.database_url)
        yield manager.app


class Session:
    """Signed-in clients (one per role) and bearer headers, for one world."""

    def __init__(self, app: ASGIApp, world: World) -> None:
        self.app, self.world = app, world
        self.clients: dict[object, httpx.AsyncClient] = {}

    async def client(self, role: object) -> httpx.AsyncClient:
        if role not in self.clients:
            client = new_client(self.app)
            if isinstance(role, Role):
                response = await sign_in(client, self.world.own.emails[role])
                assert response.status_code == 303, f"sign-in as {role} failed"
            self.clients[role] = client
        return self.clients[role]

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()


def _target(r: Row, place: Place, role: object) -> tuple[str, dict[str, Any] | None]:
    """The URL and body of a row for one district and role.

    A path parameter `{x_id:int}` is the seeded row `place.ids["x"]`; `use` can name
    another seeded row (use={"app_id": "review_app"}) or give a literal ("=value").
    """
    acting = role if isinstance(role, Role) else Role.TEACHER
    special = {"slug": place.slug, "path": "style.css", "token_id": str(place.token_ids[acting])}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        wanted = r.use.get(name)
        if wanted is not None and wanted.startswith("="):
            return wanted[1:]
        if wanted is None and name in special:
            return special[name]
        return str(place.ids[wanted or name.removesuffix("_id")])

    path = re.sub(r"\{(\w+)(?::\w+)?\}", value, r.path)
    body = None
    if r.body is not None:
        extra = {
            "notification": str(place.notification_ids[acting]),
            "teacher_email": place.emails[Role.TEACHER],
        }
        # only the named placeholders: a body may hold other braces (a pack's messages)
        pattern = re.compile(r"\{(" + "|".join(extra) + r")\}")
        body = {
            k: (pattern.sub(lambda m: extra[m.group(1)], v) if isinstance(v, str) else v)
            for k, v in r.body.items()
        }
    return path, body


async def _call(session: Session, r: Row, role: object, side: str) -> int:
    place = session.world.own if side == "own" else session.world.other
    path, body = _target(r, place, role)
    client = await session.client(role)
    if path.startswith("/api/"):
        headers = {}
        if isinstance(role, Role):
            headers["Authorization"] = f"Bearer {session.world.own.tokens[role]}"
        async with new_client(session.app) as api:
            if r.method == "GET":
                response = await api.get(path, headers=headers)
            elif r.path.endswith("/agreements"):
                response = await api.post(path, headers=headers, data=body or {})
            else:
                if body and "id" in body:
                    body = {**body, "id": int(body["id"])}
                response = await api.post(path, headers=headers, json=body or {})
        assert response.headers["content-type"].startswith("application/json"), path
        return response.status_code
    if r.method == "GET":
        response = await client.get(path)
    else:
        token_page = "/login" if role == "anonymous" else "/notifications"
        token = await csrf_from(client, token_page)
        response = await client.post(path, data={**(body or {}), "csrf_token": token})
    return response.status_code


def _succeeds(r: Row, role: object, status: int) -> bool:
    return r.method != "GET" and role != "anonymous" and status < 400


@pytest.mark.parametrize("r", MATRIX, ids=[f"{r.method} {r.path}" for r in MATRIX])
async def test_route_matrix(r: Row, matrix_app: ASGIApp, matrix_settings: Settings) -> None:
    cases = [(role, "own", r.own[i]) for i, role in enumerate(ROLES)]
    if r.other is not None:
        cases += [(role, "other", r.other[i]) for i, role in enumerate(ROLES)]
    shared = Session(matrix_app, await build_world(matrix_settings))
    mismatches = []
    try:
        for role, side, expected in cases:
            if _succeeds(r, role, expected):
                session = Session(matrix_app, await build_world(matrix_settings))
                try:
                    got = await _call(session, r, role, side)
                finally:
                    await session.close()
            else:
                got = await _call(shared, r, role, side)
            if got != expected:
                mismatches.append(
                    f"{getattr(role, 'value', role)}/{side}: got {got}, expected {expected}"
                )
    finally:
        await shared.close()
    assert not mismatches, f"{r.method} {r.path}: " + "; ".join(mismatches)


def test_static_file_exists() -> None:
    assert (Path(__file__).parents[2] / "web" / "static" / "style.css").exists()
