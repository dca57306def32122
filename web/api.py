"""JSON endpoints under /api. Every body has "ok"; errors use web.errors' one shape.

Authentication: `Authorization: Bearer <token>` (personal tokens, see registry.tokens) or
the browser session (then unsafe methods need the X-CSRF-Token header). Every handler
calls a registry use case, which checks role and district. web.openapi describes each
route; tests fail when a route is missing there.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from registry import accounts, agreements, catalog, notifications, reviews, tokens
from registry.errors import DuplicateUploadError, InvalidInputError, InvalidUploadError
from registry.runtime import Runtime
from registry.scoping import Actor
from registry.status import AppStatus, Role
from web.api_json import (
    agreement_json,
    app_json,
    denied_json,
    finding_json,
    member_json,
    notification_json,
    request_json,
    token_json,
)
from web.auth import require_actor
from web.errors import error_response
from web.forms import parse_upload, submitted_form
from web.openapi import openapi_document
from web.paging import Window, window

__all__ = ["MAX_JSON_BYTES", "routes"]

MAX_JSON_BYTES = 256 * 1024


def _ok(status: int = 200, **body: Any) -> JSONResponse:
    return JSONResponse({"ok": True, **body}, status_code=status)


def _runtime(request: Request) -> Runtime:
    runtime = request.state.runtime
    assert isinstance(runtime, Runtime)  # noqa: S101 - set by the lifespan, never by input
    return runtime


def _path_int(request: Request, name: str) -> int:
    value = request.path_params[name]
    assert isinstance(value, int)  # noqa: S101 - routes declare `:int` converters
    return value


async def _body(request: Request) -> dict[str, Any]:
    """The JSON object sent with the request (at most MAX_JSON_BYTES)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise InvalidInputError("Send the body as JSON (Content-Type: application/json).")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_JSON_BYTES:
            raise InvalidInputError(f"The JSON body is larger than {MAX_JSON_BYTES} bytes.")
        chunks.append(chunk)
    try:
        data = json.loads(b"".join(chunks) or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInputError("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidInputError("The body must be a JSON object.")
    return data


def _str(data: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInputError(f"`{name}` must be a string.", field=name)
    if required and not value.strip():
        raise InvalidInputError(f"`{name}` is required.", field=name)
    if "\x00" in value:
        raise InvalidInputError(f"`{name}` contains a NUL character.", field=name)
    return value


def _bool(data: dict[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise InvalidInputError(f"`{name}` must be true or false.", field=name)
    return value


def _int_or_none(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
        raise InvalidInputError(f"`{name}` must be a whole number (0 or more).", field=name)
    return value


_E = TypeVar("_E", AppStatus, Role)


def _choice(enum: type[_E], value: object, name: str) -> _E:
    if not isinstance(value, str):
        value = ""
    try:
        return enum(str(value))
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise InvalidInputError(f"`{name}` must be one of: {allowed}.", field=name) from None


# -- service ------------------------------------------------------------------------------


async def health(request: Request) -> Response:
    return _ok()


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


async def me(request: Request) -> Response:
    actor = await require_actor(request)
    return _ok(
        user={
            "id": actor.user_id,
            "email": actor.email,
            "name": actor.name,
            "role": actor.role.value,
            "district_id": actor.district_id,
        }
    )


# -- apps ---------------------------------------------------------------------------------


def _filter(records: list[Any], q: str, subject: str, grade: str) -> list[Any]:
    q, subject = q.lower(), subject.lower()
    wanted = catalog.grades_of(grade) if grade else frozenset()
    kept = []
    for r in records:
        app = r.app
        text = f"{app.name} {app.vendor.name} {app.description} {app.subjects}".lower()
        if q and q not in text:
            continue
        if subject and subject not in app.subjects.lower():
            continue
        if wanted and not wanted & catalog.grades_of(app.grades):
            continue
        kept.append(r)
    return kept


async def list_apps(request: Request) -> Response:
    """Teachers: approved apps (+ denied matches). Officers/admins: every app, any status."""
    actor = await require_actor(request)
    params = request.query_params
    q, subject, grade = (params.get(k, "").strip()[:200] for k in ("q", "subject", "grade"))
    if actor.role is Role.TEACHER:
        span = window(params)
        result = await catalog.search_for_teacher(actor, q, subject=subject, grade=grade)
        return _ok(
            apps=[app_json(r, actor) for r in span.take(result.approved)],
            denied=[denied_json(d, actor) for d in result.denied],
            **_paged(span, len(result.approved)),
        )
    status = _choice(AppStatus, params["status"], "status") if params.get("status") else None
    if grade and not catalog.grades_of(grade):
        raise InvalidInputError("Give the grade as K, PK or a number from 1 to 12.", field="grade")
    span = window(params)
    records = _filter(await catalog.list_app_statuses(actor, status=status), q, subject, grade)
    return _ok(
        apps=[app_json(r, actor) for r in span.take(records)],
        denied=[],
        **_paged(span, len(records)),
    )


def _paged(span: Window, total: int) -> dict[str, int]:
    """The paging fields of a list response: `total` counts every match, not this page."""
    return {"total": total, "limit": span.limit, "offset": span.offset}


async def create_app(request: Request) -> Response:
    actor = await require_actor(request)
    data = await _body(request)
    elements = data.get("data_elements", [])
    if not isinstance(elements, list) or not all(isinstance(e, str) for e in elements):
        raise InvalidInputError("`data_elements` must be a list of ids.", field="data_elements")
    app = await catalog.create_app(
        actor,
        name=_str(data, "name", required=True),
        vendor_name=_str(data, "vendor", required=True),
        url=_str(data, "url"),
        description=_str(data, "description"),
        grades=_str(data, "grades"),
        subjects=_str(data, "subjects"),
        under_13=_bool(data, "under_13", True),
        data_elements=elements,
    )
    return await _app_response(actor, app.id, status=201)


async def _app_response(actor: Actor, app_id: int, *, status: int = 200) -> Response:
    record = await catalog.teacher_app_view(actor, app_id)
    elements = (
        None if actor.role is Role.TEACHER else await catalog.app_data_elements(actor, app_id)
    )
    return _ok(status, app=app_json(record, actor, data_elements=elements))


async def get_app(request: Request) -> Response:
    actor = await require_actor(request)
    return await _app_response(actor, _path_int(request, "app_id"))


async def change_status(request: Request) -> Response:
    actor = await require_actor(request)
    app_id = _path_int(request, "app_id")
    await catalog.app_in_district(actor, app_id)
    data = await _body(request)
    await reviews.change_status(
        actor,
        app_id,
        to=_choice(AppStatus, data.get("to"), "to"),
        conditions=_str(data, "conditions"),
        note=_str(data, "note"),
        expected_version=_int_or_none(data, "expected_version"),
    )
    return await _app_response(actor, app_id)


# -- agreements ---------------------------------------------------------------------------


async def list_agreements(request: Request) -> Response:
    actor = await require_actor(request)
    app_id = _path_int(request, "app_id")
    rows = await agreements.list_agreements(actor, app_id)  # role first
    await catalog.app_in_district(actor, app_id)
    return _ok(agreements=[agreement_json(a) for a in rows])


async def upload_agreement(request: Request) -> Response:
    actor = await require_actor(request)
    app_id = _path_int(request, "app_id")
    await agreements.list_agreements(actor, app_id)  # role first: nothing learned otherwise
    await catalog.app_in_district(actor, app_id)
    runtime = _runtime(request)
    max_bytes = runtime.settings.max_upload_bytes
    data = await parse_upload(submitted_form(request), max_bytes=max_bytes)
    try:
        agreement = await agreements.upload_agreement(
            actor,
            app_id=app_id,
            data=data.data,
            filename=data.filename,
            kind=data.kind,
            storage=runtime.storage,
            max_bytes=max_bytes,
            nlp=runtime.nlp,
            signed_on=data.signed_on,
            expires_on=data.expires_on,
            is_public=data.is_public,
            limits=agreements.ReadLimits(
                timeout=runtime.settings.read_timeout,
                memory_bytes=runtime.settings.read_memory_bytes,
            ),
        )
    except DuplicateUploadError as exc:
        return error_response(
            request,
            status=409,
            message=exc.message,
            code=exc.code,
            errors=[{"field": "file", "agreement_id": exc.agreement_id}],
        )
    except InvalidUploadError as exc:
        return error_response(
            request,
            status=422,
            message=exc.message,
            code=exc.code,
            errors=[{"field": "file", "reason": exc.reason, "agreement_id": exc.agreement_id}],
        )
    detail = await agreements.get_agreement(actor, agreement.id)
    return _ok(201, agreement=agreement_json(detail, detail=True))


async def get_agreement(request: Request) -> Response:
    actor = await require_actor(request)
    agreement = await agreements.get_agreement(actor, _path_int(request, "agreement_id"))
    return _ok(agreement=agreement_json(agreement, detail=True))


async def override_finding(request: Request) -> Response:
    actor = await require_actor(request)
    data = await _body(request)
    finding = await reviews.override_finding(
        actor,
        _path_int(request, "finding_id"),
        outcome=_str(data, "outcome", required=True),
        reason=_str(data, "reason", required=True),
    )
    return _ok(finding=finding_json(finding))


# -- requests and notifications -----------------------------------------------------------


async def list_requests(request: Request) -> Response:
    actor = await require_actor(request)
    mine = request.query_params.get("mine") in {"1", "true"}
    span = window(request.query_params)
    rows = await catalog.list_requests(actor, mine=mine)
    return _ok(requests=[request_json(r) for r in span.take(rows)], **_paged(span, len(rows)))


async def create_request(request: Request) -> Response:
    actor = await require_actor(request)
    data = await _body(request)
    row = await catalog.request_app(
        actor,
        name=_str(data, "name", required=True),
        url=_str(data, "url"),
        reason=_str(data, "reason"),
        class_name=_str(data, "class_name"),
        grade=_str(data, "grade"),
    )
    await row.fetch_related("requested_by")
    return _ok(201, request=request_json(row))


async def decline_request(request: Request) -> Response:
    actor = await require_actor(request)
    data = await _body(request)
    row = await catalog.decline_request(
        actor, _path_int(request, "request_id"), note=_str(data, "note")
    )
    await row.fetch_related("requested_by")
    return _ok(request=request_json(row))


async def list_notifications(request: Request) -> Response:
    actor = await require_actor(request)
    unread = request.query_params.get("unread") in {"1", "true"}
    span = window(request.query_params)
    items = await notifications.list_notifications(actor, unread_only=unread)
    return _ok(
        notifications=[notification_json(n) for n in span.take(items)],
        unread=await notifications.unread_count(actor),
        **_paged(span, len(items)),
    )


async def read_notifications(request: Request) -> Response:
    actor = await require_actor(request)
    data = await _body(request)
    changed = await notifications.mark_read(actor, _int_or_none(data, "id"))
    return _ok(marked=changed, unread=await notifications.unread_count(actor))


# -- tokens and users ---------------------------------------------------------------------


async def list_tokens(request: Request) -> Response:
    actor = await require_actor(request)
    return _ok(tokens=[token_json(t) for t in await tokens.list_tokens(actor)])


async def create_token(request: Request) -> Response:
    actor = await require_actor(request)
    data = await _body(request)
    token, raw = await tokens.create_token(actor, _str(data, "name", required=True))
    response = _ok(201, token=token_json(token), secret=raw)
    response.headers["cache-control"] = "no-store"
    return response


async def revoke_token(request: Request) -> Response:
    actor = await require_actor(request)
    token = await tokens.revoke_token(actor, _path_int(request, "token_id"))
    return _ok(token=token_json(token))


async def list_users(request: Request) -> Response:
    actor = await require_actor(request)
    return _ok(users=[member_json(m) for m in await accounts.list_members(actor)])


async def create_user(request: Request) -> Response:
    actor = await require_actor(request)
    await accounts.list_members(actor)  # admin only, before the body is read
    data = await _body(request)
    user, needs_link = await accounts.invite_user(
        actor,
        email=_str(data, "email", required=True),
        name=_str(data, "name", required=True),
        role=_choice(Role, data.get("role"), "role"),
        password=_str(data, "password"),
    )
    body: dict[str, Any] = {}
    if needs_link:
        token = await accounts.set_password_link_token(
            actor, user.id, secret=_runtime(request).settings.secret_key
        )
        body["set_password_url"] = f"{str(request.base_url).rstrip('/')}/set-password?token={token}"
    member = next(m for m in await accounts.list_members(actor) if m.user_id == user.id)
    response = _ok(201, user=member_json(member), **body)
    response.headers["cache-control"] = "no-store"
    return response


async def change_role(request: Request) -> Response:
    actor = await require_actor(request)
    await accounts.list_members(actor)
    data = await _body(request)
    role = _choice(Role, data.get("role"), "role")
    member = await accounts.change_role(actor, _path_int(request, "user_id"), role)
    return _ok(user=member_json(member))


async def deactivate_user(request: Request) -> Response:
    actor = await require_actor(request)
    member = await accounts.deactivate_member(actor, _path_int(request, "user_id"))
    return _ok(user=member_json(member) if member else None)


async def reactivate_user(request: Request) -> Response:
    actor = await require_actor(request)
    member = await accounts.reactivate_member(actor, _path_int(request, "user_id"))
    return _ok(user=member_json(member))


routes = [
    Route("/health", health, methods=["GET"], name="api_health"),
    Route("/openapi.json", openapi, methods=["GET"], name="api_openapi"),
    Route("/me", me, methods=["GET"], name="api_me"),
    Route("/apps", list_apps, methods=["GET"], name="api_apps"),
    Route("/apps", create_app, methods=["POST"], name="api_create_app"),
    Route("/apps/{app_id:int}", get_app, methods=["GET"], name="api_app"),
    Route("/apps/{app_id:int}/status", change_status, methods=["POST"], name="api_status"),
    Route("/apps/{app_id:int}/agreements", list_agreements, methods=["GET"], name="api_agreements"),
    Route("/apps/{app_id:int}/agreements", upload_agreement, methods=["POST"], name="api_upload"),
    Route("/agreements/{agreement_id:int}", get_agreement, methods=["GET"], name="api_agreement"),
    Route(
        "/findings/{finding_id:int}/override",
        override_finding,
        methods=["POST"],
        name="api_override",
    ),
    Route("/requests", list_requests, methods=["GET"], name="api_requests"),
    Route("/requests", create_request, methods=["POST"], name="api_create_request"),
    Route(
        "/requests/{request_id:int}/decline",
        decline_request,
        methods=["POST"],
        name="api_decline_request",
    ),
    Route("/notifications", list_notifications, methods=["GET"], name="api_notifications"),
    Route("/notifications/read", read_notifications, methods=["POST"], name="api_read"),
    Route("/tokens", list_tokens, methods=["GET"], name="api_tokens"),
    Route("/tokens", create_token, methods=["POST"], name="api_create_token"),
    Route("/tokens/{token_id:int}/revoke", revoke_token, methods=["POST"], name="api_revoke_token"),
    Route("/users", list_users, methods=["GET"], name="api_users"),
    Route("/users", create_user, methods=["POST"], name="api_create_user"),
    Route("/users/{user_id:int}/role", change_role, methods=["POST"], name="api_user_role"),
    Route(
        "/users/{user_id:int}/deactivate",
        deactivate_user,
        methods=["POST"],
        name="api_deactivate_user",
    ),
    Route(
        "/users/{user_id:int}/reactivate",
        reactivate_user,
        methods=["POST"],
        name="api_reactivate_user",
    ),
]
