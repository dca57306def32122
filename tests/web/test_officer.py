"""The officer's pages over HTTP: desk with its chart, multi-file uploads with per-file
results (JSON for the script, a page without it), the review page with the page image and
the outlined evidence, accept/override/correct, new versions, decisions, app edits.
Teachers get 403 and other districts' officers 404 on every officer route."""

from __future__ import annotations

import re

import httpx
import pytest

from registry import catalog, reviews
from registry.models import Agreement, App, AppStatusRecord, Clause, ClauseCorrection, Finding
from registry.status import AppStatus, Role
from tests.conftest import make_actor, make_district
from tests.documents import make_pdf
from tests.web.conftest import csrf_from, new_client, sign_in

pytestmark = pytest.mark.anyio

RULE = "us-ny.part121.breach-7d"
THIRTY = make_pdf(
    [
        ["Student Data Privacy Agreement"],
        ["Provider shall notify the district of a breach within 30 days."],
    ]
)
SEVENTY_TWO = make_pdf(
    [
        ["Student Data Privacy Agreement"],
        ["Provider shall notify the LEA of a breach within 72 hours."],
    ]
)


async def _world(client: httpx.AsyncClient):
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    await sign_in(client, officer.email)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    return district, officer, app, await csrf_from(client, "/desk")


async def _post_files(client, app, token, files, *, json=True):
    headers = {"accept": "application/json"} if json else {}
    return await client.post(
        f"/apps/{app.id}/agreements",
        data={"csrf_token": token, "kind": "state_dpa"},
        files=[("file", (name, data, "application/pdf")) for name, data in files],
        headers=headers,
    )


