"""The closed registry of check kinds a rule's `check:` may use.

Each kind is one `parse_*` function (validates the YAML, with line numbers) and one `run_*`
function (decides an outcome from clauses). Leaves: `clause`, `no_clause`, `attribute`;
combinators: `all_of`, `any_of`, `not`. A new kind is code, with an example and a test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from policies._format import format_value, human, pages
from policies._ops import OP_WORDS, OPS, comparable, is_number, satisfies
from policies._yaml import Where, YamlList, YamlMap
from policies.taxonomy import ALLOWED_STANCES, ATTRIBUTES, LABELS
from policies.types import Check, ClauseFact, Outcome

__all__ = ["KINDS", "OPS", "Clauses", "Result", "labels_of", "leaves", "parse_check", "run_check"]

MAX_DEPTH = 3  # boolean nesting stays shallow: e.g. all_of > not > clause

# Worst first: all_of takes the highest rank among its children, any_of the lowest.
RANK: Mapping[Outcome, int] = MappingProxyType(
    {Outcome.PASS: 0, Outcome.MISSING: 1, Outcome.NEEDS_REVIEW: 2, Outcome.FAIL: 3}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """What one check concluded. `value`/`limit` feed a rule's `fail_message` template.

    `decisive` is False when the evidence is shown for context only (a `no_clause` pass),
    so low confidence in it does not turn the pass into needs_review.
    """

    outcome: Outcome
    detail: str
    evidence: tuple[ClauseFact, ...] = ()
    value: str = ""
    limit: str = ""
    decisive: bool = True


Runner = Callable[[Check, Sequence[ClauseFact], float], Result]
Parser = Callable[[Any, int, Where, str, int], Check]


# --- leaves ---------------------------------------------------------------------------------


def run_clause(check: Check, clauses: Sequence[ClauseFact], review_below: float) -> Result:
    """A clause with the label must take one of the allowed stances.

    Example: `clause: {label: data_ownership, stance: [requires]}`. Pass if such a clause
    exists; fail if clauses with the label exist but none has an allowed stance (a sale
    clause that `permits` when `[prohibits]` is needed); missing if no clause has the label.
    """
    label, stances = check.params["label"], check.params["stance"]
    found = _with_label(clauses, label)
    if not found:
        return Result(
            outcome=Outcome.MISSING, detail=f"the agreement says nothing about {human(label)}"
        )
    good = tuple(c for c in found if c.stance in stances)
    if good:
        return Result(
            outcome=Outcome.PASS,
            detail=f"the {human(label)} clause ({pages(good)}) {good[0].stance} it",
            evidence=good,
        )
    seen = _unique(c.stance for c in found)
    return Result(
        outcome=Outcome.FAIL,
        detail=f"the {human(label)} clause ({pages(found)}) {' / '.join(seen)} it, "
        f"where the rule needs: {' or '.join(stances)}",
        evidence=found,
        value=" / ".join(seen),
        limit=" or ".join(stances),
    )


def _verb(stances: str) -> str:
    """ "permits / conditional" -> "permits / allows under conditions": stances as verbs."""
    return stances.replace("conditional", "allows under conditions")


def run_no_clause(check: Check, clauses: Sequence[ClauseFact], review_below: float) -> Result:
    """No clause with the label may take a forbidden stance; silence passes.

    Example: `no_clause: {label: data_sale, stance: [permits, conditional]}` ("the agreement
    must not allow selling student data").
    """
    label, stances = check.params["label"], check.params["stance"]
    found = _with_label(clauses, label)
    bad = tuple(c for c in found if c.stance in stances)
    if bad:
        seen = " / ".join(_unique(c.stance for c in bad))
        return Result(
            outcome=Outcome.FAIL,
            detail=f"the {human(label)} clause ({pages(bad)}) {_verb(seen)} it",
            evidence=bad,
            value=_verb(seen),
            limit="not " + " or ".join(stances),
        )
    detail = (
        f"the {human(label)} clause ({pages(found)}) {_verb(found[0].stance)} it"
        if found
        else f"nothing in the agreement {' or '.join(stances)} {human(label)}"
    )
    return Result(outcome=Outcome.PASS, detail=detail, evidence=found, decisive=False)


def run_attribute(check: Check, clauses: Sequence[ClauseFact], review_below: float) -> Result:
    """An attribute of a clause with the label must satisfy `op value`.

    Example: `attribute: {label: breach_notification, name: deadline_hours, op: "<=",
    value: 168}`. Pass if any clause's attribute satisfies it; fail if clauses state the
    attribute but none satisfies it (`mismatch: needs_review` softens this); needs_review if
    no clause states it (e.g. only a vague `deadline_text`); missing if no clause has the label.
    Ops: <= < >= > == != on numbers and booleans, `in` (value is a list), `contains` (the
    attribute is a list or text; case-insensitive).
    """
    p = check.params
    label, name, op, limit = p["label"], p["name"], p["op"], p["value"]
    found = _with_label(clauses, label)
    if not found:
        return Result(
            outcome=Outcome.MISSING, detail=f"the agreement says nothing about {human(label)}"
        )
    stated = tuple(c for c in found if comparable(c.attributes.get(name), op, limit))
    if not stated:
        vague = next((c for c in found if c.attributes.get("deadline_text")), None)
        detail = (
            f"the {human(label)} clause ({pages(found)}) only says "
            f"\u201c{vague.attributes['deadline_text']}\u201d"
            if vague is not None
            else f"the {human(label)} clause ({pages(found)}) does not state the {human(name)}"
        )
        return Result(outcome=Outcome.NEEDS_REVIEW, detail=detail, evidence=found)
    good = tuple(c for c in stated if satisfies(c.attributes[name], op, limit))
    if good:
        value = format_value(name, good[0].attributes[name])
        return Result(
            outcome=Outcome.PASS,
            detail=f"the {human(label)} clause ({pages(good)}) gives {human(name)}: {value}",
            evidence=good,
            value=value,
            limit=format_value(name, limit),
        )
    value = format_value(name, stated[0].attributes[name])
    outcome = Outcome.NEEDS_REVIEW if p.get("mismatch") == "needs_review" else Outcome.FAIL
    return Result(
        outcome=outcome,
        detail=f"the {human(label)} clause ({pages(stated)}) gives {human(name)}: {value}; "
        f"the rule needs {OP_WORDS[op]} {format_value(name, limit)}",
        evidence=stated,
        value=value,
        limit=format_value(name, limit),
    )


class Clauses(tuple[ClauseFact, ...]):
    """An agreement's clauses with an index by label, built once per `evaluate` call: every
    leaf check looks its label up instead of scanning all clauses (see bench/recheck.py)."""

    by_label: dict[str, tuple[ClauseFact, ...]]

    def __new__(cls, clauses: Iterable[ClauseFact]) -> Clauses:
        self = super().__new__(cls, clauses)
        index: dict[str, list[ClauseFact]] = {}
        for clause in self:
            index.setdefault(clause.label, []).append(clause)
        self.by_label = {label: tuple(found) for label, found in index.items()}
        return self


def _with_label(clauses: Sequence[ClauseFact], label: str) -> tuple[ClauseFact, ...]:
    if isinstance(clauses, Clauses):
        return clauses.by_label.get(label, ())
    return tuple(c for c in clauses if c.label == label)


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


# --- combinators ----------------------------------------------------------------------------


def run_all_of(check: Check, clauses: Sequence[ClauseFact], review_below: float) -> Result:
    """Every sub-check must pass; the outcome is the worst (fail > needs_review > missing).

    Example: `all_of: [{clause: {label: data_sale, stance: [prohibits]}},
    {no_clause: {label: data_sale, stance: [permits]}}]`.
    """
    results = [run_check(child, clauses, review_below) for child in check.children]
    return _combine(results, max(RANK[r.outcome] for r in results))


def run_any_of(check: Check, clauses: Sequence[ClauseFact], review_below: float) -> Result:
    """One sub-check passing is enough; the outcome is the best of the sub-checks.

    Example: `any_of: [{clause: {label: deletion, stance: [requires]}},
    {clause: {label: data_retention, stance: [requires]}}]`.
    """
    results = [run_check(child, clauses, review_below) for child in check.children]
    return _combine(results, min(RANK[r.outcome] for r in results))


def run_not(check: Check, clauses: Sequence[ClauseFact], review_below: float) -> Result:
    """Swaps pass and fail; missing and needs_review stay (silence is reported, not hidden).

    Example: `not: {attribute: {label: governing_law, name: state, op: in, value: [DE]}}`.
    Use `no_clause` when silence should pass.
    """
    inner = run_check(check.children[0], clauses, review_below)
    swap = {Outcome.PASS: Outcome.FAIL, Outcome.FAIL: Outcome.PASS}
    outcome = swap.get(inner.outcome, inner.outcome)
    return Result(
        outcome=outcome,
        detail=inner.detail,
        evidence=inner.evidence,
        value=inner.value,
        limit=inner.limit,
    )


def _combine(results: Sequence[Result], rank: int) -> Result:
    chosen = [r for r in results if RANK[r.outcome] == rank]
    evidence: dict[int, ClauseFact] = {}
    for result in chosen:
        for clause in result.evidence:
            evidence.setdefault(id(clause), clause)
    return Result(
        outcome=chosen[0].outcome,
        detail="; ".join(_unique(r.detail for r in chosen)),
        evidence=tuple(evidence.values()),
        value=next((r.value for r in chosen if r.value), ""),
        limit=next((r.limit for r in chosen if r.limit), ""),
        decisive=any(r.decisive for r in chosen),
    )


# --- dispatch -------------------------------------------------------------------------------


def run_check(check: Check, clauses: Sequence[ClauseFact], review_below: float) -> Result:
    """Run one check; a leaf pass or fail resting only on low-confidence clauses is softened."""
    result = KINDS[check.kind][1](check, clauses, review_below)
    if (
        check.kind in LEAF_KINDS
        and result.outcome in (Outcome.PASS, Outcome.FAIL)
        and result.decisive
        and result.evidence
        and all(c.confidence < review_below for c in result.evidence)
    ):
        return Result(
            outcome=Outcome.NEEDS_REVIEW,
            detail=f"{result.detail} (found with low confidence; please confirm on "
            f"{pages(result.evidence)})",
            evidence=result.evidence,
            value=result.value,
            limit=result.limit,
        )
    return result


def leaves(check: Check) -> tuple[Check, ...]:
    """The leaf checks of a check tree, in order."""
    if check.kind in LEAF_KINDS:
        return (check,)
    return tuple(leaf for child in check.children for leaf in leaves(child))


def labels_of(check: Check) -> tuple[str, ...]:
    """Every label a check tree tests, in order of first use."""
    return tuple(_unique(leaf.params["label"] for leaf in leaves(check)))


# --- parsing --------------------------------------------------------------------------------


def parse_check(raw: Any, line: int, where: Where, path: str, depth: int = 1) -> Check:
    """Validate one `{kind: params}` mapping and build its Check."""
    m = where.mapping(raw, line, path)
    if len(m) != 1:
        raise where.error(m.line, path, f"must have exactly one check kind: {', '.join(KINDS)}")
    kind = next(iter(m))
    if kind not in KINDS:
        raise where.error(
            m.line_of(kind), f"{path}.{kind}", f"unknown check kind; use one of {', '.join(KINDS)}"
        )
    if depth > MAX_DEPTH:
        raise where.error(m.line_of(kind), f"{path}.{kind}", f"nesting deeper than {MAX_DEPTH}")
    return KINDS[kind][0](m[kind], m.line_of(kind), where, f"{path}.{kind}", depth)


def _parse_stance_leaf(kind: str) -> Parser:
    def parse(raw: Any, line: int, where: Where, path: str, depth: int) -> Check:
        m = where.mapping(raw, line, path)
        where.keys(m, path, required=("label", "stance"))
        label = _label(m, where, path)
        stances = where.strings(m, "stance", path, choices=ALLOWED_STANCES[label])
        return Check(kind=kind, params=MappingProxyType({"label": label, "stance": stances}))

    return parse


def parse_attribute(raw: Any, line: int, where: Where, path: str, depth: int) -> Check:
    m = where.mapping(raw, line, path)
    where.keys(m, path, required=("label", "name", "op", "value"), optional=("mismatch",))
    label = _label(m, where, path)
    name = where.string(m, "name", path)
    known = ATTRIBUTES.get(label, ())
    if name not in known:
        raise where.error(
            m.line_of("name"),
            f"{path}.name",
            f"{label} has no attribute {name!r}; known: {', '.join(known) or 'none'}",
        )
    op = m["op"]
    if op not in OPS:
        raise where.error(m.line_of("op"), f"{path}.op", f"must be one of {', '.join(OPS)}")
    value = m["value"]
    numeric = op in ("<=", "<", ">=", ">")
    if (numeric and not is_number(value)) or (op == "in" and not isinstance(value, list | tuple)):
        wanted = "a number" if numeric else "a list"
        raise where.error(m.line_of("value"), f"{path}.value", f"must be {wanted} for op {op}")
    if value is None or isinstance(value, dict):
        raise where.error(m.line_of("value"), f"{path}.value", "must be a number, text or list")
    mismatch = m.get("mismatch", "fail")
    if mismatch not in ("fail", "needs_review"):
        raise where.error(m.line_of("mismatch"), f"{path}.mismatch", "must be fail or needs_review")
    params = {"label": label, "name": name, "op": op, "value": _freeze(value), "mismatch": mismatch}
    return Check(kind="attribute", params=MappingProxyType(params))


def _parse_list_combinator(kind: str) -> Parser:
    def parse(raw: Any, line: int, where: Where, path: str, depth: int) -> Check:
        if not isinstance(raw, list) or not raw:
            raise where.error(line, path, "must be a non-empty list of checks")
        children = tuple(
            parse_check(
                item,
                raw.line_of(i) if isinstance(raw, YamlList) else line,
                where,
                f"{path}[{i}]",
                depth + 1,
            )
            for i, item in enumerate(raw)
        )
        return Check(kind=kind, children=children)

    return parse


def parse_not(raw: Any, line: int, where: Where, path: str, depth: int) -> Check:
    return Check(kind="not", children=(parse_check(raw, line, where, path, depth + 1),))


def _label(m: YamlMap, where: Where, path: str) -> str:
    label = where.string(m, "label", path)
    if label not in LABELS:
        raise where.error(
            m.line_of("label"), f"{path}.label", f"unknown label {label!r} (see shared/TAXONOMY.md)"
        )
    return label


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


KINDS: Mapping[str, tuple[Parser, Runner]] = MappingProxyType(
    {
        "clause": (_parse_stance_leaf("clause"), run_clause),
        "no_clause": (_parse_stance_leaf("no_clause"), run_no_clause),
        "attribute": (parse_attribute, run_attribute),
        "all_of": (_parse_list_combinator("all_of"), run_all_of),
        "any_of": (_parse_list_combinator("any_of"), run_any_of),
        "not": (parse_not, run_not),
    }
)
LEAF_KINDS = frozenset({"clause", "no_clause", "attribute"})
