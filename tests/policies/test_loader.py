"""Pack loading fails early with the file, the line and the rule of every mistake."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from policies import (
    DuplicateRuleIdError,
    PackSyntaxError,
    PackValidationError,
    PolicyError,
    UnknownPackError,
    available_states,
    load_pack,
    load_packs,
    pack_for_state,
)

PACK_YAML = """\
id: us-zz
title: Test pack
version: "0.1.0"
effective: 2024-01-01
jurisdiction: US-ZZ
state: ZZ
"""

RULE_YAML = """\
id: us-zz.law.rule-a
title: A rule
severity: major
labels: [breach_notification]
citation: {law: Test Law, section: "1(a)"}
check:
  attribute: {label: breach_notification, name: deadline_hours, op: "<=", value: 72}
explanation: Tell the district fast.
"""


def make_pack(root: Path, rules: dict[str, str], pack_yaml: str = PACK_YAML) -> Path:
    pack = root / "us-zz"
    pack.mkdir(parents=True)
    (pack / "pack.yaml").write_text(pack_yaml)
    for rel, text in rules.items():
        path = pack / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return pack


def error_for(tmp_path: Path, text: str, rel: str = "law/rule-a.yaml") -> PolicyError:
    pack = make_pack(tmp_path, {rel: text})
    with pytest.raises(PolicyError) as info:
        load_pack(pack)
    return info.value


def test_a_valid_pack_loads(tmp_path):
    pack = load_pack(make_pack(tmp_path, {"law/rule-a.yaml": RULE_YAML}) / "pack.yaml")
    assert pack.id == "us-zz"
    assert [r.id for r in pack.rules] == ["us-zz.law.rule-a"]
    assert pack.rules[0].source.endswith("rule-a.yaml:1")


def test_bad_yaml_gives_file_and_line(tmp_path):
    err = error_for(tmp_path, RULE_YAML.replace("severity: major", "severity: [major"))
    assert isinstance(err, PackSyntaxError)
    assert err.file.endswith("law/rule-a.yaml")
    assert err.line in (3, 4)
    assert err.code == "pack_syntax"


def test_unknown_key_is_a_typo(tmp_path):
    err = error_for(tmp_path, RULE_YAML + "explaination: oops\n")
    assert isinstance(err, PackValidationError)
    assert (err.line, err.rule_id, err.path) == (9, "us-zz.law.rule-a", "explaination")
    assert "unknown key" in str(err)


def test_missing_required_key(tmp_path):
    err = error_for(tmp_path, RULE_YAML.replace("title: A rule\n", ""))
    assert isinstance(err, PackValidationError)
    assert err.path == "title"
    assert err.line == 1


def test_unknown_label(tmp_path):
    err = error_for(
        tmp_path, RULE_YAML.replace("labels: [breach_notification]", "labels: [breach]")
    )
    assert isinstance(err, PackValidationError)
    assert (err.line, err.path) == (4, "labels[0]")


def test_unknown_label_inside_a_check(tmp_path):
    err = error_for(tmp_path, RULE_YAML.replace("{label: breach_notification,", "{label: breach,"))
    assert isinstance(err, PackValidationError)
    assert (err.line, err.path) == (7, "check.attribute.label")


def test_unknown_check_kind(tmp_path):
    err = error_for(tmp_path, RULE_YAML.replace("  attribute:", "  attribut:"))
    assert isinstance(err, PackValidationError)
    assert (err.line, err.path) == (7, "check.attribut")
    assert "unknown check kind" in err.message


def test_bad_op(tmp_path):
    err = error_for(tmp_path, RULE_YAML.replace('op: "<="', 'op: "=<"'))
    assert isinstance(err, PackValidationError)
    assert (err.line, err.path) == (7, "check.attribute.op")
    assert str(err).endswith(
        "rule-a.yaml:7: us-zz.law.rule-a: check.attribute.op: "
        "must be one of <=, <, >=, >, ==, !=, in, contains"
    )


def test_unknown_attribute_name(tmp_path):
    err = error_for(tmp_path, RULE_YAML.replace("deadline_hours", "deadline_hrs"))
    assert isinstance(err, PackValidationError)
    assert err.path == "check.attribute.name"


def test_check_label_must_be_listed(tmp_path):
    text = RULE_YAML.replace(
        '  attribute: {label: breach_notification, name: deadline_hours, op: "<=", value: 72}',
        "  clause: {label: data_sale, stance: [prohibits]}",
    )
    err = error_for(tmp_path, text)
    assert isinstance(err, PackValidationError)
    assert (err.line, err.path) == (4, "labels")


def test_stance_not_allowed_for_label(tmp_path):
    text = RULE_YAML.replace(
        '  attribute: {label: breach_notification, name: deadline_hours, op: "<=", value: 72}',
        "  clause: {label: breach_notification, stance: [prohibits]}",
    )
    err = error_for(tmp_path, text)
    assert isinstance(err, PackValidationError)
    assert err.path == "check.clause.stance[0]"


def test_id_must_match_path(tmp_path):
    err = error_for(tmp_path, RULE_YAML, rel="law/other-name.yaml")
    assert isinstance(err, PackValidationError)
    assert not isinstance(err, DuplicateRuleIdError)
    assert (err.line, err.path) == (1, "id")
    assert "us-zz.law.other-name" in err.message


def test_duplicate_id(tmp_path):
    pack = make_pack(tmp_path, {"law/rule-a.yaml": RULE_YAML, "law/rule-b.yaml": RULE_YAML})
    with pytest.raises(DuplicateRuleIdError) as info:
        load_pack(pack)
    err = info.value
    assert err.file.endswith("rule-b.yaml")
    assert err.other.endswith("rule-a.yaml")
    assert (err.line, err.rule_id) == (1, "us-zz.law.rule-a")
    assert err.code == "duplicate_rule_id"


def test_bad_fail_message_placeholder(tmp_path):
    err = error_for(tmp_path, RULE_YAML + "fail_message: found {found}\n")
    assert isinstance(err, PackValidationError)
    assert (err.line, err.path) == (9, "fail_message")


def test_nesting_is_shallow(tmp_path):
    deep = """\
    id: us-zz.law.rule-a
    title: A rule
    severity: major
    labels: [data_sale]
    citation: {law: Test Law, section: "1"}
    check:
      not:
        not:
          not:
            clause: {label: data_sale, stance: [prohibits]}
    explanation: Too deep.
    """
    err = error_for(tmp_path, deep)
    assert isinstance(err, PackValidationError)
    assert (err.line, err.path) == (10, "check.not.not.not.clause")


def test_pack_yaml_errors_have_lines(tmp_path):
    pack = make_pack(tmp_path, {}, PACK_YAML.replace('"0.1.0"', "0.1"))
    with pytest.raises(PackValidationError) as info:
        load_pack(pack)
    assert (info.value.line, info.value.path) == (3, "version")


def test_pack_id_must_match_directory(tmp_path):
    pack = make_pack(tmp_path, {}, PACK_YAML.replace("id: us-zz", "id: us-yy"))
    with pytest.raises(PackValidationError) as info:
        load_pack(pack)
    assert (info.value.line, info.value.path) == (1, "id")


def test_duplicate_yaml_key_is_a_syntax_error(tmp_path):
    err = error_for(tmp_path, RULE_YAML + "title: again\n")
    assert isinstance(err, PackSyntaxError)
    assert err.line == 9


def test_overrides_need_extends(tmp_path):
    pack = make_pack(tmp_path, {}, PACK_YAML + "overrides: {}\n")
    with pytest.raises(PackValidationError) as info:
        load_pack(pack)
    assert info.value.path == "overrides"


def test_states_and_unknown_state():
    assert {"CA", "NY"} <= set(available_states())
    assert pack_for_state("ny").id == "us-ny"
    with pytest.raises(UnknownPackError) as info:
        pack_for_state("ZZ")
    assert "CA" in str(info.value)
    assert "NY" in info.value.available


def test_load_packs_from_a_directory(tmp_path):
    make_pack(tmp_path, {"law/rule-a.yaml": RULE_YAML})
    assert [p.id for p in load_packs(tmp_path)] == ["us-zz"]


def test_ny_breach_rule_as_specified():
    rule = {r.id: r for r in pack_for_state("NY").rules}["us-ny.part121.breach-7d"]
    assert str(rule.citation) == "8 NYCRR 121.10(a)"
    assert rule.severity == "blocker"
    assert rule.check.params["value"] == 168
