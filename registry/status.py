"""Closed sets stored in the database, and the app-status state machine."""

from __future__ import annotations

from enum import StrEnum

from registry.errors import InvalidTransitionError

__all__ = [
    "TRANSITIONS",
    "AgreementKind",
    "AppStatus",
    "ExtractionState",
    "RequestStatus",
    "Role",
    "check_transition",
]


class Role(StrEnum):
    ADMIN = "admin"
    PRIVACY_OFFICER = "privacy_officer"
    TEACHER = "teacher"


class AppStatus(StrEnum):
    REQUESTED = "requested"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    DENIED = "denied"
    EXPIRED = "expired"


PUBLISHED_STATUSES = frozenset({AppStatus.APPROVED, AppStatus.APPROVED_WITH_CONDITIONS})


class AgreementKind(StrEnum):
    NDPA = "ndpa"
    STATE_DPA = "state_dpa"
    VENDOR_DPA = "vendor_dpa"
    PRIVACY_POLICY = "privacy_policy"
    TERMS = "terms"


class ExtractionState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class RequestStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"


# requested -> in_review -> approved | approved_with_conditions | denied;
# approved(_with_conditions) -> expired when the agreement expires;
# expired | denied -> in_review on a new agreement.
# An approved app may also be re-opened for review (a new agreement version arrives).
TRANSITIONS: dict[AppStatus, frozenset[AppStatus]] = {
    AppStatus.REQUESTED: frozenset({AppStatus.IN_REVIEW}),
    AppStatus.IN_REVIEW: frozenset(
        {AppStatus.APPROVED, AppStatus.APPROVED_WITH_CONDITIONS, AppStatus.DENIED}
    ),
    AppStatus.APPROVED: frozenset({AppStatus.EXPIRED, AppStatus.IN_REVIEW}),
    AppStatus.APPROVED_WITH_CONDITIONS: frozenset({AppStatus.EXPIRED, AppStatus.IN_REVIEW}),
    AppStatus.DENIED: frozenset({AppStatus.IN_REVIEW}),
    AppStatus.EXPIRED: frozenset({AppStatus.IN_REVIEW}),
}


def check_transition(current: AppStatus, target: AppStatus) -> None:
    """Raise InvalidTransitionError unless `current -> target` is allowed."""
    if target not in TRANSITIONS[current]:
        raise InvalidTransitionError(current.value, target.value)
