"""Review decisions: status transitions, finding overrides, expiry. Every change is audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from tortoise.transactions import in_transaction

from registry.errors import InvalidInputError, NotFoundError, StaleEditError
from registry.events import record_event
from registry.models import (
    Agreement,
    AppRequest,
    AppStatusRecord,
    Clause,
    ClauseCorrection,
    Finding,
)
from registry.notifications import notify
from registry.scoping import Actor, require_role
from registry.status import PUBLISHED_STATUSES, AppStatus, RequestStatus, Role, check_transition

__all__ = [
    "DECIDED_STATUSES",
    "OUTCOMES",
    "EffectiveClause",
    "accept_finding",
    "agreement_of_finding",
    "approved_alternatives",
    "change_status",
    "effective_clauses",
    "expire_due",
    "get_status",
    "override_finding",
]

OUTCOMES = ("pass", "fail", "missing", "needs_review", "waived")
DECIDED_STATUSES = frozenset(
    {AppStatus.APPROVED, AppStatus.APPROVED_WITH_CONDITIONS, AppStatus.DENIED}
)


async def get_status(actor: Actor, app_id: int) -> AppStatusRecord:
    record = await AppStatusRecord.get_or_none(app_id=app_id, district_id=actor.district_id)
    if record is None:
        raise NotFoundError("No such app in your district.")
    return record


async def change_status(
    actor: Actor,
    app_id: int,
    *,
    to: AppStatus,
    conditions: str = "",
    note: str = "",
    denial_reason: str = "",
    alternative_id: int | None = None,
    expected_version: int | None = None,
) -> AppStatusRecord:
    """Move the app's status in the actor's district along the state machine.

    `note` stays internal to officers; `denial_reason` and the suggested `alternative_id`
    (an approved app of the same district) are shown to the district's teachers.
    `expected_version` guards against a concurrent edit: when given and the record has
    changed since it was read, StaleEditError is raised and nothing is written.
    """
    require_role(actor, Role.PRIVACY_OFFICER)
    conditions = (conditions or "").strip()
    note = (note or "").strip()
    denial_reason = (denial_reason or "").strip()
    if to is AppStatus.APPROVED_WITH_CONDITIONS and not conditions:
        raise InvalidInputError("Say which conditions apply.", field="conditions")
    if to is AppStatus.DENIED and not (denial_reason or note):
        raise InvalidInputError(
            "Say why the app is denied (teachers see the reason).", field="denial_reason"
        )
    if len(denial_reason) > 2000 or len(conditions) > 2000:
        raise InvalidInputError("Keep conditions and reasons under 2,000 characters.")
    if to is not AppStatus.DENIED and (denial_reason or alternative_id is not None):
        raise InvalidInputError(
            "A denial reason and an alternative app only go with a denial.", field="to"
        )
    if alternative_id is not None:
        await _check_alternative(actor, app_id, alternative_id)
    async with in_transaction() as conn:
        record = await get_status(actor, app_id)
        if expected_version is not None and record.version != expected_version:
            raise StaleEditError(
                "Someone else changed this app's status while you were looking at it. "
                "Reload the page to see the current status."
            )
        check_transition(AppStatus(record.status), to)
        before = _decision_state(record)
        new_conditions = conditions if to in PUBLISHED_STATUSES else record.conditions
        if to is AppStatus.APPROVED:
            new_conditions = ""
        values: dict[str, Any] = {
            "status": to,
            "conditions": new_conditions,
            "decision_note": note,
            "version": record.version + 1,
        }
        if to in DECIDED_STATUSES:
            values["decided_at"] = datetime.now(UTC)
            values["denial_reason"] = denial_reason if to is AppStatus.DENIED else ""
            values["alternative_id"] = alternative_id if to is AppStatus.DENIED else None
        updated = (
            await AppStatusRecord.filter(id=record.id, version=record.version)
            .using_db(conn)
            .update(**values)
        )
        if not updated:
            raise StaleEditError("Someone else changed this app's status at the same time.")
        after: dict[str, Any] = {"status": to.value, "conditions": new_conditions}
        if to is AppStatus.DENIED:
            after.update(denial_reason=denial_reason, alternative_id=alternative_id)
        await record_event(
            "app:status",
            subject_type="app",
            subject_id=app_id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            before=before,
            after=after,
            note=note,
            using_db=conn,
        )
        if to in DECIDED_STATUSES:
            await _tell_requesters(actor, app_id, to, conditions=new_conditions, conn=conn)
    return await get_status(actor, app_id)


async def _tell_requesters(
    actor: Actor, app_id: int, to: AppStatus, *, conditions: str, conn: Any
) -> None:
    """Teachers whose request brought this app in hear of the decision."""
    requests = (
        await AppRequest.filter(
            app_id=app_id, district_id=actor.district_id, status=RequestStatus.ACCEPTED
        )
        .using_db(conn)
        .values("requested_by_id", "name")
    )
    if to is AppStatus.DENIED:
        verdict = "was denied; see the reason and any suggested alternative"
    elif conditions:
        verdict = f"was approved with conditions: {conditions}"
    else:
        verdict = "was approved"
    for user_id in sorted({r["requested_by_id"] for r in requests}):
        name = next(r["name"] for r in requests if r["requested_by_id"] == user_id)
        await notify(
            user_id=user_id,
            district_id=actor.district_id,
            message=f"The app you requested, {name}, {verdict}.",
            link=f"/apps?q={quote(name)}",
            using_db=conn,
        )


def _decision_state(record: AppStatusRecord) -> dict[str, Any]:
    state: dict[str, Any] = {"status": record.status.value, "conditions": record.conditions}
    if record.status is AppStatus.DENIED:
        state.update(
            denial_reason=record.denial_reason,
            alternative_id=record.alternative_id,  # type: ignore[attr-defined]
        )
    return state


async def _check_alternative(actor: Actor, app_id: int, alternative_id: int) -> None:
    if alternative_id == app_id:
        raise InvalidInputError("An app cannot be its own alternative.", field="alternative")
    ok = await AppStatusRecord.exists(
        app_id=alternative_id,
        district_id=actor.district_id,
        status__in=[s.value for s in PUBLISHED_STATUSES],
    )
    if not ok:
        raise InvalidInputError(
            "The suggested alternative must be an approved app of your district.",
            field="alternative",
        )


async def approved_alternatives(actor: Actor, app_id: int) -> list[tuple[int, str]]:
    """(id, name) of the district's approved apps an officer may suggest instead."""
    require_role(actor, Role.PRIVACY_OFFICER)
    rows = (
        await AppStatusRecord.filter(
            district_id=actor.district_id, status__in=[s.value for s in PUBLISHED_STATUSES]
        )
        .exclude(app_id=app_id)
        .order_by("app__name")
        .values_list("app_id", "app__name")
    )
    return [(int(i), str(n)) for i, n in rows]


