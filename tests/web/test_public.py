"""The parents' pages and feeds: what they show, in both languages, and that nothing confidential
ever appears in any of them (every public route, every language)."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest

from registry import publish, reviews
from registry.models import AppStatusRecord
from registry.settings import Settings
from registry.status import AppStatus
from registry.storage import LocalFileStorage
from tests.web.public_seed import CONTACT, MARKERS, Seeded, seed
from web import public

pytestmark = pytest.mark.anyio


@pytest.fixture
async def seeded(client: httpx.AsyncClient, settings: Settings) -> Seeded:
    publish.clear_cache()
    public.clear_caches()
    return await seed(storage=LocalFileStorage(settings.storage_dir))


def public_paths(slug: str, state: str) -> list[str]:
    s = state.lower()
    return [
        f"/d/{slug}",
        f"/d/{slug}?grade=7",
        f"/d/{slug}?subject=Science&data=student_work",
        f"/d/{slug}?q=MARKER",
        f"/d/{slug}.json",
        f"/d/{slug}.json?q=lab",
        f"/d/{slug}.csv",
        f"/d/{slug}/postings",
        f"/d/{slug}/postings/{s}",
        f"/d/{slug}/postings/{s}.csv",
        f"/d/{slug}/postings/{s}.json",
    ]


@pytest.mark.parametrize("language", ["en", "es"])
async def test_no_public_response_contains_anything_confidential(
    client: httpx.AsyncClient, seeded: Seeded, language: str
) -> None:
    paths = public_paths(seeded.district.slug, seeded.district.state)
    for path in paths:
        response = await client.get(path, headers={"Accept-Language": language})
        assert response.status_code == 200, path
        for marker in MARKERS:
            assert marker not in response.text, f"{marker} leaked on {path} ({language})"
        assert f"/agreements/{seeded.private_agreement_id}/file" not in response.text, path
    private = await client.get(
        f"/d/{seeded.district.slug}/agreements/{seeded.private_agreement_id}/file"
    )
    assert private.status_code == 404


async def test_card_tells_parents_what_the_agreement_says(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    page = (await client.get("/d/springfield")).text
    assert '<html lang="en">' in page
    assert "Practice arithmetic with games" in page
    assert "Test, quiz and assessment results" in page  # assessment, in a parent's words
    assert "CloudHost Inc" in page
    assert "hosting" in page
    assert "Deleted within 60 days when the agreement ends." in page
    assert "Kept for at most 365 days." in page  # the officer's correction, not the 999 read
    assert "within 45 days" in page
    assert CONTACT in page
    assert "July 1, 2025" in page
    assert "June 30, 2028" in page
    assert "No student accounts" in page
    link = re.search(r'href="(/d/springfield/agreements/(\d+)/file)"', page)
    assert link
    assert int(link.group(2)) == seeded.public_agreement_id
    document = await client.get(link.group(1))
    assert document.status_code == 200
    assert document.content.startswith(b"Provider shall not sell")


async def test_spanish_from_accept_language_switch_and_cookie(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    page = await client.get(
        "/d/springfield", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
    )
    assert '<html lang="es">' in page.text
    assert "Aplicaciones aprobadas por Springfield Schools" in page.text
    assert "Resultados de pruebas, cuestionarios y evaluaciones" in page.text
    assert "1 de julio de 2025" in page.text
    assert "Se eliminan en un plazo de 60 días cuando termina el acuerdo." in page.text
    assert "Accept-Language" in page.headers["vary"]
    english = await client.get("/d/springfield", headers={"Accept-Language": "fr, en;q=0.8"})
    assert '<html lang="en">' in english.text
    assert 'href="/d/springfield?lang=es"' in english.text  # the switch
    switched = await client.get("/d/springfield?lang=es", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in switched.text
    assert "lang=es" in switched.headers["set-cookie"]
    remembered = await client.get("/d/springfield", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in remembered.text  # the cookie wins over the browser
    back = await client.get("/d/springfield?lang=en")
    assert '<html lang="en">' in back.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"MathQuest", "LabBench"}),
        ("grade=5", {"MathQuest"}),
        ("grade=10", {"LabBench"}),
        ("grade=k", set()),
        ("subject=chemistry", {"LabBench"}),
        ("data=assessment", {"MathQuest"}),
        ("data=student_work&grade=9", {"LabBench"}),
        ("q=arithmetic", {"MathQuest"}),
        ("q=cobalt", {"LabBench"}),
    ],
)
async def test_filters_are_plain_get_parameters(
    client: httpx.AsyncClient, seeded: Seeded, query: str, expected: set[str]
) -> None:
    feed = (await client.get(f"/d/springfield.json?{query}")).json()
    assert {a["name"] for a in feed["apps"]} == expected
    assert feed["total"] == 2
    page = (await client.get(f"/d/springfield?{query}")).text
    shown = set(re.findall(r'<h2 id="app-\d+-name">([^<]+)</h2>', page))
    assert shown == expected


async def test_json_feed_keeps_its_contract_and_adds_terms(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get("/d/springfield.json")
    body = response.json()
    assert body["ok"] is True
    assert body["district"]["slug"] == "springfield"
    assert body["count"] == 2
    app = next(a for a in body["apps"] if a["name"] == "MathQuest")
    for key in ("id", "name", "vendor", "url", "description", "grades", "subjects", "status",
                "conditions", "data_elements", "data_element_names", "agreement"):  # fmt: skip
        assert key in app
    assert app["agreement"]["public_copy"] is True
    assert app["agreement"]["url"] == f"/d/springfield/agreements/{seeded.public_agreement_id}/file"
    assert app["privacy_terms"]["deletion_days"] == 60
    assert app["privacy_terms"]["access_deadline_days"] == 45
    assert app["subprocessors"] == [{"name": "CloudHost Inc", "purpose": "hosting"}]
    assert app["grade_levels"] == [3, 4, 5, 6, 7, 8]
    private = next(a for a in body["apps"] if a["name"] == "LabBench")
    assert private["agreement"]["url"] is None
    etag = response.headers["etag"]
    again = await client.get("/d/springfield.json", headers={"If-None-Match": etag})
    assert again.status_code == 304


async def test_a_decision_shows_at_once_despite_the_cache(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    before = await client.get("/d/springfield.json")
    assert "LabBench" in before.text
    record = await AppStatusRecord.get(app_id=seeded.private_app_id)
    from registry import accounts

    officer = await accounts.actor_for(
        (
            await accounts.authenticate("officer@springfield.example.org", "correct horse battery")
        ).id,
        seeded.district.id,
    )
    await reviews.change_status(officer, record.app_id, to=AppStatus.IN_REVIEW)
    after = await client.get("/d/springfield.json")
    assert "LabBench" not in after.text
    assert after.headers["etag"] != before.headers["etag"]


async def test_csv_columns_are_pinned_and_documented(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    from pathlib import Path

    response = await client.get("/d/springfield.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == [
        "app_id", "app_name", "vendor", "vendor_address", "app_url", "description", "grades",
        "subjects", "status", "conditions", "data_elements", "subprocessors", "retention_days",
        "deletion_days", "deletion_trigger", "access_deadline_days", "agreement_kind",
        "agreement_signed_on", "agreement_expires_on", "agreement_url",
    ]  # fmt: skip
    math = next(r for r in rows if r["app_name"] == "MathQuest")
    assert {"assessment", "student_identifiers"} <= set(math["data_elements"].split(";"))
    assert math["deletion_days"] == "60"
    assert math["deletion_trigger"] == "termination"
    assert math["agreement_signed_on"] == "2025-07-01"
    docs = (Path(__file__).resolve().parents[2] / "docs" / "open-data.md").read_text()  # noqa: ASYNC240 - a small local file
    for column in rows[0]:
        assert f"`{column}`" in docs, f"{column} is not documented in docs/open-data.md"


async def test_csv_cells_cannot_run_as_spreadsheet_formulas(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    await AppStatusRecord.filter(app_id=seeded.public_app_id).update(
        conditions='=HYPERLINK("http://evil.example","x")'
    )
    publish.clear_cache()
    public.clear_caches()
    rows = list(csv.DictReader(io.StringIO((await client.get("/d/springfield.csv")).text)))
    math = next(r for r in rows if r["app_name"] == "MathQuest")
    assert math["conditions"].startswith("'=")


async def test_new_york_posting_has_the_supplemental_information(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    page = await client.get("/d/springfield/postings/ny")
    assert page.status_code == 200
    assert "NIST CSF" in page.text
    assert "CloudHost Inc (hosting)" in page.text
    rows = (await client.get("/d/springfield/postings/ny.json")).json()["rows"]
    math = next(r for r in rows if r["product"] == "MathQuest")
    assert math["encryption_at_rest"] == "yes"
    assert math["data_location"] == "US"
    assert math["challenge_accuracy_days"] == "45"
    assert math["subcontractors_bound"] == "yes"
    # another state's posting would claim duties this district does not have
    assert (await client.get("/d/springfield/postings/il")).status_code == 404
    assert (await client.get("/d/springfield/postings/xx.csv")).status_code == 404
    spanish = await client.get("/d/springfield/postings/ny?lang=es")
    assert "Cifrados cuando están almacenados" in spanish.text


@pytest.mark.parametrize(
    ("state", "expect"),
    [
        ("IL", ["1 Vendor Way, Albany NY", "CloudHost Inc (hosting)", "Operator"]),
        ("CO", ["Brightpath Learning", "Copy of the contract"]),
        ("UT", ["student_identifiers", "School official exception, 34 CFR 99.31(a)(1)"]),
    ],
)
async def test_state_postings_for_the_districts_state(
    client: httpx.AsyncClient, settings: Settings, state: str, expect: list[str]
) -> None:
    publish.clear_cache()
    public.clear_caches()
    seeded = await seed(
        f"town-{state.lower()}", state, storage=LocalFileStorage(settings.storage_dir)
    )
    base = f"/d/{seeded.district.slug}/postings/{state.lower()}"
    for language in ("en", "es"):
        for path in (base, f"{base}.csv", f"{base}.json"):
            response = await client.get(path, headers={"Accept-Language": language})
            assert response.status_code == 200, path
            for marker in MARKERS:
                assert marker not in response.text, f"{marker} leaked on {path}"
    page = (await client.get(base)).text
    for text in expect:
        assert text in page
    assert (await client.get(f"/d/{seeded.district.slug}/postings/ny")).status_code == 404


async def test_error_pages_speak_the_parents_language(client: httpx.AsyncClient) -> None:
    spanish = {"Accept-Language": "es-MX,es;q=0.9"}
    missing = await client.get("/d/no-such-district", headers=spanish)
    assert missing.status_code == 404
    assert '<html lang="es"' in missing.text
    assert "<h1>No encontrado</h1>" in missing.text
    assert "No existe ese distrito." in missing.text
    assert "Ir a la página de inicio" in missing.text
    nowhere = await client.get("/no/such/page", headers=spanish)
    assert "No hay ninguna página en esta dirección." in nowhere.text
    english = await client.get("/d/no-such-district")
    assert "<h1>Not found</h1>" in english.text
    assert "No such district." in english.text
    # the JSON feed's errors stay in English, with their stable code
    feed = await client.get("/d/no-such-district.json", headers=spanish)
    assert feed.json()["error"] == "No such district."
