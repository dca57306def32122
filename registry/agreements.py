"""Agreement uploads: store -> extract -> check -> persist, atomically, with an audit event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import anyio
from spacy.language import Language
from tortoise.transactions import in_transaction

from extractors import Clause as ExtractedClause
from extractors import Extraction, ExtractionError, extract
from extractors.sandbox import extract_isolated
from policies import Context
from policies import Finding as PolicyFinding
from registry.catalog import app_in_district
from registry.checking import evaluate_packs, packs_for_district
from registry.errors import (
    DuplicateUploadError,
    InvalidInputError,
    InvalidUploadError,
    NotFoundError,
)
from registry.events import record_event
from registry.models import (
    Agreement,
    AppDataElement,
    AppStatusRecord,
    Clause,
    District,
    Finding,
    StoredFile,
)
from registry.models import (
    Extraction as ExtractionRow,
)
from registry.scoping import Actor, require_role
from registry.status import AgreementKind, AppStatus, ExtractionState, Role, check_transition
from registry.storage import FileStorage, sha256_of

__all__ = [
    "ReadLimits",
    "RuleChange",
    "clause_rows",
    "diff_outcomes",
    "finding_row",
    "findings_diff",
    "get_agreement",
    "list_agreements",
    "media_type_of",
    "outcome_counts",
    "upload_agreement",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadLimits:
    """Bounds for reading one uploaded document in a worker process."""

    timeout: float
    memory_bytes: int


_REOPEN_FROM = {AppStatus.REQUESTED, AppStatus.DENIED, AppStatus.EXPIRED}


def media_type_of(data: bytes) -> str:
    return "application/pdf" if data.lstrip()[:5] == b"%PDF-" else "text/plain"


async def upload_agreement(
    actor: Actor,
    *,
    app_id: int,
    data: bytes,
    filename: str,
    kind: AgreementKind,
    storage: FileStorage,
    max_bytes: int,
    nlp: Language | None = None,
    signed_on: date | None = None,
    expires_on: date | None = None,
    is_public: bool = False,
    limits: ReadLimits | None = None,
    replaces_id: int | None = None,
) -> Agreement:
    """Read, check and store an agreement for an app of the actor's district.

    Unreadable files raise InvalidUploadError and leave no rows behind but the audit event
    of the rejected upload. The same bytes for the same app raise DuplicateUploadError.
    With `limits`, the document is read in a worker process bounded in time and memory
    (what the server does); without, in a thread (tests and trusted demo files).
    `replaces_id` makes it the new version of an earlier agreement of the same app (see
    `findings_diff`).
    """
    require_role(actor, Role.PRIVACY_OFFICER)
    app = await app_in_district(actor, app_id)
    if replaces_id is not None and not await Agreement.exists(
        id=replaces_id, app_id=app.id, district_id=actor.district_id
    ):
        raise InvalidInputError(
            "The agreement to replace is not one of this app's agreements.", field="replaces"
        )
    district = await District.get(id=actor.district_id)
    filename = (filename or "agreement").strip()[:255] or "agreement"
    if len(data) > max_bytes:
        raise InvalidUploadError(
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.",
            reason="too_large",
        )
    if signed_on and expires_on and expires_on < signed_on:
        raise InvalidInputError("The agreement expires before it was signed.", field="expires_on")
    digest = sha256_of(data)
    duplicate = await Agreement.filter(
        district_id=actor.district_id, app_id=app.id, file__sha256=digest
    ).first()
    if duplicate is not None:
        raise DuplicateUploadError(
            f"This exact file was already uploaded for {app.name} as {duplicate.filename!r}.",
            agreement_id=duplicate.id,
        )
    try:
        if limits is None:
            extraction = await anyio.to_thread.run_sync(
                lambda: extract(data, filename=filename, nlp=nlp)
            )
        else:
            extraction = await anyio.to_thread.run_sync(
                lambda: extract_isolated(
                    data,
                    filename=filename,
                    timeout=limits.timeout,
                    memory_bytes=limits.memory_bytes,
                ),
                abandon_on_cancel=True,
            )
    except ExtractionError as exc:
        await record_event(
            "agreement:upload_rejected",
            subject_type="app",
            subject_id=app.id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            after={"filename": filename, "sha256": digest, "size": len(data), "error": exc.code},
            note=str(exc),
        )
        raise InvalidUploadError(str(exc), reason=exc.code) from exc
    context = Context(agreement_kind=kind.value, under_13=app.under_13)
    findings = evaluate_packs(await packs_for_district(district), extraction.clauses, context)
    storage.put(data)  # content-addressed and atomic: safe before the transaction
    async with in_transaction() as conn:
        stored, _ = await StoredFile.get_or_create(
            sha256=digest,
            defaults={"size": len(data), "media_type": media_type_of(data)},
            using_db=conn,
        )
        agreement = await Agreement.create(
            district_id=actor.district_id,
            app_id=app.id,
            vendor_id=app.vendor_id,  # type: ignore[attr-defined]
            file=stored,
            filename=filename,
            kind=kind,
            signed_on=signed_on,
            expires_on=expires_on,
            is_public=is_public,
            extraction_state=ExtractionState.DONE,
            uploaded_by_id=actor.user_id,
            replaces_id=replaces_id,
            using_db=conn,
        )
        await _store_extraction(agreement, extraction, conn)
        await Finding.bulk_create(
            [finding_row(agreement.id, finding) for finding in findings], using_db=conn
        )
        for element in extraction.data_elements:
            await AppDataElement.get_or_create(
                app_id=app.id, element=element, defaults={"source": "extracted"}, using_db=conn
            )
        await record_event(
            "agreement:upload",
            subject_type="agreement",
            subject_id=agreement.id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            after={
                "app_id": app.id,
                "filename": filename,
                "sha256": digest,
                "kind": kind.value,
                "pages": len(extraction.pages),
                "clauses": len(extraction.clauses),
                "findings": len(findings),
                "replaces": replaces_id,
            },
            using_db=conn,
        )
        await _reopen_review(actor, app.id, conn)
    return agreement


async def _store_extraction(agreement: Agreement, extraction: Extraction, conn: Any) -> None:
    row = await ExtractionRow.create(
        agreement=agreement,
        extractor_version=extraction.extractor_version,
        pages=len(extraction.pages),
        warnings=list(extraction.warnings),
        data_elements=list(extraction.data_elements),
        ocr_pages=list(extraction.ocr_pages),
        page_sizes=[{"width": p.width, "height": p.height} for p in extraction.pages],
        sections=[dict(s) for s in extraction.sections],
        using_db=conn,
    )
    await Clause.bulk_create(clause_rows(row, extraction.clauses), using_db=conn)


def clause_rows(extraction: ExtractionRow, clauses: Iterable[ExtractedClause]) -> list[Clause]:
    """Unsaved rows for the clauses an extraction found."""
    return [
        Clause(
            extraction=extraction,
            label=c.label,
            stance=c.stance,
            attributes=dict(c.attributes),
            text=c.text,
            page=c.page,
            start=c.start,
            end=c.end,
            confidence=c.confidence,
            section=c.section[:300],
            boxes=[list(b) for b in c.boxes],
        )
        for c in clauses
    ]


def finding_row(
    agreement_id: int, finding: PolicyFinding, *, kept: Mapping[str, Any] | None = None
) -> Finding:
    """An unsaved row for an engine finding; `kept` carries an officer's earlier override."""
    data = finding.to_json()
    kept = kept or {}
    return Finding(
        agreement_id=agreement_id,
        rule_id=finding.rule_id,
        pack_id=finding.pack_id,
        pack_version=finding.pack_version,
        title=finding.title,
        citation=data["citation"],
        severity=data["severity"],
        outcome=data["outcome"],
        explanation=finding.explanation,
        evidence=data["evidence"],
        override_outcome=kept.get("override_outcome"),
        override_reason=kept.get("override_reason") or "",
    )


