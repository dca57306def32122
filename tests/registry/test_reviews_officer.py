"""The privacy officer's use cases: decisions with a denial reason and an alternative,
accepting findings, correcting clauses (the original stays, re-checks see the correction),
replacing an agreement with a new version, editing an app under an optimistic lock.

Each is scoped: a teacher is refused (PermissionDeniedError), another district's officer
finds nothing (NotFoundError), and every change writes an audit event.
"""

from __future__ import annotations

from datetime import date

import pytest

from registry import agreements, catalog, corrections, reviews
from registry.catalog import AppEdit
from registry.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    StaleEditError,
)
from registry.models import (
    Agreement,
    App,
    AppDataElement,
    AppStatusRecord,
    AuditEvent,
    Clause,
    ClauseCorrection,
    Finding,
)
from registry.status import AgreementKind, AppStatus, Role
from registry.storage import InMemoryFileStorage
from tests.conftest import make_actor, make_district
from tests.documents import make_pdf

pytestmark = pytest.mark.anyio

RULE = "us-ny.part121.breach-7d"
LIMIT = 5 * 1024 * 1024
THIRTY_DAYS = make_pdf(
    [
        ["Student Data Privacy Agreement", "Provider shall not sell Student Data."],
        ["Provider shall notify the district of a breach within 30 days."],
    ]
)
SEVENTY_TWO = make_pdf(
    [
        ["Student Data Privacy Agreement", "Provider shall not sell Student Data."],
        ["Provider shall notify the district of a breach within seventy-two (72) hours."],
    ]
)


async def _world():
    """Two districts; an officer, a teacher and an app in the first, an officer in the second."""
    home = await make_district("springfield", "NY")
    away = await make_district("shelbyville", "NY")
    officer = await make_actor(home, Role.PRIVACY_OFFICER)
    teacher = await make_actor(home, Role.TEACHER)
    stranger = await make_actor(away, Role.PRIVACY_OFFICER)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    return officer, teacher, stranger, app


async def _upload(officer, app, data, *, replaces_id=None, name="dpa.pdf"):
    return await agreements.upload_agreement(
        officer,
        app_id=app.id,
        data=data,
        filename=name,
        kind=AgreementKind.STATE_DPA,
        storage=InMemoryFileStorage(),
        max_bytes=LIMIT,
        replaces_id=replaces_id,
    )


async def _approved(officer, name):
    app = await catalog.create_app(officer, name=name, vendor_name="Other Vendor")
    await reviews.change_status(officer, app.id, to=AppStatus.APPROVED)
    return app


# -- decisions -----------------------------------------------------------------------------


async def test_denial_keeps_reason_alternative_and_decision_time(orm):
    officer, _, _, app = await _world()
    alternative = await _approved(officer, "CalcPal")
    record = await reviews.change_status(
        officer,
        app.id,
        to=AppStatus.DENIED,
        denial_reason="Sells student data to advertisers.",
        alternative_id=alternative.id,
        note="vendor refused to sign the NDPA",
    )
    assert record.status is AppStatus.DENIED
    assert record.denial_reason == "Sells student data to advertisers."
    assert record.alternative_id == alternative.id  # type: ignore[attr-defined]
    assert record.decision_note == "vendor refused to sign the NDPA"
    assert record.decided_at is not None
    event = await AuditEvent.filter(tag="app:status", subject_id=app.id).order_by("-id").first()
    assert event.after["denial_reason"] == "Sells student data to advertisers."
    assert event.after["alternative_id"] == alternative.id
    assert event.note == "vendor refused to sign the NDPA"
    # re-opened and approved: the denial's reason and alternative are cleared
    await reviews.change_status(officer, app.id, to=AppStatus.IN_REVIEW)
    approved = await reviews.change_status(officer, app.id, to=AppStatus.APPROVED)
    assert approved.denial_reason == ""
    assert approved.alternative_id is None  # type: ignore[attr-defined]


