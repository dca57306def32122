"""Command line: serve, demo, extract, check, db upgrade, users and districts."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from extractors import ExtractionError, extract
from policies import Context, PolicyError, available_states
from registry import accounts
from registry.checking import check_bytes, packs_for_state
from registry.db import open_db, upgrade
from registry.demo import DEMO_SLUG, DEMO_USERS, load_demo
from registry.errors import RegistryError
from registry.models import District
from registry.nlp_cli import add_nlp_commands
from registry.recheck import recheck
from registry.rules_cli import add_rules_commands
from registry.runtime import open_runtime
from registry.settings import Settings, SettingsError
from registry.status import AgreementKind, Role

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE = 0, 1, 2
log = logging.getLogger("registry")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except (RegistryError, SettingsError, PolicyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except BrokenPipeError:  # `registry check ... | head`: the reader left; not an error
        sys.stderr.close()
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="registry", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="run the web app (applies migrations first)")
    p.add_argument("--demo", action="store_true", help="load the demo district when it is absent")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=_serve)

    p = sub.add_parser("demo", help="load the demo district and print its users")
    p.set_defaults(func=lambda a: asyncio.run(_demo()))

    p = sub.add_parser("extract", help="print the clauses found in an agreement")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_extract)

    p = sub.add_parser("check", help="check an agreement against a state's rule pack")
    p.add_argument("file", type=Path)
    p.add_argument("--state", required=True, type=str.upper, help="two-letter code, e.g. NY")
    p.add_argument("--pack", type=Path, action="append", default=[], help="an extra pack file")
    p.add_argument("--kind", choices=[k.value for k in AgreementKind], default=None)
    p.add_argument("--under-13", action="store_true", help="the app is used by children under 13")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_check)

    add_rules_commands(sub)
    add_nlp_commands(sub)

    p = sub.add_parser("recheck", help="re-check stored agreements against the current packs")
    p.add_argument("--district", help="only this district (slug)")
    p.add_argument("--dry-run", action="store_true", help="report the changes, store nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=lambda a: asyncio.run(_recheck(a)))

    db = sub.add_parser("db", help="database schema").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = db.add_parser("upgrade", help="apply the committed migrations")
    p.set_defaults(func=lambda a: asyncio.run(_db_upgrade()))

    districts = sub.add_parser("districts", help="manage districts").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = districts.add_parser("add", help="add a district")
    p.add_argument("--slug", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--state", required=True)
    p.set_defaults(func=lambda a: asyncio.run(_district_add(a)))

    users = sub.add_parser("users", help="manage users").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = users.add_parser("add", help="add a user with a role in a district")
    p.add_argument("--email", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--district", required=True, help="the district's slug")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=lambda a: asyncio.run(_user_add(a)))
    return parser


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return None


def _extract(args: argparse.Namespace) -> int:
    data = _read(args.file)
    if data is None:
        return EXIT_UNREADABLE
    try:
        extraction = extract(data, filename=args.file.name)
    except ExtractionError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.json:
        print(json.dumps(extraction.to_json(), indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{args.file}: {len(extraction.pages)} pages, {len(extraction.clauses)} clauses")
    for clause in extraction.clauses:
        attrs = " ".join(f"{k}={v}" for k, v in clause.attributes.items())
        print(f"  p.{clause.page:<3} {clause.label:<26} {clause.stance:<12} {attrs}")
        print(f"        {clause.text[:140]}")
    if extraction.data_elements:
        print("data elements: " + ", ".join(extraction.data_elements))
    for warning in extraction.warnings:
        print(f"warning: {warning}")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    if args.state not in available_states():
        print(
            f"error: no rule pack for {args.state}; available: {', '.join(available_states())}",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    packs = packs_for_state(args.state, args.pack)
    data = _read(args.file)
    if data is None:
        return EXIT_UNREADABLE
    try:
        report = check_bytes(
            data,
            filename=args.file.name,
            packs=packs,
            context=Context(agreement_kind=args.kind, under_13=args.under_13),
        )
    except ExtractionError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    result = EXIT_OK if report.passed else EXIT_FAILED
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return result
    print(f"{args.file}: " + ", ".join(f"{p.id} {p.version}" for p in packs))
    order = {"fail": 0, "needs_review": 1, "missing": 2, "pass": 3}
    for finding in sorted(report.findings, key=lambda f: order.get(str(f.outcome), 9)):
        data_ = finding.to_json()
        pages = sorted({e["page"] for e in data_["evidence"]})
        where = f" (page {', '.join(map(str, pages))})" if pages else ""
        print(f"  {data_['outcome'].upper():<13} {data_['severity']:<8} {data_['rule']}{where}")
        print(f"      {data_['title']} [{data_['citation']}]")
        if data_["outcome"] != "pass":
            print(f"      {data_['explanation']}")
    summary = report.to_json()["summary"]
    print("result: " + ("PASS" if report.passed else "FAIL") + f" {summary}")
    return result


async def _recheck(args: argparse.Namespace) -> int:
    async with open_db(Settings.from_env().database_url):
        report = await recheck(district_slug=args.district, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
        return EXIT_OK
    for c in report.changes:
        print(f"{c.district}  {c.app}  {c.rule}: {c.old or '-'} -> {c.new or '-'}")
    verb = "would change" if args.dry_run else "changed"
    print(f"{report.agreements} agreements re-checked, {report.changed_agreements} {verb}")
    return EXIT_OK


async def _db_upgrade() -> int:
    settings = Settings.from_env()
    await upgrade(settings.database_url)
    print(f"database is up to date: {_redact(settings.database_url)}")
    return EXIT_OK


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


async def _demo() -> int:
    settings = Settings.from_env()
    async with open_runtime(settings) as runtime:
        loaded = await load_demo(runtime.storage, runtime.nlp)
    print("demo district loaded" if loaded else "demo district already present")
    _print_demo_users()
    return EXIT_OK


def _print_demo_users() -> None:
    print(f"demo district: {DEMO_SLUG}")
    for email, _, role, password in DEMO_USERS:
        print(f"  {role.value:<16} {email:<38} password: {password}")


async def _district_add(args: argparse.Namespace) -> int:
    async with open_db(Settings.from_env().database_url):
        district = await accounts.create_district(slug=args.slug, name=args.name, state=args.state)
    print(f"district {district.slug} ({district.state}) added")
    return EXIT_OK


async def _user_add(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
    async with open_db(Settings.from_env().database_url):
        district = await District.get_or_none(slug=args.district)
        if district is None:
            print(f"error: no district {args.district!r}", file=sys.stderr)
            return EXIT_UNREADABLE
        user = await accounts.add_user(
            email=args.email, name=args.name, password=password, district=district,
            role=Role(args.role),
        )  # fmt: skip
    print(f"user {user.email} is {args.role} in {district.slug}")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import uvicorn  # the server is only needed here

    settings = Settings.from_env()
    if args.demo:
        asyncio.run(_demo())
    else:
        asyncio.run(upgrade(settings.database_url))
    url = f"http://{args.host}:{args.port}"
    print(f"registry is running at {url}  (public page: {url}/d/{DEMO_SLUG})", flush=True)
    uvicorn.run("web.app:create_app", factory=True, host=args.host, port=args.port)
    return EXIT_OK
