"""District packs: stored per district, linted on save (nothing stored when invalid), locked
against stale edits, tighten-only, admin-only, audited; an upload and a re-check use the
district's enabled shipped packs with its own packs in place of the packs they extend."""

from __future__ import annotations

import pytest

from registry import agreements, catalog, packs
from registry.demo import load_demo
from registry.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    StaleEditError,
)
from registry.models import AuditEvent, DistrictPack, Finding
from registry.status import AgreementKind, Role
from registry.storage import InMemoryFileStorage
from tests.conftest import make_actor, make_district
from tests.documents import make_pdf

pytestmark = pytest.mark.anyio

RULE = "us-ny.part121.breach-7d"
PACK_48H = """\
id: district-springfield
title: Springfield additions to New York law
version: "1.0.0"
effective: 2024-07-01
jurisdiction: US-NY
extends: us-ny
overrides:
  us-ny.part121.breach-7d:
    value: 48
    title: Breach notice to the district within 48 hours
    fail_message: the agreement allows {value}; Springfield requires notice within {limit}
cases:
  us-ny.part121.breach-7d:
    - name: two-days
      clauses: [{label: breach_notification, stance: requires, attributes: {deadline_hours: 48}}]
      expect: pass
    - name: three-days
      clauses: [{label: breach_notification, stance: requires, attributes: {deadline_hours: 72}}]
      expect: fail
"""
BREACH_72 = make_pdf(
    [
        [
            "DATA PRIVACY AGREEMENT",
            "5. Breach. Provider shall notify the District of any breach of student data",
            "within seventy-two (72) hours of discovering it.",
        ]
    ]
)


async def _district():
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    return district, admin, officer


async def _upload(officer, data=BREACH_72):
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    return await agreements.upload_agreement(
        officer, app_id=app.id, data=data, filename="dpa.pdf",
        kind=AgreementKind.STATE_DPA, storage=InMemoryFileStorage(), max_bytes=10**7,
    )  # fmt: skip


async def test_default_packs_are_state_and_federal(orm):
    _, _, officer = await _district()
    agreement = await _upload(officer)
    pack_ids = set(
        await Finding.filter(agreement_id=agreement.id).values_list("pack_id", flat=True)
    )
    assert pack_ids == {"us-ny", "federal"}
    overview = await packs.pack_overview(officer)
    assert {p.id for p in overview.shipped if p.enabled} == {"us-ny", "federal"}
    assert overview.defaults == ("us-ny", "federal")
    assert not overview.can_edit


async def test_saving_a_48_hour_pack_turns_72_hours_from_pass_to_fail(orm):
    _, admin, officer = await _district()
    agreement = await _upload(officer)
    before = await Finding.get(agreement_id=agreement.id, rule_id=RULE)
    assert (before.outcome, before.pack_id, before.pack_version) == ("pass", "us-ny", "1.0.0")

    result = await packs.save_district_pack(admin, source=PACK_48H)

    assert result.pack.version == 1
    assert [(c.app, c.rule, c.old, c.new) for c in result.report.changes] == [
        ("MathQuest", RULE, "pass", "fail")
    ]
    after = await Finding.get(agreement_id=agreement.id, rule_id=RULE)
    assert (after.outcome, after.pack_id, after.pack_version) == (
        "fail", "district-springfield", "1"
    )  # fmt: skip
    assert "Springfield requires notice within 48 hours" in after.explanation
    # us-ny is replaced, not reported twice; federal still runs
    rules = await Finding.filter(agreement_id=agreement.id).values_list("rule_id", flat=True)
    assert len(rules) == len(set(rules))
    assert await Finding.filter(agreement_id=agreement.id, pack_id="us-ny").count() == 0
    assert await Finding.filter(agreement_id=agreement.id, pack_id="federal").exists()
    event = await AuditEvent.get(tag="pack:save")
    assert event.before is None
    assert event.after == {"version": 1, "pack_id": "district-springfield", "extends": "us-ny"}
    assert event.actor_id == admin.user_id

    # disabling the pack puts New York's own rule back
    report = await packs.set_district_pack_enabled(admin, result.pack.id, enabled=False)
    assert [(c.rule, c.old, c.new) for c in report.changes] == [(RULE, "fail", "pass")]
    assert await AuditEvent.filter(tag="pack:disable").exists()


async def test_a_new_upload_uses_the_district_pack(orm):
    _, admin, officer = await _district()
    await packs.save_district_pack(admin, source=PACK_48H)
    agreement = await _upload(officer)
    finding = await Finding.get(agreement_id=agreement.id, rule_id=RULE)
    assert (finding.outcome, finding.pack_id) == ("fail", "district-springfield")


async def test_invalid_yaml_is_rejected_with_its_line_and_nothing_is_stored(orm):
    _, admin, _ = await _district()
    bad = PACK_48H.replace("value: 48", "valu: 48")
    with pytest.raises(packs.InvalidPackError) as exc:
        await packs.save_district_pack(admin, source=bad)
    assert exc.value.line == 9
    assert "Line 9" in exc.value.message
    assert "unknown key" in exc.value.message
    with pytest.raises(packs.InvalidPackError, match="Line 2: invalid YAML"):
        await packs.save_district_pack(admin, source="id: x\n  title: [unclosed\n")
    assert await DistrictPack.all().count() == 0
    assert not await AuditEvent.filter(tag="pack:save").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(("value: 48", "value: 400"), "may only lower the limit", id="looser-limit"),
        pytest.param(
            ("    value: 48\n", "    value: 48\n    severity: minor\n"),
            "may only raise the severity",
            id="lower-severity",
        ),
        pytest.param(
            (
                "overrides:",
                "disabled:\n  - {rule: us-ny.part121.data-location, reason: x}\noverrides:",
            ),
            "cannot switch off",
            id="disable-a-rule",
        ),
        pytest.param(("extends: us-ny", "extends: district-other"), "not a shipped", id="base"),
        pytest.param(("id: district-springfield", "id: us-ny"), "shipped pack", id="shipped-id"),
    ],
)
async def test_a_district_pack_may_only_tighten(orm, change, message):
    _, admin, _ = await _district()
    with pytest.raises(packs.InvalidPackError, match=message):
        await packs.save_district_pack(admin, source=PACK_48H.replace(*change))
    assert await DistrictPack.all().count() == 0


