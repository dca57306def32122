"""Reading speed: pdfplumber's own `extract_text` against `extractors.read`, side by side.

    .venv/bin/python bench/read.py [--quick] [--append]

Documents: every PDF under ../shared/corpora (none today), the corpora's Markdown and text
agreements rendered to PDF with reportlab, and generated agreements of 20 to 200 pages
(single column, two columns, and with ruled schedule-of-data tables). For each, both
readers run in this process, one after the other: `extract_text` page by page (the
baseline) and `read` (layout, cleanup, tables, sections), serially and with its page
pool (files of 50+ pages). Prints pages/s and the ratio read / extract_text (target
<= 1.5). Then reads a generated 500-page file in a fresh process and reports its peak
RSS (the process and its page readers). `--append` adds the table to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import letter  # noqa: E402
from reportlab.lib.styles import getSampleStyleSheet  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    BaseDocTemplate,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from extractors import pdf as pdf_module  # noqa: E402
from extractors.document import read  # noqa: E402
from registry.demo_agreements import DpaTerms, render_dpa  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
STYLES = getSampleStyleSheet()
CATEGORIES = (
    "Application Technology Meta Data",
    "Application Use Statistics",
    "Assessment",
    "Attendance",
    "Communications",
    "Conduct",
    "Demographics",
    "Enrollment",
    "Parent/Guardian Contact Information",
    "Student Identifiers",
    "Student Work",
    "Transcript",
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _paragraphs(text: str) -> list[str]:
    blocks = [" ".join(b.split()) for b in text.replace("\f", "\n\n").split("\n\n")]
    return [_escape(b.lstrip("#*- ")) for b in blocks if b.strip()]


def render(
    paragraphs: list[str], *, pages: int | None = None, columns: int = 1, tables: bool = False
) -> bytes:
    """Paragraphs flowed onto letter pages (repeated until `pages` pages are filled)."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=letter, title="Agreement")
    width = (letter[0] - 2 * 54 - (columns - 1) * 18) / columns
    frames = [
        Frame(54 + i * (width + 18), 54, width, letter[1] - 108, id=f"c{i}") for i in range(columns)
    ]

    def footer(canvas, document) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("Helvetica", 8)
        canvas.drawString(54, 30, f"Vendor DPA v3 - Page {document.page}")

    doc.addPageTemplates([PageTemplate(frames=frames, onPage=footer)])
    per_page = 25 if columns == 1 else 30  # paragraphs of the generated DPA per page
    count = len(paragraphs) if pages is None else pages * per_page
    story: list[object] = []
    for i in range(count):
        story.append(Paragraph(paragraphs[i % len(paragraphs)], STYLES["BodyText"]))
        if tables and i % (per_page * 3) == per_page:
            story.append(_schedule(i))
            story.append(Spacer(1, 8))
    doc.build(story)
    return buffer.getvalue()


def _schedule(seed: int) -> Table:
    rows = [["Category of Data", "Check if Used"]]
    rows += [[c, "X" if (seed + n) % 3 == 0 else ""] for n, c in enumerate(CATEGORIES)]
    table = Table(rows, colWidths=[220, 80])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    return table


def documents(quick: bool) -> list[tuple[str, bytes]]:
    found = [(p.name, p.read_bytes()) for p in sorted(CORPORA.rglob("*.pdf"))]
    texts = sorted((CORPORA / "agreements").rglob("*.md")) if CORPORA.exists() else []
    for path in texts[: 3 if quick else 8]:
        found.append((f"{path.stem[:28]}.md->pdf", render(_paragraphs(path.read_text()))))
    dpa = _paragraphs(render_dpa(DpaTerms(vendor="Acme", product="Reader", district="Springfield")))
    kinds = {
        "": {},
        "-2col": {"columns": 2},
        "-tables": {"tables": True},
    }
    sizes = (
        ((20, ""), (20, "-2col"), (60, "-tables"))
        if quick
        else ((20, ""), (20, "-2col"), (50, "-tables"), (100, ""), (100, "-2col"), (200, "-tables"))
    )
    for n, kind in sizes:
        found.append((f"generated-{n}p{kind}", render(dpa, pages=n, **kinds[kind])))
    return found


# The best of this many runs, each run timing both readers back to back: the machine is
# shared, and noise only ever adds time.
REPEATS = 3


def plumber_once(data: bytes) -> tuple[float, int]:
    start = time.perf_counter()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
        for page in pdf.pages:
            page.extract_text()
            page.close()
    return time.perf_counter() - start, pages


def read_once(data: bytes, *, parallel: bool) -> float:
    saved = pdf_module.PARALLEL_PAGES
    pdf_module.PARALLEL_PAGES = saved if parallel else 10**9
    try:
        start = time.perf_counter()
        read(data, ocr=False)
        return time.perf_counter() - start
    finally:
        pdf_module.PARALLEL_PAGES = saved


