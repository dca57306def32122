"""Text recognition for scanned pages: Tesseract (Debian's `tesseract-ocr`) on the page image.

The page is rendered by pdfplumber, piped to the `tesseract` binary as PNG, and its TSV
output gives words with positions and confidences. Nothing is downloaded: Tesseract and
its English data come from the system packages (see README). When the binary is absent,
`tesseract_path()` is None and the reader marks the pages `needs_ocr` instead.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from extractors.layout import RawWord

__all__ = ["OcrError", "OcrResult", "recognise", "tesseract_path"]

RESOLUTION = 300  # dpi: Tesseract's accuracy drops well below this
_MAX_PIXELS = 40_000_000  # a page image larger than this is rendered at a lower resolution
_TIMEOUT = 120.0  # seconds per page


class OcrError(Exception):
    """Tesseract failed on a page (the page is then reported, not the document)."""


@dataclass(frozen=True, slots=True)
class OcrResult:
    words: list[RawWord]
    confidence: float  # mean word confidence in [0, 1]


def tesseract_path() -> str | None:
    return shutil.which("tesseract")


def recognise(page: Any, binary: str) -> OcrResult:
    """Words of a pdfplumber page's rendered image, positioned in PDF points."""
    width, height = float(page.width), float(page.height)
    resolution = float(RESOLUTION)
    pixels = (width / 72 * resolution) * (height / 72 * resolution)
    if pixels > _MAX_PIXELS:
        resolution *= (_MAX_PIXELS / pixels) ** 0.5
    try:
        image = page.to_image(resolution=resolution).original
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
    except (OSError, ValueError, MemoryError) as exc:
        raise OcrError(f"the page could not be rendered ({exc})") from exc
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [binary, "stdin", "stdout", "--psm", "3", "-l", "eng", "tsv"],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrError(f"Tesseract did not finish ({exc})") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"Tesseract failed: {message[-1] if message else done.returncode}")
    return parse_tsv(done.stdout.decode("utf-8", "replace"), scale=72.0 / resolution)


def parse_tsv(tsv: str, *, scale: float) -> OcrResult:
    """Tesseract's TSV (level 5 rows are words) -> words in points and their mean confidence."""
    lines: dict[tuple[str, ...], list[RawWord]] = {}
    confidences: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        confidence = float(row.get("conf") or -1)
        if confidence < 0:
            continue
        left, top = float(row["left"]) * scale, float(row["top"]) * scale
        right = left + float(row["width"]) * scale
        bottom = top + float(row["height"]) * scale
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        lines.setdefault(key, []).append(RawWord(text, left, top, right, bottom))
        confidences.append(confidence / 100)
    words: list[RawWord] = []
    for line in lines.values():  # one top and bottom per line, so the words share it
        top, bottom = min(w.top for w in line), max(w.bottom for w in line)
        words.extend(w._replace(top=top, bottom=bottom) for w in line)
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrResult(words=words, confidence=round(mean, 3))