async def test_alternative_must_be_an_approved_app_of_the_district(orm):
    officer, _, stranger, app = await _world()
    in_review = await catalog.create_app(officer, name="Pending", vendor_name="V")
    theirs = await _approved(stranger, "Elsewhere")
    for bad in (in_review.id, theirs.id, app.id):
        with pytest.raises(InvalidInputError) as err:
            await reviews.change_status(
                officer, app.id, to=AppStatus.DENIED, denial_reason="no", alternative_id=bad
            )
        assert err.value.field == "alternative"
    with pytest.raises(InvalidInputError):
        await reviews.change_status(officer, app.id, to=AppStatus.APPROVED, denial_reason="x")
    assert (await reviews.get_status(officer, app.id)).status is AppStatus.IN_REVIEW
    assert [name for _, name in await reviews.approved_alternatives(officer, app.id)] == []


async def test_decisions_are_scoped(orm):
    officer, teacher, stranger, app = await _world()
    with pytest.raises(PermissionDeniedError):
        await reviews.change_status(teacher, app.id, to=AppStatus.DENIED, denial_reason="x")
    with pytest.raises(NotFoundError):
        await reviews.change_status(stranger, app.id, to=AppStatus.DENIED, denial_reason="x")
    assert (await reviews.get_status(officer, app.id)).status is AppStatus.IN_REVIEW


# -- findings ------------------------------------------------------------------------------


async def test_accepting_a_finding_keeps_its_outcome_with_the_reason(orm):
    officer, teacher, stranger, app = await _world()
    agreement = await _upload(officer, app, THIRTY_DAYS)
    finding = await Finding.get(agreement_id=agreement.id, rule_id=RULE)
    assert finding.outcome == "fail"
    with pytest.raises(InvalidInputError):
        await reviews.accept_finding(officer, finding.id, reason="  ")
    with pytest.raises(PermissionDeniedError):
        await reviews.accept_finding(teacher, finding.id, reason="fine")
    with pytest.raises(NotFoundError):
        await reviews.accept_finding(stranger, finding.id, reason="fine")
    await reviews.accept_finding(officer, finding.id, reason="Vendor will not shorten it.")
    stored = await Finding.get(id=finding.id)
    assert (stored.outcome, stored.override_outcome) == ("fail", "fail")
    event = await AuditEvent.get(tag="finding:accept")
    assert (event.subject_type, event.subject_id) == ("agreement", agreement.id)
    assert event.after == {"finding": finding.id, "rule": RULE, "override": "fail"}
    assert event.note == "Vendor will not shorten it."
    assert await reviews.agreement_of_finding(officer, finding.id) == agreement.id


# -- corrections ---------------------------------------------------------------------------


async def test_corrected_clause_decides_the_recheck_and_the_original_stays(orm):
    officer, _, _, app = await _world()
    agreement = await _upload(officer, app, THIRTY_DAYS)
    breach = await Clause.get(extraction__agreement_id=agreement.id, label="breach_notification")
    assert breach.attributes["deadline_hours"] == 720
    other = await Finding.filter(agreement_id=agreement.id).exclude(rule_id=RULE).first()
    await reviews.override_finding(officer, other.id, outcome="waived", reason="side letter")

    correction, changes = await corrections.correct_clause(
        officer,
        breach.id,
        label="breach_notification",
        stance="requires",
        attributes={"deadline_hours": 48},
        reason="Amendment 2 shortens the notice to 48 hours.",
    )
    assert [(c.rule_id, c.old, c.new) for c in changes] == [(RULE, "fail", "pass")]
    assert (await Finding.get(agreement_id=agreement.id, rule_id=RULE)).outcome == "pass"
    kept = await Finding.get(agreement_id=agreement.id, rule_id=other.rule_id)
    assert (kept.override_outcome, kept.override_reason) == ("waived", "side letter")
    original = await Clause.get(id=breach.id)
    assert original.attributes["deadline_hours"] == 720  # the clause as read is kept
    assert (await ClauseCorrection.get(id=correction.id)).attributes == {"deadline_hours": 48}
    effective = (await reviews.effective_clauses([breach.extraction_id]))[breach.extraction_id]  # type: ignore[attr-defined]
    fixed = next(c for c in effective if c.id == breach.id)
    assert fixed.corrected
    assert fixed.attributes == {"deadline_hours": 48}
    assert fixed.original_attributes["deadline_hours"] == 720
    assert fixed.confidence == 1.0
    tags = await AuditEvent.filter(subject_type="agreement", subject_id=agreement.id).values_list(
        "tag", flat=True
    )
    assert "clause:correct" in tags
    assert "agreement:recheck" in tags
    recheck = await AuditEvent.get(tag="agreement:recheck")
    assert (recheck.before, recheck.after) == ({RULE: "fail"}, {RULE: "pass"})


