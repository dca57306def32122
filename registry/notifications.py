"""Notifications: short messages to one user in one district (e.g. their request was decided)."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from registry.errors import NotFoundError
from registry.models import Notification
from registry.scoping import Actor

__all__ = ["list_notifications", "mark_read", "notify", "unread_count"]

MAX_LISTED = 200


async def notify(
    *,
    user_id: int,
    district_id: int,
    message: str,
    link: str = "",
    using_db: BaseDBAsyncClient | None = None,
) -> Notification:
    """Queue a message for a user; callers are use cases that already checked the actor."""
    return await Notification.create(
        user_id=user_id,
        district_id=district_id,
        message=message[:2000],
        link=link[:500],
        using_db=using_db,
    )


async def list_notifications(
    actor: Actor, *, unread_only: bool = False, limit: int = MAX_LISTED
) -> list[Notification]:
    """The actor's own notifications in their district, newest first (any role)."""
    qs = Notification.filter(user_id=actor.user_id, district_id=actor.district_id)
    if unread_only:
        qs = qs.filter(read_at=None)
    return await qs.order_by("-id").limit(max(1, min(limit, MAX_LISTED)))


async def unread_count(actor: Actor) -> int:
    return await Notification.filter(
        user_id=actor.user_id, district_id=actor.district_id, read_at=None
    ).count()


async def mark_read(actor: Actor, notification_id: int | None = None) -> int:
    """Mark one notification (or, with None, all of them) read; returns how many changed.

    A notification of another user or district is NotFoundError, as if it did not exist.
    """
    qs = Notification.filter(user_id=actor.user_id, district_id=actor.district_id)
    if notification_id is not None:
        if not await qs.filter(id=notification_id).exists():
            raise NotFoundError("No such notification.")
        qs = qs.filter(id=notification_id)
    return await qs.filter(read_at=None).update(read_at=datetime.now(UTC))
