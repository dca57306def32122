"""The privacy officer's desk: what needs a decision this week, read in four queries.

Open teacher requests, agreements whose findings still fail or need review (an officer's
override counts), and apps whose agreement expires within 30/60/90 days or has expired.
Only the newest version of a replaced agreement is listed, and denied apps' agreements are
left out (the decision is made).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tortoise.functions import Count

from registry.models import Agreement, AppRequest, AppStatusRecord, Finding
from registry.scoping import Actor, require_role
from registry.status import PUBLISHED_STATUSES, AppStatus, RequestStatus, Role

__all__ = [
    "EXPIRY_BUCKETS",
    "AppRow",
    "AttentionRow",
    "Desk",
    "ExpiryRow",
    "RequestRow",
    "load_desk",
]

# (id, days): an agreement falls in the first bucket whose horizon it is within.
EXPIRY_BUCKETS: tuple[tuple[str, int], ...] = (("30", 30), ("60", 60), ("90", 90))
_WATCHED = PUBLISHED_STATUSES | {AppStatus.EXPIRED}


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestRow:
    id: int
    name: str
    url: str
    reason: str
    class_name: str
    grade: str
    requested_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AttentionRow:
    agreement_id: int
    filename: str
    app_id: int
    app_name: str
    failing: int
    needs_review: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpiryRow:
    app_id: int
    app_name: str
    agreement_id: int
    expires_on: date
    days_left: int  # negative: expired that many days ago
    bucket: str  # "expired", "30", "60" or "90"


@dataclass(frozen=True, slots=True, kw_only=True)
class AppRow:
    app_id: int
    name: str
    vendor: str
    status: AppStatus
    conditions: str
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Desk:
    today: date
    requests: tuple[RequestRow, ...]
    attention: tuple[AttentionRow, ...]
    expiring: tuple[ExpiryRow, ...]
    apps: tuple[AppRow, ...]
    status_counts: tuple[tuple[AppStatus, int], ...]

    @property
    def expiry_counts(self) -> tuple[tuple[str, int], ...]:
        """("expired" | "30" | "60" | "90", number of apps), in that order."""
        counts = Counter(row.bucket for row in self.expiring)
        keys = ("expired", *(b for b, _ in EXPIRY_BUCKETS))
        return tuple((key, counts.get(key, 0)) for key in keys)


async def load_desk(actor: Actor, *, today: date) -> Desk:
    """The desk of the actor's district (officers and admins)."""
    require_role(actor, Role.PRIVACY_OFFICER)
    district_id = actor.district_id
    requests = await (
        AppRequest.filter(district_id=district_id, status=RequestStatus.OPEN)
        .order_by("created_at")
        .values(
            "id", "name", "url", "reason", "class_name", "grade", "created_at",
            "requested_by__name",
        )
    )  # fmt: skip
    records = await (
        AppStatusRecord.filter(district_id=district_id)
        .order_by("app__name")
        .values("app_id", "status", "conditions", "updated_at", "app__name", "app__vendor__name")
    )
    agreements = await Agreement.filter(district_id=district_id).values(
        "id", "filename", "app_id", "app__name", "expires_on", "replaces_id"
    )
    outcomes = await (
        Finding.filter(agreement__district_id=district_id)
        .annotate(n=Count("id"))
        .group_by("agreement_id", "outcome", "override_outcome")
        .values("agreement_id", "outcome", "override_outcome", "n")
    )
    replaced = {a["replaces_id"] for a in agreements if a["replaces_id"] is not None}
    current = [a for a in agreements if a["id"] not in replaced]
    apps = tuple(
        AppRow(
            app_id=r["app_id"],
            name=r["app__name"],
            vendor=r["app__vendor__name"],
            status=AppStatus(r["status"]),
            conditions=r["conditions"],
            updated_at=r["updated_at"],
        )
        for r in records
    )
    counts = Counter(row.status for row in apps)
    denied = {row.app_id for row in apps if row.status is AppStatus.DENIED}
    return Desk(
        today=today,
        requests=tuple(_request_row(r) for r in requests),
        attention=_attention([a for a in current if a["app_id"] not in denied], outcomes),
        expiring=_expiring(current, apps, today),
        apps=apps,
        status_counts=tuple((s, counts.get(s, 0)) for s in AppStatus),
    )


def _request_row(row: dict[str, Any]) -> RequestRow:
    return RequestRow(
        id=row["id"],
        name=row["name"],
        url=row["url"],
        reason=row["reason"],
        class_name=row["class_name"],
        grade=row["grade"],
        requested_by=row["requested_by__name"] or "",
        created_at=row["created_at"],
    )


def _attention(
    agreements: list[dict[str, Any]], outcomes: list[dict[str, Any]]
) -> tuple[AttentionRow, ...]:
    tally: dict[int, Counter[str]] = defaultdict(Counter)
    for row in outcomes:
        tally[row["agreement_id"]][row["override_outcome"] or row["outcome"]] += int(row["n"])
    rows = [
        AttentionRow(
            agreement_id=a["id"],
            filename=a["filename"],
            app_id=a["app_id"],
            app_name=a["app__name"],
            failing=tally[a["id"]]["fail"],
            needs_review=tally[a["id"]]["needs_review"],
        )
        for a in agreements
        if tally[a["id"]]["fail"] or tally[a["id"]]["needs_review"]
    ]
    rows.sort(key=lambda r: (-r.failing, -r.needs_review, r.app_name.lower(), r.agreement_id))
    return tuple(rows)


def _expiring(
    agreements: list[dict[str, Any]], apps: tuple[AppRow, ...], today: date
) -> tuple[ExpiryRow, ...]:
    """Watched apps (approved or expired) by the newest expiry date among their agreements."""
    watched = {row.app_id: row.name for row in apps if row.status in _WATCHED}
    newest: dict[int, dict[str, Any]] = {}
    for a in agreements:
        if a["app_id"] not in watched or a["expires_on"] is None:
            continue
        seen = newest.get(a["app_id"])
        if seen is None or a["expires_on"] > seen["expires_on"]:
            newest[a["app_id"]] = a
    rows = []
    horizon = EXPIRY_BUCKETS[-1][1]
    for app_id, a in newest.items():
        days = (a["expires_on"] - today).days
        if days > horizon:
            continue
        bucket = "expired" if days < 0 else next(b for b, d in EXPIRY_BUCKETS if days <= d)
        rows.append(
            ExpiryRow(
                app_id=app_id,
                app_name=watched[app_id],
                agreement_id=a["id"],
                expires_on=a["expires_on"],
                days_left=days,
                bucket=bucket,
            )
        )
    rows.sort(key=lambda r: (r.days_left, r.app_name.lower()))
    return tuple(rows)
