"""Teachers' pages: search the district's approved apps, request new ones, see decisions.

Handlers stay thin: read input, call one registry use case, render.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from registry import catalog
from registry.errors import InvalidInputError
from registry.scoping import Actor
from web.auth import require_actor
from web.forms import parse_request, submitted_form
from web.paging import page_link, page_of
from web.templating import render

__all__ = ["GRADE_CHOICES", "request_app", "requests_page", "search_apps"]

GRADE_CHOICES = ("PK", "K", *(str(n) for n in range(1, 13)))
PAGE_SIZE = 50  # approved apps per page of the teachers' search


def _query(request: Request, name: str, limit: int = 200) -> str:
    return request.query_params.get(name, "").strip()[:limit]


async def search_apps(request: Request) -> Response:
    actor = await require_actor(request)
    q, subject, grade = _query(request, "q"), _query(request, "subject"), _query(request, "grade")
    context: dict[str, Any] = {
        "q": q,
        "subject": subject,
        "grade": grade,
        "grades": GRADE_CHOICES,
    }
    status_code = 200
    try:
        result = await catalog.search_for_teacher(actor, q, subject=subject, grade=grade)
    except InvalidInputError as exc:
        result = await catalog.search_for_teacher(actor, q, subject=subject)
        context["error"] = exc.message
        status_code = 422
    page = page_of(result.approved, request.query_params.get("page"), PAGE_SIZE)
    kept = {k: v for k, v in (("q", q), ("subject", subject), ("grade", grade)) if v}
    context.update(
        records=page.items,
        page=page,
        page_url=page_link("/apps", kept),
        denied=result.denied,
        subjects=result.subjects,
        filtered=bool(q or subject or grade),
    )
    return render(request, "teacher/search.html", context, status_code=status_code)


async def _render_requests(
    request: Request, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {
        "requests": await catalog.list_requests(actor, mine=True),
        "prefill": _query(request, "name"),
    }
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
    return RedirectResponse("/requests?sent=1", status_code=303)
