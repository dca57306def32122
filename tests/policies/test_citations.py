"""Citations the research catalog only recalls stay flagged: every rule with
`verify_citation: true` says in its notes which LAW.md row is unconfirmed and why, and each
row it names is marked R (recalled) there; rules whose flag was resolved name an S row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from policies.loader import PACKS_DIR

LAW = Path(__file__).resolve().parents[3] / "shared" / "LAW.md"
RULE_FILES = sorted(
    p for p in PACKS_DIR.rglob("*.yaml") if p.name != "pack.yaml" and ".cases." not in p.name
)
ROW_ID = re.compile(r"LAW\.md ([A-Z0-9]+(?:-[A-Z0-9]+)+)")


def _rule(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _rows() -> dict[str, str]:
    rows = {}
    for line in LAW.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 7 and re.fullmatch(r"[A-Z0-9]+(?:-[A-Z0-9.]+)+", cells[1]):
            rows[cells[1]] = cells[6]  # the evidence column
    return rows


FLAGGED = [p for p in RULE_FILES if _rule(p).get("verify_citation")]


def test_every_flagged_rule_says_what_is_unverified():
    assert FLAGGED, "no rule is flagged any more: drop this test's premise"
    for path in FLAGGED:
        notes = _rule(path).get("notes", "")
        assert notes.startswith("Still to verify:"), path
        assert ROW_ID.search(notes), f"{path}: name the LAW.md row"


@pytest.mark.skipif(not LAW.exists(), reason="shared/LAW.md is not beside the repo")
def test_named_rows_match_their_evidence_in_law_md():
    rows = _rows()
    for path in RULE_FILES:
        rule = _rule(path)
        for row in ROW_ID.findall(rule.get("notes", "")):
            assert row in rows, f"{path}: no row {row} in LAW.md"
            # a flagged rule rests on a recalled row, or on a recalled citation column
            recalled = rows[row].startswith("R") or "R" in rows[row].split()
            line = next(x for x in LAW.read_text().splitlines() if f"| {row} |" in x)
            if rule.get("verify_citation"):
                assert recalled or "R]" in line, f"{path}: {row} is not marked R"
            else:
                assert rows[row].startswith("S"), f"{path}: {row} is not seen (S)"
