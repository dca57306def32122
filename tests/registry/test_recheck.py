"""Re-checking: a changed pack re-evaluates stored clauses without reading documents again,
reports old -> new per app and rule, keeps officers' overrides, and audits each change."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies import load_pack, pack_for_state
from registry import agreements, catalog, recheck, reviews
from registry.models import AuditEvent, Finding
from registry.status import AgreementKind, Role
from registry.storage import InMemoryFileStorage
from tests.conftest import make_actor, make_district

pytestmark = pytest.mark.anyio

TIGHT_NY = Path(__file__).resolve().parents[1] / "policies" / "fixtures" / "district-tight-ny"
SEVENTY_TWO = b"Provider shall notify the LEA of a breach within seventy-two (72) hours."
RULE = "us-ny.part121.breach-7d"


async def _agreement():
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    agreement = await agreements.upload_agreement(
        officer, app_id=app.id, data=SEVENTY_TWO, filename="dpa.txt",
        kind=AgreementKind.STATE_DPA, storage=InMemoryFileStorage(), max_bytes=10**6,
    )  # fmt: skip
    return officer, agreement


async def test_unchanged_packs_change_nothing(orm):
    await _agreement()
    before = await Finding.all().count()
    report = await recheck.recheck()
    assert report.agreements == 1
    assert report.changes == []
    assert await Finding.all().count() == before
    assert not await AuditEvent.filter(tag="agreement:recheck").exists()


async def test_tightened_pack_turns_72_hours_from_pass_to_fail(orm):
    officer, agreement = await _agreement()
    assert (await Finding.get(agreement_id=agreement.id, rule_id=RULE)).outcome == "pass"
    other = await Finding.filter(agreement_id=agreement.id).exclude(rule_id=RULE).first()
    await reviews.override_finding(officer, other.id, outcome="waived", reason="side letter")
    tight = load_pack(TIGHT_NY)

    dry = await recheck.recheck(packs_for=lambda state: (tight,), dry_run=True)
    assert [(c.app, c.rule, c.old, c.new) for c in dry.changes if c.rule == RULE] == [
        ("MathQuest", RULE, "pass", "fail")
    ]
    assert (await Finding.get(agreement_id=agreement.id, rule_id=RULE)).outcome == "pass"

    report = await recheck.recheck(packs_for=lambda state: (tight,))
    assert report.changed_agreements == 1
    stored = await Finding.get(agreement_id=agreement.id, rule_id=RULE)
    assert stored.outcome == "fail"
    assert stored.pack_id == tight.id
    assert "48 hours" in stored.explanation
    kept = await Finding.get(agreement_id=agreement.id, rule_id=other.rule_id)
    assert kept.override_outcome == "waived"
    assert kept.override_reason == "side letter"
    event = await AuditEvent.get(tag="agreement:recheck")
    assert event.before[RULE] == "pass"
    assert event.after[RULE] == "fail"

    back = await recheck.recheck(packs_for=lambda state: (pack_for_state("NY"),))
    assert any(c.rule == RULE and c.new == "pass" for c in back.changes)
