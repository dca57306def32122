"""Every annotated sentence in cases/<label>.txt gets (or, for `# ok:`, does not get) its label.

`# expect: <label> <stance> [key=value ...]` above a sentence: the sentence yields a clause with
that label, stance and attributes (values: numbers, true/false, "quoted text", or a,b lists).
`# ok: <label>` above a near miss: the sentence yields no clause with that label, or only one
marked `needs_review` (the classifier gave it a faint chance).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from extractors import LABELS, STANCES, find_clauses
from extractors.taxonomy import ALLOWED_STANCES
from extractors.types import Page

CASES = Path(__file__).parent / "cases"


@dataclass(frozen=True)
class Case:
    file: str
    line: int
    kind: str
    label: str
    stance: str | None
    attributes: dict[str, Any]
    text: str


def _value(raw: str) -> Any:
    if raw in ("true", "false"):
        return raw == "true"
    try:
        return float(raw)
    except ValueError:
        pass
    return raw.split(",") if "," in raw else raw


def _load() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CASES.glob("*.txt")):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.startswith("# "):
                continue
            kind, _, rest = line[2:].partition(":")
            words = shlex.split(rest)
            attributes = dict(w.split("=", 1) for w in words[2:])
            cases.append(
                Case(
                    file=path.name,
                    line=number,
                    kind=kind,
                    label=words[0],
                    stance=words[1] if len(words) > 1 else None,
                    attributes={k: _value(v) for k, v in attributes.items()},
                    text=lines[number],
                )
            )
    return cases


ALL_CASES = _load()


def test_cases_are_well_formed():
    assert ALL_CASES
    for case in ALL_CASES:
        where = f"{case.file}:{case.line}"
        assert case.kind in ("expect", "ok"), where
        assert case.label in LABELS, where
        assert case.file == f"{case.label}.txt", where
        if case.kind == "expect":
            assert case.stance in STANCES, where
            assert case.stance in ALLOWED_STANCES[case.label], where


def test_every_label_has_a_match_and_a_near_miss():
    for label in LABELS:
        kinds = {c.kind for c in ALL_CASES if c.label == label}
        assert kinds == {"expect", "ok"}, label


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: f"{c.file}:{c.line}")
def test_case(case, nlp):
    clauses = find_clauses((Page(number=1, text=case.text),), nlp=nlp)
    found = [c for c in clauses if c.label == case.label]
    if case.kind == "ok":
        # The classifier may still see a faint chance: never a clause to act on.
        assert all(c.needs_review for c in found), f"near miss matched: {found}"
        return
    assert len(found) == 1, [c.label for c in clauses]
    clause = found[0]
    assert clause.stance == case.stance
    for key, expected in case.attributes.items():
        assert key in clause.attributes, clause.attributes
        actual = clause.attributes[key]
        if isinstance(expected, float):
            assert actual == pytest.approx(expected)
        elif isinstance(expected, list):
            assert list(actual) == expected
        elif isinstance(expected, str) and isinstance(actual, list):
            assert actual == [expected]
        else:
            assert actual == expected
    if "deadline_text" in case.attributes:
        assert "deadline_hours" not in clause.attributes
