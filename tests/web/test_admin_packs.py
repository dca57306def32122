"""The district rules page: admins only (403 for others, 404 for other districts' packs),
CSRF on every form, lint errors shown with their line and nothing saved, and a saved pack
re-checks the district, shows what changed, and the review page shows which pack failed."""

from __future__ import annotations

import re

import httpx
import pytest

from registry import catalog, packs
from registry.models import AuditEvent, District, DistrictPack
from registry.status import Role
from tests.conftest import make_actor, make_district
from tests.documents import make_pdf
from tests.registry.test_packs import PACK_48H
from tests.web.conftest import csrf_from, new_client, sign_in

pytestmark = pytest.mark.anyio

RULE = "us-ny.part121.breach-7d"
BREACH_72 = make_pdf(
    [
        [
            "DATA PRIVACY AGREEMENT",
            "5. Breach. Provider shall notify the District of any breach of student data",
            "within seventy-two (72) hours of discovering it.",
        ]
    ]
)


def _finding_block(html: str, rule: str) -> str:
    """The <article> of one finding on the review page."""
    for block in re.findall(r'<article class="finding".*?</article>', html, flags=re.S):
        if f"<code>{rule}</code>" in block:
            return block
    raise AssertionError(f"no finding for {rule}")


def _section_of(html: str, block: str) -> str:
    """The outcome section (e.g. `outcome-fail`) that holds a finding's block."""
    before = html[: html.index(block)]
    return re.findall(r'class="card outcome-([a-z_]+)"', before)[-1]


async def test_48_hour_district_pack_fails_a_72_hour_clause_on_the_review_page(
    web_app, client: httpx.AsyncClient
) -> None:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    admin = await make_actor(district, Role.ADMIN)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")

    await sign_in(client, officer.email)
    token = await csrf_from(client, "/desk")
    uploaded = await client.post(
        f"/apps/{app.id}/agreements",
        data={"csrf_token": token, "kind": "state_dpa"},
        files={"file": ("dpa.pdf", BREACH_72, "application/pdf")},
    )
    assert uploaded.status_code == 303, uploaded.text
    review_url = uploaded.headers["location"]
    before = (await client.get(review_url)).text
    block = _finding_block(before, RULE)
    assert _section_of(before, block) == "pass"
    assert "us-ny 1.0.0" in block

    async with new_client(web_app) as admin_client:
        await sign_in(admin_client, admin.email)
        page = await admin_client.get("/admin/packs")
        assert page.status_code == 200
        assert 'value="us-ny" checked' in page.text
        token = await csrf_from(admin_client, "/admin/packs")
        saved = await admin_client.post(
            "/admin/packs/new", data={"csrf_token": token, "source": PACK_48H}
        )
        assert saved.status_code == 200, saved.text
        assert "Saved district-springfield v1." in saved.text
        report = saved.text[saved.text.index('id="recheck-report"') :]
        assert re.search(
            rf"MathQuest</a></td>\s*<td><code>{re.escape(RULE)}</code></td>\s*"
            r"<td>pass</td>\s*<td>fail</td>",
            report,
        ), report[:2000]

    after = (await client.get(review_url)).text
    block = _finding_block(after, RULE)
    assert _section_of(after, block) == "fail"
    assert "Breach notice to the district within 48 hours" in block
    assert "district-springfield v1" in block
    assert "Springfield requires notice within 48 hours" in block
    assert "us-ny 1.0.0" not in block
    federal = re.findall(r'<span class="pack"[^>]*>([^<]+)</span>', after)
    assert any(p.startswith("federal ") for p in federal)


async def test_lint_errors_show_their_line_and_save_nothing(client: httpx.AsyncClient) -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    await sign_in(client, admin.email)
    token = await csrf_from(client, "/admin/packs/new")
    bad = PACK_48H.replace("value: 48", "value: 400")
    response = await client.post("/admin/packs/new", data={"csrf_token": token, "source": bad})
    assert response.status_code == 422
    assert "Line 9:" in response.text
    assert "may only lower the limit" in response.text
    assert '<li value="9" class="error-line"><code>    value: 400</code></li>' in response.text
    textarea = re.search(r'<textarea name="source"[^>]*>(.*?)</textarea>', response.text, re.S)
    assert textarea
    assert "    value: 400\n" in textarea.group(1)
    assert await DistrictPack.all().count() == 0


