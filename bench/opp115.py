"""OPP-115 evaluation: our extractor (trained on our own corpus only) on OPP-115's test policies.

    .venv/bin/python bench/opp115.py [--rules-only]

OPP-115 (Wilson et al., ACL 2016) is licensed for research only (non-commercial): it is read
here to evaluate, never to train, and nothing from it is copied into the repository. The test
set is the by-policy split of PLUE (derived-splits/plue_chi2023/test.json, 625 segments of
20 policies, no policy shared with training). Each segment is run through `find_clauses`; a
segment is predicted to carry an OPP-115 category when a clause of it has one of our labels
mapped to that category below. Categories with no counterpart in our taxonomy (First Party
Collection/Use, User Choice/Control, Do Not Track, Other) are not scored.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import build_nlp, find_clauses  # noqa: E402
from extractors.types import Page  # noqa: E402

OPP115 = ROOT.parent / "shared" / "corpora" / "opp115"
TEST = OPP115 / "derived-splits" / "plue_chi2023" / "test.json"

# OPP-115 category -> our labels that express it.
MAPPING: dict[str, frozenset[str]] = {
    "Third Party Sharing/Collection": frozenset(
        {"third_party_disclosure", "data_sale", "subprocessors", "targeted_advertising",
         "law_enforcement_requests", "merger_transfer"}
    ),
    "User Access, Edit and Deletion": frozenset({"parent_access", "deletion"}),
    "Data Retention": frozenset({"data_retention", "deletion"}),
    "Data Security": frozenset({"security_safeguards", "breach_notification", "employee_access"}),
    "Policy Change": frozenset({"policy_changes"}),
    "International and Specific Audiences": frozenset({"coppa_consent", "data_location"}),
}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules-only", action="store_true")
    args = parser.parse_args()
    if not TEST.exists():
        print(f"OPP-115 is not at {OPP115}; nothing to evaluate")
        return 0
    rows = [json.loads(line) for line in TEST.read_text(encoding="utf-8").splitlines() if line]
    nlp = build_nlp(rules_only=args.rules_only)
    pages = tuple(Page(number=i + 1, text=row["text"]) for i, row in enumerate(rows))
    predicted: list[set[str]] = [set() for _ in rows]
    for clause in find_clauses(pages, nlp=nlp):
        predicted[clause.page - 1].add(clause.label)
    print(f"OPP-115 test (PLUE by-policy split): {len(rows)} segments")
    print(f"{'category':<40} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
    f1s = []
    for category, labels in MAPPING.items():
        tp = fp = fn = 0
        for row, found in zip(rows, predicted, strict=True):
            gold, guess = category in row["label"], bool(found & labels)
            tp, fp, fn = tp + (gold and guess), fp + (guess and not gold), fn + (gold and not guess)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f1)
        print(f"{category:<40} {p:6.3f} {r:6.3f} {f1:6.3f} {tp + fn:8d}")
    print(f"{'macro-F1 over mapped categories':<40} {'':>6} {'':>6} {sum(f1s) / len(f1s):6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
