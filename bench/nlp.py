"""Clause classification speed: the combined pipeline (rules + trained model) against the
rule-only baseline, in the same run, on one core.

    taskset -c 0 .venv/bin/python bench/nlp.py [--clauses 20000]

Pages are cut from the real agreements in ../shared/corpora/agreements (or, without them,
from the annotated corpus), repeated up to the clause count; each pipeline reads them with
`nlp.pipe` in batches, as `find_clauses` does. A clause is one sentence or list item that is
classified (headings excluded). Prints clauses/s per core for each and their ratio; the
target is 2,000 clauses/s per core for the combined pipeline.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spacy.language import Language  # noqa: E402

from extractors import build_nlp, read_pages  # noqa: E402
from extractors.components import _is_heading  # noqa: E402

AGREEMENTS = ROOT.parent / "shared" / "corpora" / "agreements"
CORPUS = ROOT / "extractors" / "corpus"
PAGE_CHARS = 3000


def pages() -> list[str]:
    found: list[str] = []
    files = sorted(AGREEMENTS.glob("**/*.md")) if AGREEMENTS.exists() else []
    for path in files:
        if path.name in ("SOURCE.md", "README.md"):
            continue
        for page in read_pages(path.read_bytes(), filename=path.name):
            text = page.text
            found.extend(text[i : i + PAGE_CHARS] for i in range(0, len(text), PAGE_CHARS))
    if not found:
        lines = [line for path in sorted(CORPUS.glob("*.jsonl")) for line in path.open()]
        found = ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    return found


def count_clauses(nlp: Language, texts: list[str]) -> int:
    return sum(1 for doc in nlp.pipe(texts) for sent in doc.sents if not _is_heading(sent))


def timed(nlp: Language, texts: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds): on a shared machine the CPU time is the per-core cost."""
    list(nlp.pipe(texts[:50]))  # warm up caches and lazy initialisation
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clauses", type=int, default=20000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    combined, rules = build_nlp(), build_nlp(rules_only=True)
    base = pages()
    per_round = count_clauses(rules, base)
    texts = base * max(1, -(-args.clauses // per_round))
    clauses = per_round * (len(texts) // len(base))
    print(f"{len(texts)} pages, {clauses} clauses, one core (affinity {os.sched_getaffinity(0)})")
    results = {}
    for name, nlp in (("rules only (baseline)", rules), ("rules + model", combined)):
        cpu, wall = timed(nlp, texts)
        results[name] = clauses / cpu
        print(
            f"{name:<24} {cpu:7.2f} s CPU {clauses / cpu:9,.0f} clauses/s per core"
            f"   ({wall:.2f} s wall, {clauses / wall:,.0f}/s)"
        )
    ratio = results["rules only (baseline)"] / results["rules + model"]
    print(f"combined costs {ratio:.2f}x the baseline's time; target >= 2,000 clauses/s per core")


if __name__ == "__main__":
    main()
