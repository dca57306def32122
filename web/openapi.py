"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Built from small helpers so that each route is one entry; tests validate the document and
check that every route under /api is described here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from registry.status import AgreementKind, AppStatus, RequestStatus, Role
from web.paging import API_LIMIT, API_MAX_LIMIT

__all__ = ["openapi_document"]

Schema = dict[str, Any]
OUTCOMES = ["pass", "fail", "missing", "needs_review", "waived"]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], **props: Schema) -> Schema:
    return {"type": "object", "required": required, "properties": props}


def _str(**extra: Any) -> Schema:
    return {"type": "string", **extra}


def _nullable(schema: Schema) -> Schema:
    return {"oneOf": [schema, {"type": "null"}]}


_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}
_DATE = _nullable(_str(format="date"))
_TIME = _nullable(_str(format="date-time"))
_OK = {"type": "boolean", "const": True}

SCHEMAS: dict[str, Schema] = {
    "Error": _obj(
        ["ok", "error", "errors", "status", "code"],
        ok={"type": "boolean", "const": False},
        error=_str(description="A message a person can read."),
        errors={"type": "array", "items": {"type": "object"}},
        status=_INT,
        code=_str(description="A stable code to switch on, e.g. not_found, invalid_input."),
    ),
    "Alternative": _nullable(_obj(["id", "name"], id=_INT, name=_nullable(_str()))),
    "App": _obj(
        ["id", "name", "vendor", "status", "conditions", "version"],
        id=_INT,
        name=_str(),
        vendor=_str(),
        url=_str(),
        description=_str(),
        grades=_str(),
        subjects=_str(),
        under_13=_BOOL,
        status=_str(enum=[s.value for s in AppStatus]),
        conditions=_str(description="Conditions of use set by the privacy officer."),
        decided_at=_TIME,
        version=_INT,
        denial_reason=_str(description="Why the app was denied (denied apps only)."),
        alternative=_ref("Alternative"),
        decision_note=_str(description="Internal note (privacy officers and admins only)."),
        data_elements={
            "type": "array",
            "items": _obj(["id", "name", "source"], id=_str(), name=_str(), source=_str()),
        },
    ),
    "DeniedApp": _obj(
        ["id", "name", "denial_reason", "alternative"],
        id=_INT,
        name=_str(),
        denial_reason=_str(),
        alternative=_nullable(_ref("App")),
    ),
    "Finding": _obj(
        ["id", "rule_id", "outcome", "severity"],
        id=_INT,
        rule_id=_str(),
        pack_id=_str(),
        pack_version=_str(),
        title=_str(),
        citation=_str(),
        severity=_str(),
        outcome=_str(enum=OUTCOMES),
        override_outcome=_nullable(_str(enum=OUTCOMES)),
        override_reason=_str(),
        explanation=_str(),
        evidence={"type": "array", "items": {"type": "object"}},
    ),
    "Clause": _obj(
        ["id", "label", "stance", "text", "page"],
        id=_INT,
        label=_str(),
        stance=_str(),
        attributes={"type": "object"},
        text=_str(),
        page=_INT,
        start=_INT,
        end=_INT,
        confidence={"type": "number"},
        section=_str(),
    ),
    "Agreement": _obj(
        ["id", "app_id", "filename", "kind", "extraction_state"],
        id=_INT,
        app_id=_INT,
        filename=_str(),
        kind=_str(enum=[k.value for k in AgreementKind]),
        signed_on=_DATE,
        expires_on=_DATE,
        is_public=_BOOL,
        extraction_state=_str(enum=["pending", "done", "failed"]),
        extraction_error=_str(),
        created_at=_TIME,
        findings={"type": "array", "items": _ref("Finding")},
        clauses={"type": "array", "items": _ref("Clause")},
        pages=_nullable(_INT),
    ),
    "Request": _obj(
        ["id", "name", "status"],
        id=_INT,
        name=_str(),
        url=_str(),
        reason=_str(),
        class_name=_str(),
        grade=_str(),
        status=_str(enum=[s.value for s in RequestStatus]),
        decision_note=_str(description="The privacy officer's answer, shown to the teacher."),
        decided_at=_TIME,
        created_at=_TIME,
        app_id=_nullable(_INT),
        requested_by=_str(format="email"),
    ),
    "Notification": _obj(
        ["id", "message", "read"],
        id=_INT,
        message=_str(),
        link=_str(),
        read=_BOOL,
        created_at=_TIME,
    ),
    "Token": _obj(
        ["id", "name", "prefix", "revoked"],
        id=_INT,
        name=_str(),
        prefix=_str(description="The first characters of the token, to tell tokens apart."),
        created_at=_TIME,
        last_used_at=_TIME,
        revoked=_BOOL,
    ),
    "User": _obj(
        ["id", "email", "name", "role", "active"],
        id=_INT,
        email=_str(format="email"),
        name=_str(),
        role=_str(enum=[r.value for r in Role]),
        active=_BOOL,
        has_password=_BOOL,
    ),
}

