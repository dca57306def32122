"""The audit trail: one append-only row for every decision and upload."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from registry.models import AuditEvent

__all__ = ["record_event"]


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
