"""Draw the hand-checked sample: 50 clauses extracted from the real agreements, fixed seed.

    .venv/bin/python docs/handcheck/draw.py [SEED] > /tmp/drawn.jsonl

Reads every Markdown document in ../shared/corpora/agreements (tosback policies and terms,
open-access templates), extracts clauses with the shipped pipeline and keeps the 50 whose
seeded SHA-256 of (document, clause text) is smallest. Unlike a random draw, this sample is
stable: a change to the extractor changes only the entries whose clauses it changed, so two
versions can be compared clause by clause. The verdicts in sample.jsonl were written by hand
from this output.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extractors import extract  # noqa: E402

AGREEMENTS = ROOT.parent / "shared" / "corpora" / "agreements"
SEED, SIZE = 20261125, 50


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else SEED  # another seed: a fresh sample
    drawn = []
    for path in sorted(AGREEMENTS.glob("**/*.md")):
        if path.name in ("SOURCE.md", "README.md"):
            continue
        extraction = extract(path.read_bytes(), filename=path.name)
        drawn.extend((path.name, clause) for clause in extraction.clauses)

    def rank(item: tuple[str, Any]) -> tuple[str, str]:
        source, clause = item
        digest = hashlib.sha256(f"{seed}|{source}|{clause.text}".encode()).hexdigest()
        return digest, clause.label

    sample = sorted(drawn, key=rank)[:SIZE]
    for source, clause in sample:
        row = {
            "source": source,
            "text": clause.text,
            "label": clause.label,
            "stance": clause.stance,
            "attributes": dict(clause.attributes),
            "confidence": clause.confidence,
            "needs_review": clause.needs_review,
        }
        print(json.dumps(row, ensure_ascii=False))  # noqa: T201 - the script's output


if __name__ == "__main__":
    main()