async def _reopen_review(actor: Actor, app_id: int, conn: Any) -> None:
    """A new agreement puts a requested, denied or expired app back in review."""
    record = await AppStatusRecord.get(app_id=app_id, district_id=actor.district_id, using_db=conn)
    status = AppStatus(record.status)
    if status not in _REOPEN_FROM:
        return
    check_transition(status, AppStatus.IN_REVIEW)
    await (
        AppStatusRecord.filter(id=record.id)
        .using_db(conn)
        .update(status=AppStatus.IN_REVIEW, version=record.version + 1)
    )
    await record_event(
        "app:status",
        subject_type="app",
        subject_id=app_id,
        district_id=actor.district_id,
        actor_id=actor.user_id,
        before={"status": status.value},
        after={"status": AppStatus.IN_REVIEW.value},
        note="new agreement uploaded",
        using_db=conn,
    )


async def get_agreement(actor: Actor, agreement_id: int) -> Agreement:
    """An agreement of the actor's district with its app, findings and clauses loaded."""
    require_role(actor, Role.PRIVACY_OFFICER)
    agreement = await Agreement.filter(id=agreement_id, district_id=actor.district_id).first()
    if agreement is None:
        raise NotFoundError("No such agreement in your district.")
    await agreement.fetch_related("app", "vendor", "file", "findings", "extractions__clauses")
    return agreement