async def override_finding(
    actor: Actor, finding_id: int, *, outcome: str, reason: str, tag: str = "finding:override"
) -> Finding:
    """Record an officer's verdict on a finding; the engine's outcome is kept beside it.

    The event's subject is the agreement (findings are replaced when it is re-checked, the
    trail must stay), with the finding and its rule in the event's data.
    """
    require_role(actor, Role.PRIVACY_OFFICER)
    if outcome not in OUTCOMES:
        raise InvalidInputError(f"Outcome must be one of {', '.join(OUTCOMES)}.", field="outcome")
    reason = (reason or "").strip()
    if not reason:
        what = "An override" if tag == "finding:override" else "Accepting a finding"
        raise InvalidInputError(f"{what} needs a reason.", field="reason")
    if len(reason) > 2000:
        raise InvalidInputError("Keep the reason under 2,000 characters.", field="reason")
    finding = await _finding_in_district(actor, finding_id)
    async with in_transaction() as conn:
        before: dict[str, Any] = {
            "rule": finding.rule_id,
            "outcome": finding.outcome,
            "override": finding.override_outcome,
        }
        finding.override_outcome = outcome
        finding.override_reason = reason
        await finding.save(using_db=conn, update_fields=["override_outcome", "override_reason"])
        await record_event(
            tag,
            subject_type="agreement",
            subject_id=finding.agreement_id,  # type: ignore[attr-defined]
            district_id=actor.district_id,
            actor_id=actor.user_id,
            before=before,
            after={"finding": finding.id, "rule": finding.rule_id, "override": outcome},
            note=reason,
            using_db=conn,
        )
    return finding


async def accept_finding(actor: Actor, finding_id: int, *, reason: str) -> Finding:
    """Confirm the engine's outcome after reading the evidence (kept like an override)."""
    finding = await _finding_in_district(actor, finding_id)
    return await override_finding(
        actor, finding.id, outcome=finding.outcome, reason=reason, tag="finding:accept"
    )


async def agreement_of_finding(actor: Actor, finding_id: int) -> int:
    """The id of the agreement a finding of the actor's district belongs to."""
    finding = await _finding_in_district(actor, finding_id)
    return int(finding.agreement_id)  # type: ignore[attr-defined]


