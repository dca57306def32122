"""Cases files (`<slug>.cases.yaml` beside each rule): example clauses and expected outcomes.

Cases with `clauses:` are pure policy tests. Cases with only `text:` need the extractor and
are run by a cross-package test; `expect: skip` means the rule must not apply in `context`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from policies._yaml import Where, YamlList, YamlMap, load_yaml
from policies.schema import AGREEMENT_KINDS, CONTEXT_FLAGS
from policies.taxonomy import ALLOWED_STANCES, LABELS
from policies.types import Case, Context, Fact

__all__ = ["EXPECTATIONS", "Case", "CasesFile", "cases_path", "load_cases", "parse_cases"]

EXPECTATIONS: tuple[str, ...] = ("pass", "fail", "missing", "needs_review", "skip")


@dataclass(frozen=True, slots=True, kw_only=True)
class CasesFile:
    rule_id: str
    cases: tuple[Case, ...]
    source: str


def cases_path(rule_file: Path) -> Path:
    """`law/slug.yaml` -> `law/slug.cases.yaml`."""
    return rule_file.with_name(rule_file.name.removesuffix(".yaml") + ".cases.yaml")


def load_cases(path: Path | str) -> CasesFile:
    """Load and validate one cases file."""
    file = Path(path)
    raw = load_yaml(file)
    m = Where(file).mapping(raw, getattr(raw, "line", 1), "")
    where = Where(file, m["rule"] if isinstance(m.get("rule"), str) else None)
    where.keys(m, "", required=("rule", "cases"))
    rule_id = where.string(m, "rule", "")
    items = m["cases"]
    if not isinstance(items, YamlList) or not items:
        raise where.error(m.line_of("cases"), "cases", "must be a non-empty list")
    return CasesFile(rule_id=rule_id, cases=parse_cases(items, where, "cases"), source=str(file))


def parse_cases(items: YamlList, where: Where, path: str) -> tuple[Case, ...]:
    """Validate a list of cases (a cases file's `cases:`, or a district pack's per rule)."""
    cases = tuple(
        _case(item, where, f"{path}[{i}]", items.line_of(i)) for i, item in enumerate(items)
    )
    names = [c.name for c in cases]
    for case in cases:
        if names.count(case.name) > 1:
            raise where.error(case.line, path, f"duplicate case name {case.name!r}")
    return cases


def _case(raw: Any, where: Where, path: str, line: int) -> Case:
    c = where.mapping(raw, line, path)
    where.keys(
        c, path, required=("name", "expect"), optional=("clauses", "text", "context", "notes")
    )
    if "clauses" not in c and "text" not in c:
        raise where.error(c.line, path, "needs `clauses` or `text`")
    expect = c["expect"]
    if expect not in EXPECTATIONS:
        raise where.error(
            c.line_of("expect"), f"{path}.expect", f"one of {', '.join(EXPECTATIONS)}"
        )
    clauses = None
    if "clauses" in c:
        if not isinstance(c["clauses"], list):
            raise where.error(c.line_of("clauses"), f"{path}.clauses", "must be a list")
        clauses = tuple(
            _fact(item, where, f"{path}.clauses[{i}]", c.line_of("clauses"))
            for i, item in enumerate(c["clauses"])
        )
    return Case(
        name=where.string(c, "name", path),
        expect=expect,
        clauses=clauses,
        text=where.optional_string(c, "text", path),
        context=_context(c, where, path),
        line=c.line,
    )


def _fact(raw: Any, where: Where, path: str, line: int) -> Fact:
    f = where.mapping(raw, line, path)
    optional = ("attributes", "text", "page", "confidence")
    where.keys(f, path, required=("label", "stance"), optional=optional)
    label = where.string(f, "label", path)
    if label not in LABELS:
        raise where.error(f.line_of("label"), f"{path}.label", f"unknown label {label!r}")
    stance = where.string(f, "stance", path)
    if stance not in ALLOWED_STANCES[label]:
        raise where.error(f.line_of("stance"), f"{path}.stance", f"not a stance of {label}")
    attributes = f.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise where.error(f.line_of("attributes"), f"{path}.attributes", "must be a mapping")
    page, confidence = f.get("page", 1), f.get("confidence", 1.0)
    if not isinstance(page, int) or not isinstance(confidence, int | float):
        raise where.error(f.line, path, "page must be an integer and confidence a number")
    return Fact(
        label=label,
        stance=stance,
        attributes=MappingProxyType(dict(attributes)),
        text=str(f.get("text", "")),
        page=page,
        confidence=float(confidence),
    )


def _context(c: YamlMap, where: Where, path: str) -> Context:
    if "context" not in c:
        return Context()
    x = where.mapping(c["context"], c.line_of("context"), f"{path}.context")
    where.keys(x, f"{path}.context", required=(), optional=("agreement_kind", *CONTEXT_FLAGS))
    kind = x.get("agreement_kind")
    if kind is not None and kind not in AGREEMENT_KINDS:
        raise where.error(x.line_of("agreement_kind"), f"{path}.context", "unknown agreement kind")
    return Context(agreement_kind=kind, under_13=where.boolean(x, "under_13", f"{path}.context"))
