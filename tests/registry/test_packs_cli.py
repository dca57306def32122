"""`registry rules test|lint` and `registry check --pack` on a single-file district pack:
shipped cases changed by its overrides are CHANGED (exit 0), an override without its own
cases fails (exit 1), and --pack replaces the pack it extends instead of adding to it."""

from __future__ import annotations

import json

from registry.cli import main
from tests.documents import make_pdf
from tests.registry.test_packs import PACK_48H

RULE = "us-ny.part121.breach-7d"


def test_rules_test_on_a_district_pack_reports_changed_cases(tmp_path, capsys):
    pack = tmp_path / "springfield.yaml"
    pack.write_text(PACK_48H)
    assert main(["rules", "test", str(pack)]) == 0
    out = capsys.readouterr().out
    changed = [line for line in out.splitlines() if line.startswith("CHANGED")]
    # two clause cases and one text case (read by the extractor) of New York's rule
    assert [line.split(" :: ")[1].split(":")[0] for line in changed] == [
        "seventy-two-hours", "exactly-seven-days", "text-72-hours",
    ]  # fmt: skip
    assert all(RULE in line for line in changed)
    assert "seventy-two-hours: pass under us-ny, fail with district-springfield's" in out
    assert out.strip().endswith("0 failed, 3 changed by district overrides")


def test_rules_test_fails_an_override_without_its_own_cases(tmp_path, capsys):
    pack = tmp_path / "springfield.yaml"
    pack.write_text(PACK_48H[: PACK_48H.index("cases:")])
    assert main(["rules", "test", str(pack)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out
    assert "needs its own `cases:`" in out


def test_rules_lint_a_single_file_pack(tmp_path, capsys):
    pack = tmp_path / "springfield.yaml"
    pack.write_text(PACK_48H.replace("value: 48", "value: 400"))
    assert main(["rules", "lint", str(pack)]) == 1
    assert f"{pack}:9: {RULE}:" in capsys.readouterr().err


def test_check_with_a_district_pack_replaces_new_york(tmp_path, capsys):
    pack = tmp_path / "springfield.yaml"
    pack.write_text(PACK_48H)
    pdf = tmp_path / "dpa.pdf"
    pdf.write_bytes(make_pdf([["Provider shall notify the LEA of a breach within 72 hours."]]))
    assert main(["check", str(pdf), "--state", "NY", "--json"]) in (0, 1)
    plain = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in plain["packs"]] == ["us-ny", "federal"]
    assert next(f for f in plain["findings"] if f["rule"] == RULE)["outcome"] == "pass"
    assert main(["check", str(pdf), "--state", "NY", "--json", "--pack", str(pack)]) == 1
    tight = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in tight["packs"]] == ["district-springfield", "federal"]
    breach = [f for f in tight["findings"] if f["rule"] == RULE]
    assert [f["outcome"] for f in breach] == ["fail"]
