"""ASGI middleware: security headers, and the form guard (size limit + CSRF check)."""

from __future__ import annotations

from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.auth import USER_KEY
from web.csrf import CSRF_FIELD, CSRF_HEADER, token_matches
from web.errors import error_response

__all__ = ["FORM_SCOPE_KEY", "FormGuardMiddleware", "SecurityHeadersMiddleware"]

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
FORM_SCOPE_KEY = "web.form"
# Room for the other form fields and multipart boundaries beside the file itself.
FORM_OVERHEAD_BYTES = 256 * 1024


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLargeError(Exception):
    pass


class FormGuardMiddleware:
    """Every unsafe request: refuse an oversized body, parse the form once, check CSRF.

    The declared Content-Length is checked before anything is read, and the stream is cut
    off as soon as it passes the limit, so a huge upload is never buffered. Handlers get
    the parsed form from `web.forms.submitted_form(request)`. Non-form bodies need the
    token in the X-CSRF-Token header. /api/ requests that carry an Authorization header,
    or come from a session without a signed-in user, are exempt (see below).
    """

    def __init__(self, app: ASGIApp, *, max_upload_bytes: int) -> None:
        self.app = app
        self.max_upload_bytes = max_upload_bytes
        self.limit = max_upload_bytes + FORM_OVERHEAD_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await self._too_large(request, scope, receive, send)
            return
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        header_token = request.headers.get(CSRF_HEADER)
        # An /api/ request with an Authorization header is authenticated by its token alone
        # (web.auth never falls back to the cookie then), and browsers never add that header
        # to a cross-site request on their own, so CSRF does not apply to it.
        # An /api/ request of a session without a signed-in user carries no authority a
        # forger could borrow: it is refused by authentication (401), not by this check.
        is_api = request.url.path.startswith("/api/")
        csrf_exempt = is_api and (
            "authorization" in request.headers or USER_KEY not in request.session
        )
        if header_token is not None or content_type not in FORM_TYPES:
            if not csrf_exempt and not token_matches(request, header_token):
                await self._forbidden(request, scope, receive, send)
                return
            await self.app(scope, receive, send)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLargeError
            return message

        form_request = Request(scope, limited_receive)
        try:
            form = await form_request.form(max_files=4, max_fields=100, max_part_size=256 * 1024)
        except BodyTooLargeError:
            await self._too_large(request, scope, receive, send)
            return
        except MultiPartException as exc:
            response = error_response(
                request,
                status=400,
                message=f"The form could not be read: {exc.message}",
                code="bad_form",
            )
            await response(scope, receive, send)
            return
        try:
            if not csrf_exempt and not token_matches(request, form.get(CSRF_FIELD)):
                await self._forbidden(request, scope, receive, send)
                return
            scope[FORM_SCOPE_KEY] = form
            await self.app(scope, _drained, send)
        finally:
            await form.close()

    async def _too_large(
        self, request: Request, scope: Scope, receive: Receive, send: Send
    ) -> None:
        limit_mb = self.max_upload_bytes / (1024 * 1024)
        response = error_response(
            request,
            status=413,
            message=f"The file is larger than the {limit_mb:g} MB limit. Upload a smaller "
            "file, e.g. the signed agreement without attachments, or ask your administrator "
            "to raise REGISTRY_MAX_UPLOAD_MB.",
            code="too_large",
        )
        await response(scope, receive, send)

    async def _forbidden(
        self, request: Request, scope: Scope, receive: Receive, send: Send
    ) -> None:
        response = error_response(
            request,
            status=403,
            message="This form has expired or did not come from this site, so nothing was "
            "changed. Go back, reload the page and try again.",
            code="csrf_failed",
        )
        await response(scope, receive, send)


async def _drained() -> Message:
    """The body was already read into the form."""
    return {"type": "http.request", "body": b"", "more_body": False}
