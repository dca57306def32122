"""CSRF tokens: one random token per session, sent back in every unsafe form.

The check itself runs in `web.middleware.FormGuardMiddleware` for every POST, PUT, PATCH
and DELETE, before any handler sees the request.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import HTTPConnection

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "SESSION_KEY", "csrf_token", "token_matches"]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_KEY = "csrf"


def csrf_token(conn: HTTPConnection) -> str:
    """The session's token, created on first use."""
    token = conn.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        conn.session[SESSION_KEY] = token
    return token


def token_matches(conn: HTTPConnection, sent: object) -> bool:
    expected = conn.session.get(SESSION_KEY)
    if not isinstance(expected, str) or not expected or not isinstance(sent, str):
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())
