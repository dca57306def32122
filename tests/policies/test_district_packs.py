"""District packs held as YAML text: they extend a shipped pack, may only tighten it (each
loosening is an error at its line), may add rules of their own, and carry cases for what
they change; `run_pack_cases` reports shipped cases changed by an override as `changed`."""

from __future__ import annotations

import pytest

from policies import Fact, PackValidationError, load_pack_source
from policies.testing import run_pack_cases

HEAD = """\
id: district-x
title: X Schools additions
version: "1.0.0"
effective: 2024-07-01
jurisdiction: US-NY
extends: us-ny
"""
BREACH_48 = """\
overrides:
  us-ny.part121.breach-7d:
    value: 48
"""
CASES_48 = """\
cases:
  us-ny.part121.breach-7d:
    - name: two-days
      clauses: [{label: breach_notification, stance: requires, attributes: {deadline_hours: 48}}]
      expect: pass
    - name: three-days
      clauses: [{label: breach_notification, stance: requires, attributes: {deadline_hours: 72}}]
      expect: fail
"""
OWN_RULE = """\
rules:
  - id: district-x.board.no-ai-training
    title: Student data is not used to train products
    severity: major
    labels: [product_improvement]
    citation: {law: X Schools Board Policy, section: "8630"}
    check:
      no_clause: {label: product_improvement, stance: [permits]}
    explanation: The board does not allow student data to improve or train products.
"""
OWN_CASES = """\
  district-x.board.no-ai-training:
    - name: silent
      clauses: []
      expect: pass
    - name: permits
      clauses: [{label: product_improvement, stance: permits}]
      expect: fail
"""


def _by_case(results):
    return {(r.rule_id.rsplit(".", 1)[1], r.case): r for r in results}


def test_tightened_deadline_changes_shipped_cases_without_failing():
    pack = load_pack_source(HEAD + BREACH_48 + CASES_48)
    assert pack.overridden == ("us-ny.part121.breach-7d",)
    assert pack.base is not None
    assert pack.base.id == "us-ny"
    results = _by_case(run_pack_cases(pack))
    changed = {key for key, r in results.items() if r.changed}
    assert changed == {("breach-7d", "seventy-two-hours"), ("breach-7d", "exactly-seven-days")}
    assert results["breach-7d", "seventy-two-hours"].actual == "fail"
    assert results["breach-7d", "three-days"].ok
    assert all(r.ok for r in results.values())


def test_an_override_without_its_own_cases_fails_the_run():
    pack = load_pack_source(HEAD + BREACH_48)
    bad = [r for r in run_pack_cases(pack) if not r.ok]
    assert [(r.rule_id, r.case) for r in bad] == [("us-ny.part121.breach-7d", "(cases)")]
    assert "needs its own `cases:`" in bad[0].explanation


def test_a_wrong_own_case_is_a_failure_not_a_change():
    wrong = CASES_48.replace("expect: fail", "expect: pass")
    results = _by_case(run_pack_cases(load_pack_source(HEAD + BREACH_48 + wrong)))
    assert not results["breach-7d", "three-days"].ok
    assert not results["breach-7d", "three-days"].changed


def test_severity_and_title_only_overrides_need_no_cases():
    source = HEAD + "overrides:\n  us-ny.part121.data-location: {severity: blocker, title: T}\n"
    pack = load_pack_source(source)
    assert pack.overridden == ()
    assert all(r.ok for r in run_pack_cases(pack))


def test_own_rules_are_added_after_the_base_and_need_cases():
    pack = load_pack_source(HEAD + OWN_RULE + "cases:\n" + OWN_CASES)
    assert pack.rules[-1].id == "district-x.board.no-ai-training"
    assert len(pack.rules) == len(pack.base.rules) + 1
    results = _by_case(run_pack_cases(pack))
    assert results["no-ai-training", "permits"].ok
    without = run_pack_cases(load_pack_source(HEAD + OWN_RULE))
    assert [r.case for r in without if not r.ok] == ["(cases)"]


