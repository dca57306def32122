"""Raw input of the privacy officer's forms -> typed dataclasses (beside web.forms, whose
helpers it uses, so the officer's forms live in one place).

Bad input raises registry's InvalidInputError (-> 422) with the field name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.datastructures import FormData, UploadFile

from registry.catalog import AppEdit
from registry.errors import InvalidInputError
from registry.status import AgreementKind, AppStatus
from web.forms import _checkbox, _date, _int, _text

__all__ = [
    "CorrectionForm",
    "DecisionForm",
    "FileUpload",
    "UploadBatch",
    "parse_app_edit",
    "parse_correction",
    "parse_decision",
    "parse_upload_batch",
    "wants_json",
]

_CHUNK = 1024 * 1024
MAX_FILES = 4  # the form guard parses at most four files per request


def wants_json(accept: str) -> bool:
    """The upload script asks for JSON; a plain form post gets HTML."""
    return "application/json" in accept and "text/html" not in accept


@dataclass(frozen=True, slots=True)
class FileUpload:
    filename: str
    data: bytes | None  # None: larger than the limit (not read past it)
    size: int


@dataclass(frozen=True, slots=True)
class UploadBatch:
    files: tuple[FileUpload, ...]
    kind: AgreementKind
    signed_on: date | None
    expires_on: date | None
    is_public: bool


async def _read(upload: UploadFile, max_bytes: int) -> FileUpload:
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            return FileUpload(filename=upload.filename or "agreement", data=None, size=size)
        chunks.append(chunk)
    return FileUpload(filename=upload.filename or "agreement", data=b"".join(chunks), size=size)


async def parse_upload_batch(
    form: FormData, *, max_bytes: int, kind_default: AgreementKind | None = None
) -> UploadBatch:
    """One or more files under `file`, with the fields that apply to all of them."""
    uploads = [u for u in form.getlist("file") if isinstance(u, UploadFile) and u.filename]
    if not uploads:
        raise InvalidInputError("Choose the agreement file to upload.", field="file")
    if len(uploads) > MAX_FILES:
        raise InvalidInputError(
            f"Upload at most {MAX_FILES} files at once.", field="file"
        )  # pragma: no cover - the form guard refuses more first
    raw_kind = _text(form, "kind")
    try:
        kind = AgreementKind(raw_kind) if raw_kind or kind_default is None else kind_default
    except ValueError:
        raise InvalidInputError("Choose the kind of agreement.", field="kind") from None
    signed_on = _date(form, "signed_on", "signing date")
    expires_on = _date(form, "expires_on", "expiry date")
    files = tuple([await _read(u, max_bytes) for u in uploads])
    return UploadBatch(
        files=files,
        kind=kind,
        signed_on=signed_on,
        expires_on=expires_on,
        is_public=_checkbox(form, "is_public"),
    )


@dataclass(frozen=True, slots=True)
class DecisionForm:
    to: AppStatus
    conditions: str
    note: str
    denial_reason: str
    alternative_id: int | None
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
        denial_reason=_text(form, "denial_reason") if to is AppStatus.DENIED else "",
        alternative_id=_int(form, "alternative") if to is AppStatus.DENIED else None,
        expected_version=_int(form, "expected_version"),
    )


def parse_app_edit(form: FormData) -> tuple[AppEdit, str]:
    """The edit and the fingerprint of the app as the form showed it."""
    names = form.getlist("subprocessor_name")
    purposes = form.getlist("subprocessor_purpose")
    rows = tuple(
        (str(n).strip(), str(p).strip())
        for n, p in zip(names, purposes, strict=False)
        if isinstance(n, str) and isinstance(p, str)
    )
    public = []
    for value in form.getlist("public_agreement"):
        if not isinstance(value, str) or not value.isdigit():
            raise InvalidInputError("Choose public agreements from the list.", field="public")
        public.append(int(value))
    elements = tuple(v for v in form.getlist("data_element") if isinstance(v, str))
    edit = AppEdit(
        name=_text(form, "name"),
        vendor=_text(form, "vendor"),
        url=_text(form, "url"),
        description=_text(form, "description"),
        grades=_text(form, "grades"),
        subjects=_text(form, "subjects"),
        under_13=_checkbox(form, "under_13"),
        data_elements=elements,
        subprocessors=rows,
        public_agreements=tuple(public),
    )
    return edit, _text(form, "fingerprint")


@dataclass(frozen=True, slots=True)
class CorrectionForm:
    label: str
    stance: str
    attributes: dict[str, Any]
    reason: str


def _value(raw: str) -> Any:
    """`true`/`false` -> bool, whole numbers -> int, `a, b` -> list, else the text."""
    lowered = raw.lower()
    if lowered in {"true", "yes"}:
        return True
    if lowered in {"false", "no"}:
        return False
    if raw.lstrip("-").isdigit():
        return int(raw)
    if "," in raw:
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def parse_correction(form: FormData, current: dict[str, Any]) -> CorrectionForm:
    """Label and stance, plus attributes: the current ones edited one line each
    (`name = value`; an empty value removes the attribute)."""
    attributes = dict(current)
    text = form.get("attributes")
    if isinstance(text, str) and text.strip().startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            raise InvalidInputError(
                "The attributes are not valid JSON.", field="attributes"
            ) from None
        if not isinstance(parsed, dict):
            raise InvalidInputError(
                "The attributes must be name = value lines.", field="attributes"
            )
        attributes = parsed
    elif isinstance(text, str):
        attributes = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, raw = line.partition("=")
            if not sep or not name.strip():
                raise InvalidInputError(
                    f"Line {number} of the attributes is not `name = value`.", field="attributes"
                )
            if raw.strip():
                attributes[name.strip()] = _value(raw.strip())
    return CorrectionForm(
        label=_text(form, "label"),
        stance=_text(form, "stance"),
        attributes=attributes,
        reason=_text(form, "reason"),
    )
