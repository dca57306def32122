"""Re-check stored agreements against the current packs, from their stored clauses.

No document is read again: the clauses of each agreement's latest extraction are evaluated
by the engine, the findings that changed are replaced (an officer's override on a rule is
kept), and every changed agreement gets an audit event. The report says which apps'
findings changed, old -> new.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise import timezone
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from policies import Context, Fact, Finding, Pack
from registry.checking import evaluate_packs, packs_for_district
from registry.models import Agreement, AuditEvent, Clause, ClauseCorrection, District, Extraction
from registry.models import Finding as FindingRow
from registry.status import ExtractionState

__all__ = ["Change", "RecheckReport", "recheck"]

PacksFor = Callable[[str], Sequence[Pack]]  # state -> packs, to try packs not yet stored
BATCH = 500  # agreements per write transaction
ID_CHUNK = 900  # ids per IN (...) list: under SQLite's historical limit of 999 variables


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
    packs_for: PacksFor | None = None,
    dry_run: bool = False,
) -> RecheckReport:
    """Re-evaluate every agreement that was read successfully (of one district, or all).

    Each district is checked against its own packs (`packs_for_district`: enabled shipped
    packs and district packs) unless `packs_for` gives the packs per state.
    """
    query = District.all().order_by("id")
    if district_slug is not None:
        query = query.filter(slug=district_slug)
    report = RecheckReport()
    for row in await query:
        packs = tuple(packs_for(row.state) if packs_for else await packs_for_district(row))
        district = {"id": row.id, "slug": row.slug, "state": row.state}
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
    # An officer's correction of a clause (the newest one) stands in for what was extracted.
    corrected: dict[int, dict[str, Any]] = {}
    for row in (
        await ClauseCorrection.filter(clause__extraction__agreement__district_id=district["id"])
        .order_by("id")
        .values("clause_id", "label", "stance", "attributes")
    ):
        corrected[row["clause_id"]] = row
    by_extraction: dict[int, list[Fact]] = defaultdict(list)
    for row in await Clause.filter(extraction__agreement__district_id=district["id"]).values(
        "id", "extraction_id", "label", "stance", "attributes", "text", "page", "confidence"
    ):
        said = corrected.get(row["id"], row)
        by_extraction[row["extraction_id"]].append(
            Fact(
                label=said["label"],
                stance=said["stance"],
                attributes=said["attributes"] or {},
                text=row["text"],
                page=row["page"],
                confidence=1.0 if said is not row else row["confidence"],
            )
        )
    stored: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in await FindingRow.filter(agreement__district_id=district["id"]).values(*STORED):
        stored[row["agreement_id"]][row["rule_id"]] = row
    pending: list[_Pending] = []
    for agreement in agreements:
        report.agreements += 1
        facts = by_extraction.get(latest.get(agreement["id"], -1), [])
        context = Context(agreement_kind=agreement["kind"], under_13=agreement["app__under_13"])
        findings = evaluate_packs(packs, facts, context)
        old = stored.get(agreement["id"], {})
        changes = _diff(agreement, district["slug"], old, findings)
        work = _plan(agreement["id"], findings, old, changes)
        if work is None:
            continue
        if changes:
            report.changed_agreements += 1
            report.changes.extend(changes)
        pending.append(work)
    if not dry_run:
        for start in range(0, len(pending), BATCH):
            await _write(district["id"], pending[start : start + BATCH])


# A stored finding is compared on its outcome and the pack (id, version) it came from, not
# on its text: the engine is deterministic and the clauses are the stored ones, so the same
# rule version gives the same title, explanation and evidence. Every edit of a district pack
# bumps its version, and a shipped pack's version changes with its rules. Reading only these
# columns keeps a re-check of 300,000 findings from loading their explanations.
STORED = (
    "id", "agreement_id", "rule_id", "pack_id", "pack_version", "outcome",
    "override_outcome", "override_reason",
)  # fmt: skip


@dataclass(slots=True)
class _Pending:
    """The writes one agreement needs: rows to replace, and rows whose only change is the
    pack they came from (a district pack now stands in for its base), moved in place."""

    agreement_id: int
    rows: list[list[Any]]  # values for INSERT_COLUMNS
    delete_ids: list[int]
    refresh: list[list[Any]]  # same outcome, another pack: REFRESH_COLUMNS values + id
    changes: list[Change]


def _plan(
    agreement_id: int,
    findings: Sequence[Finding],
    old: dict[str, dict[str, Any]],
    changes: list[Change],
) -> _Pending | None:
    work = _Pending(agreement_id, [], [], [], changes)
    new_rules = set()
    for finding in findings:
        new_rules.add(finding.rule_id)
        before = old.get(finding.rule_id)
        if before is not None and before["outcome"] == finding.outcome:
            if (before["pack_id"], before["pack_version"]) != (
                finding.pack_id,
                finding.pack_version,
            ):
                work.refresh.append([*_values(agreement_id, finding, before)[1:10], before["id"]])
            continue
        if before is not None:
            work.delete_ids.append(before["id"])
        work.rows.append(_values(agreement_id, finding, before))
    work.delete_ids.extend(row["id"] for rule, row in old.items() if rule not in new_rules)
    if not work.rows and not work.delete_ids and not work.refresh:
        return None
    return work


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


# Findings are inserted with one prepared statement per batch instead of through model
# instances: building 300,000 Finding objects cost more than the engine itself (bench/).
# The values are those `agreements.finding_row` gives; test_recheck compares the two.
INSERT_COLUMNS = (
    "agreement_id", "rule_id", "pack_id", "pack_version", "title", "citation", "severity",
    "outcome", "explanation", "evidence", "override_outcome", "override_reason", "created_at",
)  # fmt: skip


def _values(agreement_id: int, finding: Finding, kept: dict[str, Any] | None) -> list[Any]:
    kept = kept or {}
    return [
        agreement_id,
        finding.rule_id,
        finding.pack_id,
        finding.pack_version,
        finding.title,
        str(finding.citation),
        str(finding.severity),
        str(finding.outcome),
        finding.explanation,
        json.dumps([{"page": c.page, "text": c.text} for c in finding.evidence]),
        kept.get("override_outcome"),
        kept.get("override_reason") or "",
    ]


async def _refresh(conn: BaseDBAsyncClient, rows: list[list[Any]]) -> None:
    """Rewrite in place the findings whose outcome stayed but whose pack changed (e.g. a
    district pack now stands in for us-ny): its title or explanation may differ."""
    if not rows:
        return
    sqlite = conn.capabilities.dialect == "sqlite"
    names = INSERT_COLUMNS[1:10]
    sets = ", ".join(
        f'"{c}" = ' + ("?" if sqlite else f"${i}") for i, c in enumerate(names, start=1)
    )
    where = "?" if sqlite else f"${len(names) + 1}"
    sql = f'UPDATE "{FindingRow._meta.db_table}" SET {sets} WHERE "id" = {where}'  # noqa: S608 - names are constants
    await conn.execute_many(sql, rows)


async def _insert(conn: BaseDBAsyncClient, rows: list[list[Any]]) -> None:
    if not rows:
        return
    now = timezone.now()
    sqlite = conn.capabilities.dialect == "sqlite"
    marks = ", ".join("?" if sqlite else f"${i}" for i in range(1, len(INSERT_COLUMNS) + 1))
    columns = ", ".join(f'"{c}"' for c in INSERT_COLUMNS)
    sql = f'INSERT INTO "{FindingRow._meta.db_table}" ({columns}) VALUES ({marks})'  # noqa: S608 - names are constants
    await conn.execute_many(sql, [[*row, now] for row in rows])


async def _write(district_id: int, batch: Sequence[_Pending]) -> None:
    """Apply a batch of agreements' writes in one transaction, auditing outcome changes."""
    rows = [row for work in batch for row in work.rows]
    deletes = [finding_id for work in batch for finding_id in work.delete_ids]
    refresh = [values for work in batch for values in work.refresh]
    events = [
        AuditEvent(
            tag="agreement:recheck",
            subject_type="agreement",
            subject_id=work.agreement_id,
            district_id=district_id,
            actor_id=None,
            before={c.rule: c.old for c in work.changes},
            after={c.rule: c.new for c in work.changes},
            note="re-checked against the current rule packs",
        )
        for work in batch
        if work.changes
    ]
    async with in_transaction() as conn:
        for start in range(0, len(deletes), ID_CHUNK):
            chunk = deletes[start : start + ID_CHUNK]
            await FindingRow.filter(id__in=chunk).using_db(conn).delete()
        await _refresh(conn, refresh)
        await _insert(conn, rows)
        await AuditEvent.bulk_create(events, batch_size=1000, using_db=conn)