async def test_correction_is_validated_and_scoped(orm):
    officer, teacher, stranger, app = await _world()
    agreement = await _upload(officer, app, THIRTY_DAYS)
    clause = await Clause.filter(extraction__agreement_id=agreement.id).first()
    good = {"label": "data_sale", "stance": "prohibits", "attributes": {}, "reason": "misread"}
    with pytest.raises(PermissionDeniedError):
        await corrections.correct_clause(teacher, clause.id, **good)
    with pytest.raises(NotFoundError):
        await corrections.correct_clause(stranger, clause.id, **good)
    for bad in (
        {"label": "not_a_label"},
        {"stance": "requires"},  # data_sale cannot be "requires"
        {"reason": ""},
        {"attributes": {"bad key!": 1}},
        {"attributes": {"deadline_hours": {"nested": 1}}},
    ):
        with pytest.raises(InvalidInputError):
            await corrections.correct_clause(officer, clause.id, **(good | bad))
    assert await ClauseCorrection.all().count() == 0
    assert await AuditEvent.filter(tag="clause:correct").count() == 0


# -- new versions --------------------------------------------------------------------------


async def test_new_version_shows_which_findings_changed(orm):
    officer, _, stranger, app = await _world()
    first = await _upload(officer, app, THIRTY_DAYS)
    second = await _upload(officer, app, SEVENTY_TWO, replaces_id=first.id, name="dpa-v2.pdf")
    assert second.replaces_id == first.id  # type: ignore[attr-defined]
    previous, changes = await agreements.findings_diff(officer, second.id)
    assert previous is not None
    assert previous.id == first.id
    assert (RULE, "fail", "pass") in [(c.rule_id, c.old, c.new) for c in changes]
    assert all(c.old != c.new for c in changes)
    assert (await agreements.findings_diff(officer, first.id)) == (None, [])
    event = await AuditEvent.filter(tag="agreement:upload", subject_id=second.id).first()
    assert event.after["replaces"] == first.id
    with pytest.raises(NotFoundError):
        await agreements.findings_diff(stranger, second.id)


async def test_replacing_needs_an_agreement_of_the_same_app(orm):
    officer, _, _, app = await _world()
    other = await catalog.create_app(officer, name="Other", vendor_name="V")
    theirs = await _upload(officer, other, THIRTY_DAYS)
    with pytest.raises(InvalidInputError):
        await _upload(officer, app, SEVENTY_TWO, replaces_id=theirs.id)
    assert await Agreement.filter(app_id=app.id).count() == 0


# -- expiry --------------------------------------------------------------------------------


async def test_expire_due_uses_each_apps_newest_agreement(orm):
    officer, _, stranger, app = await _world()
    renewed = await _approved(officer, "Renewed")
    for target, expiry in ((app, date(2026, 1, 31)), (renewed, date(2026, 1, 31))):
        if target is app:
            await reviews.change_status(officer, app.id, to=AppStatus.APPROVED)
        made = await _upload(officer, target, THIRTY_DAYS, name=f"{target.name}.pdf")
        await Agreement.filter(id=made.id).update(expires_on=expiry)
    newer = await _upload(officer, renewed, SEVENTY_TWO, name="renewed-2.pdf")
    await Agreement.filter(id=newer.id).update(expires_on=date(2027, 6, 30))
    await AppStatusRecord.filter(app_id__in=[app.id, renewed.id]).update(status=AppStatus.APPROVED)
    theirs = await _approved(stranger, "Theirs")
    assert await reviews.expire_due(date(2026, 3, 1)) == [app.id]
    assert (await reviews.get_status(officer, app.id)).status is AppStatus.EXPIRED
    assert (await reviews.get_status(officer, renewed.id)).status is AppStatus.APPROVED
    assert (await reviews.get_status(stranger, theirs.id)).status is AppStatus.APPROVED
    event = await AuditEvent.filter(tag="app:status", subject_id=app.id).order_by("-id").first()
    assert event.after == {"status": "expired"}
    assert event.actor_id is None  # type: ignore[attr-defined]
    assert await reviews.expire_due(date(2026, 3, 1)) == []  # already expired


