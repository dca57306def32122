"""HTML pages: home, sign-in and sign-out (officers' pages: web.officer; teachers': web.teacher).

Handlers stay thin: read input through `web.forms`, call one registry use case, render.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from registry import accounts
from registry.errors import (
    AuthenticationError,
)
from registry.runtime import Runtime
from registry.scoping import Actor
from registry.status import Role
from web.auth import current_actor, safe_next, sign_in, sign_out
from web.forms import (
    parse_login,
    submitted_form,
)
from web.templating import render

__all__ = [
    "home",
    "login",
    "login_form",
    "logout",
]


def runtime_of(request: Request) -> Runtime:
    runtime = request.state.runtime
    assert isinstance(runtime, Runtime)  # noqa: S101 - set by the lifespan, never by input
    return runtime


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _path_int(request: Request, name: str) -> int:
    value = request.path_params[name]
    assert isinstance(value, int)  # noqa: S101 - routes declare `:int` converters
    return value


# -- session -------------------------------------------------------------------------------


def _landing(actor: Actor) -> str:
    return "/apps" if actor.role is Role.TEACHER else "/desk"


async def home(request: Request) -> Response:
    actor = await current_actor(request)
    return _see_other("/login" if actor is None else _landing(actor))


async def login_form(request: Request) -> Response:
    actor = await current_actor(request)
    if actor is not None:
        return _see_other(_landing(actor))
    return render(request, "auth/login.html", {"next": request.query_params.get("next", "")})


async def login(request: Request) -> Response:
    data = parse_login(submitted_form(request))
    try:
        user = await accounts.authenticate(data.email, data.password)
        actor = await accounts.actor_for(user.id)
    except AuthenticationError as exc:
        return render(
            request,
            "auth/login.html",
            {"error": exc.message, "email": data.email, "next": data.next},
            status_code=401,
        )
    sign_in(request, actor)
    return _see_other(safe_next(data.next, _landing(actor)))


async def logout(request: Request) -> Response:
    sign_out(request)
    return _see_other("/login")