def measure(data: bytes) -> tuple[int, float, float, float]:
    """(pages, best extract_text s, best read s, best serial read s), runs interleaved."""
    plain = ours = serial = float("inf")
    pages = 0
    for _ in range(REPEATS):
        seconds, pages = plumber_once(data)
        plain = min(plain, seconds)
        serial = min(serial, read_once(data, parallel=False))
        if pages >= pdf_module.PARALLEL_PAGES:
            ours = min(ours, read_once(data, parallel=True))
    return pages, plain, serial if ours == float("inf") else ours, serial


def peak_rss(pages: int) -> tuple[float, float]:
    """(peak RSS MB of a process that reads a generated file, of the same process before it
    reads: interpreter, libraries and the file's bytes). The file is generated here, in
    another process, so generating it is not counted."""
    dpa = _paragraphs(render_dpa(DpaTerms(vendor="Acme", product="Reader", district="Springfield")))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(render(dpa, pages=pages))
        file.flush()
        out = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__, "--rss", file.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    if int(out[2]) < pages * 0.9:  # paragraphs per page are an estimate
        raise SystemExit(f"generated only {out[2]} pages")
    return float(out[0]), float(out[1])


def _measure_rss(path: str) -> None:
    # Serially, so this one process does all the reading and its peak RSS covers it (page
    # readers in the pool are the forkserver's children, not counted here).
    pdf_module.PARALLEL_PAGES = 10**9
    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    document = read(data, ocr=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{peak:.1f} {before:.1f} {len(document.pages)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer and shorter documents")
    parser.add_argument("--append", action="store_true", help="append results to RESULTS.md")
    parser.add_argument("--rss", metavar="PDF", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss:
        _measure_rss(args.rss)
        return
    docs = documents(args.quick)
    rows = []
    totals = [0, 0.0, 0.0, 0.0]
    print(
        f"{'document':34} {'pages':>5} {'plumber p/s':>11} {'read p/s':>9} "
        f"{'ratio':>6} {'serial':>6}"
    )
    for name, data in docs:
        pages, plain, ours, serial = measure(data)
        totals = [totals[0] + pages, totals[1] + plain, totals[2] + ours, totals[3] + serial]
        row = (name, pages, pages / plain, pages / ours, ours / plain, serial / plain)
        rows.append(row)
        print(f"{row[0]:34} {row[1]:5d} {row[2]:11.1f} {row[3]:9.1f} {row[4]:6.2f} {row[5]:6.2f}")
    pages, plain, ours, serial = totals
    print(
        f"{'ALL':34} {int(pages):5d} {pages / plain:11.1f} {pages / ours:9.1f} "
        f"{ours / plain:6.2f} {serial / plain:6.2f}"
    )
    memory = [(n, *peak_rss(n)) for n in MEMORY_PAGES]
    for n, peak, before in memory:
        print(f"{n:4d}-page file: peak RSS {peak:.0f} MB, {peak - before:.0f} MB above the process"
              f" before reading ({before:.0f} MB)")  # fmt: skip
    if args.append:
        _append(rows, totals, memory, args.quick)


MEMORY_PAGES = (50, 200, 500)


def _append(rows, totals, memory, quick: bool) -> None:  # type: ignore[no-untyped-def]
    pages, plain, ours, serial = totals
    lines = [
        "",
        "## Reading PDFs: extractors.read vs pdfplumber extract_text (issue 3)",
        "",
        f"Command: `.venv/bin/python bench/read.py{' --quick' if quick else ''} --append`. "
        f"Date: {time.strftime('%Y-%m-%d %H:%M')} UTC. Ratio = read time / extract_text time "
        "on the same pages in the same run (target <= 1.5); `serial` is read without the "
        "page pool.",
        "",
        "| document | pages | extract_text pages/s | read pages/s | ratio | serial ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r[0]} | {r[1]} | {r[2]:.1f} | {r[3]:.1f} | {r[4]:.2f} | {r[5]:.2f} |" for r in rows
    ]
    lines.append(
        f"| **all** | {int(pages)} | {pages / plain:.1f} | {pages / ours:.1f} | "
        f"{ours / plain:.2f} | {serial / plain:.2f} |"
    )
    lines += [
        "",
        "Memory (one process reading the whole file serially; the file is generated in another "
        "process): peak RSS, and how much of it reading added.",
        "",
        "| pages | peak RSS MB | added by reading MB |",
        "|---:|---:|---:|",
    ]
    lines += [f"| {n} | {peak:.0f} | {peak - before:.0f} |" for n, peak, before in memory]
    lines.append("")
    with (ROOT / "bench" / "RESULTS.md").open("a") as results:
        results.write("\n".join(lines))


if __name__ == "__main__":
    main()
