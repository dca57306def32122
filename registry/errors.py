"""Domain errors of the registry.

    RegistryError
    ├── NotFoundError
    ├── PermissionDeniedError
    ├── AuthenticationError
    ├── ConflictError
    │   ├── DuplicateUploadError
    │   └── StaleEditError
    ├── InvalidTransitionError
    ├── InvalidInputError
    └── InvalidUploadError      (wraps the extractor's error; the upload is kept)

Each class has a stable `code` that API clients can switch on. Only web/errors.py maps
them to HTTP statuses.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AuthenticationError",
    "ConflictError",
    "DuplicateUploadError",
    "InvalidInputError",
    "InvalidTransitionError",
    "InvalidUploadError",
    "NotFoundError",
    "PermissionDeniedError",
    "RegistryError",
    "StaleEditError",
]


class RegistryError(Exception):
    code: ClassVar[str] = "registry_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(RegistryError):
    code = "not_found"


class PermissionDeniedError(RegistryError):
    code = "permission_denied"


class AuthenticationError(RegistryError):
    code = "authentication_failed"


class ConflictError(RegistryError):
    code = "conflict"


class DuplicateUploadError(ConflictError):
    """The same bytes were already uploaded as an agreement of this app in this district."""

    code = "duplicate_upload"

    def __init__(self, message: str, *, agreement_id: int) -> None:
        super().__init__(message)
        self.agreement_id = agreement_id


class StaleEditError(ConflictError):
    """Somebody else changed the record since it was loaded."""

    code = "stale_edit"


class InvalidTransitionError(RegistryError):
    """An app status change the state machine does not allow."""

    code = "invalid_transition"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"An app that is {current.replace('_', ' ')} cannot become {target.replace('_', ' ')}."
        )
        self.current = current
        self.target = target


class InvalidInputError(RegistryError):
    code = "invalid_input"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidUploadError(RegistryError):
    """The file could not be read; it is stored anyway and the agreement marked failed."""

    code = "invalid_upload"

    def __init__(self, message: str, *, reason: str, agreement_id: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.agreement_id = agreement_id
