"""The only reader of raw request input: form fields -> typed dataclasses.

Bad input raises registry's InvalidInputError (-> 422) with the field name, so pages can
re-render with the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from registry.errors import InvalidInputError, InvalidUploadError
from registry.status import AgreementKind, AppStatus
from web.middleware import FORM_SCOPE_KEY

__all__ = [
    "AppForm",
    "DecisionForm",
    "LoginForm",
    "OverrideForm",
    "RequestForm",
    "UploadForm",
    "parse_app",
    "parse_decision",
    "parse_login",
    "parse_override",
    "parse_request",
    "parse_upload",
    "submitted_form",
]

_CHUNK = 1024 * 1024


def submitted_form(request: Request) -> FormData:
    """The form the guard middleware parsed (and CSRF-checked) for this request."""
    form = request.scope.get(FORM_SCOPE_KEY)
    if not isinstance(form, FormData):
        raise InvalidInputError("This request needs a form.")
    return form


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _checkbox(form: FormData, name: str) -> bool:
    return _text(form, name) in {"on", "1", "true", "yes"}


def _date(form: FormData, name: str, label: str) -> date | None:
    value = _text(form, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            f"The {label} is not a date (use YYYY-MM-DD).", field=name
        ) from None


def _int(form: FormData, name: str) -> int | None:
    value = _text(form, name)
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInputError(f"The {name.replace('_', ' ')} must be a number.", field=name)
    return int(value)


@dataclass(frozen=True, slots=True)
class LoginForm:
    email: str
    password: str
    next: str


def parse_login(form: FormData) -> LoginForm:
    password = form.get("password")
    return LoginForm(
        email=_text(form, "email"),
        password=password if isinstance(password, str) else "",
        next=_text(form, "next"),
    )


@dataclass(frozen=True, slots=True)
class AppForm:
    name: str
    vendor: str
    url: str
    description: str
    grades: str
    subjects: str
    under_13: bool


def parse_app(form: FormData) -> AppForm:
    return AppForm(
        name=_text(form, "name"),
        vendor=_text(form, "vendor"),
        url=_text(form, "url"),
        description=_text(form, "description"),
        grades=_text(form, "grades"),
        subjects=_text(form, "subjects"),
        under_13=_checkbox(form, "under_13"),
    )


@dataclass(frozen=True, slots=True)
class UploadForm:
    data: bytes
    filename: str
    kind: AgreementKind
    signed_on: date | None
    expires_on: date | None
    is_public: bool


async def parse_upload(form: FormData, *, max_bytes: int) -> UploadForm:
    """Read the uploaded file, stopping as soon as it passes `max_bytes`."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInputError("Choose the agreement file to upload.", field="file")
    try:
        kind = AgreementKind(_text(form, "kind"))
    except ValueError:
        raise InvalidInputError("Choose the kind of agreement.", field="kind") from None
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise InvalidUploadError(
                f"The file is larger than the {max_bytes / (1024 * 1024):g} MB limit.",
                reason="too_large",
            )
        chunks.append(chunk)
    return UploadForm(
        data=b"".join(chunks),
        filename=upload.filename,
        kind=kind,
        signed_on=_date(form, "signed_on", "signing date"),
        expires_on=_date(form, "expires_on", "expiry date"),
        is_public=_checkbox(form, "is_public"),
    )


@dataclass(frozen=True, slots=True)
class DecisionForm:
    to: AppStatus
    conditions: str
    note: str
    expected_version: int | None


def parse_decision(form: FormData) -> DecisionForm:
    try:
        to = AppStatus(_text(form, "to"))
    except ValueError:
        raise InvalidInputError("Choose the new status.", field="to") from None
    return DecisionForm(
        to=to,
        conditions=_text(form, "conditions"),
        note=_text(form, "note"),
        expected_version=_int(form, "expected_version"),
    )


@dataclass(frozen=True, slots=True)
class OverrideForm:
    outcome: str
    reason: str


def parse_override(form: FormData) -> OverrideForm:
    return OverrideForm(outcome=_text(form, "outcome"), reason=_text(form, "reason"))


@dataclass(frozen=True, slots=True)
class RequestForm:
    name: str
    url: str
    reason: str
    class_name: str
    grade: str


def parse_request(form: FormData) -> RequestForm:
    return RequestForm(
        name=_text(form, "name"),
        url=_text(form, "url"),
        reason=_text(form, "reason"),
        class_name=_text(form, "class_name"),
        grade=_text(form, "grade"),
    )
