"""Languages: the request's locale, its gettext catalog, and `_` for templates and code.

The catalogs are compiled Babel/gettext files under web/locale/<lang>/LC_MESSAGES/, loaded
once at import. A request's language is `?lang=` (remembered in a cookie), else the cookie,
else the browser's Accept-Language, else English. `render()` activates it for the template;
code outside a template calls `activate(request)` or `use(lang)` before `gettext`.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from starlette.requests import Request

__all__ = [
    "COOKIE",
    "DATA_ELEMENT_TEXT",
    "DEFAULT",
    "LANGUAGES",
    "N_",
    "activate",
    "current",
    "gettext",
    "long_date",
    "negotiate",
    "ngettext",
    "requested",
    "use",
]

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
# code -> the language's own name, shown in the switch
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def _load(lang: str) -> _gettext.NullTranslations:
    if lang == DEFAULT:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang])


# Fail at load time: a missing catalog is a packaging error, not a request-time surprise.
_CATALOGS: dict[str, _gettext.NullTranslations] = {lang: _load(lang) for lang in LANGUAGES}
_current: ContextVar[str] = ContextVar("web_i18n_lang", default=DEFAULT)


def N_(message: str) -> str:  # noqa: N802 - the conventional name extractors look for
    """Mark a string for extraction without translating it now (translate when shown)."""
    return message


def current() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return _CATALOGS[_current.get()].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _CATALOGS[_current.get()].ngettext(singular, plural, n)


@contextmanager
def use(lang: str) -> Iterator[str]:
    """Translate into `lang` inside the block (an unknown code falls back to English)."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def requested(request: Request) -> str | None:
    """A valid `?lang=` on this request, which the response should remember."""
    value = request.query_params.get("lang", "").strip().lower()
    return value if value in LANGUAGES else None


def negotiate(request: Request) -> str:
    """`?lang=`, then the cookie, then Accept-Language (by q weight), then English."""
    chosen = requested(request)
    if chosen:
        return chosen
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return cookie
    return best_match(request.headers.get("accept-language", ""))


def best_match(header: str) -> str:
    """The best of our languages for an Accept-Language header (`es-MX,es;q=0.9,en;q=0.5`)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            weighted.append((-quality, position, primary))
    return min(weighted)[2] if weighted else DEFAULT


def activate(request: Request) -> str:
    """Set the request's language for `gettext` in the current context; returns it."""
    lang = negotiate(request)
    _current.set(lang)
    return lang


def long_date(value: date | None) -> str:
    """`25 November 2026` / `25 de noviembre de 2026`; an em dash when unknown."""
    if value is None:
        return "—"
    return _long_date(value, _current.get())


@lru_cache(maxsize=4096)
def _long_date(value: date, lang: str) -> str:
    return format_date(value, format="long", locale=lang)  # slow-ish: Babel builds a pattern


# Student data in words a parent understands, keyed by the taxonomy's data element ids
# (the NDPA Exhibit B categories). Translated when shown.
DATA_ELEMENT_TEXT: dict[str, str] = {
    "application_technology_meta_data": N_(
        "Technical details of the device and browser, such as the IP address"
    ),
    "application_use_statistics": N_("How and when your child uses the app"),
    "assessment": N_("Test, quiz and assessment results"),
    "attendance": N_("Attendance records"),
    "communications": N_("Messages your child sends or receives in the app"),
    "conduct": N_("Behaviour and discipline records"),
    "demographics": N_("Date of birth, gender, language and similar background details"),
    "enrollment": N_("School, grade and class your child is enrolled in"),
    "parent_guardian_contact_information": N_("Your contact details (email, phone, address)"),
    "parent_guardian_id": N_("An ID number for you as parent or guardian"),
    "parent_guardian_name": N_("Your name as parent or guardian"),
    "schedule": N_("Your child's class schedule"),
    "special_indicator": N_("Special education, disability, health or other special status"),
    "student_contact_information": N_("Your child's email, address or phone number"),
    "student_identifiers": N_("Your child's name, student ID number or username"),
    "student_in_app_performance": N_("Progress and scores inside the app"),
    "student_program_membership": N_(
        "Programs your child takes part in, such as gifted or English learner programs"
    ),
    "student_survey_responses": N_("Answers your child gives to surveys"),
    "student_work": N_("Your child's work: assignments, essays, projects"),
    "transcript": N_("Grades and transcripts"),
    "transportation": N_("School bus and transportation details"),
    "other": N_("Other information"),
}
