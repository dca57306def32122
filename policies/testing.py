"""Run every rule's cases: the engine of `registry rules test` and of the pytest case tests.

Shipped rules keep their cases in `<slug>.cases.yaml`; a district pack keeps cases for its
overrides and its own rules under `cases:`. Text-only cases run when the caller passes an
`extract` function (policies never imports the extractor).

A district pack that tightens an inherited rule changes some of that rule's shipped cases
(72 hours passes New York's 7 days but fails a district's 48 hours). Such a case is reported
as `changed` (expected by the base rule, different under the override), not as a failure;
in exchange the district pack must carry its own cases for every rule whose check it
changed, with a pass and a non-pass, so the new parameter is tested on purpose.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from policies.cases import cases_path, load_cases
from policies.engine import evaluate
from policies.types import Case, ClauseFact, Pack, Rule

__all__ = ["CaseResult", "Extract", "rule_file", "run_pack_cases"]

Extract = Callable[[str], Sequence[ClauseFact]]
NON_PASS = frozenset({"fail", "missing", "needs_review"})


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResult:
    """One case's outcome. `changed`: the base rule gives the expected outcome and this
    pack's override gives another, which is the point of the override, not a regression."""

    rule_id: str
    case: str
    expected: str
    actual: str
    source: str  # "file:line" of the case, or of the rule when its cases file is missing
    explanation: str = ""
    changed: bool = False

    @property
    def ok(self) -> bool:
        return self.changed or self.expected == self.actual


def rule_file(rule: Rule) -> Path:
    """The YAML file a rule was read from (its `source` is "file:line")."""
    return Path(rule.source.rpartition(":")[0])


def run_pack_cases(pack: Pack, *, extract: Extract | None = None) -> tuple[CaseResult, ...]:
    """Evaluate each rule of `pack` on its cases; a rule without cases is a failure."""
    results: list[CaseResult] = []
    base_rules = {r.id: r for r in pack.base.rules} if pack.base is not None else {}
    for rule in pack.rules:
        own = pack.cases.get(rule.id, ())
        path = cases_path(rule_file(rule))
        results.extend(_run(pack, rule, own, pack.source, extract, base=None))
        if pack.base is not None and (rule.id in pack.overridden or rule.id not in base_rules):
            filed = () if rule.id in base_rules or not path.exists() else load_cases(path).cases
            results.extend(_own_cases_required(rule, (*own, *filed), pack))
        if not path.exists():
            if pack.base is None:
                results.append(_missing(rule, f"no cases file at {path}"))
            continue
        base = base_rules.get(rule.id) if rule.id in pack.overridden else None
        shipped = load_cases(path).cases
        results.extend(_run(pack, rule, shipped, str(path), extract, base=base))
    return tuple(results)


def _own_cases_required(rule: Rule, own: Sequence[Case], pack: Pack) -> list[CaseResult]:
    """A district pack's own or overridden rule needs its own pass and non-pass case."""
    expects = {c.expect for c in own}
    if "pass" in expects and expects & NON_PASS:
        return []
    what = "overrides" if rule.id in pack.overridden else "adds"
    return [
        _missing(
            rule,
            f"{pack.id} {what} this rule, so it needs its own `cases:` with a pass and a "
            "non-pass case",
        )
    ]


def _missing(rule: Rule, why: str) -> CaseResult:
    return CaseResult(
        rule_id=rule.id,
        case="(cases)",
        expected="present",
        actual="missing",
        source=rule.source,
        explanation=why,
    )


def _run(
    pack: Pack,
    rule: Rule,
    cases: Sequence[Case],
    source: str,
    extract: Extract | None,
    *,
    base: Rule | None,
) -> list[CaseResult]:
    results = []
    for case in cases:
        if case.clauses is not None:
            clauses: Sequence[ClauseFact] = case.clauses
        elif extract is not None and case.text is not None:
            clauses = extract(case.text)
        else:
            continue
        actual, explanation = _outcome(pack, rule, clauses, case)
        changed = False
        if base is not None and actual != case.expect:
            changed = _outcome(pack, base, clauses, case)[0] == case.expect
        results.append(
            CaseResult(
                rule_id=rule.id,
                case=case.name,
                expected=case.expect,
                actual=actual,
                source=f"{source}:{case.line}",
                explanation=explanation,
                changed=changed,
            )
        )
    return results


def _outcome(pack: Pack, rule: Rule, clauses: Sequence[ClauseFact], case: Case) -> tuple[str, str]:
    findings = evaluate(dataclasses.replace(pack, rules=(rule,)), clauses, case.context)
    if not findings:
        return "skip", ""
    return str(findings[0].outcome), findings[0].explanation
