"""Sessions: who is signed in, login and logout.

The session keeps only `user_id` and `district_id`; the actor (with its role) is loaded from
the registry on every request, so a removed membership takes effect at once. Role checks
live in the registry (`require_role`), which raises PermissionDeniedError -> 403.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection, Request

from registry import accounts
from registry.errors import NotFoundError
from registry.scoping import Actor
from web.csrf import csrf_token

__all__ = [
    "ACTOR_SCOPE_KEY",
    "LoginRequiredError",
    "current_actor",
    "require_actor",
    "safe_next",
    "sign_in",
    "sign_out",
]

USER_KEY = "user_id"
# The actor is cached on the request's scope (never on `state`, which servers may share).
ACTOR_SCOPE_KEY = "web.actor"
DISTRICT_KEY = "district_id"


class LoginRequiredError(Exception):
    """A page needs a signed-in user; the handler redirects to /login?next=..."""


async def current_actor(conn: HTTPConnection) -> Actor | None:
    """The signed-in actor, or None (cached on the request state)."""
    cached = conn.scope.get(ACTOR_SCOPE_KEY)
    if isinstance(cached, Actor):
        return cached
    user_id = conn.session.get(USER_KEY)
    district_id = conn.session.get(DISTRICT_KEY)
    if not isinstance(user_id, int) or not isinstance(district_id, int):
        return None
    try:
        actor = await accounts.actor_for(user_id, district_id)
    except NotFoundError:
        conn.session.clear()
        return None
    conn.scope[ACTOR_SCOPE_KEY] = actor
    return actor


async def require_actor(conn: HTTPConnection) -> Actor:
    actor = await current_actor(conn)
    if actor is None:
        raise LoginRequiredError
    return actor


def sign_in(request: Request, actor: Actor) -> None:
    """Start a fresh session for `actor` (the old one, and its CSRF token, are dropped)."""
    request.session.clear()
    request.session[USER_KEY] = actor.user_id
    request.session[DISTRICT_KEY] = actor.district_id
    csrf_token(request)
    request.scope[ACTOR_SCOPE_KEY] = actor


def sign_out(request: Request) -> None:
    request.session.clear()
    request.scope.pop(ACTOR_SCOPE_KEY, None)


def safe_next(value: object, default: str) -> str:
    """Only same-site paths are followed after login (no open redirects)."""
    if (
        isinstance(value, str)
        and value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and not value.startswith("/login")
    ):
        return value
    return default
