"""The privacy officer's week in a real headless Chromium against `registry serve --demo`:
drop two PDFs on the upload zone and watch them read, open the review page, select a failing
finding and see its evidence outlined on the page image, override it, correct a clause,
deny the app with a reason and an alternative. Screenshots go to ./artifacts/.
"""

from __future__ import annotations

import base64

import pytest

from tests.browser.test_journeys import CHROMIUM, _login, _shot
from tests.browser.test_journeys import browser as browser
from tests.browser.test_journeys import server as server
from tests.documents import make_pdf

pytestmark = [pytest.mark.browser]

RULE = "us-ny.part121.breach-7d"
THIRTY = make_pdf(
    [
        ["Student Data Privacy Agreement", "Provider shall not sell Student Data."],
        ["Definitions apply.", "Provider shall notify the district of a breach within 30 days."],
    ]
)
SEVENTY_TWO = make_pdf(
    [["Student Data Privacy Agreement"], ["Provider shall notify the LEA within 72 hours."]]
)

DROP = """([files]) => {
  const transfer = new DataTransfer();
  for (const [name, data] of files) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, { type: "application/pdf" }));
  }
  const zone = document.querySelector("[data-drop-target]");
  zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true }));
  zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
}"""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_officer_reviews_and_denies_with_evidence_on_the_page(server, browser, tmp_path):
    assert CHROMIUM
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(page, server, "officer@hudson-valley.example.org", "demo-officer-password")
    page.wait_for_url("**/desk")
    assert page.locator("svg.bar-chart title").text_content() == "Apps by agreement expiry"
    assert "Within 30 days" in page.locator("table.chart-data").inner_text()
    _shot(page, "officer-desk-chart")

    page.fill("form[action='/apps/new'] input[name=name]", "Planetarium Pro")
    page.fill("form[action='/apps/new'] input[name=vendor]", "Orbit Labs")
    page.click("form[action='/apps/new'] button[type=submit]")
    page.wait_for_url("**/apps/*")
    app_url = page.url

    # Drag and drop two PDFs: each gets its own progress bar and result.
    assert page.locator(".drop-hint").is_visible()
    files = [["thirty-days.pdf", _b64(THIRTY)], ["seventy-two.pdf", _b64(SEVENTY_TWO)]]
    page.evaluate(DROP, [files])
    page.wait_for_selector(".upload-done", timeout=120_000)
    items = page.locator(".upload-item")
    assert items.count() == 2
    assert page.locator(".upload-item progress").count() == 2
    assert page.locator("[data-result=stored]").count() == 2
    assert "Stored and checked" in items.nth(0).inner_text()
    review_url = items.nth(0).locator("a", has_text="Open the review").get_attribute("href")

    # Two picked files, one of them already stored: one result each, one duplicate.
    again = tmp_path / "thirty-days-copy.pdf"
    again.write_bytes(THIRTY)
    other = tmp_path / "terms.pdf"
    other.write_bytes(make_pdf([["Terms of Service"], ["This agreement is governed by NY law."]]))
    page.set_input_files("input[name=file]", [str(again), str(other)])
    page.click("form[data-upload-zone] button[type=submit]")
    page.wait_for_selector(".upload-done", timeout=120_000)
    assert page.locator("[data-result=duplicate]").count() == 1
    assert page.locator("[data-result=stored]").count() == 1
    assert "already uploaded" in page.locator("[data-result=duplicate]").inner_text()

    # Open the review of the failing agreement and select the failing breach finding.
    page.goto(f"{server}{review_url}")
    finding = page.locator("article.finding", has_text=RULE)
    assert "outcome-fail" in finding.locator("xpath=ancestor::section[1]").get_attribute("class")
    finding.locator("a.show-evidence").click()
    page.wait_for_selector("svg.highlights rect.highlight")
    assert page.locator("#page-heading").inner_text().startswith("Page 2")
    # the page image is drawn on its first request (in the reader's worker): wait for it
    # (polled from here: the page's CSP forbids wait_for_function's string evaluation)
    loaded = 0
    for _ in range(300):
        loaded = page.evaluate(
            "(() => { const i = document.querySelector('img.page-image');"
            " return i && i.complete ? i.naturalWidth : 0; })()"
        )
        if loaded:
            break
        page.wait_for_timeout(200)
    assert loaded > 0
    box = page.locator("rect.highlight").first.bounding_box()
    image = page.locator("img.page-image").bounding_box()
    assert box is not None
    assert image is not None
    assert image["y"] < box["y"] < image["y"] + image["height"] / 3  # near the top of page 2
    _shot(page, "officer-review-highlight")

    # Override it with a reason.
    finding = page.locator("article.finding", has_text=RULE)
    finding.locator("summary").click()
    override = finding.locator("form[action$='/override']")
    override.locator("select[name=outcome]").select_option("waived")
    override.locator("textarea[name=reason]").fill("Amendment 2 shortens the notice period.")
    override.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Overridden from" in page.locator("article.finding", has_text=RULE).inner_text()

    # Correct the breach clause's deadline; the original stays visible.
    row = page.locator("#clauses tr", has_text="within 30 days")
    row.locator("summary").click()
    form = row.locator("form.correction")
    form.locator("textarea[name=attributes]").fill("deadline_hours = 48")
    form.locator("textarea[name=reason]").fill("Amendment 2: 48 hours.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#correction-result")
    assert RULE in page.locator("#correction-result").inner_text()
    corrected = page.locator("#clauses tr.corrected", has_text="within 30 days")
    assert "720" in corrected.inner_text()  # as read
    assert "48" in corrected.inner_text()  # as corrected
    assert "clause:correct" in page.locator("#audit").inner_text()

    # Deny the app with a reason for teachers and an approved alternative.
    page.goto(app_url)
    page.select_option("select[name=to]", "denied")
    page.fill("textarea[name=denial_reason]", "Breach notice is too slow for our district.")
    page.select_option("select[name=alternative]", label="MathQuest")
    page.click("form[action$='/status'] button[type=submit]")
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "Breach notice is too slow for our district." in body
    assert "MathQuest" in page.locator("section.denial").inner_text()
    assert "app:status" in page.locator("#audit").inner_text()
