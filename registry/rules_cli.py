"""`registry rules lint|test`: validate pack files and run every rule's cases."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from policies import PolicyError, load_pack, load_packs
from policies.testing import run_pack_cases

__all__ = ["add_rules_commands"]


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
            pack = load_pack(path)
        except PolicyError as exc:
            print(str(exc), file=sys.stderr)
            failed += 1
        else:
            print(f"{path}: ok ({pack.id} {pack.version}, {len(pack.rules)} rules)")
    return 1 if failed else 0


def _test(args: argparse.Namespace) -> int:
    try:
        packs = [load_pack(p) for p in args.packs] if args.packs else list(load_packs())
    except PolicyError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    total = bad = 0
    for pack in packs:
        for result in run_pack_cases(pack):
            total += 1
            if result.ok:
                if args.verbose:
                    print(f"ok    {result.rule_id} :: {result.case}")
                continue
            bad += 1
            print(
                f"FAIL  {result.source}: {result.rule_id} :: {result.case}: expected "
                f"{result.expected}, got {result.actual}. {result.explanation}".rstrip()
            )
    print(f"{total - bad} passed, {bad} failed")
    return 1 if bad else 0
