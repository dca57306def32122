"""JSON shapes of the API's objects (the OpenAPI document in web.openapi describes them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from registry.accounts import Member
from registry.catalog import DeniedMatch
from registry.models import (
    Agreement,
    ApiToken,
    App,
    AppRequest,
    AppStatusRecord,
    Finding,
    Notification,
)
from registry.scoping import Actor
from registry.status import AppStatus, Role

__all__ = [
    "agreement_json",
    "app_json",
    "clause_json",
    "denied_json",
    "finding_json",
    "iso",
    "member_json",
    "notification_json",
    "request_json",
    "token_json",
]


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def app_json(
    record: AppStatusRecord,
    actor: Actor,
    *,
    data_elements: list[tuple[str, str, str]] | None = None,
) -> dict[str, Any]:
    """An app with its status in the actor's district; internal notes only for officers."""
    app = record.app
    status = AppStatus(record.status)
    body: dict[str, Any] = {
        "id": app.id,
        "name": app.name,
        "vendor": app.vendor.name,
        "url": app.url,
        "description": app.description,
        "grades": app.grades,
        "subjects": app.subjects,
        "under_13": app.under_13,
        "status": status.value,
        "conditions": record.conditions,
        "decided_at": iso(record.decided_at),
        "version": record.version,
    }
    if status is AppStatus.DENIED:
        body["denial_reason"] = record.denial_reason
        alternative_id = record.alternative_id  # type: ignore[attr-defined]
        loaded = record.alternative if alternative_id is not None else None
        body["alternative"] = (
            None
            if alternative_id is None
            else {
                "id": alternative_id,
                "name": loaded.name if isinstance(loaded, App) else None,
            }
        )
    if actor.role is not Role.TEACHER:
        body["decision_note"] = record.decision_note
    if data_elements is not None:
        body["data_elements"] = [
            {"id": element, "name": name, "source": source}
            for element, name, source in data_elements
        ]
    return body


def denied_json(match: DeniedMatch, actor: Actor) -> dict[str, Any]:
    return {
        "id": match.app.id,
        "name": match.app.name,
        "denial_reason": match.reason,
        "alternative": app_json(match.alternative, actor) if match.alternative else None,
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "rule_id": finding.rule_id,
        "pack_id": finding.pack_id,
        "pack_version": finding.pack_version,
        "title": finding.title,
        "citation": finding.citation,
        "severity": finding.severity,
        "outcome": finding.outcome,
        "override_outcome": finding.override_outcome,
        "override_reason": finding.override_reason,
        "explanation": finding.explanation,
        "evidence": finding.evidence,
    }


def clause_json(clause: Any) -> dict[str, Any]:
    return {
        "id": clause.id,
        "label": clause.label,
        "stance": clause.stance,
        "attributes": clause.attributes,
        "text": clause.text,
        "page": clause.page,
        "start": clause.start,
        "end": clause.end,
        "confidence": clause.confidence,
        "section": clause.section,
    }


def agreement_json(agreement: Agreement, *, detail: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": agreement.id,
        "app_id": agreement.app_id,  # type: ignore[attr-defined]
        "filename": agreement.filename,
        "kind": agreement.kind.value,
        "signed_on": iso(agreement.signed_on),
        "expires_on": iso(agreement.expires_on),
        "is_public": agreement.is_public,
        "extraction_state": agreement.extraction_state.value,
        "extraction_error": agreement.extraction_error,
        "created_at": iso(agreement.created_at),
    }
    if detail:
        extractions = list(agreement.extractions)  # type: ignore[attr-defined]
        clauses = [c for e in extractions for c in e.clauses]
        clauses.sort(key=lambda c: (c.page, c.start))
        body["findings"] = [finding_json(f) for f in agreement.findings]  # type: ignore[attr-defined]
        body["clauses"] = [clause_json(c) for c in clauses]
        body["pages"] = extractions[-1].pages if extractions else None
    return body


def request_json(request: AppRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "name": request.name,
        "url": request.url,
        "reason": request.reason,
        "class_name": request.class_name,
        "grade": request.grade,
        "status": request.status.value,
        "decision_note": request.decision_note,
        "decided_at": iso(request.decided_at),
        "created_at": iso(request.created_at),
        "app_id": request.app_id,  # type: ignore[attr-defined]
        "requested_by": request.requested_by.email,
    }


def notification_json(item: Notification) -> dict[str, Any]:
    return {
        "id": item.id,
        "message": item.message,
        "link": item.link,
        "read": item.read_at is not None,
        "created_at": iso(item.created_at),
    }


def token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
        "revoked": token.revoked_at is not None,
    }


def member_json(member: Member) -> dict[str, Any]:
    return {
        "id": member.user_id,
        "email": member.email,
        "name": member.name,
        "role": member.role.value,
        "active": member.is_active,
        "has_password": member.has_password,
    }