async def test_several_files_at_once_get_one_result_each(client: httpx.AsyncClient):
    _, _, app, token = await _world(client)
    response = await _post_files(
        client,
        app,
        token,
        [("v1.pdf", THIRTY), ("v2.pdf", SEVENTY_TWO), ("broken.pdf", THIRTY[:600])],
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    results = {r["filename"]: r for r in body["results"]}
    assert results["v1.pdf"]["status"] == "stored"
    assert results["v1.pdf"]["findings"]["fail"] >= 1
    assert results["v2.pdf"]["status"] == "stored"
    assert results["broken.pdf"]["status"] == "rejected"
    assert "Nothing was added" in results["broken.pdf"]["message"]
    assert re.fullmatch(r"/agreements/\d+", results["v1.pdf"]["url"])
    assert await Agreement.filter(app_id=app.id).count() == 2
    again = await _post_files(client, app, token, [("copy.pdf", THIRTY)])
    (dup,) = again.json()["results"]
    assert dup["status"] == "duplicate"
    assert dup["url"] == results["v1.pdf"]["url"]


async def test_without_javascript_the_form_gets_a_results_page(client: httpx.AsyncClient):
    _, _, app, token = await _world(client)
    response = await _post_files(
        client, app, token, [("v1.pdf", THIRTY), ("v2.pdf", SEVENTY_TWO)], json=False
    )
    assert response.status_code == 200
    assert 'class="upload-results"' in response.text
    assert response.text.count('class="result-stored"') == 2
    single = await _post_files(client, app, token, [("v3.pdf", make_pdf([["Term."]]))], json=False)
    assert single.status_code == 303
    assert single.headers["location"].startswith("/agreements/")


async def test_desk_shows_counts_chart_and_text_alternative(client: httpx.AsyncClient):
    _, _officer, app, token = await _world(client)
    await _post_files(client, app, token, [("v1.pdf", THIRTY)])
    page = await client.get("/desk")
    assert page.status_code == 200
    assert '<svg role="img" aria-labelledby="expiry-title expiry-desc"' in page.text
    assert '<title id="expiry-title">' in page.text
    assert 'class="chart-data"' in page.text  # the numbers as a table, too
    attention = page.text.split('id="attention"', 1)[1].split("</section>", 1)[0]
    assert "MathQuest" in attention
    assert "v1.pdf" in attention


async def test_review_page_outlines_the_selected_findings_evidence(client: httpx.AsyncClient):
    _, _officer, app, token = await _world(client)
    result = (await _post_files(client, app, token, [("v1.pdf", THIRTY)])).json()["results"][0]
    agreement_id = result["agreement_id"]
    finding = await Finding.get(agreement_id=agreement_id, rule_id=RULE)
    page = await client.get(f"/agreements/{agreement_id}?finding={finding.id}")
    assert page.status_code == 200
    assert f'src="/agreements/{agreement_id}/pages/2.png"' in page.text
    assert '<rect class="highlight"' in page.text
    assert 'class="finding selected" id="finding-' + str(finding.id) in page.text
    assert "style=" not in page.text  # the CSP forbids inline styles
    image = await client.get(f"/agreements/{agreement_id}/pages/2.png")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert (await client.get(f"/agreements/{agreement_id}/pages/7.png")).status_code == 404
    plain = await client.get(f"/agreements/{agreement_id}")
    assert '<rect class="highlight"' not in plain.text  # nothing selected, nothing outlined


async def test_accept_override_and_correct_from_the_review_page(client: httpx.AsyncClient):
    _, _officer, app, token = await _world(client)
    result = (await _post_files(client, app, token, [("v1.pdf", THIRTY)])).json()["results"][0]
    agreement_id = result["agreement_id"]
    finding = await Finding.get(agreement_id=agreement_id, rule_id=RULE)
    no_reason = await client.post(
        f"/findings/{finding.id}/accept", data={"csrf_token": token, "reason": ""}
    )
    assert no_reason.status_code == 422
    assert "needs a reason" in no_reason.text
    accepted = await client.post(
        f"/findings/{finding.id}/accept", data={"csrf_token": token, "reason": "Known gap."}
    )
    assert accepted.status_code == 303
    assert accepted.headers["location"] == (
        f"/agreements/{agreement_id}?finding={finding.id}#finding-{finding.id}"
    )
    clause = await Clause.get(extraction__agreement_id=agreement_id, label="breach_notification")
    corrected = await client.post(
        f"/clauses/{clause.id}/correct",
        data={
            "csrf_token": token,
            "label": "breach_notification",
            "stance": "requires",
            "attributes": "deadline_hours = 48\nnotify = lea, parents",
            "reason": "Amendment shortens notice.",
        },
    )
    assert corrected.status_code == 200
    assert "Correction saved" in corrected.text
    assert RULE in corrected.text
    fix = await ClauseCorrection.get(clause_id=clause.id)
    assert fix.attributes == {"deadline_hours": 48, "notify": ["lea", "parents"]}
    after = await Finding.get(agreement_id=agreement_id, rule_id=RULE)
    assert after.outcome == "pass"
    assert after.override_outcome == "fail"  # the verdict is kept
    bad = await client.post(
        f"/clauses/{clause.id}/correct",
        data={"csrf_token": token, "label": "data_sale", "stance": "requires", "reason": "x"},
    )
    assert bad.status_code == 422
    assert "can only be" in bad.text
    trail = (await client.get(f"/agreements/{agreement_id}")).text.split('id="audit"')[1]
    for tag in ("finding:accept", "clause:correct", "agreement:recheck"):
        assert tag in trail


async def test_new_version_page_lists_changed_rules(client: httpx.AsyncClient):
    _, _, app, token = await _world(client)
    first = (await _post_files(client, app, token, [("v1.pdf", THIRTY)])).json()["results"][0]
    response = await client.post(
        f"/agreements/{first['agreement_id']}/replace",
        data={"csrf_token": token},
        files={"file": ("v2.pdf", SEVENTY_TWO, "application/pdf")},
    )
    assert response.status_code == 303
    page = await client.get(response.headers["location"].split("#")[0])
    changes = page.text.split('id="changes"', 1)[1].split("</section>", 1)[0]
    assert RULE in changes
    assert "outcome-fail" in changes
    assert "outcome-pass" in changes
    same = await client.post(
        f"/agreements/{first['agreement_id']}/replace",
        data={"csrf_token": token},
        files={"file": ("again.pdf", SEVENTY_TWO, "application/pdf")},
    )
    assert same.status_code == 409
    listing = (await client.get(f"/apps/{app.id}")).text
    assert listing.count("(replaced)") == 1
    assert listing.count("(new version)") == 1


async def test_denial_with_reason_and_alternative(client: httpx.AsyncClient):
    _, officer, app, token = await _world(client)
    alt = await catalog.create_app(officer, name="CalcPal", vendor_name="Abacus")
    await reviews.change_status(officer, alt.id, to=AppStatus.APPROVED)
    version = (await AppStatusRecord.get(app_id=app.id)).version
    missing = await client.post(
        f"/apps/{app.id}/status",
        data={"csrf_token": token, "to": "denied", "expected_version": str(version)},
    )
    assert missing.status_code == 422
    denied = await client.post(
        f"/apps/{app.id}/status",
        data={
            "csrf_token": token,
            "to": "denied",
            "denial_reason": "Sells data to advertisers.",
            "alternative": str(alt.id),
            "note": "internal",
            "expected_version": str(version),
        },
    )
    assert denied.status_code == 303
    record = await AppStatusRecord.get(app_id=app.id)
    assert record.denial_reason == "Sells data to advertisers."
    assert record.alternative_id == alt.id  # type: ignore[attr-defined]
    page = (await client.get(f"/apps/{app.id}")).text
    assert "Sells data to advertisers." in page
    assert f'href="/apps/{alt.id}">CalcPal' in page


async def test_app_edit_saves_and_refuses_a_stale_form(client: httpx.AsyncClient):
    _, _officer, app, token = await _world(client)
    page = (await client.get(f"/apps/{app.id}")).text
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    form = {
        "csrf_token": token,
        "fingerprint": fingerprint,
        "name": "MathQuest",
        "vendor": "Brightpath",
        "data_element": ["assessment", "student_identifiers"],
        "subprocessor_name": ["Amazon Web Services", ""],
        "subprocessor_purpose": ["hosting", ""],
    }
    saved = await client.post(f"/apps/{app.id}/edit", data=form)
    assert saved.status_code == 303
    stored = await App.get(id=app.id)
    assert stored.subprocessors == [{"name": "Amazon Web Services", "purpose": "hosting"}]
    stale = await client.post(f"/apps/{app.id}/edit", data=form | {"name": "Renamed"})
    assert stale.status_code == 409
    assert "Someone else changed this app" in stale.text
    assert (await App.get(id=app.id)).name == "MathQuest"


async def test_officer_routes_refuse_teachers_and_other_districts(
    client: httpx.AsyncClient, web_app
):
    district, _officer, app, token = await _world(client)
    result = (await _post_files(client, app, token, [("v1.pdf", THIRTY)])).json()["results"][0]
    agreement_id = result["agreement_id"]
    finding = await Finding.filter(agreement_id=agreement_id).first()
    clause = await Clause.filter(extraction__agreement_id=agreement_id).first()
    teacher = await make_actor(district, Role.TEACHER)
    stranger = await make_actor(await make_district("shelbyville"), Role.PRIVACY_OFFICER)
    gets = [
        "/desk",
        f"/apps/{app.id}",
        f"/agreements/{agreement_id}",
        f"/agreements/{agreement_id}/pages/1.png",
    ]
    posts = [
        (f"/apps/{app.id}/status", {"to": "approved"}),
        (f"/apps/{app.id}/edit", {"name": "X", "vendor": "Y", "fingerprint": "0"}),
        (f"/findings/{finding.id}/override", {"outcome": "pass", "reason": "x"}),
        (f"/findings/{finding.id}/accept", {"reason": "x"}),
        (f"/clauses/{clause.id}/correct", {"label": "term", "stance": "requires", "reason": "x"}),
    ]
    for actor, expected in ((teacher, 403), (stranger, 404)):
        async with new_client(web_app) as other:
            await sign_in(other, actor.email)
            other_token = await csrf_from(other, "/apps")
            for path in gets:
                status = (await other.get(path)).status_code
                if path == "/desk" and actor is stranger:
                    assert status == 200  # their own, empty desk
                    continue
                assert status == expected, (actor.role, path, status)
            for path, data in posts:
                response = await other.post(path, data={"csrf_token": other_token, **data})
                assert response.status_code == expected, (actor.role, path, response.status_code)
            upload = await other.post(
                f"/apps/{app.id}/agreements",
                data={"csrf_token": other_token, "kind": "ndpa"},
                files={"file": ("x.pdf", SEVENTY_TWO, "application/pdf")},
            )
            assert upload.status_code == expected
    assert await Agreement.filter(app_id=app.id).count() == 1
    assert await ClauseCorrection.all().count() == 0
