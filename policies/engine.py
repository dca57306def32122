"""evaluate(): run a pack's rules over an agreement's clauses; summarize() the findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from policies.checks import Clauses, Result, run_check
from policies.types import ClauseFact, Context, Finding, Outcome, Pack, Rule, Severity

__all__ = ["applies", "evaluate", "evaluate_rule", "summarize"]


def evaluate(
    pack: Pack,
    clauses: Iterable[ClauseFact],
    context: Context | None = None,
    *,
    review_below: float = 0.5,
) -> tuple[Finding, ...]:
    """One finding per applicable rule, in the pack's rule order.

    Rules that do not apply to `context` (agreement kind, under-13 flag) give no finding.
    A pass or fail that rests only on clauses with confidence below `review_below` becomes
    needs_review. Pure: the same inputs always give the same findings.
    """
    facts = clauses if isinstance(clauses, Clauses) else Clauses(clauses)
    ctx = context or Context()
    return tuple(
        evaluate_rule(rule, facts, pack=pack, review_below=review_below)
        for rule in pack.rules
        if applies(rule, ctx)
    )


def applies(rule: Rule, context: Context) -> bool:
    """Whether a rule is in scope; an unknown agreement kind matches every rule."""
    kind = context.agreement_kind
    if rule.applies_to and kind is not None and kind not in rule.applies_to:
        return False
    return all(getattr(context, flag) == wanted for flag, wanted in rule.applies_if.items())


def evaluate_rule(
    rule: Rule, clauses: Sequence[ClauseFact], *, pack: Pack, review_below: float = 0.5
) -> Finding:
    """The finding of one rule (whether it applies is the caller's concern)."""
    result = run_check(rule.check, clauses, review_below)
    return Finding(
        rule_id=rule.id,
        pack_id=pack.id,
        pack_version=pack.version,
        title=rule.title,
        citation=rule.citation,
        severity=rule.severity,
        labels=rule.labels,
        outcome=result.outcome,
        explanation=_explain(rule, result),
        evidence=_ordered(result.evidence, clauses),
    )


def summarize(findings: Iterable[Finding]) -> dict[str, Any]:
    """Counts per outcome, failed blockers, and `passed` (no blocker rule failed)."""
    items = tuple(findings)
    counts: dict[str, Any] = {str(o): sum(f.outcome is o for f in items) for o in Outcome}
    blockers = sum(f.outcome is Outcome.FAIL and f.severity is Severity.BLOCKER for f in items)
    counts.update(total=len(items), blockers_failed=blockers, passed=blockers == 0)
    return counts


def _explain(rule: Rule, result: Result) -> str:
    """Why the rule passed or failed, then what the law asks."""
    detail = result.detail
    if result.outcome is Outcome.FAIL and rule.fail_message:
        detail = rule.fail_message.format_map(_Template(value=result.value, limit=result.limit))
    detail = detail[:1].upper() + detail[1:]
    return f"{detail.rstrip('.')}. {rule.explanation}"


class _Template(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _ordered(
    evidence: Sequence[ClauseFact], clauses: Sequence[ClauseFact]
) -> tuple[ClauseFact, ...]:
    """Evidence in document order (the order the clauses were given)."""
    if len(evidence) < 2:
        return tuple(evidence)
    position: Mapping[int, int] = {id(c): i for i, c in enumerate(clauses)}
    return tuple(sorted(evidence, key=lambda c: position.get(id(c), len(position))))