async def test_stale_edit_is_409_and_keeps_the_newer_version(client: httpx.AsyncClient) -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    row = (await packs.save_district_pack(admin, source=PACK_48H)).pack
    await packs.save_district_pack(
        admin, source=PACK_48H.replace("value: 48", "value: 24"), pack_row_id=row.id, version=1
    )
    await sign_in(client, admin.email)
    page = await client.get(f"/admin/packs/{row.id}")
    assert 'name="version" value="2"' in page.text
    token = await csrf_from(client, f"/admin/packs/{row.id}")
    stale = await client.post(
        f"/admin/packs/{row.id}", data={"csrf_token": token, "source": PACK_48H, "version": "1"}
    )
    assert stale.status_code == 409
    assert "Someone saved district-springfield" in stale.text
    assert "value: 24" in (await DistrictPack.get(id=row.id)).source


async def test_enable_shipped_packs_and_disable_a_district_pack(client: httpx.AsyncClient) -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    row = (await packs.save_district_pack(admin, source=PACK_48H)).pack
    await sign_in(client, admin.email)
    token = await csrf_from(client, "/admin/packs")
    response = await client.post(
        "/admin/packs/shipped",
        data={"csrf_token": token, "pack": ["us-ny", "federal", "ndpa"]},
    )
    assert response.status_code == 200
    assert (await District.get(id=district.id)).enabled_packs == ["federal", "ndpa", "us-ny"]
    assert 'value="ndpa" checked' in response.text
    none = await client.post("/admin/packs/shipped", data={"csrf_token": token})
    assert none.status_code == 422
    assert "Choose at least one pack." in none.text
    off = await client.post(
        f"/admin/packs/{row.id}/enabled", data={"csrf_token": token, "enabled": "0"}
    )
    assert off.status_code == 200
    assert not (await DistrictPack.get(id=row.id)).is_enabled
    assert await AuditEvent.filter(tag="pack:disable", actor_id=admin.user_id).exists()


@pytest.mark.parametrize("role", [Role.PRIVACY_OFFICER, Role.TEACHER])
async def test_only_admins_may_use_the_page(client: httpx.AsyncClient, role: Role) -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    row = (await packs.save_district_pack(admin, source=PACK_48H)).pack
    user = await make_actor(district, role)
    await sign_in(client, user.email)
    token = await csrf_from(client, "/apps" if role is Role.TEACHER else "/desk")
    for path in ("/admin/packs", "/admin/packs/new", f"/admin/packs/{row.id}"):
        assert (await client.get(path)).status_code == 403, path
    for path, data in (
        ("/admin/packs/new", {"source": PACK_48H}),
        (f"/admin/packs/{row.id}", {"source": PACK_48H, "version": "1"}),
        (f"/admin/packs/{row.id}/enabled", {"enabled": "0"}),
        ("/admin/packs/shipped", {"pack": "ndpa"}),
    ):
        response = await client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 403, path
    stored = await DistrictPack.get(id=row.id)
    assert (stored.version, stored.is_enabled) == (1, True)


async def test_another_districts_pack_is_404_and_forms_need_csrf(
    client: httpx.AsyncClient,
) -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    row = (await packs.save_district_pack(admin, source=PACK_48H)).pack
    elsewhere = await make_district("shelbyville")
    their_admin = await make_actor(elsewhere, Role.ADMIN)
    await sign_in(client, their_admin.email)
    token = await csrf_from(client, "/admin/packs")
    assert (await client.get(f"/admin/packs/{row.id}")).status_code == 404
    response = await client.post(
        f"/admin/packs/{row.id}", data={"csrf_token": token, "source": PACK_48H, "version": "1"}
    )
    assert response.status_code == 404
    disabled = await client.post(
        f"/admin/packs/{row.id}/enabled", data={"csrf_token": token, "enabled": "0"}
    )
    assert disabled.status_code == 404
    no_token = await client.post("/admin/packs/new", data={"source": PACK_48H})
    assert no_token.status_code == 403
    assert (await DistrictPack.get(id=row.id)).is_enabled
    assert await DistrictPack.filter(district_id=elsewhere.id).count() == 0


async def test_enabling_a_second_pack_over_the_same_base_is_409_with_a_message(
    client: httpx.AsyncClient,
) -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    first = (await packs.save_district_pack(admin, source=PACK_48H)).pack
    await packs.set_district_pack_enabled(admin, first.id, enabled=False)
    other = PACK_48H.replace("id: district-springfield", "id: district-other")
    second = (await packs.save_district_pack(admin, source=other)).pack
    await sign_in(client, admin.email)
    token = await csrf_from(client, "/admin/packs")
    response = await client.post(
        f"/admin/packs/{first.id}/enabled", data={"csrf_token": token, "enabled": "1"}
    )
    assert response.status_code == 409
    assert "already extends us-ny" in response.text
    assert not (await DistrictPack.get(id=first.id)).is_enabled
    assert (await DistrictPack.get(id=second.id)).is_enabled
