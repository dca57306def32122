"""The command line: exit codes and the stable JSON contracts of `extract` and `check`."""

from __future__ import annotations

import json

import pytest

from registry.cli import main
from registry.demo_agreements import DpaTerms, render_dpa
from tests.documents import make_pdf

THIRTY_DAYS = [
    ["Student Data Privacy Agreement", "Provider shall not sell Student Data."],
    ["Provider shall notify the district of a breach within 30 days."],
]


@pytest.fixture
def breach_pdf(tmp_path):
    path = tmp_path / "thirty-days.pdf"
    path.write_bytes(make_pdf(THIRTY_DAYS))
    return path


def test_check_fails_new_york_seven_day_rule_and_says_why(breach_pdf, capsys):
    assert main(["check", str(breach_pdf), "--state", "NY"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "us-ny.part121.breach-7d" in x)
    assert line.strip().startswith("FAIL")
    assert "(page 2)" in line
    assert "result: FAIL" in out


def test_check_json_contract(breach_pdf, capsys):
    assert main(["check", str(breach_pdf), "--state", "NY", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {"file", "packs", "findings", "summary"} <= set(report)
    assert report["packs"][0]["id"] == "us-ny"
    finding = next(f for f in report["findings"] if f["rule"] == "us-ny.part121.breach-7d")
    assert set(finding) >= {
        "rule", "title", "citation", "labels", "severity", "outcome", "explanation", "evidence"
    }  # fmt: skip
    assert finding["outcome"] == "fail"
    assert finding["evidence"] == [
        {"page": 2, "text": "Provider shall notify the district of a breach within 30 days."}
    ]


def test_check_passes_a_compliant_agreement(tmp_path, capsys):
    path = tmp_path / "dpa.txt"
    path.write_text(render_dpa(DpaTerms(vendor="V", product="P", district="D")))
    code = main(["check", str(path), "--state", "NY", "--json"])
    report = json.loads(capsys.readouterr().out)
    breach = next(f for f in report["findings"] if f["rule"] == "us-ny.part121.breach-7d")
    assert breach["outcome"] == "pass"
    assert code == (0 if report["summary"]["passed"] else 1)


def test_extract_json_contract(breach_pdf, capsys):
    assert main(["extract", str(breach_pdf), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"file", "sha256", "pages", "clauses", "data_elements"} <= set(data)
    assert data["pages"] == 2
    labels = {c["label"]: c for c in data["clauses"]}
    assert labels["data_sale"]["stance"] == "prohibits"
    assert labels["breach_notification"]["attributes"]["deadline_hours"] == 720
    assert set(labels["breach_notification"]) >= {
        "label", "stance", "attributes", "text", "page", "confidence"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("corrupt.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj <<>> broken"),
        ("empty.pdf", b""),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
    ],
)
@pytest.mark.parametrize("command", ["extract", "check"])
def test_unreadable_files_exit_2_with_a_message(tmp_path, capsys, name, data, command):
    path = tmp_path / name
    path.write_bytes(data)
    args = [command, str(path)] + (["--state", "NY"] if command == "check" else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:")
    assert name in err


def test_missing_file_and_unknown_state_exit_2(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope.pdf")]) == 2
    assert main(["check", str(tmp_path / "nope.pdf"), "--state", "ZZ"]) == 2
    assert "no rule pack for ZZ" in capsys.readouterr().err


def test_rules_test_runs_every_shipped_case(capsys):
    assert main(["rules", "test"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    passed, failed = (int(n.split()[0]) for n in last.split(", "))
    assert passed > 20
    assert failed == 0


def test_rules_lint_reports_file_and_line(tmp_path, capsys):
    pack = tmp_path / "bad"
    (pack / "law").mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        "id: bad\ntitle: Bad\nversion: 1.0.0\neffective: 2026-01-01\njurisdiction: US-NY\n"
    )
    (pack / "law" / "rule.yaml").write_text(
        "id: bad.law.rule\ntitle: T\nseverity: blocker\nlabels: [data_sale]\n"
        "citation: {law: L, section: S}\nexplanation: E\n"
        "check: {clause: {label: data_sale, stance: [prohibits]}}\nsevertiy: major\n"
    )
    assert main(["rules", "lint", str(pack)]) == 1
    err = capsys.readouterr().err
    assert "rule.yaml:8" in err
    assert "severtiy" in err
    assert main(["rules", "lint", "policies/packs/us-ny"]) == 0
