"""The privacy officer's pages: desk, app (upload, edit, decision), agreement review.

Handlers stay thin: parse input (web.forms, web.officer_forms), call registry use cases
(which check role and district), render. Every form works without JavaScript;
static/officer.js only adds drag and drop with progress to the upload form.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from registry import agreements, catalog, events, evidence, reviews
from registry import desk as desk_model
from registry.corrections import STANCES_BY_LABEL, clause_context, correct_clause
from registry.errors import (
    DuplicateUploadError,
    InvalidInputError,
    InvalidTransitionError,
    InvalidUploadError,
    StaleEditError,
)
from registry.runtime import Runtime
from registry.scoping import Actor
from registry.status import TRANSITIONS, AgreementKind, AppStatus
from registry.taxonomy import DATA_ELEMENT_IDS, data_element_name
from web.auth import require_actor
from web.errors import status_for
from web.forms import parse_app, parse_override, submitted_form
from web.officer_forms import (
    FileUpload,
    UploadBatch,
    parse_app_edit,
    parse_correction,
    parse_decision,
    parse_upload_batch,
    wants_json,
)
from web.templating import render

__all__ = [
    "accept_finding",
    "agreement_page",
    "app_page",
    "change_status",
    "correct_clause_form",
    "create_app",
    "decline_request",
    "desk",
    "edit_app",
    "override_finding",
    "page_image",
    "replace_agreement",
    "upload",
]


def _runtime(request: Request) -> Runtime:
    runtime = request.state.runtime
    assert isinstance(runtime, Runtime)  # noqa: S101 - set by the lifespan, never by input
    return runtime


def _limits(runtime: Runtime) -> agreements.ReadLimits:
    return agreements.ReadLimits(
        timeout=runtime.settings.read_timeout, memory_bytes=runtime.settings.read_memory_bytes
    )


def _cache(runtime: Runtime) -> evidence.PageImageCache:
    return evidence.PageImageCache(runtime.settings.var_dir / "page-images")


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _path_int(request: Request, name: str) -> int:
    value = request.path_params[name]
    assert isinstance(value, int)  # noqa: S101 - routes declare `:int` converters
    return value


def _query_int(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() else None


# -- desk ----------------------------------------------------------------------------------


async def _render_desk(
    request: Request, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    data = await desk_model.load_desk(actor, today=date.today())
    context: dict[str, Any] = {"desk": data, "chart": _chart(data)}
    context.update(extra)
    return render(request, "apps/desk.html", context, status_code=status_code)


def _chart(data: desk_model.Desk) -> dict[str, Any]:
    """Bars for the expiry chart, in SVG user units (the template draws them)."""
    counts = data.expiry_counts
    top = max([c for _, c in counts] + [1])
    bars = []
    for index, (bucket, count) in enumerate(counts):
        height = round(100 * count / top, 1)
        bars.append(
            {"bucket": bucket, "count": count, "x": 20 + index * 70, "height": height,
             "y": 120 - height}
        )  # fmt: skip
    return {"bars": bars, "total": sum(c for _, c in counts)}


async def desk(request: Request) -> Response:
    actor = await require_actor(request)
    return await _render_desk(request, actor)


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
        return await _render_desk(request, actor, status_code=422, error=exc.message, form=data)
    return _see_other(f"/apps/{app.id}")


async def decline_request(request: Request) -> Response:
    actor = await require_actor(request)
    note = submitted_form(request).get("note")
    await catalog.decline_request(
        actor, _path_int(request, "request_id"), note=note if isinstance(note, str) else ""
    )
    return _see_other("/desk#requests")


# -- app -----------------------------------------------------------------------------------


async def _app_context(actor: Actor, app_id: int) -> dict[str, Any]:
    app = await catalog.app_in_district(actor, app_id)
    record = await reviews.get_status(actor, app_id)
    status = AppStatus(record.status)
    snapshot = await catalog.edit_snapshot(actor, app_id)
    return {
        "app": app,
        "record": record,
        "next_statuses": sorted(TRANSITIONS[status], key=list(AppStatus).index),
        "agreements": await agreements.list_agreements(actor, app_id),
        "data_elements": await catalog.app_data_elements(actor, app_id),
        "all_elements": sorted((e, data_element_name(e)) for e in DATA_ELEMENT_IDS),
        "snapshot": snapshot,
        "alternatives": await reviews.approved_alternatives(actor, app_id),
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
    saved = request.query_params.get("saved") == "1"
    return await _render_app(request, actor, _path_int(request, "app_id"), saved=saved)


async def _store_one(
    request: Request,
    actor: Actor,
    app_id: int,
    batch: UploadBatch,
    item: FileUpload,
    *,
    replaces_id: int | None = None,
) -> dict[str, Any]:
    """Read, check and store one file; the per-file result the page and the script show."""
    runtime = _runtime(request)
    max_bytes = runtime.settings.max_upload_bytes
    result: dict[str, Any] = {"filename": item.filename, "size": item.size}
    if item.data is None:
        limit = max_bytes / (1024 * 1024)
        return result | {
            "status": "rejected",
            "code": "too_large",
            "message": f"The file is larger than the {limit:g} MB limit.",
        }
    try:
        agreement = await agreements.upload_agreement(
            actor,
            app_id=app_id,
            data=item.data,
            filename=item.filename,
            kind=batch.kind,
            storage=runtime.storage,
            max_bytes=max_bytes,
            nlp=runtime.nlp,
            signed_on=batch.signed_on,
            expires_on=batch.expires_on,
            is_public=batch.is_public,
            limits=_limits(runtime),
            replaces_id=replaces_id,
        )
    except DuplicateUploadError as exc:
        return result | {
            "status": "duplicate",
            "code": exc.code,
            "message": exc.message,
            "agreement_id": exc.agreement_id,
            "url": f"/agreements/{exc.agreement_id}",
        }
    except InvalidUploadError as exc:
        message = exc.message
        if exc.reason != "too_large":
            message = (
                f"{exc.message} Nothing was added. Check that the file is the complete PDF "
                "(or text) of the agreement and upload it again."
            )
        return result | {"status": "rejected", "code": exc.reason, "message": message}
    counts = await agreements.outcome_counts(actor, agreement.id)
    return result | {
        "status": "stored",
        "agreement_id": agreement.id,
        "url": f"/agreements/{agreement.id}",
        "findings": counts,
        "message": "Read and checked.",
    }


async def upload(request: Request) -> Response:
    """One or several files; JSON per-file results for the script, a page otherwise."""
    actor = await require_actor(request)
    app_id = _path_int(request, "app_id")
    # Role and scope first, so nobody else learns anything from the upload's errors.
    await catalog.app_in_district(actor, app_id)
    await reviews.get_status(actor, app_id)
    as_json = wants_json(request.headers.get("accept", ""))
    try:
        batch = await parse_upload_batch(
            submitted_form(request), max_bytes=_runtime(request).settings.max_upload_bytes
        )
    except InvalidInputError as exc:
        if as_json:
            raise
        return await _render_app(request, actor, app_id, status_code=422, upload_error=exc.message)
    results = [await _store_one(request, actor, app_id, batch, item) for item in batch.files]
    if as_json:
        return JSONResponse({"ok": True, "results": results})
    stored = [r for r in results if r["status"] == "stored"]
    if len(results) == 1 and stored:
        return _see_other(stored[0]["url"])
    if len(results) == 1:
        only = results[0]
        code = 409 if only["status"] == "duplicate" else 422
        return await _render_app(
            request,
            actor,
            app_id,
            status_code=code,
            upload_error=only["message"],
            duplicate_of=only.get("agreement_id"),
        )
    return await _render_app(
        request, actor, app_id, status_code=200 if stored else 422, upload_results=results
    )


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
            denial_reason=data.denial_reason,
            alternative_id=data.alternative_id,
            expected_version=data.expected_version,
        )
    except (StaleEditError, InvalidInputError, InvalidTransitionError) as exc:
        return await _render_app(
            request, actor, app_id, status_code=status_for(exc), decision_error=exc.message
        )
    return _see_other(f"/apps/{app_id}#decision")


async def edit_app(request: Request) -> Response:
    actor = await require_actor(request)
    app_id = _path_int(request, "app_id")
    await catalog.app_in_district(actor, app_id)
    edit, fingerprint = parse_app_edit(submitted_form(request))
    try:
        await catalog.update_app(actor, app_id, edit, expected_fingerprint=fingerprint)
    except (StaleEditError, InvalidInputError) as exc:
        return await _render_app(
            request, actor, app_id, status_code=status_for(exc), edit_error=exc.message, edit=edit
        )
    return _see_other(f"/apps/{app_id}?saved=1#edit")


# -- agreement review ----------------------------------------------------------------------


async def _render_review(
    request: Request, actor: Actor, agreement_id: int, *, status_code: int = 200, **extra: Any
) -> Response:
    runtime = _runtime(request)
    review = await evidence.load_review(
        actor,
        agreement_id,
        finding_id=_query_int(request, "finding"),
        page=_query_int(request, "page"),
        storage=runtime.storage,
        cache=_cache(runtime),
        limits=_limits(runtime),
    )
    context: dict[str, Any] = {
        "review": review,
        "agreement": review.agreement,
        "outcomes": reviews.OUTCOMES,
        "stances": STANCES_BY_LABEL,
        "kinds": list(AgreementKind),
    }
    context.update(extra)
    return render(request, "reviews/agreement.html", context, status_code=status_code)


async def agreement_page(request: Request) -> Response:
    actor = await require_actor(request)
    return await _render_review(request, actor, _path_int(request, "agreement_id"))


async def page_image(request: Request) -> Response:
    actor = await require_actor(request)
    runtime = _runtime(request)
    image = await evidence.page_image(
        actor,
        _path_int(request, "agreement_id"),
        _path_int(request, "page"),
        storage=runtime.storage,
        cache=_cache(runtime),
        limits=_limits(runtime),
    )
    return Response(
        image.png,
        media_type="image/png",
        headers={"cache-control": "private, max-age=3600"},
    )


async def override_finding(request: Request) -> Response:
    actor = await require_actor(request)
    finding_id = _path_int(request, "finding_id")
    agreement_id = await reviews.agreement_of_finding(actor, finding_id)
    data = parse_override(submitted_form(request))
    try:
        await reviews.override_finding(actor, finding_id, outcome=data.outcome, reason=data.reason)
    except InvalidInputError as exc:
        return await _render_review(
            request, actor, agreement_id, status_code=422, finding_error=(finding_id, exc.message)
        )
    return _see_other(f"/agreements/{agreement_id}?finding={finding_id}#finding-{finding_id}")


async def accept_finding(request: Request) -> Response:
    actor = await require_actor(request)
    finding_id = _path_int(request, "finding_id")
    agreement_id = await reviews.agreement_of_finding(actor, finding_id)
    data = parse_override(submitted_form(request))
    try:
        await reviews.accept_finding(actor, finding_id, reason=data.reason)
    except InvalidInputError as exc:
        return await _render_review(
            request, actor, agreement_id, status_code=422, finding_error=(finding_id, exc.message)
        )
    return _see_other(f"/agreements/{agreement_id}?finding={finding_id}#finding-{finding_id}")


async def correct_clause_form(request: Request) -> Response:
    actor = await require_actor(request)
    clause_id = _path_int(request, "clause_id")
    agreement_id, current = await clause_context(actor, clause_id)
    try:
        data = parse_correction(submitted_form(request), current)
        _, changes = await correct_clause(
            actor,
            clause_id,
            label=data.label,
            stance=data.stance,
            attributes=data.attributes,
            reason=data.reason,
        )
    except InvalidInputError as exc:
        return await _render_review(
            request, actor, agreement_id, status_code=422, clause_error=(clause_id, exc.message)
        )
    return await _render_review(
        request, actor, agreement_id, corrected=clause_id, correction_changes=changes
    )


async def replace_agreement(request: Request) -> Response:
    actor = await require_actor(request)
    old_id = _path_int(request, "agreement_id")
    old = await agreements.get_agreement(actor, old_id)
    app_id = old.app_id  # type: ignore[attr-defined]
    try:
        batch = await parse_upload_batch(
            submitted_form(request),
            max_bytes=_runtime(request).settings.max_upload_bytes,
            kind_default=AgreementKind(old.kind),
        )
        if len(batch.files) != 1:
            raise InvalidInputError("Replace an agreement with one file.", field="file")
    except InvalidInputError as exc:
        return await _render_review(
            request, actor, old_id, status_code=422, replace_error=exc.message
        )
    result = await _store_one(request, actor, app_id, batch, batch.files[0], replaces_id=old_id)
    if result["status"] == "stored":
        return _see_other(f"{result['url']}#changes")
    code = 409 if result["status"] == "duplicate" else 422
    return await _render_review(
        request, actor, old_id, status_code=code, replace_error=result["message"]
    )
