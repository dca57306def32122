"""Run the cases file beside every rule of a pack: the engine of `registry rules test`.

Only cases with `clauses:` run here; `text:` cases need the extractor and run in the
cross-package tests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from policies.cases import cases_path, load_cases
from policies.engine import evaluate
from policies.types import Pack, Rule

__all__ = ["CaseResult", "rule_file", "run_pack_cases"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResult:
    rule_id: str
    case: str
    expected: str
    actual: str
    source: str  # "file:line" of the case, or of the rule when its cases file is missing
    explanation: str = ""

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


def rule_file(rule: Rule) -> Path:
    """The YAML file a rule was read from (its `source` is "file:line")."""
    return Path(rule.source.rpartition(":")[0])


def run_pack_cases(pack: Pack) -> tuple[CaseResult, ...]:
    """Evaluate each rule of `pack` on its cases; a rule without a cases file is a failure.

    Rules inherited by a district pack are run with the district's parameters, so a
    tightened deadline is visible as changed case outcomes.
    """
    results: list[CaseResult] = []
    for rule in pack.rules:
        path = cases_path(rule_file(rule))
        if not path.exists():
            results.append(
                CaseResult(
                    rule_id=rule.id,
                    case="(cases file)",
                    expected="present",
                    actual="missing",
                    source=rule.source,
                    explanation=f"no cases file at {path}",
                )
            )
            continue
        single = dataclasses.replace(pack, rules=(rule,))
        for case in load_cases(path).cases:
            if case.clauses is None:
                continue
            findings = evaluate(single, case.clauses, case.context)
            actual = "skip" if not findings else str(findings[0].outcome)
            results.append(
                CaseResult(
                    rule_id=rule.id,
                    case=case.name,
                    expected=case.expect,
                    actual=actual,
                    source=f"{path}:{case.line}",
                    explanation=findings[0].explanation if findings else "",
                )
            )
    return tuple(results)