_ERRORS = {
    "400": "The request could not be read.",
    "401": "No valid token or session.",
    "403": "The role does not allow this (or the CSRF check failed for a browser session).",
    "404": "Not found in your district.",
    "409": "Conflicts with the current state (stale edit, duplicate upload, last admin).",
    "422": "The input is invalid; `errors` names the field.",
}


def _envelope(**props: Schema) -> Schema:
    return {"type": "object", "required": ["ok", *props], "properties": {"ok": _OK, **props}}


def _json(schema: Schema) -> Schema:
    return {"content": {"application/json": {"schema": schema}}}


def _op(
    op_id: str,
    summary: str,
    *,
    ok: Schema,
    ok_status: str = "200",
    body: Schema | None = None,
    params: list[Schema] | None = None,
    errors: tuple[str, ...] = ("401", "403", "404", "422"),
    public: bool = False,
    multipart: bool = False,
) -> Schema:
    operation: Schema = {
        "operationId": op_id,
        "summary": summary,
        "responses": {ok_status: {"description": "Success", **_json(ok)}},
    }
    for code in errors:
        operation["responses"][code] = {"$ref": f"#/components/responses/E{code}"}
    if params:
        operation["parameters"] = params
    if body is not None:
        media = "multipart/form-data" if multipart else "application/json"
        operation["requestBody"] = {"required": True, "content": {media: {"schema": body}}}
    if public:
        operation["security"] = []
    return operation


def _path_param(name: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": _INT}


def _query(name: str, description: str, schema: Schema | None = None) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or _str(),
    }


def _paging() -> tuple[list[Schema], dict[str, Schema]]:
    """Query parameters and response fields of a paged list (see web/paging.py)."""
    params = [
        _query(
            "limit",
            f"Items per response (default {API_LIMIT})",
            {"type": "integer", "minimum": 1, "maximum": API_MAX_LIMIT, "default": API_LIMIT},
        ),
        _query("offset", "Items to skip", {"type": "integer", "minimum": 0, "default": 0}),
    ]
    fields = {
        "total": {**_INT, "description": "Every item that matches, over all pages"},
        "limit": _INT,
        "offset": _INT,
    }
    return params, fields


