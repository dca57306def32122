"""Re-check stored agreements against the current packs, from their stored clauses.

No document is read again: the clauses of each agreement's latest extraction are evaluated
by the engine, the findings that changed are replaced (an officer's override on a rule is
kept), and every changed agreement gets an audit event. The report says which apps'
findings changed, old -> new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from policies import Context, Fact, Finding, Pack
from registry.agreements import finding_row
from registry.checking import evaluate_packs, packs_for_state
from registry.models import Agreement, AuditEvent, Clause, District, Extraction
from registry.models import Finding as FindingRow
from registry.status import ExtractionState

__all__ = ["Change", "RecheckReport", "recheck"]

PacksFor = Callable[[str], Sequence[Pack]]
BATCH = 500  # agreements per write transaction


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    agreement_id: int
    app: str
    district: str
    rule: str
    old: str | None  # None: the rule is new for this agreement
    new: str | None  # None: the rule no longer applies


@dataclass(slots=True, kw_only=True)
class RecheckReport:
    agreements: int = 0
    changed_agreements: int = 0
    changes: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "agreements": self.agreements,
            "changed_agreements": self.changed_agreements,
            "changes": [
                {
                    "agreement": c.agreement_id,
                    "app": c.app,
                    "district": c.district,
                    "rule": c.rule,
                    "old": c.old,
                    "new": c.new,
                }
                for c in self.changes
            ],
        }


async def recheck(
    *,
    district_slug: str | None = None,
    packs_for: PacksFor = packs_for_state,
    dry_run: bool = False,
) -> RecheckReport:
    """Re-evaluate every agreement that was read successfully (of one district, or all)."""
    districts = await District.all().values("id", "slug", "state")
    if district_slug is not None:
        districts = [d for d in districts if d["slug"] == district_slug]
    report = RecheckReport()
    for district in districts:
        packs = tuple(packs_for(district["state"]))
        await _recheck_district(district, packs, report, dry_run=dry_run)
    return report


async def _recheck_district(
    district: dict[str, Any], packs: tuple[Pack, ...], report: RecheckReport, *, dry_run: bool
) -> None:
    agreements = await Agreement.filter(
        district_id=district["id"], extraction_state=ExtractionState.DONE
    ).values("id", "kind", "app__name", "app__under_13")
    if not agreements:
        return
    latest: dict[int, int] = {}
    for ext_id, agreement_id in (
        await Extraction.filter(agreement__district_id=district["id"])
        .order_by("id")
        .values_list("id", "agreement_id")
    ):
        latest[agreement_id] = ext_id  # the newest extraction wins
    by_extraction: dict[int, list[Fact]] = defaultdict(list)
    for row in await Clause.filter(extraction__agreement__district_id=district["id"]).values(
        "extraction_id", "label", "stance", "attributes", "text", "page", "confidence"
    ):
        by_extraction[row["extraction_id"]].append(
            Fact(
                label=row["label"],
                stance=row["stance"],
                attributes=row["attributes"] or {},
                text=row["text"],
                page=row["page"],
                confidence=row["confidence"],
            )
        )
    stored: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in await FindingRow.filter(agreement__district_id=district["id"]).values(
        "agreement_id", "rule_id", "pack_version", "outcome", "override_outcome",
        "override_reason",
    ):  # fmt: skip
        stored[row["agreement_id"]][row["rule_id"]] = row
    pending: list[tuple[int, Sequence[Finding], dict[str, dict[str, Any]], list[Change]]] = []
    for agreement in agreements:
        report.agreements += 1
        facts = by_extraction.get(latest.get(agreement["id"], -1), [])
        context = Context(agreement_kind=agreement["kind"], under_13=agreement["app__under_13"])
        findings = evaluate_packs(packs, facts, context)
        old = stored.get(agreement["id"], {})
        changes = _diff(agreement, district["slug"], old, findings)
        versions_changed = any(
            f.rule_id in old and old[f.rule_id]["pack_version"] != f.pack_version for f in findings
        )
        if not changes and not versions_changed:
            continue
        if changes:
            report.changed_agreements += 1
            report.changes.extend(changes)
        pending.append((agreement["id"], findings, old, changes))
    if not dry_run:
        for start in range(0, len(pending), BATCH):
            await _replace(district["id"], pending[start : start + BATCH])


def _diff(
    agreement: dict[str, Any],
    district: str,
    old: dict[str, dict[str, Any]],
    findings: Sequence[Finding],
) -> list[Change]:
    new = {f.rule_id: str(f.outcome) for f in findings}
    changes = []
    for rule in sorted(set(old) | set(new)):
        before = old[rule]["outcome"] if rule in old else None
        if before != new.get(rule):
            changes.append(
                Change(
                    agreement_id=agreement["id"],
                    app=agreement["app__name"],
                    district=district,
                    rule=rule,
                    old=before,
                    new=new.get(rule),
                )
            )
    return changes


async def _replace(
    district_id: int,
    batch: Sequence[tuple[int, Sequence[Finding], dict[str, dict[str, Any]], list[Change]]],
) -> None:
    """Swap the findings of a batch of agreements in one transaction, auditing changes."""
    rows: list[FindingRow] = []
    events: list[AuditEvent] = []
    for agreement_id, findings, old, changes in batch:
        rows.extend(finding_row(agreement_id, f, kept=old.get(f.rule_id)) for f in findings)
        if changes:
            events.append(
                AuditEvent(
                    tag="agreement:recheck",
                    subject_type="agreement",
                    subject_id=agreement_id,
                    district_id=district_id,
                    actor_id=None,
                    before={c.rule: c.old for c in changes},
                    after={c.rule: c.new for c in changes},
                    note="re-checked against the current rule packs",
                )
            )
    ids = [agreement_id for agreement_id, *_ in batch]
    async with in_transaction() as conn:
        await FindingRow.filter(agreement_id__in=ids).using_db(conn).delete()
        await FindingRow.bulk_create(rows, batch_size=1000, using_db=conn)
        await AuditEvent.bulk_create(events, batch_size=1000, using_db=conn)
