"""Jinja2 templates, filters and the one `render` helper every page uses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from web.auth import ACTOR_SCOPE_KEY
from web.csrf import CSRF_FIELD, csrf_token

__all__ = ["render", "templates"]

TEMPLATE_DIR = Path(__file__).parent / "templates"

templates = Jinja2Templates(directory=TEMPLATE_DIR)


def _label(value: object) -> str:
    """`approved_with_conditions` -> `approved with conditions`."""
    text = getattr(value, "value", value)
    return str(text or "").replace("_", " ")


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _http_url(value: object) -> str:
    """Only http(s) links are rendered as links (no `javascript:` from user input)."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


def _csrf_input(request: Request) -> Markup:
    token = escape(csrf_token(request))
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{token}">')  # noqa: S704


templates.env.filters["label"] = _label
templates.env.filters["day"] = _day
templates.env.filters["http_url"] = _http_url
templates.env.globals["csrf_input"] = _csrf_input


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    """Render a page; the signed-in actor (when known) is available as `actor`."""
    data: dict[str, Any] = {"actor": request.scope.get(ACTOR_SCOPE_KEY)}
    data.update(context or {})
    return templates.TemplateResponse(request, name, data, status_code=status_code)
