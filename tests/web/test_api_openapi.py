"""The OpenAPI 3.1 document: valid, complete (every /api route), and true to the responses."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jsonschema
import pytest
from openapi_spec_validator import validate
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from registry.settings import Settings
from registry.status import Role
from tests.web.conftest import new_client
from tests.web.world import build_world
from web.app import create_app

pytestmark = pytest.mark.anyio


def api_routes(settings: Settings) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every route mounted under /api."""
    app = create_app(settings)
    found: set[tuple[str, str]] = set()
    for mount in app.routes:
        if isinstance(mount, Mount) and mount.path == "/api":
            for route in mount.routes:
                assert isinstance(route, Route)
                path = re.sub(r"\{(\w+):\w+\}", r"{\1}", "/api" + route.path)
                for method in (route.methods or set()) - {"HEAD"}:
                    found.add((method.lower(), path))
    return found


async def test_document_is_valid_openapi_31_and_covers_every_api_route(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # raises on any schema violation
    documented = {
        (method, path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    routes = api_routes(settings)
    assert routes, "no /api routes found"
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations without a route"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token (starts with rgy_).",
    }
    for path, item in spec["paths"].items():
        declared = set(re.findall(r"\{(\w+)\}", path))
        params = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        assert declared == params, f"{path}: path parameters not described"
        for method, op in item.items():
            if method == "parameters":
                continue
            assert op["operationId"], path
            assert any(code.startswith("2") for code in op["responses"]), (method, path)
            if method == "post" and not path.endswith(("/revoke", "/deactivate", "/reactivate")):
                assert "requestBody" in op, f"{method} {path}: no request body"


def _resolve(node: Any, spec: dict[str, Any]) -> Any:
    """Inline every local $ref, so that jsonschema can check a response on its own."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolve(target, spec)
        return {k: _resolve(v, spec) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, spec) for v in node]
    return node


def _check(spec: dict[str, Any], path: str, method: str, response: httpx.Response) -> None:
    operation = spec["paths"][path][method]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method} {path}: status {response.status_code} is not documented"
    schema = _resolve(documented, spec)["content"]["application/json"]["schema"]
    jsonschema.validate(response.json(), schema, cls=jsonschema.Draft202012Validator)


async def test_real_responses_match_the_documented_schemas(
    web_app: ASGIApp, settings: Settings
) -> None:
    world = await build_world(settings)
    ids = world.own.ids
    calls = [
        (Role.TEACHER, "get", "/api/apps", "/api/apps?q=spy"),
        (Role.TEACHER, "get", "/api/apps", "/api/apps?grade=8"),
        (Role.PRIVACY_OFFICER, "get", "/api/apps", "/api/apps"),
        (Role.TEACHER, "get", "/api/apps/{app_id}", f"/api/apps/{ids['denied_app']}"),
        (Role.TEACHER, "get", "/api/apps/{app_id}", f"/api/apps/{ids['review_app']}"),
        (Role.PRIVACY_OFFICER, "get", "/api/apps/{app_id}", f"/api/apps/{ids['app']}"),
        (
            Role.PRIVACY_OFFICER,
            "get",
            "/api/apps/{app_id}/agreements",
            f"/api/apps/{ids['app']}/agreements",
        ),
        (
            Role.PRIVACY_OFFICER,
            "get",
            "/api/agreements/{agreement_id}",
            f"/api/agreements/{ids['agreement']}",
        ),
        (
            Role.TEACHER,
            "get",
            "/api/agreements/{agreement_id}",
            f"/api/agreements/{ids['agreement']}",
        ),
        (Role.TEACHER, "get", "/api/requests", "/api/requests"),
        (Role.TEACHER, "get", "/api/notifications", "/api/notifications"),
        (Role.TEACHER, "get", "/api/tokens", "/api/tokens"),
        (Role.ADMIN, "get", "/api/users", "/api/users"),
        (Role.TEACHER, "get", "/api/users", "/api/users"),
        (Role.ADMIN, "get", "/api/me", "/api/me"),
    ]
    async with new_client(web_app) as api:
        spec = (await api.get("/api/openapi.json")).json()
        for role, method, path, url in calls:
            headers = {"Authorization": f"Bearer {world.own.tokens[role]}"}
            _check(spec, path, method, await api.get(url, headers=headers))
        _check(spec, "/api/me", "get", await api.get("/api/me"))
        officer = {"Authorization": f"Bearer {world.own.tokens[Role.PRIVACY_OFFICER]}"}
        decline = await api.post(
            f"/api/requests/{ids['request']}/decline", json={"note": "No"}, headers=officer
        )
        _check(spec, "/api/requests/{request_id}/decline", "post", decline)
        admin = {"Authorization": f"Bearer {world.own.tokens[Role.ADMIN]}"}
        invited = await api.post(
            "/api/users",
            json={"email": "x@school.org", "name": "X", "role": "teacher"},
            headers=admin,
        )
        _check(spec, "/api/users", "post", invited)
        token = await api.post("/api/tokens", json={"name": "t"}, headers=admin)
        _check(spec, "/api/tokens", "post", token)
