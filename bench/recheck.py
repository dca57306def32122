"""Re-check benchmark: 10,000 stored agreements against the current packs, on SQLite.

    .venv/bin/python bench/recheck.py [--agreements 10000]

Builds a fresh SQLite database from the migrations, stores N agreements whose clauses come
from real extractions of generated DPAs (breach deadlines vary), then times:
  baseline   the engine alone on the same clauses in memory (the floor: no database)
  initial    the first re-check, which writes every finding
  unchanged  a re-check with the same packs (reads and compares, writes nothing)
  tightened  a re-check with a district pack that tightens NY's breach deadline to 48 h
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
from policies import Context, load_pack, pack_for_state  # noqa: E402
from registry import db, recheck  # noqa: E402
from registry.agreements import clause_rows  # noqa: E402
from registry.checking import evaluate_packs  # noqa: E402
from registry.demo_agreements import DpaTerms, render_dpa  # noqa: E402
from registry.models import (  # noqa: E402
    Agreement,
    App,
    AppStatusRecord,
    Clause,
    District,
    Extraction,
    StoredFile,
    Vendor,
)

TIGHT = ROOT / "tests" / "policies" / "fixtures" / "district-tight-ny"
DEADLINES = ("seventy-two (72) hours", "five (5) days", "30 days", "48 hours", "promptly")


def sample_extractions():
    out = []
    for i, breach in enumerate(DEADLINES):
        terms = DpaTerms(vendor=f"V{i}", product=f"P{i}", district="D", breach=breach)
        out.append(extract(render_dpa(terms).encode(), filename=f"{i}.txt").clauses)
    return out


async def populate(n: int, samples) -> None:
    district = await District.create(slug="bench", name="Bench", state="NY")
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


async def main(n: int) -> None:
    samples = sample_extractions()
    ny, tight = pack_for_state("NY"), load_pack(TIGHT)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/bench.sqlite3"
        await db.upgrade(url)
        await Tortoise.init(config=db.tortoise_config(url))
        t = time.perf_counter()
        await populate(n, samples)
        print(f"populated {n} agreements, {await Clause.all().count()} clauses "
              f"in {time.perf_counter() - t:.1f} s")  # fmt: skip

        context = Context(agreement_kind="state_dpa", under_13=True)
        t = time.perf_counter()
        for i in range(n):
            evaluate_packs((ny,), samples[i % len(samples)], context)
        baseline = time.perf_counter() - t
        timed("baseline", baseline, n, baseline)

        for label, packs in (("initial", ny), ("unchanged", ny), ("tightened", tight)):
            t = time.perf_counter()
            report = await recheck.recheck(packs_for=lambda state, p=packs: (p,))
            seconds = time.perf_counter() - t
            timed(label, seconds, n, baseline)
            print(f"{'':<10} {report.changed_agreements} agreements changed, "
                  f"{len(report.changes)} findings changed")  # fmt: skip
        await connections.close_all()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().agreements))
