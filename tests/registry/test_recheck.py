"""Re-checking: a changed pack re-evaluates stored clauses without reading documents again,
reports old -> new per app and rule, keeps officers' overrides, and audits each change."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies import load_pack, pack_for_state
from registry import agreements, catalog, corrections, recheck, reviews
from registry.models import AuditEvent, Clause, Finding
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


async def test_rechecked_rows_equal_the_rows_an_upload_stores(orm):
    """The re-check inserts findings with one prepared statement, not model instances: the
    stored values must be the ones an upload stores through the ORM."""
    _, agreement = await _agreement()
    fields = (
        "rule_id", "pack_id", "pack_version", "title", "citation", "severity", "outcome",
        "explanation", "evidence", "override_outcome", "override_reason",
    )  # fmt: skip
    uploaded = await Finding.filter(agreement_id=agreement.id).order_by("rule_id").values(*fields)
    assert len(uploaded) > 5
    await Finding.filter(agreement_id=agreement.id).delete()
    report = await recheck.recheck()
    assert report.changed_agreements == 1
    rechecked = await Finding.filter(agreement_id=agreement.id).order_by("rule_id")
    assert [{f: getattr(row, f) for f in fields} for row in rechecked] == uploaded
    assert all(row.created_at.tzinfo is not None for row in rechecked)


async def test_recheck_evaluates_corrected_clauses(orm):
    """An officer corrects the breach clause to 10 days: later re-checks keep using that."""
    officer, agreement = await _agreement()
    clause = await Clause.get(extraction__agreement_id=agreement.id, label="breach_notification")
    await corrections.correct_clause(
        officer, clause.id, label="breach_notification", stance="requires",
        attributes={"deadline_hours": 240}, reason="the rider signed later says ten days",
    )  # fmt: skip
    assert (await Finding.get(agreement_id=agreement.id, rule_id=RULE)).outcome == "fail"

    report = await recheck.recheck()
    assert report.changes == []  # the correction still decides: no flip back to pass
    assert (await Finding.get(agreement_id=agreement.id, rule_id=RULE)).outcome == "fail"
    assert (await Clause.get(id=clause.id)).attributes["deadline_hours"] == 72  # original kept
