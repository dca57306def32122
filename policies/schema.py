"""Validation of rule files and pack.yaml files into Rule objects (every error has a line)."""

from __future__ import annotations

import re
import string
from pathlib import Path
from types import MappingProxyType
from typing import Any

from policies._yaml import Where, YamlMap
from policies.checks import labels_of, parse_check
from policies.taxonomy import LABELS
from policies.types import Check, Citation, Rule, Severity

__all__ = [
    "AGREEMENT_KINDS",
    "CONTEXT_FLAGS",
    "PACK_KEYS",
    "SLUG",
    "check_fail_message",
    "parse_rule",
]

AGREEMENT_KINDS: tuple[str, ...] = ("ndpa", "state_dpa", "vendor_dpa", "privacy_policy", "terms")
CONTEXT_FLAGS: tuple[str, ...] = ("under_13",)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

RULE_REQUIRED = ("id", "title", "severity", "labels", "citation", "check", "explanation")
RULE_OPTIONAL = ("applies_to", "applies_if", "verify_citation", "fail_message", "notes")
PACK_KEYS = {
    "required": ("id", "title", "version", "effective", "jurisdiction"),
    "optional": ("state", "extends", "overrides", "disabled", "notes"),
}
_TEMPLATE_FIELDS = frozenset({"value", "limit"})


def parse_rule(raw: Any, file: Path, expected_id: str) -> Rule:
    """Validate one rule file's content; `expected_id` is the id its path implies."""
    m = Where(file).mapping(raw, getattr(raw, "line", 1), "")
    where = Where(file, m["id"] if isinstance(m.get("id"), str) else None)
    where.keys(m, "", required=RULE_REQUIRED, optional=RULE_OPTIONAL)
    rule_id = where.string(m, "id", "")
    if rule_id != expected_id:
        raise where.error(
            m.line_of("id"), "id", f"must match the file path: expected {expected_id!r}"
        )
    check = parse_check(m["check"], m.line_of("check"), where, "check")
    labels = where.strings(m, "labels", "")
    for index, label in enumerate(labels):
        if label not in LABELS:
            raise where.error(
                m.line_of("labels"), f"labels[{index}]", f"unknown label {label!r} (see TAXONOMY)"
            )
    _check_labels_listed(check, labels, m, where)
    fail_message = where.optional_string(m, "fail_message", "")
    if fail_message is not None:
        check_fail_message(fail_message, where, m.line_of("fail_message"), "fail_message")
    return Rule(
        id=rule_id,
        title=where.string(m, "title", ""),
        citation=_citation(m, where),
        severity=parse_severity(m, "severity", where, ""),
        labels=labels,
        check=check,
        explanation=" ".join(where.string(m, "explanation", "").split()),
        applies_to=where.strings(m, "applies_to", "", choices=AGREEMENT_KINDS)
        if "applies_to" in m
        else (),
        applies_if=_applies_if(m, where),
        fail_message=fail_message,
        verify_citation=where.boolean(m, "verify_citation", ""),
        source=f"{file}:{m.line_of('id')}",
    )


def parse_severity(m: YamlMap, key: str, where: Where, path: str) -> Severity:
    value = m[key]
    if value not in {s.value for s in Severity}:
        choices = ", ".join(s.value for s in Severity)
        raise where.error(m.line_of(key), f"{path}.{key}".lstrip("."), f"must be one of {choices}")
    return Severity(value)


def check_fail_message(template: str, where: Where, line: int, path: str) -> None:
    """A fail_message may only use the {value} and {limit} placeholders."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise where.error(line, path, f"bad template: {exc}") from exc
    unknown = fields - _TEMPLATE_FIELDS
    if unknown:
        raise where.error(
            line, path, f"unknown placeholder {sorted(unknown)[0]!r}; use {{value}}, {{limit}}"
        )


def _check_labels_listed(check: Check, labels: tuple[str, ...], m: YamlMap, where: Where) -> None:
    for label in labels_of(check):
        if label not in labels:
            raise where.error(m.line_of("labels"), "labels", f"must list {label!r}, used by check")


def _citation(m: YamlMap, where: Where) -> Citation:
    c = where.mapping(m["citation"], m.line_of("citation"), "citation")
    where.keys(c, "citation", required=("law", "section"), optional=("url", "effective"))
    return Citation(
        law=where.string(c, "law", "citation"),
        section=where.string(c, "section", "citation")
        if not isinstance(c["section"], int | float)
        else str(c["section"]),
        url=where.optional_string(c, "url", "citation"),
        effective=where.date(c, "effective", "citation"),
    )


def _applies_if(m: YamlMap, where: Where) -> MappingProxyType[str, bool]:
    if "applies_if" not in m:
        return MappingProxyType({})
    a = where.mapping(m["applies_if"], m.line_of("applies_if"), "applies_if")
    where.keys(a, "applies_if", required=(), optional=CONTEXT_FLAGS)
    return MappingProxyType({key: where.boolean(a, key, "applies_if") for key in a})
