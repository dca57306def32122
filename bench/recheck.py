"""Re-check benchmark: 10,000 stored agreements against all of a district's enabled packs.

    .venv/bin/python bench/recheck.py [--agreements 10000] [--database-url URL]

Builds a fresh database from the migrations (SQLite in a temp dir by default; a PostgreSQL
URL must name an empty database of your own), stores N agreements of one New York district
whose clauses come from real extractions of generated DPAs (breach deadlines vary), enables
us-ny + federal + ndpa, stores a (disabled) district pack tightening NY's breach deadline to
48 h, then times, through the registry's own pack resolution (`packs_for_district`):
  baseline   the engine alone on the same clauses and packs in memory (no database)
  initial    the first re-check, which writes every finding
  unchanged  a re-check with the same packs (reads and compares, writes nothing)
  tightened  a re-check after the district pack is enabled (it replaces us-ny)
and prints seconds, agreements/s and each ratio to the baseline. Target: under 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tortoise import Tortoise, connections  # noqa: E402

from extractors import extract  # noqa: E402
from policies import Context  # noqa: E402
from registry import db, recheck  # noqa: E402
from registry.agreements import clause_rows  # noqa: E402
from registry.checking import evaluate_packs, packs_for_district  # noqa: E402
from registry.demo import DEMO_PACK  # noqa: E402
from registry.demo_agreements import DpaTerms, render_dpa  # noqa: E402
from registry.models import (  # noqa: E402
    Agreement,
    App,
    AppStatusRecord,
    Clause,
    District,
    DistrictPack,
    Extraction,
    StoredFile,
    Vendor,
)
from registry.models import Finding as FindingRow  # noqa: E402

ENABLED = ["us-ny", "federal", "ndpa"]
DEADLINES = ("seventy-two (72) hours", "five (5) days", "30 days", "48 hours", "promptly")


def sample_extractions():
    out = []
    for i, breach in enumerate(DEADLINES):
        terms = DpaTerms(vendor=f"V{i}", product=f"P{i}", district="D", breach=breach)
        out.append(extract(render_dpa(terms).encode(), filename=f"{i}.txt").clauses)
    return out


async def populate(n: int, samples) -> None:
    district = await District.create(slug="bench", name="Bench", state="NY", enabled_packs=ENABLED)
    await DistrictPack.create(
        district=district, pack_id="district-hudson-valley", source=DEMO_PACK, is_enabled=False
    )
    vendor = await Vendor.create(name="Bench Vendor")
    apps = [App(vendor=vendor, name=f"App {i}") for i in range(n // 20 or 1)]
    await App.bulk_create(apps)
    apps = await App.all()
    await AppStatusRecord.bulk_create(
        [AppStatusRecord(app=a, district=district, status="in_review") for a in apps]
    )
    files = [
        StoredFile(sha256=hashlib.sha256(str(i).encode()).hexdigest(), size=1) for i in range(n)
    ]
    await StoredFile.bulk_create(files, batch_size=2000)
    files = await StoredFile.all().order_by("id")
    await Agreement.bulk_create(
        [
            Agreement(
                district=district,
                app=apps[i % len(apps)],
                vendor=vendor,
                file=files[i],
                filename=f"{i}.pdf",
                kind="state_dpa",
                extraction_state="done",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    agreements = await Agreement.all().order_by("id")
    await Extraction.bulk_create(
        [Extraction(agreement=a, extractor_version="bench", pages=3) for a in agreements],
        batch_size=2000,
    )
    extractions = await Extraction.all().order_by("id")
    clauses = [
        row
        for i, ext in enumerate(extractions)
        for row in clause_rows(ext, samples[i % len(samples)])
    ]
    await Clause.bulk_create(clauses, batch_size=5000)


def timed(label: str, seconds: float, n: int, baseline: float) -> None:
    print(
        f"{label:<10} {seconds:7.2f} s  {n / seconds:9.0f} agreements/s  "
        f"{seconds / baseline:6.1f}x baseline"
    )


async def main(n: int, url: str | None) -> None:
    samples = sample_extractions()
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite://{tmp}/bench.sqlite3"
        print(f"database: {url.split('://')[0]}")
        await db.upgrade(url)
        await Tortoise.init(config=db.tortoise_config(url))
        t = time.perf_counter()
        await populate(n, samples)
        print(f"populated {n} agreements, {await Clause.all().count()} clauses "
              f"in {time.perf_counter() - t:.1f} s")  # fmt: skip

        district = await District.get(slug="bench")
        packs = await packs_for_district(district)
        await DistrictPack.filter(district=district).update(is_enabled=True)
        tight = await packs_for_district(district)
        await DistrictPack.filter(district=district).update(is_enabled=False)
        print("packs:", ", ".join(f"{p.id} {p.version} ({len(p.rules)} rules)" for p in packs))
        print("then: ", ", ".join(f"{p.id} {p.version} ({len(p.rules)} rules)" for p in tight))
        context = Context(agreement_kind="state_dpa", under_13=True)
        t = time.perf_counter()
        for i in range(n):
            evaluate_packs(packs, samples[i % len(samples)], context)
        baseline = time.perf_counter() - t
        timed("baseline", baseline, n, baseline)

        for label in ("initial", "unchanged", "tightened"):
            if label == "tightened":
                await DistrictPack.filter(district=district).update(is_enabled=True)
            t = time.perf_counter()
            report = await recheck.recheck()
            seconds = time.perf_counter() - t
            timed(label, seconds, n, baseline)
            print(f"{'':<10} {report.changed_agreements} agreements changed, "
                  f"{len(report.changes)} findings changed")  # fmt: skip
        print(f"{await FindingRow.all().count()} findings stored")
        await connections.close_all()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=10_000)
    parser.add_argument("--database-url", help="an empty database of your own (default SQLite)")
    args = parser.parse_args()
    asyncio.run(main(args.agreements, args.database_url))
