"""The parents' pages in a real headless Chromium: a Spanish-speaking parent on a 360 px phone
finds an app, opens its card and reads the signed agreement; axe-core finds no WCAG 2.1 A/AA
violation on the public pages in English or Spanish; the page prints without the controls.

Screenshots go to ./artifacts/. axe-core comes from npm (tests/browser/package.json, installed by
scripts/install) and is injected from node_modules: nothing is fetched at run time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.demo import DEMO_SLUG
from tests.browser.test_journeys import ARTIFACTS, browser, server  # noqa: F401 - fixtures

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 360, "height": 740}

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    assert len(result["passes"]) > 10  # axe really checked the page
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed: npm ci --prefix tests/browser"
)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
def test_axe_finds_no_violations_on_public_pages(server, browser, language, viewport):  # noqa: F811
    # bypass_csp lets Playwright inject axe-core; the pages themselves run with the real CSP.
    context = browser.new_context(locale=language, viewport=viewport, bypass_csp=True)
    page = context.new_page()
    paths = [
        f"/d/{DEMO_SLUG}",
        f"/d/{DEMO_SLUG}?grade=k&data=student_identifiers",
        f"/d/{DEMO_SLUG}?q=nothing-matches-this",
        f"/d/{DEMO_SLUG}/postings",
        f"/d/{DEMO_SLUG}/postings/ny",
    ]
    problems = {}
    for path in paths:
        page.goto(f"{server}{path}")
        assert page.get_attribute("html", "lang") == language
        for summary in page.query_selector_all("details summary")[:3]:
            summary.click()  # check the opened cards too
        found = _violations(page)
        if found:
            problems[path] = found
    context.close()
    assert not problems, json.dumps(problems, indent=1)


def test_spanish_parent_on_a_phone_finds_an_app_and_reads_its_agreement(server, browser):  # noqa: F811
    context = browser.new_context(locale="es-MX", viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/d/{DEMO_SLUG}")
    assert page.get_attribute("html", "lang") == "es"
    assert "Aplicaciones aprobadas por" in page.inner_text("h1")
    assert "StudyBuddy AI" not in page.inner_text("body")  # in review: never public
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(page, "public-es-phone")

    page.select_option("#grade", "9")
    page.select_option("#subject", "Chemistry")
    page.click("form.filters button[type=submit]")
    assert "grade=9" in page.url
    assert "subject=Chemistry" in page.url
    names = page.locator("ul.cards h2").all_inner_texts()
    assert names == ["ChemSim"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    card = page.locator("li.card.app").first
    agreement_link = card.locator("a.agreement-link")
    assert not agreement_link.is_visible()  # closed card
    card.locator("summary").click()
    assert agreement_link.is_visible()
    body = card.inner_text()
    assert "Quién más recibe los datos" in body
    assert "Cuánto tiempo se guardan" in body
    assert "Vence" in body
    _shot(page, "public-es-phone-card")
    with page.expect_download() as download_info:
        agreement_link.click()
    saved = download_info.value.path()
    assert "ChemSim" in Path(saved).read_text(errors="replace")

    # The switch goes back to English and keeps the filters.
    page.click("nav.languages a[lang=en]")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("ul.cards h2").all_inner_texts() == ["ChemSim"]
    context.close()


def test_public_page_prints_without_controls(server, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    page.goto(f"{server}/d/{DEMO_SLUG}")
    _shot(page, "public-en-desktop")
    page.emulate_media(media="print")
    assert page.locator("form.filters").is_hidden()
    assert page.locator("nav.languages").is_hidden()
    # every card's details are printed, though no card was opened
    assert page.locator("li.card.app a.agreement-link").first.is_visible()
    _shot(page, "public-print")
    page.pdf(path=str(ARTIFACTS / "public-print.pdf"))
    page.close()
