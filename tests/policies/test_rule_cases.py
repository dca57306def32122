"""Every shipped rule has a cases file with a pass case and a non-pass case, and all pass.

Rules and cases are discovered from policies/packs/; nothing is listed by hand.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from policies import Outcome, Pack, Rule, evaluate, load_cases, load_packs
from policies.cases import cases_path
from policies.loader import PACKS_DIR

PACKS = {pack.id: pack for pack in load_packs()}
RULES: list[tuple[Pack, Rule, Path]] = [
    (pack, rule, Path(rule.source.rpartition(":")[0]))
    for pack in PACKS.values()
    for rule in pack.rules
]


def _case_params() -> list[object]:
    params = []
    for pack, rule, file in RULES:
        path = cases_path(file)
        if not path.exists():
            continue
        for case in load_cases(path).cases:
            if case.clauses is not None:
                params.append(pytest.param(pack, rule, case, id=f"{rule.id}::{case.name}"))
    return params


def test_packs_are_shipped():
    assert {"us-ca", "us-ny"} <= set(PACKS)
    for pack in PACKS.values():
        # Ohio SB 29 has only four contract terms checkable from clause labels.
        assert len(pack.rules) >= (4 if pack.id == "us-oh" else 5), pack.id


def test_every_rule_file_is_loaded():
    files = {
        p
        for p in PACKS_DIR.rglob("*.yaml")
        if p.name != "pack.yaml" and not p.name.endswith(".cases.yaml")
    }
    assert files == {file for _, _, file in RULES}


@pytest.mark.parametrize(("rule", "file"), [pytest.param(r, f, id=r.id) for _, r, f in RULES])
def test_rule_has_cases_with_pass_and_non_pass(rule, file):
    path = cases_path(file)
    assert path.exists(), f"{rule.id}: no cases file {path}"
    cases_file = load_cases(path)
    assert cases_file.rule_id == rule.id
    expects = {c.expect for c in cases_file.cases if c.clauses is not None}
    assert "pass" in expects, f"{rule.id}: no passing case"
    assert expects & {"fail", "missing", "needs_review"}, f"{rule.id}: no non-pass case"


def test_every_cases_file_belongs_to_a_rule():
    rule_files = {file for _, _, file in RULES}
    for path in PACKS_DIR.rglob("*.cases.yaml"):
        assert path.with_name(path.name.replace(".cases.yaml", ".yaml")) in rule_files, path


@pytest.mark.parametrize(("pack", "rule", "case"), _case_params())
def test_case(pack, rule, case):
    single = dataclasses.replace(pack, rules=(rule,))
    findings = evaluate(single, case.clauses, case.context)
    if case.expect == "skip":
        assert findings == ()
        return
    assert len(findings) == 1
    assert findings[0].outcome is Outcome(case.expect), findings[0].explanation