async def test_a_stale_edit_is_refused(orm):
    _, admin, _ = await _district()
    first = (await packs.save_district_pack(admin, source=PACK_48H)).pack
    edited = PACK_48H.replace("value: 48", "value: 24")
    second = await packs.save_district_pack(admin, source=edited, pack_row_id=first.id, version=1)
    assert second.pack.version == 2
    with pytest.raises(StaleEditError):
        await packs.save_district_pack(admin, source=PACK_48H, pack_row_id=first.id, version=1)
    stored = await DistrictPack.get(id=first.id)
    assert (stored.version, "value: 24" in stored.source) == (2, True)
    event = await AuditEvent.filter(tag="pack:save").order_by("-id").first()
    assert (event.before, event.after["version"]) == ({"version": 1}, 2)


async def test_a_second_pack_over_the_same_base_is_a_conflict(orm):
    _, admin, _ = await _district()
    await packs.save_district_pack(admin, source=PACK_48H)
    with pytest.raises(ConflictError, match="already has a pack"):
        await packs.save_district_pack(admin, source=PACK_48H)
    other = PACK_48H.replace("id: district-springfield", "id: district-other")
    with pytest.raises(ConflictError, match="report its rules twice"):
        await packs.save_district_pack(admin, source=other)


async def test_only_admins_edit_and_officers_read(orm):
    district, admin, officer = await _district()
    teacher = await make_actor(district, Role.TEACHER)
    with pytest.raises(PermissionDeniedError):
        await packs.save_district_pack(officer, source=PACK_48H)
    with pytest.raises(PermissionDeniedError):
        await packs.set_shipped_packs(officer, ["us-ny"])
    with pytest.raises(PermissionDeniedError):
        await packs.pack_overview(teacher)
    row = (await packs.save_district_pack(admin, source=PACK_48H)).pack
    assert (await packs.get_district_pack(officer, row.id)).pack_id == "district-springfield"
    with pytest.raises(PermissionDeniedError):
        await packs.set_district_pack_enabled(officer, row.id, enabled=False)


async def test_another_districts_pack_is_not_found(orm):
    _, admin, _ = await _district()
    row = (await packs.save_district_pack(admin, source=PACK_48H)).pack
    elsewhere = await make_district("shelbyville")
    their_admin = await make_actor(elsewhere, Role.ADMIN)
    with pytest.raises(NotFoundError):
        await packs.get_district_pack(their_admin, row.id)
    with pytest.raises(NotFoundError):
        await packs.save_district_pack(their_admin, source=PACK_48H, pack_row_id=row.id, version=1)
    with pytest.raises(NotFoundError):
        await packs.set_district_pack_enabled(their_admin, row.id, enabled=False)


async def test_enabling_ndpa_adds_its_findings_and_is_audited(orm):
    _, admin, officer = await _district()
    agreement = await _upload(officer)
    report = await packs.set_shipped_packs(admin, ["us-ny", "federal", "ndpa"])
    assert report.changed_agreements == 1
    assert {c.old for c in report.changes} == {None}  # only new rules
    assert await Finding.filter(agreement_id=agreement.id, pack_id="ndpa").exists()
    event = await AuditEvent.get(tag="district:packs")
    assert event.before == {"packs": ["us-ny", "federal"]}
    assert event.after == {"packs": ["federal", "ndpa", "us-ny"]}
    with pytest.raises(InvalidInputError, match="Unknown pack"):
        await packs.set_shipped_packs(admin, ["us-zz"])
    with pytest.raises(InvalidInputError, match="at least one"):
        await packs.set_shipped_packs(admin, [])


@pytest.mark.slow
async def test_demo_district_has_a_48_hour_pack_in_use(orm):
    assert await load_demo(InMemoryFileStorage())
    row = await DistrictPack.get(pack_id="district-hudson-valley")
    assert (row.is_enabled, row.version) == (True, 1)
    breach = await Finding.filter(rule_id=RULE).values_list("pack_id", "outcome")
    assert breach
    assert {pack for pack, _ in breach} == {"district-hudson-valley"}
    assert not await Finding.filter(pack_id="us-ny").exists()


async def test_a_new_title_with_the_same_outcome_is_rewritten_in_place(orm):
    _, admin, officer = await _district()
    agreement = await _upload(officer)
    rule = "us-ny.part121.data-location"
    before = await Finding.get(agreement_id=agreement.id, rule_id=rule)
    source = PACK_48H.replace(
        "overrides:\n", f"overrides:\n  {rule}: {{title: Data stays in the USA, severity: major}}\n"
    )
    result = await packs.save_district_pack(admin, source=source)
    assert all(c.rule != rule for c in result.report.changes)  # same outcome
    after = await Finding.get(agreement_id=agreement.id, rule_id=rule)
    assert after.id == before.id  # updated, not replaced
    assert (after.outcome, after.title, after.severity) == (
        before.outcome,
        "Data stays in the USA",
        "major",
    )
    assert (after.pack_id, after.pack_version) == ("district-springfield", "1")
