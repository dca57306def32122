"""HTML pages: officer desk, app and agreement review, teacher search and requests, login.

Handlers stay thin: read input through `web.forms`, call one registry use case, render.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from registry import accounts, agreements, catalog, events, reviews
from registry.errors import (
    AuthenticationError,
    DuplicateUploadError,
    InvalidInputError,
    InvalidTransitionError,
    InvalidUploadError,
    StaleEditError,
)
from registry.runtime import Runtime
from registry.scoping import Actor
from registry.status import TRANSITIONS, AgreementKind, AppStatus, RequestStatus, Role
from web.auth import current_actor, require_actor, safe_next, sign_in, sign_out
from web.errors import status_for
from web.forms import (
    parse_app,
    parse_decision,
    parse_login,
    parse_override,
    parse_request,
    parse_upload,
    submitted_form,
)
from web.templating import render

__all__ = [
    "agreement_page",
    "app_page",
    "change_status",
    "create_app",
    "decline_request",
    "desk",
    "home",
    "login",
    "login_form",
    "logout",
    "override_finding",
    "request_app",
    "requests_page",
    "search_apps",
    "upload",
]

OUTCOME_ORDER = ("fail", "needs_review", "missing", "pass", "waived")
OVERRIDE_OUTCOMES = reviews.OUTCOMES


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


# -- privacy officer -----------------------------------------------------------------------


async def _desk_context(actor: Actor) -> dict[str, Any]:
    records = await catalog.list_district_apps(actor)
    counts = Counter(r.status.value for r in records)
    requests = [r for r in await catalog.list_requests(actor) if r.status is RequestStatus.OPEN]
    return {
        "records": records,
        "counts": [(s, counts.get(s.value, 0)) for s in AppStatus],
        "requests": requests,
    }


async def desk(request: Request) -> Response:
    actor = await require_actor(request)
    return render(request, "apps/desk.html", await _desk_context(actor))


async def create_app(request: Request) -> Response:
    actor = await require_actor(request)
    data = parse_app(submitted_form(request))
    try:
        app = await catalog.create_app(
            actor,
            name=data.name,
            vendor_name=data.vendor,
            url=data.url,
            description=data.description,
            grades=data.grades,
            subjects=data.subjects,
            under_13=data.under_13,
        )
    except InvalidInputError as exc:
        context = await _desk_context(actor)
        context.update(error=exc.message, form=data)
        return render(request, "apps/desk.html", context, status_code=422)
    return _see_other(f"/apps/{app.id}")


async def _app_context(actor: Actor, app_id: int) -> dict[str, Any]:
    app = await catalog.app_in_district(actor, app_id)
    record = await reviews.get_status(actor, app_id)
    status = AppStatus(record.status)
    return {
        "app": app,
        "record": record,
        "next_statuses": sorted(TRANSITIONS[status], key=list(AppStatus).index),
        "agreements": await agreements.list_agreements(actor, app_id),
        "data_elements": await catalog.app_data_elements(actor, app_id),
        "events": await events.list_events(actor, subject_type="app", subject_id=app_id),
        "kinds": list(AgreementKind),
    }


async def _render_app(
    request: Request, actor: Actor, app_id: int, *, status_code: int = 200, **extra: Any
) -> Response:
    context = await _app_context(actor, app_id)
    context.update(extra)
    return render(request, "apps/app.html", context, status_code=status_code)


async def app_page(request: Request) -> Response:
    actor = await require_actor(request)
    return await _render_app(request, actor, _path_int(request, "app_id"))


async def upload(request: Request) -> Response:
    actor = await require_actor(request)
    app_id = _path_int(request, "app_id")
    # Role and scope first, so nobody else learns anything from the upload's errors.
    await catalog.app_in_district(actor, app_id)
    await reviews.get_status(actor, app_id)
    runtime = runtime_of(request)
    max_bytes = runtime.settings.max_upload_bytes
    try:
        data = await parse_upload(submitted_form(request), max_bytes=max_bytes)
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
        return await _render_app(
            request,
            actor,
            app_id,
            status_code=409,
            upload_error=exc.message,
            duplicate_of=exc.agreement_id,
        )
    except InvalidUploadError as exc:
        message = exc.message
        if exc.reason != "too_large":
            message = (
                f"{exc.message} Nothing was added. Check that the file is the complete PDF "
                "(or text) of the agreement and upload it again."
            )
        return await _render_app(request, actor, app_id, status_code=422, upload_error=message)
    except InvalidInputError as exc:
        return await _render_app(request, actor, app_id, status_code=422, upload_error=exc.message)
    return _see_other(f"/agreements/{agreement.id}")


async def change_status(request: Request) -> Response:
    actor = await require_actor(request)
    app_id = _path_int(request, "app_id")
    await catalog.app_in_district(actor, app_id)
    try:
        data = parse_decision(submitted_form(request))
        await reviews.change_status(
            actor,
            app_id,
            to=data.to,
            conditions=data.conditions,
            note=data.note,
            expected_version=data.expected_version,
        )
    except (StaleEditError, InvalidInputError, InvalidTransitionError) as exc:
        return await _render_app(
            request, actor, app_id, status_code=status_for(exc), decision_error=exc.message
        )
    return _see_other(f"/apps/{app_id}")


def _outcome(finding: Any) -> str:
    return str(finding.override_outcome or finding.outcome)


async def agreement_page(request: Request) -> Response:
    actor = await require_actor(request)
    agreement = await agreements.get_agreement(actor, _path_int(request, "agreement_id"))
    findings = list(agreement.findings)  # type: ignore[attr-defined]
    groups = [
        (outcome, [f for f in findings if _outcome(f) == outcome]) for outcome in OUTCOME_ORDER
    ]
    extractions = list(agreement.extractions)  # type: ignore[attr-defined]
    clauses = [c for e in extractions for c in e.clauses]
    clauses.sort(key=lambda c: (c.page, c.start))
    return render(
        request,
        "reviews/agreement.html",
        {
            "agreement": agreement,
            "groups": [g for g in groups if g[1]],
            "finding_count": len(findings),
            "clauses": clauses,
            "extraction": extractions[-1] if extractions else None,
            "outcomes": OVERRIDE_OUTCOMES,
        },
    )


async def override_finding(request: Request) -> Response:
    actor = await require_actor(request)
    data = parse_override(submitted_form(request))
    finding = await reviews.override_finding(
        actor, _path_int(request, "finding_id"), outcome=data.outcome, reason=data.reason
    )
    agreement_id = finding.agreement_id  # type: ignore[attr-defined]
    return _see_other(f"/agreements/{agreement_id}#finding-{finding.id}")


async def decline_request(request: Request) -> Response:
    actor = await require_actor(request)
    await catalog.decline_request(actor, _path_int(request, "request_id"))
    return _see_other("/desk#requests")


# -- teacher -------------------------------------------------------------------------------


async def search_apps(request: Request) -> Response:
    actor = await require_actor(request)
    query = request.query_params.get("q", "").strip()
    records = await catalog.search_approved(actor, query)
    return render(request, "teacher/search.html", {"records": records, "q": query})


async def _render_requests(
    request: Request, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {"requests": await catalog.list_requests(actor, mine=True)}
    context.update(extra)
    return render(request, "teacher/requests.html", context, status_code=status_code)


async def requests_page(request: Request) -> Response:
    actor = await require_actor(request)
    return await _render_requests(request, actor, sent=request.query_params.get("sent") == "1")


async def request_app(request: Request) -> Response:
    actor = await require_actor(request)
    data = parse_request(submitted_form(request))
    try:
        await catalog.request_app(
            actor,
            name=data.name,
            url=data.url,
            reason=data.reason,
            class_name=data.class_name,
            grade=data.grade,
        )
    except InvalidInputError as exc:
        return await _render_requests(request, actor, status_code=422, error=exc.message, form=data)
    return _see_other("/requests?sent=1")
