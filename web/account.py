"""Every signed-in user's own pages: notifications and personal API tokens."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from registry import notifications, tokens
from registry.errors import InvalidInputError
from registry.scoping import Actor
from web.auth import require_actor
from web.forms import submitted_form
from web.templating import render

__all__ = [
    "create_token",
    "mark_notifications_read",
    "notifications_page",
    "revoke_token",
    "tokens_page",
]


def _field(request: Request, name: str) -> str:
    value = submitted_form(request).get(name)
    return value.strip() if isinstance(value, str) else ""


def _path_int(request: Request, name: str) -> int:
    value = request.path_params[name]
    assert isinstance(value, int)  # noqa: S101 - routes declare `:int` converters
    return value


async def notifications_page(request: Request) -> Response:
    actor = await require_actor(request)
    items = await notifications.list_notifications(actor)
    return render(request, "account/notifications.html", {"notifications": items})


async def mark_notifications_read(request: Request) -> Response:
    """Mark one notification (field `id`) or all of them read."""
    actor = await require_actor(request)
    raw = _field(request, "id")
    if raw and not (raw.isdigit() and len(raw) <= 9):
        raise InvalidInputError("Choose a notification.", field="id")
    await notifications.mark_read(actor, int(raw) if raw else None)
    return RedirectResponse("/notifications", status_code=303)


async def _render_tokens(
    request: Request, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {"tokens": await tokens.list_tokens(actor)}
    context.update(extra)
    return render(request, "account/tokens.html", context, status_code=status_code)


async def tokens_page(request: Request) -> Response:
    actor = await require_actor(request)
    return await _render_tokens(request, actor)


async def create_token(request: Request) -> Response:
    """The new token is shown once, in this response, and never again."""
    actor = await require_actor(request)
    try:
        token, raw = await tokens.create_token(actor, _field(request, "name"))
    except InvalidInputError as exc:
        return await _render_tokens(request, actor, status_code=422, error=exc.message)
    response = await _render_tokens(request, actor, status_code=201, new_token=raw, created=token)
    response.headers["cache-control"] = "no-store"
    return response


async def revoke_token(request: Request) -> Response:
    actor = await require_actor(request)
    await tokens.revoke_token(actor, _path_int(request, "token_id"))
    return RedirectResponse("/account/tokens", status_code=303)