async def list_agreements(actor: Actor, app_id: int) -> list[Agreement]:
    require_role(actor, Role.PRIVACY_OFFICER)
    return (
        await Agreement.filter(app_id=app_id, district_id=actor.district_id)
        .prefetch_related("file")
        .order_by("-created_at")
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleChange:
    """One rule's outcome before and after; None when the rule did not apply then."""

    rule_id: str
    title: str
    old: str | None
    new: str | None


def diff_outcomes(
    old: Mapping[str, tuple[str, str]], new: Mapping[str, tuple[str, str]]
) -> list[RuleChange]:
    """Rules whose outcome differs; both maps are rule_id -> (title, outcome)."""
    changes = []
    for rule in sorted(set(old) | set(new)):
        before = old[rule][1] if rule in old else None
        after = new[rule][1] if rule in new else None
        if before != after:
            title = (new.get(rule) or old[rule])[0]
            changes.append(RuleChange(rule_id=rule, title=title, old=before, new=after))
    return changes


async def _outcomes(agreement_id: int) -> dict[str, tuple[str, str]]:
    """rule_id -> (title, outcome as the officer left it: an override wins)."""
    rows = await Finding.filter(agreement_id=agreement_id).values_list(
        "rule_id", "title", "outcome", "override_outcome"
    )
    return {rule: (title, override or outcome) for rule, title, outcome, override in rows}


async def findings_diff(
    actor: Actor, agreement_id: int
) -> tuple[Agreement | None, list[RuleChange]]:
    """The agreement this one replaces, and which rules' outcomes changed between them."""
    require_role(actor, Role.PRIVACY_OFFICER)
    agreement = await Agreement.filter(id=agreement_id, district_id=actor.district_id).first()
    if agreement is None:
        raise NotFoundError("No such agreement in your district.")
    previous_id = agreement.replaces_id  # type: ignore[attr-defined]
    if previous_id is None:
        return None, []
    previous = await Agreement.get(id=previous_id)
    return previous, diff_outcomes(await _outcomes(previous_id), await _outcomes(agreement_id))


async def outcome_counts(actor: Actor, agreement_id: int) -> dict[str, int]:
    """How many findings of an agreement end in each outcome (overrides count)."""
    require_role(actor, Role.PRIVACY_OFFICER)
    counts: dict[str, int] = {}
    for outcome, override in await Finding.filter(
        agreement_id=agreement_id, agreement__district_id=actor.district_id
    ).values_list("outcome", "override_outcome"):
        key = override or outcome
        counts[key] = counts.get(key, 0) + 1
    return counts
