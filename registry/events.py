"""The audit trail: one append-only row for every decision and upload."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from registry.models import AuditEvent
from registry.scoping import Actor, require_role
from registry.status import Role

__all__ = ["list_events", "record_event"]


async def record_event(
    tag: str,
    *,
    subject_type: str,
    subject_id: int,
    district_id: int | None,
    actor_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    using_db: BaseDBAsyncClient | None = None,
) -> AuditEvent:
    """Append an event. `tag` is `subject:action`, e.g. `app:status`, `agreement:upload`."""
    return await AuditEvent.create(
        tag=tag,
        subject_type=subject_type,
        subject_id=subject_id,
        district_id=district_id,
        actor_id=actor_id,
        before=before,
        after=after,
        note=note,
        using_db=using_db,
    )


async def list_events(
    actor: Actor, *, subject_type: str, subject_id: int, limit: int = 200
) -> list[AuditEvent]:
    """The district's audit trail for one subject, newest first (officers and admins)."""
    require_role(actor, Role.PRIVACY_OFFICER)
    return (
        await AuditEvent.filter(
            district_id=actor.district_id, subject_type=subject_type, subject_id=subject_id
        )
        .prefetch_related("actor")
        .order_by("-id")
        .limit(limit)
    )