def test_text_cases_run_only_with_an_extract_function():
    source = HEAD + OWN_RULE + "cases:\n" + OWN_CASES + (
        "    - name: from-text\n"
        "      text: We may use student data to improve our products.\n"
        "      expect: fail\n"
    )  # fmt: skip
    pack = load_pack_source(source)
    assert "from-text" not in {r.case for r in run_pack_cases(pack)}
    seen: list[str] = []

    def extract(text):
        seen.append(text)
        return (Fact(label="product_improvement", stance="permits", text=text),)

    results = _by_case(run_pack_cases(pack, extract=extract))
    assert results["no-ai-training", "from-text"].actual == "fail"
    assert "We may use student data to improve our products." in seen
    assert len(seen) == sum(1 for r in results.values() if r.source and "text-" in r.case) + 1


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        pytest.param(BREACH_48.replace("48", "200"), 9, "may only lower the limit", id="limit"),
        pytest.param(
            "overrides:\n  us-ny.part121.breach-7d:\n    op: '<'\n",
            9,
            "may not change the comparison",
            id="op",
        ),
        pytest.param(
            "overrides:\n  us-ny.ed-law-2d.no-marketing:\n    stance: [prohibits, permits]\n",
            9,
            "may only remove allowed stances",
            id="widen-stance",
        ),
        pytest.param(
            "overrides:\n  us-ny.ed-law-2d.no-unconsented-disclosure:\n"
            "    stance: [conditional]\n",  # the base forbids `permits`
            9,
            "may only add forbidden stances",
            id="drop-forbidden",
        ),
        pytest.param(
            "overrides:\n  us-ny.part121.breach-7d:\n    mismatch: needs_review\n",
            9,
            "may not turn a failing mismatch",
            id="mismatch",
        ),
        pytest.param(
            "overrides:\n  us-ny.part121.breach-7d:\n    severity: info\n",
            9,
            "may only raise the severity",
            id="severity",
        ),
        pytest.param(
            "overrides:\n  us-ny.part121.breach-7d:\n"
            "    check: {clause: {label: breach_notification, stance: [requires]}}\n",
            9,
            "cannot replace a state rule's check",
            id="replace-check",
        ),
        pytest.param(
            "disabled:\n  - {rule: us-ny.part121.data-location, reason: hosting reviewed}\n",
            7,
            "cannot switch off",
            id="disable",
        ),
        pytest.param(
            OWN_RULE.replace("district-x.board", "us-ny.board"), 8, "must be district-x", id="own"
        ),
        pytest.param(
            "cases:\n  us-ny.part121.nope:\n    - {name: a, clauses: [], expect: pass}\n",
            8,
            "no rule with this id",
            id="cases-rule",
        ),
    ],
)
def test_loosening_or_bad_keys_are_errors_at_their_line(extra, line, message):
    with pytest.raises(PackValidationError, match=message) as exc:
        load_pack_source(HEAD + extra, name="x.yaml")
    assert exc.value.line == line
    assert exc.value.file == "x.yaml"


def test_narrowing_and_widening_in_the_strict_direction_are_allowed():
    source = HEAD + (
        "overrides:\n"
        "  us-ny.part121.data-location:\n    stance: [requires]\n"
        "  us-ny.ed-law-2d.no-unconsented-disclosure:\n    stance: [permits, conditional]\n"
    )  # fmt: skip
    pack = load_pack_source(source)
    assert set(pack.overridden) == {
        "us-ny.part121.data-location",
        "us-ny.ed-law-2d.no-unconsented-disclosure",
    }


def test_a_stored_pack_must_extend_a_shipped_pack_and_keep_its_own_id():
    with pytest.raises(PackValidationError, match="must extend a shipped pack"):
        load_pack_source(HEAD.replace("extends: us-ny\n", ""))
    with pytest.raises(PackValidationError, match="is a shipped pack"):
        load_pack_source(HEAD.replace("id: district-x", "id: federal"))
