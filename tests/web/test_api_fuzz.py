"""Schema-driven robustness: every documented operation, fed wrong and hostile input.

For each operation of /api/openapi.json the test sends bodies with each property replaced
by values of the wrong type, empty, huge or odd, plus out-of-range path ids, as every
role. Nothing may answer 500, every status must be one the document lists, and every
error must have the one JSON error shape.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp

from registry.settings import Settings
from registry.status import Role
from tests.web.conftest import csrf_from, new_client, sign_in
from tests.web.world import World, build_world

pytestmark = pytest.mark.anyio

ODD_VALUES: list[Any] = [
    None, 0, -1, 2**63, 1.5, True, "", " ", "x" * 5000, "\u0000", "💥 ünïcødé", "<script>",
    [], ["a"], {}, {"$ne": 1}, "../../etc/passwd", "' OR 1=1 --",
]  # fmt: skip
ODD_IDS = ["0", "2147483648", "99999999999999999999", "-1", "1e3", "abc"]
ERROR_KEYS = {"ok", "error", "errors", "status", "code"}


def _bodies(schema: dict[str, Any]) -> list[Any]:
    props = list(schema.get("properties", {}))
    bodies: list[Any] = [{}, [], "text", 5, None]
    for name, value in itertools.product(props, ODD_VALUES):
        bodies.append({name: value})
    bodies.append(dict.fromkeys(props, "x" * 300))
    return bodies


async def _check(response: httpx.Response, documented: set[str], label: str) -> None:
    assert response.status_code != 500, f"{label}: 500 {response.text[:300]}"
    if response.status_code == 404 and "http_404" in response.text:
        return  # the route itself did not match (e.g. a non-numeric id)
    if response.status_code == 413:
        return  # the body limit, before any route
    assert str(response.status_code) in documented, (
        f"{label}: undocumented status {response.status_code}: {response.text[:300]}"
    )
    if response.status_code >= 400:
        assert set(response.json()) == ERROR_KEYS, label


async def _fill(path: str, world: World, odd: str | None) -> str:
    ids = {
        "app_id": world.own.ids["review_app"],
        "agreement_id": world.own.ids["agreement"],
        "finding_id": world.own.ids["finding"],
        "request_id": world.own.ids["request"],
        "user_id": world.own.ids["user"],
        "token_id": world.own.token_ids[Role.TEACHER],
    }
    return re.sub(r"\{(\w+)\}", lambda m: odd if odd is not None else str(ids[m.group(1)]), path)


async def test_no_input_breaks_the_api(web_app: ASGIApp, settings: Settings) -> None:
    world = await build_world(settings)
    async with new_client(web_app) as api:
        spec = (await api.get("/api/openapi.json")).json()
        sent = 0
        for path, item in spec["paths"].items():
            for method, op in item.items():
                if method == "parameters":
                    continue
                documented = set(op["responses"])
                schema = (
                    op.get("requestBody", {})
                    .get("content", {})
                    .get("application/json", {})
                    .get("schema", {})
                )
                for role in (Role.TEACHER, Role.PRIVACY_OFFICER, Role.ADMIN):
                    headers = {"Authorization": f"Bearer {world.own.tokens[role]}"}
                    targets = [await _fill(path, world, None)]
                    if "{" in path:
                        targets += [await _fill(path, world, odd) for odd in ODD_IDS]
                    for url in targets:
                        if method == "get":
                            for params in ({}, {"q": "\u0000"}, {"grade": "x" * 500},
                                           {"status": "nope"}, {"subject": "%_"}):  # fmt: skip
                                response = await api.get(url, params=params, headers=headers)
                                await _check(response, documented, f"GET {url} {params} {role}")
                                sent += 1
                            continue
                        bodies = _bodies(schema) if url == targets[0] else [{}]
                        for body in bodies:
                            response = await api.post(url, json=body, headers=headers)
                            await _check(response, documented, f"POST {url} {body!r:.80} {role}")
                            sent += 1
        assert sent > 1000


async def test_overlong_ids_are_404_not_a_crash(web_app: ASGIApp, settings: Settings) -> None:
    world = await build_world(settings)
    headers = {"Authorization": f"Bearer {world.own.tokens[Role.ADMIN]}"}
    async with new_client(web_app) as client:
        for path in ("/api/apps/99999999999999999999", "/api/agreements/2147483648"):
            response = await client.get(path, headers=headers)
            assert response.status_code == 404, path
            assert response.json()["code"] == "http_404"
        page = await client.get("/apps/99999999999999999999")
        assert page.status_code == 404
        ok = await client.get(f"/api/apps/{world.own.ids['app']}", headers=headers)
        assert ok.status_code == 200


async def test_nul_characters_in_pages_are_harmless(web_app: ASGIApp, settings: Settings) -> None:
    """PostgreSQL cannot store or compare NUL: forms and searches must not reach it with one."""
    world = await build_world(settings)
    async with new_client(web_app) as client:
        refused = await sign_in(client, "teacher\x00@alpha.example.org")
        assert refused.status_code == 401
        assert (await sign_in(client, world.own.emails[Role.TEACHER])).status_code == 303
        found = await client.get("/apps", params={"q": "Math\x00", "subject": "\x00"})
        assert found.status_code == 200
        token = await csrf_from(client, "/requests")
        made = await client.post("/requests", data={"name": "Nul\x00App", "csrf_token": token})
        assert made.status_code == 303
        assert "NulApp" in (await client.get("/requests")).text
