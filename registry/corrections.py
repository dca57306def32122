"""Officers' corrections of extracted clauses, and the re-check of one agreement they cause.

The extracted clause is never changed: a ClauseCorrection row holds the officer's label,
stance and attributes, and `reviews.effective_clauses` hands the corrected clause to the
engine. Overrides of findings survive the re-check (matched by rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tortoise.transactions import in_transaction

from extractors.taxonomy import ALLOWED_STANCES
from policies import Context
from registry.agreements import RuleChange, diff_outcomes, finding_row
from registry.checking import evaluate_packs, packs_for_state
from registry.errors import InvalidInputError, NotFoundError
from registry.events import record_event
from registry.models import Agreement, Clause, ClauseCorrection, Extraction, Finding
from registry.reviews import effective_clauses
from registry.scoping import Actor, require_role
from registry.status import Role

__all__ = ["STANCES_BY_LABEL", "clause_context", "correct_clause", "recheck_agreement"]

# label -> the stances the taxonomy allows (the correction form offers these)
STANCES_BY_LABEL: dict[str, tuple[str, ...]] = dict(ALLOWED_STANCES)

_SCALARS = (str, int, float, bool)


def _check_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in attributes.items():
        if not key.replace("_", "").isalnum() or not key[:1].isalpha() or len(key) > 40:
            raise InvalidInputError(
                f"{key!r} is not an attribute name (use letters and _).", field="attribute"
            )
        ok = isinstance(value, _SCALARS) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        if not ok:
            raise InvalidInputError(f"The value of {key} is not valid.", field="value")
        clean[key] = value
    return clean


async def clause_context(actor: Actor, clause_id: int) -> tuple[int, dict[str, Any]]:
    """(agreement id, effective attributes) of a clause of the actor's district."""
    require_role(actor, Role.PRIVACY_OFFICER)
    clause = await Clause.filter(
        id=clause_id, extraction__agreement__district_id=actor.district_id
    ).first()
    if clause is None:
        raise NotFoundError("No such clause in your district.")
    extraction = await Extraction.get(id=clause.extraction_id)  # type: ignore[attr-defined]
    effective = (await effective_clauses([extraction.id]))[extraction.id]
    current = next(c for c in effective if c.id == clause.id)
    return int(extraction.agreement_id), dict(current.attributes)  # type: ignore[attr-defined]


async def correct_clause(
    actor: Actor,
    clause_id: int,
    *,
    label: str,
    stance: str,
    attributes: Mapping[str, Any],
    reason: str,
) -> tuple[ClauseCorrection, list[RuleChange]]:
    """Store a correction of a clause of the actor's district, then re-check its agreement.

    Returns the correction and the rules whose outcome the corrected clause changed.
    """
    require_role(actor, Role.PRIVACY_OFFICER)
    clause = await Clause.filter(
        id=clause_id, extraction__agreement__district_id=actor.district_id
    ).first()
    if clause is None:
        raise NotFoundError("No such clause in your district.")
    if label not in ALLOWED_STANCES:
        raise InvalidInputError(f"{label!r} is not a clause label.", field="label")
    if stance not in ALLOWED_STANCES[label]:
        allowed = ", ".join(ALLOWED_STANCES[label])
        raise InvalidInputError(
            f"A {label.replace('_', ' ')} clause can only be: {allowed}.", field="stance"
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInputError("Say why the clause is corrected.", field="reason")
    clean = _check_attributes(attributes)
    extraction = await Extraction.get(id=clause.extraction_id)  # type: ignore[attr-defined]
    agreement_id = extraction.agreement_id  # type: ignore[attr-defined]
    current = next(
        c for c in (await effective_clauses([extraction.id]))[extraction.id] if c.id == clause.id
    )
    async with in_transaction() as conn:
        correction = await ClauseCorrection.create(
            clause_id=clause.id,
            label=label,
            stance=stance,
            attributes=clean,
            reason=reason[:2000],
            created_by_id=actor.user_id,
            using_db=conn,
        )
        await record_event(
            "clause:correct",
            subject_type="agreement",
            subject_id=agreement_id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            before={
                "clause": clause.id,
                "label": current.label,
                "stance": current.stance,
                "attributes": dict(current.attributes),
            },
            after={"clause": clause.id, "label": label, "stance": stance, "attributes": clean},
            note=reason,
            using_db=conn,
        )
    changes = await recheck_agreement(actor, agreement_id)
    return correction, changes


async def recheck_agreement(actor: Actor, agreement_id: int) -> list[RuleChange]:
    """Evaluate the agreement's effective clauses again and replace its findings.

    Overrides are kept by rule; when any outcome changed, an `agreement:recheck` event
    records old -> new per rule.
    """
    require_role(actor, Role.PRIVACY_OFFICER)
    agreement = await Agreement.filter(id=agreement_id, district_id=actor.district_id).first()
    if agreement is None:
        raise NotFoundError("No such agreement in your district.")
    await agreement.fetch_related("app", "district")
    extraction = await Extraction.filter(agreement_id=agreement.id).order_by("-id").first()
    if extraction is None:
        return []
    clauses = (await effective_clauses([extraction.id]))[extraction.id]
    context = Context(agreement_kind=agreement.kind.value, under_13=agreement.app.under_13)
    findings = evaluate_packs(packs_for_state(agreement.district.state), clauses, context)
    stored = {
        row["rule_id"]: row
        for row in await Finding.filter(agreement_id=agreement.id).values(
            "rule_id", "title", "outcome", "override_outcome", "override_reason"
        )
    }
    changes = diff_outcomes(
        {rule: (row["title"], row["outcome"]) for rule, row in stored.items()},
        {f.rule_id: (f.title, str(f.outcome)) for f in findings},
    )
    async with in_transaction() as conn:
        await Finding.filter(agreement_id=agreement.id).using_db(conn).delete()
        await Finding.bulk_create(
            [finding_row(agreement.id, f, kept=stored.get(f.rule_id)) for f in findings],
            using_db=conn,
        )
        if changes:
            await record_event(
                "agreement:recheck",
                subject_type="agreement",
                subject_id=agreement.id,
                district_id=actor.district_id,
                actor_id=actor.user_id,
                before={c.rule_id: c.old for c in changes},
                after={c.rule_id: c.new for c in changes},
                note="re-checked after a clause correction",
                using_db=conn,
            )
    return changes
