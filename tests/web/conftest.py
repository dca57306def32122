"""Web fixtures: the real app (lifespan and all) behind an httpx client, plus helpers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp

from registry.settings import Settings
from tests.conftest import PASSWORD
from web.app import create_app

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
async def web_app(settings: Settings, clean_db: None) -> AsyncIterator[ASGIApp]:
    """The app with its lifespan entered: the ORM is open for registry calls in the test.

    `manager.app` passes the lifespan state to each request, as a server would.
    """
    async with LifespanManager(create_app(settings)) as manager:
        yield manager.app


@pytest.fixture
async def client(web_app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    async with new_client(web_app) as c:
        yield c


def new_client(app: ASGIApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def csrf_from(client: httpx.AsyncClient, path: str = "/login") -> str:
    response = await client.get(path)
    match = _TOKEN.search(response.text)
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> httpx.Response:
    token = await csrf_from(client, "/login")
    return await client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
