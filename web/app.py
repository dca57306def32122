"""The web application: `create_app(settings)` is the composition root of the HTTP shell.

Run with `uvicorn web.app:create_app --factory` (or `registry serve`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from registry.runtime import Runtime, open_runtime
from registry.settings import Settings
from web.errors import EXCEPTION_HANDLERS
from web.middleware import FormGuardMiddleware, SecurityHeadersMiddleware
from web.routes import routes

__all__ = ["SESSION_MAX_AGE", "State", "create_app"]

SESSION_MAX_AGE = 8 * 60 * 60  # a working day


class State(TypedDict):
    """Lifespan state, available to handlers as `request.state.runtime`."""

    runtime: Runtime


def create_app(settings: Settings | None = None) -> Starlette:
    resolved = Settings.from_env() if settings is None else settings

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        async with open_runtime(resolved) as runtime:
            yield {"runtime": runtime}

    return Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(
                SessionMiddleware,
                secret_key=resolved.secret_key,
                session_cookie="registry_session",
                max_age=SESSION_MAX_AGE,
                same_site="lax",
                https_only=resolved.https_only,
            ),
            Middleware(FormGuardMiddleware, max_upload_bytes=resolved.max_upload_bytes),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