async def _finding_in_district(actor: Actor, finding_id: int) -> Finding:
    require_role(actor, Role.PRIVACY_OFFICER)
    finding = await Finding.filter(id=finding_id, agreement__district_id=actor.district_id).first()
    if finding is None:
        raise NotFoundError("No such finding in your district.")
    return finding


@dataclass(frozen=True, slots=True, kw_only=True)
class EffectiveClause:
    """A stored clause as the engine should see it: the newest correction applied.

    Satisfies policies.ClauseFact. A corrected clause has confidence 1.0: an officer read it.
    """

    id: int
    label: str
    stance: str
    attributes: Mapping[str, Any]
    text: str
    page: int
    confidence: float
    section: str = ""
    boxes: tuple[tuple[float, ...], ...] = ()
    corrected: bool = False
    original_label: str = ""
    original_stance: str = ""
    original_attributes: Mapping[str, Any] = field(default_factory=dict)
    correction_reason: str = ""


async def effective_clauses(extraction_ids: Sequence[int]) -> dict[int, list[EffectiveClause]]:
    """Clauses of each extraction with officers' corrections applied (two queries in all).

    Re-checks evaluate these, so a corrected label, stance or attribute decides findings
    while the extracted clause stays stored as it was read.
    """
    ids = list(extraction_ids)
    if not ids:
        return {}
    rows = (
        await Clause.filter(extraction_id__in=ids)
        .order_by("page", "start", "id")
        .values(
            "id", "extraction_id", "label", "stance", "attributes", "text", "page",
            "confidence", "section", "boxes",
        )
    )  # fmt: skip
    newest: dict[int, dict[str, Any]] = {}
    for row in (
        await ClauseCorrection.filter(clause_id__in=[r["id"] for r in rows])
        .order_by("id")
        .values("clause_id", "label", "stance", "attributes", "reason")
    ):
        newest[row["clause_id"]] = row  # the latest correction wins
    out: dict[int, list[EffectiveClause]] = {i: [] for i in ids}
    for row in rows:
        fix = newest.get(row["id"])
        base = {
            "id": row["id"],
            "text": row["text"],
            "page": row["page"],
            "section": row["section"] or "",
            "boxes": tuple(tuple(b) for b in row["boxes"] or ()),
        }
        if fix is None:
            clause = EffectiveClause(
                label=row["label"],
                stance=row["stance"],
                attributes=row["attributes"] or {},
                confidence=row["confidence"],
                **base,
            )
        else:
            clause = EffectiveClause(
                label=fix["label"],
                stance=fix["stance"],
                attributes=fix["attributes"] or {},
                confidence=1.0,
                corrected=True,
                original_label=row["label"],
                original_stance=row["stance"],
                original_attributes=row["attributes"] or {},
                correction_reason=fix["reason"],
                **base,
            )
        out[row["extraction_id"]].append(clause)
    return out


async def expire_due(today: date, *, district_id: int | None = None) -> list[int]:
    """Mark approved apps expired when their newest agreement's expiry has passed.

    Two reads whatever the number of apps: the approved records, and the newest expiry
    per (app, district) of their agreements.
    """
    qs = AppStatusRecord.filter(status__in=[s.value for s in PUBLISHED_STATUSES])
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    records = await qs
    if not records:
        return []
    newest: dict[tuple[int, int], date] = {}
    agreements = Agreement.filter(
        app_id__in=sorted({r.app_id for r in records})  # type: ignore[attr-defined]
    ).exclude(expires_on=None)
    if district_id is not None:
        agreements = agreements.filter(district_id=district_id)
    for app_id, dist_id, expires_on in await agreements.values_list(
        "app_id", "district_id", "expires_on"
    ):
        key = (app_id, dist_id)
        if key not in newest or expires_on > newest[key]:
            newest[key] = expires_on
    expired: list[int] = []
    for record in records:
        app_id = record.app_id  # type: ignore[attr-defined]
        expires_on = newest.get((app_id, record.district_id))  # type: ignore[attr-defined]
        if expires_on is None or expires_on >= today:
            continue
        async with in_transaction() as conn:
            updated = (
                await AppStatusRecord.filter(id=record.id, version=record.version)
                .using_db(conn)
                .update(status=AppStatus.EXPIRED, version=record.version + 1)
            )
            if updated:
                await record_event(
                    "app:status",
                    subject_type="app",
                    subject_id=app_id,
                    district_id=record.district_id,  # type: ignore[attr-defined]
                    actor_id=None,
                    before={"status": record.status.value},
                    after={"status": AppStatus.EXPIRED.value},
                    note=f"agreement expired on {expires_on.isoformat()}",
                    using_db=conn,
                )
                expired.append(app_id)
    return expired
