"""Review decisions: status transitions, finding overrides, expiry. Every change is audited."""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from registry.errors import InvalidInputError, NotFoundError, StaleEditError
from registry.events import record_event
from registry.models import Agreement, AppStatusRecord, Finding
from registry.scoping import Actor, require_role
from registry.status import PUBLISHED_STATUSES, AppStatus, Role, check_transition

__all__ = ["change_status", "expire_due", "get_status", "override_finding"]

OUTCOMES = ("pass", "fail", "missing", "needs_review", "waived")


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
    expected_version: int | None = None,
) -> AppStatusRecord:
    """Move the app's status in the actor's district along the state machine.

    `expected_version` guards against a concurrent edit: when given and the record has
    changed since it was read, StaleEditError is raised and nothing is written.
    """
    require_role(actor, Role.PRIVACY_OFFICER)
    conditions = (conditions or "").strip()
    if to is AppStatus.APPROVED_WITH_CONDITIONS and not conditions:
        raise InvalidInputError("Say which conditions apply.", field="conditions")
    if to is AppStatus.DENIED and not (note or "").strip():
        raise InvalidInputError("Say why the app is denied.", field="note")
    async with in_transaction() as conn:
        record = await get_status(actor, app_id)
        if expected_version is not None and record.version != expected_version:
            raise StaleEditError(
                "Someone else changed this app's status while you were looking at it. "
                "Reload the page to see the current status."
            )
        check_transition(AppStatus(record.status), to)
        before = {"status": record.status.value, "conditions": record.conditions}
        new_conditions = conditions if to in PUBLISHED_STATUSES else record.conditions
        if to is AppStatus.APPROVED:
            new_conditions = ""
        updated = (
            await AppStatusRecord.filter(id=record.id, version=record.version)
            .using_db(conn)
            .update(
                status=to,
                conditions=new_conditions,
                decision_note=(note or "").strip(),
                version=record.version + 1,
            )
        )
        if not updated:
            raise StaleEditError("Someone else changed this app's status at the same time.")
        await record_event(
            "app:status",
            subject_type="app",
            subject_id=app_id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            before=before,
            after={"status": to.value, "conditions": new_conditions},
            note=(note or "").strip(),
            using_db=conn,
        )
    return await get_status(actor, app_id)


async def override_finding(actor: Actor, finding_id: int, *, outcome: str, reason: str) -> Finding:
    """Record an officer's verdict on a finding; the engine's outcome is kept beside it."""
    require_role(actor, Role.PRIVACY_OFFICER)
    if outcome not in OUTCOMES:
        raise InvalidInputError(f"Outcome must be one of {', '.join(OUTCOMES)}.", field="outcome")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInputError("An override needs a reason.", field="reason")
    finding = await Finding.filter(id=finding_id, agreement__district_id=actor.district_id).first()
    if finding is None:
        raise NotFoundError("No such finding in your district.")
    async with in_transaction() as conn:
        before = {"outcome": finding.outcome, "override": finding.override_outcome}
        finding.override_outcome = outcome
        finding.override_reason = reason
        await finding.save(using_db=conn, update_fields=["override_outcome", "override_reason"])
        await record_event(
            "finding:override",
            subject_type="finding",
            subject_id=finding.id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            before=before,
            after={"outcome": finding.outcome, "override": outcome},
            note=reason,
            using_db=conn,
        )
    return finding


async def expire_due(today: date, *, district_id: int | None = None) -> list[int]:
    """Mark approved apps expired when their newest agreement's expiry has passed."""
    qs = AppStatusRecord.filter(status__in=[s.value for s in PUBLISHED_STATUSES])
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    expired: list[int] = []
    for record in await qs:
        newest = (
            await Agreement.filter(app_id=record.app_id, district_id=record.district_id)  # type: ignore[attr-defined]
            .exclude(expires_on=None)
            .order_by("-expires_on")
            .first()
        )
        if newest is None or newest.expires_on is None or newest.expires_on >= today:
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
                    subject_id=record.app_id,  # type: ignore[attr-defined]
                    district_id=record.district_id,  # type: ignore[attr-defined]
                    actor_id=None,
                    before={"status": record.status.value},
                    after={"status": AppStatus.EXPIRED.value},
                    note=f"agreement expired on {newest.expires_on.isoformat()}",
                    using_db=conn,
                )
                expired.append(record.app_id)  # type: ignore[attr-defined]
    return expired
