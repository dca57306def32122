"""Public page and JSON feed speed: a district with 2,000 approved apps on SQLite, behind uvicorn.

    .venv/bin/python bench/web.py [--apps 2000] [--requests 400] [--concurrency 8] [--wrk]

Builds a fresh SQLite database from the migrations and fills one district with N approved
apps (vendors, data elements, subprocessors, an agreement each with its extraction and the
clauses the parents' card reads). Starts `uvicorn` in a subprocess (one worker), wrapped in a
timing middleware that sets a `Server-Timing` header and keeps each request's server time.
An asyncio httpx client then sends the requests with the given concurrency, after a warm-up,
to a baseline (`/api/health`, a static file) and to the public page, a filtered page and
the JSON feed, and prints p50/p95 server time and client latency and each p95's ratio to the
baseline. With `--wrk` (Debian's wrk installed) it also prints wrk's throughput.
Targets: page p95 < 100 ms, JSON p95 < 50 ms server time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

SLUG = "bench"
ELEMENTS = (
    "assessment", "attendance", "student_identifiers", "student_work", "enrollment",
    "application_use_statistics", "demographics", "communications",
)  # fmt: skip
SUBJECTS = ("Mathematics", "Science", "Reading", "Social Studies", "Music", "Art", "ELA")
GRADES = ("K-5", "6-8", "9-12", "K-12", "3-8", "6-12")


async def build(url: str, apps: int) -> None:
    from tortoise import Tortoise, connections

    from registry import db
    from registry.models import (
        Agreement,
        App,
        AppDataElement,
        AppStatusRecord,
        Clause,
        District,
        Extraction,
        StoredFile,
        Vendor,
    )
    from registry.status import AgreementKind, AppStatus, ExtractionState

    await db.upgrade(url)
    await Tortoise.init(config=db.tortoise_config(url))
    district = await District.create(
        slug=SLUG, name="Benchmark Unified", state="NY", privacy_contact="privacy@bench.example"
    )
    vendors = [Vendor(name=f"Vendor {i}", address=f"{i} Main St") for i in range(200)]
    await Vendor.bulk_create(vendors)
    vendors = await Vendor.all().order_by("id")
    rows = [
        App(
            vendor=vendors[i % len(vendors)],
            name=f"App {i:05d}",
            description=f"Practice and feedback for {SUBJECTS[i % len(SUBJECTS)]}",
            grades=GRADES[i % len(GRADES)],
            subjects=f"{SUBJECTS[i % len(SUBJECTS)]}, {SUBJECTS[(i + 3) % len(SUBJECTS)]}",
            url=f"https://app{i}.example.com",
            subprocessors=[{"name": "CloudHost", "purpose": "hosting"}],
        )
        for i in range(apps)
    ]
    await App.bulk_create(rows, batch_size=500)
    app_list = await App.all().order_by("id")
    await AppStatusRecord.bulk_create(
        [
            AppStatusRecord(
                app=a,
                district=district,
                status=AppStatus.APPROVED if i % 4 else AppStatus.APPROVED_WITH_CONDITIONS,
                conditions="" if i % 4 else "Teacher accounts only",
            )
            for i, a in enumerate(app_list)
        ],
        batch_size=500,
    )
    await AppDataElement.bulk_create(
        [
            AppDataElement(app=a, element=ELEMENTS[(i + k) % len(ELEMENTS)])
            for i, a in enumerate(app_list)
            for k in range(4)
        ],
        batch_size=1000,
    )
    await StoredFile.bulk_create(
        [StoredFile(sha256=f"{i:064x}", size=100) for i in range(apps)], batch_size=1000
    )
    files = await StoredFile.all().order_by("id")
    await Agreement.bulk_create(
        [
            Agreement(
                district=district,
                app=a,
                vendor_id=a.vendor_id,
                file=files[i],  # type: ignore[attr-defined]
                filename=f"dpa-{i}.pdf",
                kind=AgreementKind.NDPA,
                extraction_state=ExtractionState.DONE,
                is_public=i % 2 == 0,
            )
            for i, a in enumerate(app_list)
        ],
        batch_size=500,
    )
    agreements = await Agreement.all().order_by("id")
    await Extraction.bulk_create(
        [Extraction(agreement=g, extractor_version="bench", pages=3) for g in agreements],
        batch_size=1000,
    )
    extractions = await Extraction.all().order_by("id")
    clauses = []
    for e in extractions:
        for label, attrs in (
            ("deletion", {"period_days": 60, "trigger": "termination"}),
            ("parent_access", {"deadline_days": 45}),
            ("data_retention", {"period_days": 365}),
            ("security_safeguards", {"encryption_at_rest": True, "standard": "NIST CSF"}),
            ("data_sale", {}),
            ("breach_notification", {"deadline_hours": 72}),
        ):
            clauses.append(
                Clause(
                    extraction=e,
                    label=label,
                    stance="requires",
                    attributes=attrs,
                    text="...",
                    page=1,
                    confidence=0.9,
                )
            )
    await Clause.bulk_create(clauses, batch_size=1000)
    await connections.close_all()


def timed_app() -> Any:
    """The real app inside a middleware that times each request (Server-Timing + a log)."""
    from web.app import create_app

    inner = create_app()
    timings: list[tuple[str, float]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        if scope["path"] == "/__bench/timings":
            body = json.dumps(timings).encode()
            timings.clear()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        start = time.perf_counter()

        async def timed_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - start) * 1000
                message.setdefault("headers", []).append(
                    (b"server-timing", f"app;dur={ms:.2f}".encode())
                )
            if message["type"] == "http.response.body" and not message.get("more_body"):
                timings.append((scope["path"], (time.perf_counter() - start) * 1000))
            await send(message)

        await inner(scope, receive, timed_send)

    return app


def serve(port: int) -> None:
    import uvicorn

    uvicorn.run(timed_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def load(base: str, path: str, requests: int, concurrency: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for _ in range(min(50, requests)):  # warm-up: caches, connections
            (await client.get(path)).raise_for_status()
        await client.get("/__bench/timings")
        latencies: list[float] = []
        queue = iter(range(requests))

        async def worker() -> None:
            for _ in queue:
                t = time.perf_counter()
                response = await client.get(path)
                latencies.append((time.perf_counter() - t) * 1000)
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        server = [
            ms for p, ms in (await client.get("/__bench/timings")).json() if p == path.split("?")[0]
        ]
        size = len((await client.get(path)).content)
    return {
        "path": path,
        "server_p50": statistics.median(server),
        "server_p95": pct(server, 95),
        "client_p50": statistics.median(latencies),
        "client_p95": pct(latencies, 95),
        "rps": requests / elapsed,
        "bytes": size,
    }


async def cold(url: str, tmp: Path, paths: list[tuple[str, str]], n: int) -> None:
    """Each request with every cache emptied first: the listing is rebuilt from the database
    and the cards rendered again (what the first reader after a change waits for)."""
    from asgi_lifespan import LifespanManager

    from registry import publish
    from registry.settings import Settings
    from web import public
    from web.app import create_app

    settings = Settings.from_env(
        {"REGISTRY_DATABASE_URL": url, "REGISTRY_VAR_DIR": str(tmp),
         "REGISTRY_SECRET_KEY": "bench-secret-key-0123456789abcdef"}
    )  # fmt: skip
    async with LifespanManager(create_app(settings)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            print(f"\ncold (caches emptied before each request, in-process, {n} requests):")
            print("| target | p50 ms | p95 ms |")
            print("|---|---:|---:|")
            for name, path in paths:
                times = []
                for _ in range(n):
                    publish.clear_cache()
                    public.clear_caches()
                    t = time.perf_counter()
                    (await client.get(path)).raise_for_status()
                    times.append((time.perf_counter() - t) * 1000)
                print(f"| {name} | {statistics.median(times):.1f} | {pct(times, 95):.1f} |")


def wrk(base: str, path: str, seconds: int, concurrency: int) -> str:
    out = subprocess.run(  # noqa: S603 - fixed arguments
        ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "--latency", base + path],  # noqa: S607
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    found = [m.group(1) if m else "?" for m in (rps, p50, p99)]
    return f"{found[0]} req/s, p50 {found[1]}, p99 {found[2]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--apps", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--wrk", action="store_true", help="also run wrk (apt-get install wrk)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    url = f"sqlite://{tmp / 'bench.sqlite3'}"
    t = time.perf_counter()
    asyncio.run(build(url, args.apps))
    print(f"built {args.apps} approved apps in {time.perf_counter() - t:.1f} s ({url})")
    env = dict(os.environ)  # noqa: TID251 - the server subprocess gets its settings from env
    env.update(
        REGISTRY_DATABASE_URL=url,
        REGISTRY_VAR_DIR=str(tmp),
        REGISTRY_SECRET_KEY="bench-secret-key-0123456789abcdef",  # noqa: S106 - a throwaway bench
    )
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 - this script, fixed arguments
        [sys.executable, __file__, "--serve", str(port)], env=env, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        targets = [
            ("baseline: /api/health", "/api/health"),
            ("baseline: static CSS", "/static/style.css"),
            ("public page (50 cards)", f"/d/{SLUG}"),
            ("public page, filtered", f"/d/{SLUG}?grade=7&data=assessment&lang=es"),
            ("JSON feed (all apps)", f"/d/{SLUG}.json"),
            ("CSV (all apps)", f"/d/{SLUG}.csv"),
        ]
        for concurrency in sorted({1, args.concurrency}):
            results = [
                (name, asyncio.run(load(base, path, args.requests, concurrency)))
                for name, path in targets
            ]
            floor = results[0][1]["server_p95"]
            print(
                f"\n{args.requests} requests per target, concurrency {concurrency}, "
                "one uvicorn worker (server time includes waiting for the event loop)"
            )
            print("| target | server p50 ms | server p95 ms | client p50 ms | client p95 ms "
                  "| req/s | KB | server p95 x baseline |")  # fmt: skip
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
            for name, r in results:
                print(
                    f"| {name} | {r['server_p50']:.1f} | {r['server_p95']:.1f} "
                    f"| {r['client_p50']:.1f} | {r['client_p95']:.1f} | {r['rps']:.0f} "
                    f"| {r['bytes'] / 1024:.0f} | {r['server_p95'] / floor:.1f} |"
                )
        if args.wrk and shutil.which("wrk"):
            print("\nwrk (10 s each):")
            for name, path in targets:
                print(f"  {name}: {wrk(base, path, 10, args.concurrency)}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    asyncio.run(cold(url, tmp, targets[2:], 30))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
