"""Jinja2 templates, filters and the one `render` helper every page uses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from web import i18n
from web.auth import ACTOR_SCOPE_KEY
from web.csrf import CSRF_FIELD, csrf_token

__all__ = ["render", "templates"]

TEMPLATE_DIR = Path(__file__).parent / "templates"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=jinja2.select_autoescape(),
    extensions=["jinja2.ext.i18n"],
)
# Every user-visible string in a template is written `{{ _("...") }}`; `_` looks up the
# catalog of the language `render()` activated for the request (web.i18n).
_env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
)
templates = Jinja2Templates(env=_env)


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
templates.env.filters["long_date"] = i18n.long_date
templates.env.globals["csrf_input"] = _csrf_input
templates.env.globals["LANGUAGES"] = i18n.LANGUAGES


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    """Render a page in the request's language; the signed-in actor is `actor`.

    A `?lang=` choice is remembered in a cookie; responses vary by the headers that pick
    the language, so a shared cache never serves one reader's language to another.
    """
    with i18n.use(i18n.negotiate(request)) as lang:
        data: dict[str, Any] = {
            "actor": request.scope.get(ACTOR_SCOPE_KEY),
            "lang": lang,
            "lang_links": _lang_links(request),
        }
        data.update(context or {})
        response = templates.TemplateResponse(request, name, data, status_code=status_code)
    response.headers.append("Vary", "Accept-Language, Cookie")
    chosen = i18n.requested(request)
    if chosen:
        response.set_cookie(
            i18n.COOKIE, chosen, max_age=i18n.COOKIE_MAX_AGE, samesite="lax", httponly=True
        )
    return response


def _lang_links(request: Request) -> dict[str, str]:
    """The current page's URL in each language (the language switch)."""
    links = {}
    for lang in i18n.LANGUAGES:
        url = request.url.include_query_params(lang=lang)
        links[lang] = f"{url.path}?{url.query}"
    return links
