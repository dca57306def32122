"""A district pack stored in the registry may only make the law it extends stricter.

Each override of an inherited rule is compared with the rule it replaces: a severity may go
up, a deadline down (for `<=`), an allowed stance set may shrink, a forbidden one grow. Any
change that could let an agreement pass that the base rule fails is rejected with its line.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies._yaml import Where, YamlMap
from policies.types import Check, Rule, Severity

__all__ = ["SEVERITY_RANK", "check_tightens"]

SEVERITY_RANK = {Severity.INFO: 0, Severity.MINOR: 1, Severity.MAJOR: 2, Severity.BLOCKER: 3}


def check_tightens(old: Rule, new: Rule, params: YamlMap, where: Where, path: str) -> None:
    """Raise PackValidationError (at the override's line) unless `new` is at least as strict."""
    if SEVERITY_RANK[new.severity] < SEVERITY_RANK[old.severity]:
        raise where.error(
            params.line_of("severity"),
            f"{path}.severity",
            f"may only raise the severity ({old.severity} here); a district pack cannot "
            "soften the law it extends",
        )
    if "check" in params:
        raise where.error(
            params.line_of("check"),
            f"{path}.check",
            "a district pack cannot replace a state rule's check; change `value` or `stance`, "
            "or add a rule of its own",
        )
    for (old_leaf, negated), (new_leaf, _) in zip(
        _leaves(old.check), _leaves(new.check), strict=True
    ):
        problem = _loosened(old_leaf, new_leaf, negated)
        if problem:
            key = next((k for k in ("value", "op", "mismatch", "stance") if k in params), "")
            raise where.error(params.line_of(key), f"{path}.{key}".rstrip("."), problem)


def _leaves(check: Check, negated: bool = False) -> Iterator[tuple[Check, bool]]:
    if not check.children:
        yield check, negated
        return
    for child in check.children:
        yield from _leaves(child, negated ^ (check.kind == "not"))


def _loosened(old: Check, new: Check, negated: bool) -> str | None:
    """Why `new` is less strict than `old`, or None when it is as strict or stricter."""
    if old.params == new.params:
        return None
    if negated:
        return "this check sits under `not:`; its parameters cannot be changed by a district pack"
    if old.kind == "attribute":
        return _attribute_loosened(old, new)
    before, after = set(old.params["stance"]), set(new.params["stance"])
    if old.kind == "clause" and not after <= before:
        extra = ", ".join(sorted(after - before))
        return f"may only remove allowed stances; {extra} would let more agreements pass"
    if old.kind == "no_clause" and not before <= after:
        gone = ", ".join(sorted(before - after))
        return f"may only add forbidden stances; dropping {gone} would let more agreements pass"
    return None


def _attribute_loosened(old: Check, new: Check) -> str | None:
    o, n = old.params, new.params
    if o["op"] != n["op"]:
        return f"may not change the comparison {o['op']!r}; change `value` instead"
    if o["mismatch"] == "fail" and n["mismatch"] != "fail":
        return "may not turn a failing mismatch into needs_review"
    if o["value"] == n["value"]:
        return None
    op, before, after = o["op"], o["value"], n["value"]
    if op in ("<=", "<") and after > before:
        return f"may only lower the limit ({before} here); {after} is looser"
    if op in (">=", ">") and after < before:
        return f"may only raise the minimum ({before} here); {after} is looser"
    if op not in ("<=", "<", ">=", ">"):
        return f"the value of a {op!r} comparison cannot be changed by a district pack"
    return None
