"""Who is acting: a signed-cookie session, or a bearer token under /api/.

The session cookie is signed with the persisted secret (Starlette's SessionMiddleware), so
it survives restarts and works across server processes. It keeps `user_id`, `district_id`,
the role it was started with and a fingerprint of the password: the actor is loaded from
the registry on every request, and the session ends when the user is deactivated, loses
the membership, changes role or changes password.

Under /api/, `Authorization: Bearer <token>` authenticates instead of the cookie (and a
request that carries the header never falls back to the cookie). Role checks live in the
registry (`require_role`), which raises PermissionDeniedError -> 403.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection, Request

from registry import accounts, notifications, tokens
from registry.errors import AuthenticationError, NotFoundError
from registry.scoping import Actor
from web.csrf import csrf_token

__all__ = [
    "ACTOR_SCOPE_KEY",
    "AUTH_SCOPE_KEY",
    "UNREAD_SCOPE_KEY",
    "USER_KEY",
    "LoginRequiredError",
    "bearer_token",
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
ROLE_KEY = "role"
STAMP_KEY = "stamp"
# "session" or "token": how the request's actor was authenticated.
AUTH_SCOPE_KEY = "web.auth"
# The signed-in user's unread notification count, shown in the navigation.
UNREAD_SCOPE_KEY = "web.unread"


class LoginRequiredError(Exception):
    """A page needs a signed-in user; the handler redirects to /login?next=..."""


def bearer_token(conn: HTTPConnection) -> str | None:
    """The raw token of an `Authorization: Bearer` header (None without the header)."""
    header = conn.headers.get("authorization")
    if header is None:
        return None
    scheme, _, raw = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise AuthenticationError("Send the API token as `Authorization: Bearer <token>`.")
    if not conn.url.path.startswith("/api/"):
        raise AuthenticationError("API tokens are accepted only under /api/.")
    return raw.strip()


async def current_actor(conn: HTTPConnection) -> Actor | None:
    """The signed-in actor, or None (cached on the request's scope)."""
    cached = conn.scope.get(ACTOR_SCOPE_KEY)
    if isinstance(cached, Actor):
        return cached
    raw = bearer_token(conn)
    if raw is not None:
        token_actor = await tokens.actor_for_token(raw)
        conn.scope[AUTH_SCOPE_KEY] = "token"
        conn.scope[ACTOR_SCOPE_KEY] = token_actor
        return token_actor
    actor = await _session_actor(conn)
    if actor is not None:
        conn.scope[AUTH_SCOPE_KEY] = "session"
        conn.scope[ACTOR_SCOPE_KEY] = actor
        conn.scope[UNREAD_SCOPE_KEY] = await notifications.unread_count(actor)
    return actor


async def _session_actor(conn: HTTPConnection) -> Actor | None:
    session = conn.session
    user_id = session.get(USER_KEY)
    district_id = session.get(DISTRICT_KEY)
    if not isinstance(user_id, int) or not isinstance(district_id, int):
        return None
    try:
        actor = await accounts.actor_for(user_id, district_id)
        stamp = await accounts.session_stamp(actor)
    except NotFoundError:
        session.clear()
        return None
    if session.get(ROLE_KEY) != actor.role.value or session.get(STAMP_KEY, stamp) != stamp:
        session.clear()  # the role or the password changed since sign-in: sign in again
        return None
    session[STAMP_KEY] = stamp
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
    request.session[ROLE_KEY] = actor.role.value
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
