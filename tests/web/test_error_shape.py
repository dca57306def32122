"""Error envelopes, security headers, health."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from registry.errors import (
    AuthenticationError,
    ConflictError,
    DuplicateUploadError,
    InvalidInputError,
    InvalidTransitionError,
    InvalidUploadError,
    NotFoundError,
    PermissionDeniedError,
    StaleEditError,
)
from registry.settings import SETTINGS_HELP
from web.app import create_app
from web.errors import error_body, status_for
from web.public import content_disposition

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (NotFoundError("x"), 404),
        (PermissionDeniedError("x"), 403),
        (AuthenticationError("x"), 401),
        (ConflictError("x"), 409),
        (DuplicateUploadError("x", agreement_id=1), 409),
        (StaleEditError("x"), 409),
        (InvalidInputError("x"), 422),
        (InvalidUploadError("x", reason="r"), 422),
        (InvalidTransitionError("a", "b"), 422),
        (ValueError("x"), 500),
    ],
)
def test_every_error_class_has_its_status(exc: Exception, status: int) -> None:
    assert status_for(exc) == status


def test_error_body_shape() -> None:
    assert error_body("Gone.", status=404, code="not_found") == {
        "ok": False,
        "error": "Gone.",
        "errors": [],
        "status": 404,
        "code": "not_found",
    }


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health")
    assert response.json() == {"ok": True}


async def test_unknown_api_route_is_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/nope")
    assert response.status_code == 404
    assert response.json()["ok"] is False
    assert response.json()["status"] == 404


async def test_unknown_page_is_html_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "There is no page at this address." in response.text


async def test_security_headers_on_pages(client: httpx.AsyncClient) -> None:
    response = await client.get("/login")
    assert response.headers["content-security-policy"] == (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'"
    )
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "<script" not in response.text
    assert "style=" not in response.text
    assert 'name="viewport"' in response.text
    css = await client.get("/static/style.css")
    assert css.status_code == 200
    assert css.headers["x-frame-options"] == "DENY"


async def test_session_cookie_flags(client: httpx.AsyncClient) -> None:
    response = await client.get("/login")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "max-age=28800" in cookie


def test_content_disposition_cannot_be_broken() -> None:
    header = content_disposition('evil";\r\nX-Injected: 1.pdf')
    assert "\r" not in header
    assert "\n" not in header
    assert header.startswith('attachment; filename="evil_X-Injected_ 1.pdf"')


def test_create_app_without_arguments_reads_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in SETTINGS_HELP:
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    assert isinstance(app, Starlette)
    assert (tmp_path / "var" / "secret_key").exists()
