"""`registry rules lint|test`: validate pack files and run every rule's cases.

Packs are directories, pack.yaml files, or single-file district packs (what the registry
stores). Text-only cases run through the real extractor. For a district pack, a shipped case
whose outcome its override changes is listed as CHANGED, not as a failure; the pack must
carry its own cases for each rule it overrides (see policies.testing).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from extractors import extract
from policies import ClauseFact, PolicyError, load_packs
from policies.testing import run_pack_cases
from registry.checking import load_pack_file

__all__ = ["add_rules_commands", "extract_text"]


def extract_text(text: str) -> Sequence[ClauseFact]:
    """The clauses the extractor finds in a case's `text:` (the `extract` of run_pack_cases)."""
    return extract(text.encode("utf-8"), filename="case.txt").clauses


def add_rules_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = sub.add_parser("rules", help="rule packs: lint and test").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = rules.add_parser("lint", help="validate pack files (pack.yaml or its folder)")
    p.add_argument("packs", nargs="+", type=Path)
    p.set_defaults(func=_lint)
    p = rules.add_parser("test", help="run the cases of every rule (default: shipped packs)")
    p.add_argument("packs", nargs="*", type=Path)
    p.add_argument("-v", "--verbose", action="store_true", help="list passing cases too")
    p.set_defaults(func=_test)


def _lint(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.packs:
        try:
            pack = load_pack_file(path)
        except PolicyError as exc:
            print(str(exc), file=sys.stderr)
            failed += 1
        else:
            print(f"{path}: ok ({pack.id} {pack.version}, {len(pack.rules)} rules)")
    return 1 if failed else 0


def _test(args: argparse.Namespace) -> int:
    try:
        packs = [load_pack_file(p) for p in args.packs] if args.packs else list(load_packs())
    except PolicyError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    total = bad = changed = 0
    for pack in packs:
        for result in run_pack_cases(pack, extract=extract_text):
            total += 1
            if result.changed:
                changed += 1
                print(
                    f"CHANGED {result.source}: {result.rule_id} :: {result.case}: "
                    f"{result.expected} under {pack.extends}, {result.actual} with "
                    f"{pack.id}'s overrides"
                )
                continue
            if result.ok:
                if args.verbose:
                    print(f"ok    {result.rule_id} :: {result.case}")
                continue
            bad += 1
            print(
                f"FAIL  {result.source}: {result.rule_id} :: {result.case}: expected "
                f"{result.expected}, got {result.actual}. {result.explanation}".rstrip()
            )
    changes = f", {changed} changed by district overrides" if changed else ""
    print(f"{total - bad - changed} passed, {bad} failed{changes}")
    return 1 if bad else 0
