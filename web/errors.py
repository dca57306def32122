"""The only module that knows HTTP statuses for domain errors, and the one error shape.

HTML pages get `errors/<status>.html` (falling back to `errors/error.html`); JSON routes
(`/api/...` and `....json`) get `{"ok": false, "error", "errors", "status", "code"}`.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from jinja2 import TemplateNotFound
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from tortoise.exceptions import DoesNotExist, IntegrityError

from registry.errors import (
    AuthenticationError,
    ConflictError,
    DuplicateUploadError,
    InvalidInputError,
    InvalidTransitionError,
    InvalidUploadError,
    NotFoundError,
    PermissionDeniedError,
    RegistryError,
    StaleEditError,
)
from web import i18n
from web.auth import LoginRequiredError
from web.i18n import N_
from web.templating import render, templates

__all__ = [
    "EXCEPTION_HANDLERS",
    "EXCEPTION_STATUS",
    "error_body",
    "error_response",
    "is_json_request",
]

log = logging.getLogger(__name__)

EXCEPTION_STATUS: dict[type[Exception], int] = {
    NotFoundError: 404,
    PermissionDeniedError: 403,
    AuthenticationError: 401,
    ConflictError: 409,
    DuplicateUploadError: 409,
    StaleEditError: 409,
    InvalidInputError: 422,
    InvalidUploadError: 422,
    InvalidTransitionError: 422,
    RegistryError: 400,
    DoesNotExist: 404,
    IntegrityError: 409,
}

_TITLES = {
    400: N_("Bad request"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed"),
    409: N_("Conflict"),
    413: N_("File too large"),
    422: N_("Please check your input"),
    500: N_("Something went wrong"),
}
# Messages a page shows as they are given, translated where the catalog has them: this
# module's own, and the registry's that a parent on the public pages can meet.
UNTITLED = N_("Error")
NOT_FOUND = N_("Not found.")
NO_PAGE = N_("There is no page at this address.")
NO_METHOD = N_("That method is not allowed here.")
CONFLICT = N_("That conflicts with something that already exists.")
SIGN_IN = N_("Please sign in.")
SERVER = N_(
    "Something went wrong on our side. Please try again; if it keeps happening, "
    "tell your district's administrator."
)
_PUBLIC_REGISTRY_MESSAGES = (N_("No such district."),)


def status_for(exc: Exception) -> int:
    """The status of the nearest class in `exc`'s MRO that the map knows (500 otherwise)."""
    for cls in type(exc).__mro__:
        if cls in EXCEPTION_STATUS:
            return EXCEPTION_STATUS[cls]
    return 500


def is_json_request(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith(".json")


def error_body(
    message: str, *, status: int, code: str, errors: list[Any] | None = None
) -> dict[str, Any]:
    return {"ok": False, "error": message, "errors": errors or [], "status": status, "code": code}


def error_response(
    request: Request,
    *,
    status: int,
    message: str,
    code: str,
    errors: list[Any] | None = None,
) -> Response:
    """An error in the shape the route speaks: JSON for API routes, a page otherwise."""
    if is_json_request(request):
        return JSONResponse(error_body(message, status=status, code=code, errors=errors), status)
    with i18n.use(i18n.negotiate(request)):  # translated here: messages may hold a "%"
        context = {
            "status": status,
            "title": i18n.gettext(_TITLES.get(status, UNTITLED)),
            "message": i18n.gettext(message) if message else "",
            "code": code,
        }
    try:
        template = templates.get_template(f"errors/{status}.html")
    except TemplateNotFound:
        template = templates.get_template("errors/error.html")
    return render(request, template.name or "", context, status_code=status)


async def registry_error(request: Request, exc: Exception) -> Response:
    status = status_for(exc)
    message = getattr(exc, "message", None) or str(exc)
    code = getattr(exc, "code", "error")
    errors: list[Any] = []
    if isinstance(exc, InvalidInputError) and exc.field:
        errors = [{"field": exc.field, "message": message}]
    if isinstance(exc, DoesNotExist):
        message, code = NOT_FOUND, "not_found"
    elif isinstance(exc, IntegrityError):
        message, code = CONFLICT, "conflict"
    return error_response(request, status=status, message=message, code=code, errors=errors)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for HTTPException only
    messages = {404: NO_PAGE, 405: NO_METHOD}
    message = messages.get(exc.status_code, str(exc.detail))
    response = error_response(
        request, status=exc.status_code, message=message, code=f"http_{exc.status_code}"
    )
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def login_required(request: Request, exc: Exception) -> Response:
    if is_json_request(request):
        return error_response(request, status=401, message=SIGN_IN, code="authentication_required")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        request,
        status=500,
        message=SERVER,
        code="server_error",
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    LoginRequiredError: login_required,
    RegistryError: registry_error,
    DoesNotExist: registry_error,
    IntegrityError: registry_error,
    HTTPException: http_error,
    Exception: server_error,
}
