"""Translations: the committed .mo matches its .po, and every string of the public pages and
the base layout is translated into Spanish (a new English string without its translation fails)."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from starlette.requests import Request

from web import i18n

WEB = Path(__file__).resolve().parents[2] / "web"
PO = WEB / "locale" / "es" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PUBLIC_TEMPLATES = [
    *sorted((WEB / "templates" / "public").glob("*.html")),
    WEB / "templates" / "base.html",
    WEB / "templates" / "errors" / "error.html",
    WEB / "templates" / "_partials" / "_pager.html",
]
PUBLIC_CODE = [WEB / "public.py", WEB / "i18n.py", WEB / "errors.py"]


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="es")


def _public_messages() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for path in PUBLIC_TEMPLATES:
        for _line, message, _comments, _context in extract_from_file(
            "jinja2", str(path), keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
            options={"extensions": "jinja2.ext.i18n"},
        ):  # fmt: skip
            found.add(message)
    for path in PUBLIC_CODE:
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords={"N_": None, "_": None}
        ):
            found.add(message)
    return found


def test_every_public_string_is_translated_into_spanish() -> None:
    catalog = _catalog()
    messages = _public_messages()
    assert len(messages) > 100  # the extractor really read the templates
    missing = []
    for message in messages:
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        if (
            entry is None
            or entry.fuzzy
            or not all(entry.string if isinstance(entry.string, tuple) else (entry.string,))
        ):
            missing.append(key)
    assert not missing, f"run scripts/i18n and translate in {PO}: {sorted(missing)}"


def test_compiled_catalog_matches_the_po_file() -> None:
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for entry in _catalog():
        if not entry.id or entry.fuzzy:
            continue
        if isinstance(entry.id, tuple):
            for n, form in enumerate(entry.string):
                assert compiled.ngettext(entry.id[0], entry.id[1], 1 if n == 0 else 2) == form
        elif entry.string:
            assert compiled.gettext(entry.id) == entry.string, (
                f"{MO.name} is stale: run scripts/i18n compile"
            )


def _request(query: str = "", headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "query_string": query.encode(), "headers": raw})


def test_language_choice_order() -> None:
    assert i18n.negotiate(_request()) == "en"
    assert i18n.negotiate(_request(headers={"Accept-Language": "es-US,es;q=0.9"})) == "es"
    assert i18n.negotiate(_request(headers={"Accept-Language": "fr,en;q=0.2,es;q=0.5"})) == "es"
    assert i18n.negotiate(_request(headers={"Accept-Language": "es;q=0,en"})) == "en"
    assert i18n.negotiate(_request(headers={"Accept-Language": "de"})) == "en"
    cookie = {"Cookie": "lang=es", "Accept-Language": "en"}
    assert i18n.negotiate(_request(headers=cookie)) == "es"
    assert i18n.negotiate(_request("lang=en", headers=cookie)) == "en"
    assert i18n.negotiate(_request("lang=xx", headers=cookie)) == "es"  # unknown: ignored


def test_gettext_in_python_code() -> None:
    with i18n.use("es"):
        assert i18n.gettext("Approved apps") == "Aplicaciones aprobadas"
        assert i18n.gettext(i18n.DATA_ELEMENT_TEXT["attendance"]) == "Registros de asistencia"
    assert i18n.gettext("Approved apps") == "Approved apps"
    with i18n.use("zz"):  # unknown code: English
        assert i18n.current() == "en"
