"""Admins' users page: who has which role in the district; invite, change role, deactivate.

Every action is checked by the registry (admin only, own district) and audited there.
The set-password pages are for invited people (no login: the one-time link is the proof).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from registry import accounts
from registry.errors import AuthenticationError, ConflictError, InvalidInputError
from registry.runtime import Runtime
from registry.scoping import Actor
from registry.status import Role
from web.auth import require_actor
from web.errors import status_for
from web.forms import submitted_form
from web.templating import render

__all__ = [
    "change_role",
    "deactivate_user",
    "invite_user",
    "password_link",
    "reactivate_user",
    "set_password",
    "set_password_form",
    "users_page",
]

ROLES = (Role.TEACHER, Role.PRIVACY_OFFICER, Role.ADMIN)


def _secret(request: Request) -> str:
    runtime = request.state.runtime
    assert isinstance(runtime, Runtime)  # noqa: S101 - set by the lifespan, never by input
    return runtime.settings.secret_key


def _field(request: Request, name: str) -> str:
    value = submitted_form(request).get(name)
    return value.strip() if isinstance(value, str) else ""


def _role(request: Request) -> Role:
    try:
        return Role(_field(request, "role"))
    except ValueError:
        raise InvalidInputError("Choose a role.", field="role") from None


def _user_id(request: Request) -> int:
    value = request.path_params["user_id"]
    assert isinstance(value, int)  # noqa: S101 - routes declare `:int` converters
    return value


def _set_password_url(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/set-password?token={quote(token)}"


async def _render_users(
    request: Request, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {"members": await accounts.list_members(actor), "roles": ROLES}
    context.update(extra)
    response = render(request, "admin_users/users.html", context, status_code=status_code)
    if "link" in extra:
        response.headers["cache-control"] = "no-store"
    return response


async def users_page(request: Request) -> Response:
    actor = await require_actor(request)
    return await _render_users(request, actor, done=request.query_params.get("done", "")[:40])


async def invite_user(request: Request) -> Response:
    actor = await require_actor(request)
    await accounts.list_members(actor)  # admin only, before reading anything else
    form = {k: _field(request, k) for k in ("email", "name", "role", "password")}
    password_form = submitted_form(request).get("password")
    password = password_form if isinstance(password_form, str) else ""
    try:
        user, needs_link = await accounts.invite_user(
            actor, email=form["email"], name=form["name"], role=_role(request), password=password
        )
    except (InvalidInputError, ConflictError) as exc:
        form.pop("password")
        return await _render_users(
            request, actor, status_code=status_for(exc), error=exc.message, form=form
        )
    if needs_link:
        token = await accounts.set_password_link_token(actor, user.id, secret=_secret(request))
        return await _render_users(
            request,
            actor,
            status_code=201,
            link=_set_password_url(request, token),
            link_for=user.email,
        )
    return RedirectResponse("/admin/users?done=invited", status_code=303)


async def _act(request: Request, action: str) -> Response:
    actor = await require_actor(request)
    user_id = _user_id(request)
    try:
        if action == "role":
            await accounts.change_role(actor, user_id, _role(request))
        elif action == "deactivate":
            await accounts.deactivate_member(actor, user_id)
        else:
            await accounts.reactivate_member(actor, user_id)
    except (InvalidInputError, ConflictError) as exc:
        return await _render_users(request, actor, status_code=status_for(exc), error=exc.message)
    return RedirectResponse(f"/admin/users?done={action}", status_code=303)


async def change_role(request: Request) -> Response:
    return await _act(request, "role")


async def deactivate_user(request: Request) -> Response:
    return await _act(request, "deactivate")


async def reactivate_user(request: Request) -> Response:
    return await _act(request, "reactivate")


async def password_link(request: Request) -> Response:
    """A fresh one-time set-password link for a user (shown to the admin once)."""
    actor = await require_actor(request)
    user_id = _user_id(request)
    try:
        token = await accounts.set_password_link_token(actor, user_id, secret=_secret(request))
    except ConflictError as exc:
        return await _render_users(request, actor, status_code=409, error=exc.message)
    members = {m.user_id: m.email for m in await accounts.list_members(actor)}
    return await _render_users(
        request, actor, link=_set_password_url(request, token), link_for=members.get(user_id, "")
    )


async def set_password_form(request: Request) -> Response:
    token = request.query_params.get("token", "")[:300]
    return render(request, "admin_users/set_password.html", {"token": token})


async def set_password(request: Request) -> Response:
    token = _field(request, "token")[:300]
    password_value = submitted_form(request).get("password")
    password = password_value if isinstance(password_value, str) else ""
    repeat = submitted_form(request).get("password_repeat")
    try:
        if password != (repeat if isinstance(repeat, str) else ""):
            raise InvalidInputError("The two passwords differ.", field="password_repeat")
        await accounts.set_password_with_token(token, password, secret=_secret(request))
    except (InvalidInputError, AuthenticationError) as exc:
        status = 422 if isinstance(exc, InvalidInputError) else 400
        return render(
            request,
            "admin_users/set_password.html",
            {"token": token, "error": exc.message},
            status_code=status,
        )
    return RedirectResponse("/login?password=set", status_code=303)


# -- district settings ----------------------------------------------------------------------


async def _render_district(
    request: Request, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    district, settings = await accounts.get_district_settings(actor)
    context: dict[str, Any] = {"district": district, "form": settings}
    context.update(extra)
    return render(request, "admin_users/district.html", context, status_code=status_code)


async def district_page(request: Request) -> Response:
    actor = await require_actor(request)
    return await _render_district(request, actor, saved=request.query_params.get("saved") == "1")


async def save_district(request: Request) -> Response:
    actor = await require_actor(request)
    form = accounts.DistrictSettings(
        name=_field(request, "name"),
        privacy_contact=_field(request, "privacy_contact"),
        website=_field(request, "website"),
    )
    try:
        await accounts.update_district_settings(actor, form)
    except InvalidInputError as exc:
        return await _render_district(request, actor, status_code=422, error=exc.message, form=form)
    return RedirectResponse("/admin/district?saved=1", status_code=303)
