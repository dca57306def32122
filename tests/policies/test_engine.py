"""The engine: each check kind and combinator, confidence, scoping, district packs, summary."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from policies import (
    Citation,
    Context,
    Fact,
    Outcome,
    Pack,
    PackValidationError,
    Rule,
    Severity,
    evaluate,
    load_pack,
    pack_for_state,
    summarize,
)
from policies._yaml import Where, YamlMap
from policies.checks import parse_check

FIXTURES = Path(__file__).parent / "fixtures"
P, F, M, R = Outcome.PASS, Outcome.FAIL, Outcome.MISSING, Outcome.NEEDS_REVIEW


def check_from(data: dict):
    return parse_check(_located(data), 1, Where(Path("test.yaml")), "check")


def _located(value):
    if isinstance(value, dict):
        m = YamlMap({k: _located(v) for k, v in value.items()})
        m.line, m.key_lines = 1, {}
        return m
    if isinstance(value, list):
        return [_located(v) for v in value]
    return value


def make_rule(check: dict, **extra) -> Rule:
    labels = tuple(sorted({v["label"] for v in _leaf_params(check)}))
    fields = {
        "id": "t.law.rule",
        "title": "Test rule",
        "citation": Citation(law="Test Law", section="1"),
        "severity": Severity.MAJOR,
        "labels": labels,
        "check": check_from(check),
        "explanation": "Why it matters.",
    }
    fields.update(extra)
    return Rule(**fields)


def _leaf_params(check: dict):
    for kind, params in check.items():
        if kind in ("all_of", "any_of"):
            for child in params:
                yield from _leaf_params(child)
        elif kind == "not":
            yield from _leaf_params(params)
        else:
            yield params


def run(check: dict, clauses, context=None, **rule_fields):
    pack = Pack(
        id="t", title="T", version="1.0.0", effective=None, jurisdiction="T",
        rules=(make_rule(check, **rule_fields),),
    )  # fmt: skip
    findings = evaluate(pack, clauses, context)
    return findings[0] if findings else None


def fact(label, stance="requires", page=1, confidence=0.9, **attributes):
    return Fact(
        label=label, stance=stance, attributes=attributes, page=page, confidence=confidence,
        text=f"{label} on page {page}",
    )  # fmt: skip


SALE = {"clause": {"label": "data_sale", "stance": ["prohibits"]}}
NO_SALE = {"no_clause": {"label": "data_sale", "stance": ["permits"]}}
BREACH = {
    "attribute": {
        "label": "breach_notification",
        "name": "deadline_hours",
        "op": "<=",
        "value": 168,
    }
}


@pytest.mark.parametrize(
    ("clauses", "expected"),
    [
        ([fact("data_sale", "prohibits")], P),
        ([fact("data_sale", "permits")], F),
        ([fact("data_sale", "permits"), fact("data_sale", "prohibits")], P),
        ([fact("targeted_advertising", "prohibits")], M),
        ([], M),
    ],
)
def test_clause(clauses, expected):
    assert run(SALE, clauses).outcome is expected


@pytest.mark.parametrize(
    ("clauses", "expected"),
    [
        ([], P),
        ([fact("data_sale", "prohibits")], P),
        ([fact("data_sale", "permits")], F),
        ([fact("data_sale", "prohibits"), fact("data_sale", "permits", page=5)], F),
    ],
)
def test_no_clause(clauses, expected):
    assert run(NO_SALE, clauses).outcome is expected


def test_no_clause_fail_shows_the_offending_clause():
    finding = run(NO_SALE, [fact("data_sale", "prohibits"), fact("data_sale", "permits", page=5)])
    assert [c.page for c in finding.evidence] == [5]


@pytest.mark.parametrize(
    ("clauses", "expected"),
    [
        ([fact("breach_notification", deadline_hours=72)], P),
        ([fact("breach_notification", deadline_hours=720)], F),
        (
            [
                fact("breach_notification", deadline_hours=720),
                fact("breach_notification", deadline_hours=24),
            ],
            P,
        ),
        ([fact("breach_notification", deadline_text="promptly")], R),
        ([fact("breach_notification")], R),
        ([fact("breach_notification", deadline_hours="soon")], R),
        ([], M),
    ],
)
def test_attribute(clauses, expected):
    assert run(BREACH, clauses).outcome is expected


def test_attribute_fail_explains_the_found_value():
    finding = run(BREACH, [fact("breach_notification", deadline_hours=720, page=4)])
    assert "720 hours (30 days)" in finding.explanation
    assert "168 hours (7 days)" in finding.explanation
    assert [c.page for c in finding.evidence] == [4]


def test_vague_deadline_is_quoted():
    finding = run(BREACH, [fact("breach_notification", deadline_text="without unreasonable delay")])
    assert "without unreasonable delay" in finding.explanation


def test_fail_message_template():
    finding = run(
        BREACH,
        [fact("breach_notification", deadline_hours=720)],
        fail_message="the agreement allows {value}; the law requires notice within {limit}",
    )
    assert finding.explanation.startswith(
        "The agreement allows 720 hours (30 days); "
        "the law requires notice within 168 hours (7 days)."
    )


@pytest.mark.parametrize(
    ("params", "attributes", "expected"),
    [
        (
            {"name": "notify", "op": "contains", "value": "parents"},
            {"notify": ["lea", "parents"]},
            P,
        ),
        ({"name": "notify", "op": "contains", "value": "parents"}, {"notify": ["lea"]}, F),
        ({"name": "deadline_hours", "op": "<", "value": 72}, {"deadline_hours": 72}, F),
        ({"name": "deadline_hours", "op": ">=", "value": 72}, {"deadline_hours": 72}, P),
        ({"name": "deadline_hours", "op": ">", "value": 72}, {"deadline_hours": 72}, F),
        ({"name": "deadline_hours", "op": "==", "value": 72}, {"deadline_hours": 72}, P),
        ({"name": "deadline_hours", "op": "!=", "value": 72}, {"deadline_hours": 72}, F),
    ],
)
def test_attribute_ops(params, attributes, expected):
    check = {"attribute": {"label": "breach_notification", **params}}
    assert run(check, [fact("breach_notification", **attributes)]).outcome is expected


def test_in_contains_and_bool_ops():
    law = {"attribute": {"label": "governing_law", "name": "state", "op": "in", "value": ["CT"]}}
    assert run(law, [fact("governing_law", state="CT")]).outcome is P
    assert run(law, [fact("governing_law", state="NY")]).outcome is F
    nist = {
        "attribute": {
            "label": "security_safeguards",
            "name": "standard",
            "op": "contains",
            "value": "nist",
        }
    }
    assert run(nist, [fact("security_safeguards", standard="NIST CSF")]).outcome is P
    flow = {"attribute": {"label": "subprocessors", "name": "flow_down", "op": "==", "value": True}}
    assert run(flow, [fact("subprocessors", flow_down=True)]).outcome is P
    assert run(flow, [fact("subprocessors", flow_down=False)]).outcome is F
    assert run(flow, [fact("subprocessors", flow_down="yes")]).outcome is R


def test_mismatch_needs_review():
    check = {
        "attribute": {
            "label": "security_safeguards", "name": "standard", "op": "contains",
            "value": "NIST", "mismatch": "needs_review",
        }
    }  # fmt: skip
    assert run(check, [fact("security_safeguards", standard="ISO 27001")]).outcome is R


@pytest.mark.parametrize(
    ("clauses", "expected"),
    [
        ([fact("data_sale", "prohibits")], P),
        ([fact("data_sale", "prohibits"), fact("data_sale", "permits")], F),
        ([], M),
    ],
)
def test_all_of_takes_the_worst(clauses, expected):
    assert run({"all_of": [SALE, NO_SALE]}, clauses).outcome is expected


def test_all_of_ranks_needs_review_above_missing():
    check = {"all_of": [SALE, BREACH]}
    assert run(check, [fact("breach_notification")]).outcome is R
    assert run(check, [fact("data_sale", "permits"), fact("breach_notification")]).outcome is F


def test_any_of_takes_the_best():
    check = {"any_of": [SALE, BREACH]}
    assert (
        run(
            check, [fact("data_sale", "permits"), fact("breach_notification", deadline_hours=1)]
        ).outcome
        is P
    )
    assert run(check, [fact("data_sale", "permits")]).outcome is M
    assert (
        run(
            check, [fact("data_sale", "permits"), fact("breach_notification", deadline_hours=999)]
        ).outcome
        is F
    )


@pytest.mark.parametrize(
    ("clauses", "expected"),
    [([fact("data_sale", "prohibits")], F), ([fact("data_sale", "permits")], P), ([], M)],
)
def test_not_swaps_pass_and_fail(clauses, expected):
    assert run({"not": SALE}, clauses).outcome is expected


def test_low_confidence_turns_pass_and_fail_into_needs_review():
    low = [fact("breach_notification", deadline_hours=72, confidence=0.3, page=6)]
    finding = run(BREACH, low)
    assert finding.outcome is R
    assert "low confidence" in finding.explanation
    assert "page 6" in finding.explanation
    assert (
        run(BREACH, [fact("breach_notification", deadline_hours=720, confidence=0.3)]).outcome is R
    )
    assert run(SALE, [fact("data_sale", "prohibits", confidence=0.49)]).outcome is R


def test_one_confident_clause_is_enough():
    clauses = [
        fact("breach_notification", deadline_hours=72, confidence=0.3),
        fact("breach_notification", deadline_hours=48, confidence=0.95),
    ]
    assert run(BREACH, clauses).outcome is P


def test_review_below_is_a_parameter():
    pack = dataclasses.replace(pack_for_state("NY"))
    clause = [fact("breach_notification", deadline_hours=72, confidence=0.6)]
    by_rule = {f.rule_id: f for f in evaluate(pack, clause)}
    assert by_rule["us-ny.part121.breach-7d"].outcome is P
    by_rule = {f.rule_id: f for f in evaluate(pack, clause, review_below=0.7)}
    assert by_rule["us-ny.part121.breach-7d"].outcome is R


def test_no_clause_pass_is_not_softened_by_low_confidence_context():
    assert run(NO_SALE, [fact("data_sale", "prohibits", confidence=0.1)]).outcome is P


def test_applies_to_skips_other_agreement_kinds():
    kwargs = {"applies_to": ("ndpa", "vendor_dpa")}
    assert run(SALE, [], Context(agreement_kind="privacy_policy"), **kwargs) is None
    assert run(SALE, [], Context(agreement_kind="ndpa"), **kwargs).outcome is M
    assert run(SALE, [], Context(), **kwargs).outcome is M  # kind unknown: the rule applies


def test_applies_if_under_13():
    kwargs = {"applies_if": {"under_13": True}}
    assert run(SALE, [], Context(under_13=False), **kwargs) is None
    assert run(SALE, [], None, **kwargs) is None
    assert run(SALE, [], Context(under_13=True), **kwargs).outcome is M


def test_district_pack_tightens_ny_breach_deadline():
    ny = pack_for_state("NY")
    district = load_pack(FIXTURES / "district-tight-ny")
    clauses = [fact("breach_notification", deadline_hours=72)]
    state_finding = next(f for f in evaluate(ny, clauses) if f.rule_id == "us-ny.part121.breach-7d")
    district_finding = next(
        f for f in evaluate(district, clauses) if f.rule_id == "us-ny.part121.breach-7d"
    )
    assert state_finding.outcome is P
    assert district_finding.outcome is F
    assert (district_finding.pack_id, district_finding.pack_version) == (
        "district-tight-ny",
        "2.1.0",
    )
    assert "48 hours (2 days)" in district_finding.explanation
    assert district_finding.title == "Breach notice to the district within 48 hours"


def test_district_pack_keeps_other_rules_and_disables_with_reason():
    ny = pack_for_state("NY")
    district = load_pack(FIXTURES / "district-tight-ny" / "pack.yaml")
    ids = [r.id for r in district.rules]
    assert "us-ny.part121.data-location" not in ids
    assert ids == [r.id for r in ny.rules if r.id != "us-ny.part121.data-location"]
    assert district.extends == "us-ny"
    assert district.state == "NY"
    nist = {r.id: r for r in district.rules}["us-ny.ed-law-2d.nist-csf"]
    assert nist.severity is Severity.MINOR


def write_district(tmp_path: Path, body: str) -> Path:
    pack = tmp_path / "d"
    pack.mkdir()
    header = 'id: d\ntitle: D\nversion: "1.0.0"\neffective: 2024-01-01\njurisdiction: US-NY\n'
    (pack / "pack.yaml").write_text(header + textwrap.dedent(body))
    return pack


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ("extends: us-ny\noverrides:\n  us-ny.nope: {value: 1}\n", "overrides.us-ny.nope"),
        (
            "extends: us-ny\noverrides:\n  us-ny.part121.breach-7d: {value: soon}\n",
            "overrides.us-ny.part121.breach-7d.value",
        ),
        (
            "extends: us-ny\noverrides:\n  us-ny.part121.breach-7d: {valu: 1}\n",
            "overrides.us-ny.part121.breach-7d.valu",
        ),
        (
            "extends: us-ny\noverrides:\n  us-ny.part121.encryption: {value: false}\n",
            "overrides.us-ny.part121.encryption.value",
        ),
        ("extends: us-ny\ndisabled:\n  - rule: us-ny.part121.breach-7d\n", "disabled[0].reason"),
        ("extends: us-zz\n", "extends"),
    ],
)
def test_district_pack_errors(tmp_path, body, path):
    with pytest.raises(PackValidationError) as info:
        load_pack(write_district(tmp_path, body))
    assert info.value.path == path
    assert info.value.line >= 6


def test_summary_counts_and_passed():
    ny = pack_for_state("NY")
    good = [
        fact("breach_notification", deadline_hours=72),
        fact("data_sale", "prohibits"),
        fact("targeted_advertising", "prohibits"),
        fact("security_safeguards", encryption_in_transit=True, encryption_at_rest=True),
        fact("purpose_limitation"),
    ]
    summary = summarize(evaluate(ny, good))
    assert summary["passed"] is True
    assert summary["blockers_failed"] == 0
    assert summary["pass"] >= 5
    assert sum(summary[o] for o in ("pass", "fail", "missing", "needs_review")) == len(ny.rules)
    bad = [*good[1:], fact("breach_notification", deadline_hours=720)]
    summary = summarize(evaluate(ny, bad))
    assert summary["passed"] is False
    assert summary["blockers_failed"] == 1
    assert summary["fail"] == 1


def test_missing_blocker_does_not_fail_the_summary():
    summary = summarize(evaluate(pack_for_state("CA"), []))
    assert summary["passed"] is True
    assert summary["missing"] > 0


def test_findings_follow_pack_order_and_are_deterministic():
    ca = pack_for_state("CA")
    clauses = [fact("data_sale", "permits", page=3), fact("deletion", trigger="request", page=9)]
    first = evaluate(ca, clauses, Context(agreement_kind="vendor_dpa"))
    second = evaluate(ca, list(clauses), Context(agreement_kind="vendor_dpa"))
    assert [f.to_json() for f in first] == [f.to_json() for f in second]
    assert [f.rule_id for f in first] == [r.id for r in ca.rules]


def test_to_json_shape():
    finding = run(BREACH, [fact("breach_notification", deadline_hours=720, page=4)])
    data = finding.to_json()
    assert set(data) == {
        "rule", "title", "citation", "labels", "severity", "outcome", "explanation", "evidence",
    }  # fmt: skip
    assert data["citation"] == "Test Law 1"
    assert data["outcome"] == "fail"
    assert data["evidence"] == [{"page": 4, "text": "breach_notification on page 4"}]


def test_evidence_is_in_document_order():
    check = {"all_of": [SALE, NO_SALE]}
    clauses = [fact("data_sale", "permits", page=2), fact("data_sale", "conditional", page=8)]
    finding = run(check, clauses)
    assert [c.page for c in finding.evidence] == [2, 8]