# -- app edit ------------------------------------------------------------------------------


def _edit(**changes):
    base = {
        "name": "MathQuest",
        "vendor": "Brightpath",
        "data_elements": ("student_identifiers", "assessment"),
        "subprocessors": (("Amazon Web Services", "hosting"), ("", "")),
    }
    return AppEdit(**(base | changes))


async def test_app_edit_saves_fields_and_audits_what_changed(orm):
    officer, _, _, app = await _world()
    agreement = await _upload(officer, app, THIRTY_DAYS)
    snapshot = await catalog.edit_snapshot(officer, app.id)
    after = await catalog.update_app(
        officer,
        app.id,
        _edit(vendor="Brightpath Learning Inc.", public_agreements=(agreement.id,)),
        expected_fingerprint=snapshot.fingerprint,
    )
    assert after.fingerprint != snapshot.fingerprint
    stored = await App.get(id=app.id).prefetch_related("vendor")
    assert stored.vendor.name == "Brightpath Learning Inc."
    assert stored.subprocessors == [{"name": "Amazon Web Services", "purpose": "hosting"}]
    elements = await AppDataElement.filter(app_id=app.id).values_list("element", flat=True)
    assert sorted(elements) == ["assessment", "student_identifiers"]
    assert (await Agreement.get(id=agreement.id)).is_public
    event = await AuditEvent.get(tag="app:edit")
    assert event.before["vendor"] == "Brightpath"
    assert event.after["vendor"] == "Brightpath Learning Inc."
    assert event.after["public_agreements"] == [agreement.id]
    assert "name" not in event.after  # only what changed


async def test_concurrent_app_edit_is_refused_and_nothing_changes(orm):
    officer, _, _, app = await _world()
    seen = await catalog.edit_snapshot(officer, app.id)
    await catalog.update_app(officer, app.id, _edit(), expected_fingerprint=seen.fingerprint)
    with pytest.raises(StaleEditError):
        await catalog.update_app(
            officer, app.id, _edit(name="Renamed"), expected_fingerprint=seen.fingerprint
        )
    assert (await App.get(id=app.id)).name == "MathQuest"
    assert await AuditEvent.filter(tag="app:edit").count() == 1


async def test_app_edit_is_validated_and_scoped(orm):
    officer, teacher, stranger, app = await _world()
    other = await catalog.create_app(officer, name="Other", vendor_name="V")
    foreign = await _upload(officer, other, THIRTY_DAYS)
    fingerprint = (await catalog.edit_snapshot(officer, app.id)).fingerprint
    with pytest.raises(PermissionDeniedError):
        await catalog.update_app(teacher, app.id, _edit(), expected_fingerprint=fingerprint)
    with pytest.raises(NotFoundError):
        await catalog.update_app(stranger, app.id, _edit(), expected_fingerprint=fingerprint)
    for bad in (
        _edit(data_elements=("shoe_size",)),
        _edit(subprocessors=(("", "analytics"),)),
        _edit(public_agreements=(foreign.id,)),
        _edit(name=""),
    ):
        with pytest.raises(InvalidInputError):
            await catalog.update_app(officer, app.id, bad, expected_fingerprint=fingerprint)
    assert not (await Agreement.get(id=foreign.id)).is_public
    assert await AuditEvent.filter(tag="app:edit").count() == 0
