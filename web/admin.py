"""The district rules page (/admin/packs): shipped packs to enable, the district's own packs
and an editor for them. Admins only; every save re-checks the district and shows the report.

Plain HTML forms (no JavaScript): each POST renders the page again with its outcome.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from registry import packs
from registry.errors import ConflictError, InvalidInputError
from registry.recheck import RecheckReport
from registry.scoping import Actor, require_role
from registry.status import Role
from web.auth import require_actor
from web.errors import status_for
from web.forms import submitted_form
from web.templating import render

__all__ = [
    "edit_pack",
    "new_pack",
    "packs_page",
    "save_pack",
    "set_pack_enabled",
    "set_shipped",
]

MAX_SOURCE = 200_000  # characters; a district pack is a page or two of YAML


def _starter(state: str, base: str | None) -> str:
    """What the editor holds for a new pack: a valid pack that changes nothing yet."""
    extends = base or "federal"
    return (
        "id: district-my-district\n"
        "title: Our district's additions\n"
        'version: "1.0.0"\n'
        "effective: 2025-07-01\n"
        f"jurisdiction: US-{state}\n"
        f"extends: {extends}\n"
        "# overrides:\n"
        "#   us-ny.part121.breach-7d:\n"
        "#     value: 48\n"
        "# cases:\n"
        "#   us-ny.part121.breach-7d:\n"
        "#     - name: two-days\n"
        "#       clauses: [{label: breach_notification, stance: requires,"
        " attributes: {deadline_hours: 48}}]\n"
        "#       expect: pass\n"
    )


async def _admin(request: Request) -> Actor:
    actor = await require_actor(request)
    require_role(actor, Role.ADMIN)  # the page is the admins'; officers read via the API
    return actor


async def _render(
    request: Request,
    actor: Actor,
    *,
    status_code: int = 200,
    editing: Any = None,
    **extra: Any,
) -> Response:
    overview = await packs.pack_overview(actor)
    base = next((p.id for p in overview.shipped if p.id in overview.defaults), None)
    context: dict[str, Any] = {
        "overview": overview,
        "editing": editing,
        "source": editing.source
        if editing is not None
        else _starter(overview.district.state, base),
        "version": editing.version if editing is not None else "",
    }
    context.update(extra)
    return render(request, "admin/packs.html", context, status_code=status_code)


async def packs_page(request: Request) -> Response:
    actor = await _admin(request)
    return await _render(request, actor)


async def new_pack(request: Request) -> Response:
    actor = await _admin(request)
    return await _render(request, actor)


async def edit_pack(request: Request) -> Response:
    actor = await _admin(request)
    row = await packs.get_district_pack(actor, _pack_row_id(request))
    return await _render(request, actor, editing=row)


async def save_pack(request: Request) -> Response:
    """Create (POST /admin/packs/new) or update (POST /admin/packs/{id}) a district pack."""
    actor = await _admin(request)
    row_id = request.path_params.get("pack_row_id")
    editing = await packs.get_district_pack(actor, row_id) if row_id is not None else None
    form = submitted_form(request)
    source = _text(form, "source")
    try:
        if len(source) > MAX_SOURCE:
            raise InvalidInputError(f"The pack is longer than {MAX_SOURCE} characters.")
        result = await packs.save_district_pack(
            actor, source=source, pack_row_id=row_id, version=_version(form)
        )
    except (InvalidInputError, ConflictError) as exc:
        return await _render(
            request,
            actor,
            status_code=status_for(exc),
            editing=editing,
            source=source,
            version=_text(form, "version"),
            error=exc.message,
            error_line=getattr(exc, "line", None),
        )
    return await _render(
        request, actor, editing=result.pack, report=result.report, saved=result.pack
    )


async def set_pack_enabled(request: Request) -> Response:
    actor = await _admin(request)
    enabled = _text(submitted_form(request), "enabled") == "1"
    try:
        report = await packs.set_district_pack_enabled(
            actor, _pack_row_id(request), enabled=enabled
        )
    except (InvalidInputError, ConflictError) as exc:
        return await _render(request, actor, status_code=status_for(exc), packs_error=exc.message)
    return await _render(request, actor, report=report, notice=_notice(report))


async def set_shipped(request: Request) -> Response:
    actor = await _admin(request)
    chosen = [v for v in submitted_form(request).getlist("pack") if isinstance(v, str)]
    try:
        report = await packs.set_shipped_packs(actor, chosen)
    except InvalidInputError as exc:
        return await _render(request, actor, status_code=422, shipped_error=exc.message)
    return await _render(request, actor, report=report, notice=_notice(report))


def _notice(report: RecheckReport) -> str:
    return f"Saved. {report.agreements} agreements re-checked."


def _pack_row_id(request: Request) -> int:
    value = request.path_params["pack_row_id"]
    assert isinstance(value, int)  # noqa: S101 - the route declares `:int`
    return value


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _version(form: FormData) -> int | None:
    value = _text(form, "version").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInputError("The form's version is not a number; reload the page.")
    return int(value)
