"""`registry nlp train|evaluate|split`: rebuild the shipped clause model and measure it.

`train` is deterministic (fixed seeds, CPU): the same corpus gives the same model. `evaluate`
scores the combined pipeline (rules + model, what `registry extract` produces) and exits 1
when a target of issue 4 is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extractors import build_nlp
from extractors.errors import ExtractionError
from extractors.nlp.build import DEFAULT_CORPUS, DEFAULT_MODEL, train_and_save
from extractors.nlp.corpus import SPLITS_FILE, balanced_splits, label_stance_counts, load_corpus
from extractors.nlp.evaluate import Report, evaluate

__all__ = ["add_nlp_commands"]


def add_nlp_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    nlp = sub.add_parser("nlp", help="clause model: train, evaluate, split").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = nlp.add_parser("train", help="train the clause model on the corpus's train split")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    p.set_defaults(func=_train)
    p = nlp.add_parser("evaluate", help="score rules + model on a split; 1 when under target")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--model", type=Path, default=None, help="default: the shipped model")
    p.add_argument("--split", choices=["train", "dev", "test"], default="test")
    p.add_argument("--rules-only", action="store_true", help="the rule-only baseline")
    p.add_argument("--errors", type=int, default=0, help="print this many wrong clauses")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_evaluate)
    p = nlp.add_parser("split", help=f"pin a balanced split into the corpus's {SPLITS_FILE}")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.set_defaults(func=_split)


def _train(args: argparse.Namespace) -> int:
    try:
        meta = train_and_save(args.corpus, args.out, log=print)
    except ExtractionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(meta, indent=2))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    try:
        corpus = load_corpus(args.corpus)
        nlp = build_nlp(args.model, rules_only=args.rules_only)
    except ExtractionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    examples = corpus.examples(args.split)
    if not examples:
        print(f"error: the {args.split} split of {args.corpus} is empty", file=sys.stderr)
        return 2
    report = evaluate(nlp, examples, keep_errors=args.errors)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        _print_report(report, args.split)
    missed = report.failures()
    for line in missed:
        print(f"below target: {line}", file=sys.stderr)
    return 1 if missed else 0


def _print_report(report: Report, split: str) -> None:
    print(f"{split} split: {report.examples} clauses (combined pipeline)")
    print(f"  {'label':<26} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
    for s in report.labels:
        print(f"  {s.label:<26} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:5d}")
    print(f"  micro-F1 label            {report.label_micro_f1:.3f}")
    print(f"  micro-F1 label+stance     {report.label_stance_f1:.3f}   (target 0.90)")
    print(f"  stance accuracy           {report.stance_accuracy:.3f}   ({report.stance_total})")
    print(
        f"  attribute exact match     {report.attribute_accuracy:.3f}   "
        f"({report.attribute_total}; target 0.90)"
    )
    for error in report.errors:
        print(f"  wrong: {error}")


def _split(args: argparse.Namespace) -> int:
    try:
        corpus = load_corpus(args.corpus)
    except ExtractionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    splits = balanced_splits(corpus.documents)
    path = args.corpus / SPLITS_FILE
    path.write_text(json.dumps(dict(sorted(splits.items())), indent=1) + "\n", encoding="utf-8")
    for split in ("train", "dev", "test"):
        docs = [d for d in corpus.documents if splits[d.name] == split]
        pairs = label_stance_counts(e for d in docs for e in d.examples)
        print(f"{split}: {len(docs)} documents, {len(pairs)} label:stance pairs")
    print(f"wrote {path}")
    return 0
