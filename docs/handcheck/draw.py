"""Draw the hand-checked sample: 50 clauses extracted from the real agreements, fixed seed.

    .venv/bin/python docs/handcheck/draw.py > /tmp/drawn.jsonl

Reads every Markdown document in ../shared/corpora/agreements (tosback policies and terms,
open-access templates), extracts clauses with the shipped pipeline and draws 50 with
random.Random(20261125). The verdicts in sample.jsonl were written by hand from this output.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extractors import extract  # noqa: E402

AGREEMENTS = ROOT.parent / "shared" / "corpora" / "agreements"
SEED, SIZE = 20261125, 50


def main() -> None:
    drawn = []
    for path in sorted(AGREEMENTS.glob("**/*.md")):
        if path.name in ("SOURCE.md", "README.md"):
            continue
        extraction = extract(path.read_bytes(), filename=path.name)
        drawn.extend((path.name, clause) for clause in extraction.clauses)
    sample = random.Random(SEED).sample(drawn, SIZE)  # noqa: S311 - a reproducible draw
    for source, clause in sample:
        row = {
            "source": source,
            "text": clause.text,
            "label": clause.label,
            "stance": clause.stance,
            "attributes": dict(clause.attributes),
            "confidence": clause.confidence,
        }
        print(json.dumps(row, ensure_ascii=False))  # noqa: T201 - the script's output


if __name__ == "__main__":
    main()