def _paths() -> dict[str, Schema]:
    paging, paged = _paging()
    app_ok = _envelope(app=_ref("App"))
    agreement_ok = _envelope(agreement=_ref("Agreement"))
    user_ok = _envelope(user=_ref("User"))
    apps_list = _envelope(
        apps={"type": "array", "items": _ref("App")},
        denied={"type": "array", "items": _ref("DeniedApp")},
        **paged,
    )
    app_body = _obj(
        ["name", "vendor"],
        name=_str(maxLength=200),
        vendor=_str(maxLength=200),
        url=_str(),
        description=_str(),
        grades=_str(description='e.g. "K-5" or "9-12"'),
        subjects=_str(),
        under_13=_BOOL,
        data_elements={"type": "array", "items": _str()},
    )
    upload_body = _obj(
        ["file", "kind"],
        file=_str(contentMediaType="application/octet-stream"),
        kind=_str(enum=[k.value for k in AgreementKind]),
        signed_on=_str(format="date"),
        expires_on=_str(format="date"),
        is_public=_str(enum=["on", "1", "true", "yes"]),
    )
    return {
        "/api/health": {
            "get": _op("health", "Is the service up", ok=_envelope(), errors=(), public=True)
        },
        "/api/openapi.json": {
            "get": _op("openapi", "This document", ok={"type": "object"}, errors=(), public=True)
        },
        "/api/me": {
            "get": _op(
                "me",
                "Who the token or session acts as",
                ok=_envelope(
                    user=_obj(
                        ["id", "email", "role", "district_id"],
                        id=_INT,
                        email=_str(),
                        name=_str(),
                        role=_str(enum=[r.value for r in Role]),
                        district_id=_INT,
                    )
                ),
                errors=("401",),
            )
        },
        "/api/apps": {
            "get": _op(
                "listApps",
                "Search apps: teachers get approved apps (and denied ones matching `q`, "
                "with the reason and an alternative); officers and admins get every app",
                ok=apps_list,
                params=[
                    _query("q", "Words in the name, vendor, description or subjects"),
                    _query("subject", "A subject, e.g. Science"),
                    _query("grade", "A grade: PK, K or 1-12"),
                    _query(
                        "status",
                        "Only apps of this status (officers and admins)",
                        _str(enum=[s.value for s in AppStatus]),
                    ),
                    *paging,
                ],
                errors=("401", "403", "422"),
            ),
            "post": _op(
                "createApp",
                "Add an app and open its review (privacy officers)",
                ok=app_ok,
                ok_status="201",
                body=app_body,
            ),
        },
        "/api/apps/{app_id}": {
            "parameters": [_path_param("app_id")],
            "get": _op("getApp", "An app with its status and conditions", ok=app_ok),
        },
        "/api/apps/{app_id}/status": {
            "parameters": [_path_param("app_id")],
            "post": _op(
                "changeStatus",
                "Decide an app's status (privacy officers)",
                ok=app_ok,
                body=_obj(
                    ["to"],
                    to=_str(enum=[s.value for s in AppStatus]),
                    conditions=_str(),
                    note=_str(),
                    expected_version=_nullable(_INT),
                ),
                errors=("401", "403", "404", "409", "422"),
            ),
        },
        "/api/apps/{app_id}/agreements": {
            "parameters": [_path_param("app_id")],
            "get": _op(
                "listAgreements",
                "The agreements of an app (privacy officers)",
                ok=_envelope(agreements={"type": "array", "items": _ref("Agreement")}),
            ),
            "post": _op(
                "uploadAgreement",
                "Upload an agreement; it is read and checked before the response",
                ok=agreement_ok,
                ok_status="201",
                body=upload_body,
                multipart=True,
                errors=("401", "403", "404", "409", "422"),
            ),
        },
        "/api/agreements/{agreement_id}": {
            "parameters": [_path_param("agreement_id")],
            "get": _op(
                "getAgreement", "An agreement with its findings and clauses", ok=agreement_ok
            ),
        },
        "/api/findings/{finding_id}/override": {
            "parameters": [_path_param("finding_id")],
            "post": _op(
                "overrideFinding",
                "Record an officer's outcome for a finding, with a reason",
                ok=_envelope(finding=_ref("Finding")),
                body=_obj(["outcome", "reason"], outcome=_str(enum=OUTCOMES), reason=_str()),
            ),
        },
        "/api/requests": {
            "get": _op(
                "listRequests",
                "App requests: a teacher's own; the district's for officers",
                ok=_envelope(requests={"type": "array", "items": _ref("Request")}, **paged),
                params=[
                    _query("mine", "Only my own requests", _str(enum=["1", "true"])),
                    *paging,
                ],
                errors=("401", "403"),
            ),
            "post": _op(
                "createRequest",
                "Ask for an app to be reviewed",
                ok=_envelope(request=_ref("Request")),
                ok_status="201",
                body=_obj(
                    ["name"],
                    name=_str(maxLength=200),
                    url=_str(),
                    reason=_str(),
                    class_name=_str(),
                    grade=_str(),
                ),
                errors=("401", "403", "422"),
            ),
        },
        "/api/requests/{request_id}/decline": {
            "parameters": [_path_param("request_id")],
            "post": _op(
                "declineRequest",
                "Decline an open request; the teacher is notified (privacy officers)",
                ok=_envelope(request=_ref("Request")),
                body=_obj([], note=_str(description="Shown to the teacher")),
            ),
        },
        "/api/notifications": {
            "get": _op(
                "listNotifications",
                "My notifications, newest first (the 200 newest at most)",
                ok=_envelope(
                    notifications={"type": "array", "items": _ref("Notification")},
                    unread=_INT,
                    **paged,
                ),
                params=[_query("unread", "Only unread ones", _str(enum=["1", "true"])), *paging],
                errors=("401",),
            )
        },
        "/api/notifications/read": {
            "post": _op(
                "readNotifications",
                "Mark one notification (`id`) or all of them read",
                ok=_envelope(marked=_INT, unread=_INT),
                body=_obj([], id=_nullable(_INT)),
                errors=("401", "404", "422"),
            )
        },
        "/api/tokens": {
            "get": _op(
                "listTokens",
                "My API tokens in this district",
                ok=_envelope(tokens={"type": "array", "items": _ref("Token")}),
                errors=("401",),
            ),
            "post": _op(
                "createToken",
                "Create a token; `secret` is shown only in this response",
                ok=_envelope(token=_ref("Token"), secret=_str()),
                ok_status="201",
                body=_obj(["name"], name=_str(maxLength=100)),
                errors=("401", "422"),
            ),
        },
        "/api/tokens/{token_id}/revoke": {
            "parameters": [_path_param("token_id")],
            "post": _op(
                "revokeToken",
                "Revoke one of my tokens",
                ok=_envelope(token=_ref("Token")),
                errors=("401", "404"),
            ),
        },
        "/api/users": {
            "get": _op(
                "listUsers",
                "People with a role in the district (admins)",
                ok=_envelope(users={"type": "array", "items": _ref("User")}),
                errors=("401", "403"),
            ),
            "post": _op(
                "createUser",
                "Give a person a role; without `password`, a one-time set-password link "
                "is returned (admins)",
                ok=_envelope(user=_ref("User"), set_password_url=_str(format="uri")),
                ok_status="201",
                body=_obj(
                    ["email", "name", "role"],
                    email=_str(format="email"),
                    name=_str(),
                    role=_str(enum=[r.value for r in Role]),
                    password=_str(minLength=10),
                ),
                errors=("401", "403", "409", "422"),
            ),
        },
        "/api/users/{user_id}/role": {
            "parameters": [_path_param("user_id")],
            "post": _op(
                "changeRole",
                "Change a person's role (admins; the last admin cannot be demoted)",
                ok=user_ok,
                body=_obj(["role"], role=_str(enum=[r.value for r in Role])),
                errors=("401", "403", "404", "409", "422"),
            ),
        },
        "/api/users/{user_id}/deactivate": {
            "parameters": [_path_param("user_id")],
            "post": _op(
                "deactivateUser",
                "Take a person's access to the district away (admins); `user` is null when "
                "they keep roles in other districts",
                ok=_envelope(user=_nullable(_ref("User"))),
                errors=("401", "403", "404", "409"),
            ),
        },
        "/api/users/{user_id}/reactivate": {
            "parameters": [_path_param("user_id")],
            "post": _op(
                "reactivateUser",
                "Give a deactivated person their access back (admins)",
                ok=user_ok,
                errors=("401", "403", "404"),
            ),
        },
    }


@cache
def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Student Privacy Registry API",
            "version": "1",
            "description": (
                "Every action of the web app, as JSON. Authenticate with a personal token "
                "(create one at /account/tokens) sent as `Authorization: Bearer <token>`; "
                "it acts as you, in the token's district, with your current role. Errors "
                "have one shape: `Error`."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token (starts with rgy_).",
                }
            },
            "schemas": SCHEMAS,
            "responses": {
                f"E{code}": {"description": text, **_json(_ref("Error"))}
                for code, text in _ERRORS.items()
            },
        },
    }
