"""Every `text:` case of the shipped packs, read by the real extractor and checked by the
engine: the end-to-end fixtures of each rule (clause-only cases run in test_rule_cases)."""

from __future__ import annotations

import dataclasses
import functools

import pytest

from extractors import extract
from policies import Outcome, evaluate, load_cases, load_packs
from policies.cases import cases_path
from policies.testing import rule_file, run_pack_cases

PACKS = load_packs()


@functools.cache
def _clauses(text: str):
    return extract(text.encode("utf-8"), filename="case.txt").clauses


def _text_cases():
    params = []
    for pack in PACKS:
        for rule in pack.rules:
            path = cases_path(rule_file(rule))
            for case in load_cases(path).cases:
                if case.clauses is None:
                    params.append(pytest.param(pack, rule, case, id=f"{rule.id}::{case.name}"))
    return params


TEXT_CASES = _text_cases()


def test_text_cases_exist_for_every_pack_with_breach_sale_ads_or_deletion_rules():
    assert len(TEXT_CASES) >= 60
    assert {p.values[0].id for p in TEXT_CASES} == {p.id for p in PACKS} - {"federal"}


@pytest.mark.parametrize(("pack", "rule", "case"), TEXT_CASES)
def test_text_case(pack, rule, case):
    findings = evaluate(dataclasses.replace(pack, rules=(rule,)), _clauses(case.text), case.context)
    assert findings[0].outcome is Outcome(case.expect), findings[0].explanation


def test_run_pack_cases_runs_text_cases_with_the_extractor():
    pack = next(p for p in PACKS if p.id == "us-ny")
    with_text = run_pack_cases(pack, extract=_clauses)
    without = run_pack_cases(pack)
    assert all(r.ok for r in with_text)
    assert {r.case for r in with_text} - {r.case for r in without} >= {"text-72-hours"}
