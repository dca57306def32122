"""Reading order of a PDF page from its words' positions: lines, and two columns when found.

A page is two-column when a vertical gutter near its middle is crossed by at most half of
its lines while most other lines have words on both sides of it. Lines that cross the
gutter (a title, a full-width paragraph, a footer) stay where they are; each run of
column lines between them is read left column first, then right column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

__all__ = ["Line", "RawWord", "find_gutter", "group_lines", "reading_lines"]

_LINE_TOLERANCE = 3.0  # points: words whose tops differ by less share a line (as pdfplumber)
_MIN_GUTTER = 6.0  # points: narrower gaps are spaces between words
_MIN_SPLIT_LINES = 4  # a two-column page has at least this many lines with both columns


class RawWord(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


Line = list[RawWord]


def group_lines(words: Iterable[RawWord]) -> list[Line]:
    """Words into lines by their tops, each line sorted left to right."""
    lines: list[Line] = []
    current: Line = []
    line_top = 0.0
    for word in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        if current and abs(word.top - line_top) > _LINE_TOLERANCE:
            lines.append(sorted(current, key=lambda w: w.x0))
            current = []
        if not current:
            line_top = word.top
        current.append(word)
    if current:
        lines.append(sorted(current, key=lambda w: w.x0))
    return lines


def find_gutter(lines: Sequence[Line], width: float) -> float | None:
    """The x of the gap between two columns, or None for a single-column page."""
    if len(lines) < _MIN_SPLIT_LINES or width <= 0:
        return None
    low, high = int(width * 0.3), int(width * 0.7)
    if high - low < _MIN_GUTTER:
        return None
    coverage = [0] * (high - low)
    for line in lines:
        covered = [False] * (high - low)
        for word in line:
            a, b = max(int(word.x0), low), min(int(word.x1) + 1, high)
            for x in range(a, b):
                covered[x - low] = True
        for i, hit in enumerate(covered):
            coverage[i] += hit
    least = min(coverage)
    if least > len(lines) // 2:
        return None
    # Full-width lines (a title, a paragraph across both columns) cover parts of the
    # gutter: allow a few of them over it.
    ceiling = least + max(1, len(lines) // 10)
    best: tuple[int, float] | None = None
    for run_start, run_end in _runs([c <= ceiling for c in coverage]):
        if run_end - run_start < _MIN_GUTTER:
            continue
        gutter = low + (run_start + run_end) / 2
        split = _split_lines(lines, gutter)
        if best is None or split > best[0]:
            best = (split, gutter)
    if best is None or best[0] < _MIN_SPLIT_LINES or best[0] * 2 < len(lines):
        return None
    return best[1]


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _split_lines(lines: Sequence[Line], gutter: float) -> int:
    """Lines with words on both sides of `gutter` and a wide gap there."""
    return sum(
        1
        for line in lines
        if any(w.x1 <= gutter for w in line)
        and any(w.x0 >= gutter for w in line)
        and not _crosses(line, gutter)
        and not _spans(line, gutter)
    )


def _crosses(line: Line, gutter: float) -> bool:
    return any(w.x0 < gutter < w.x1 for w in line)


def reading_lines(words: Iterable[RawWord], width: float) -> list[Line]:
    """The page's lines in reading order: column by column on a two-column page."""
    lines = group_lines(words)
    gutter = find_gutter(lines, width)
    if gutter is None:
        return lines
    ordered: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for line in lines:
        if _crosses(line, gutter) or (len(line) > 1 and _spans(line, gutter)):
            ordered.extend(left + right)
            left, right = [], []
            ordered.append(line)
            continue
        lhs = [w for w in line if w.x1 <= gutter]
        rhs = [w for w in line if w.x0 >= gutter]
        if lhs:
            left.append(lhs)
        if rhs:
            right.append(rhs)
    ordered.extend(left + right)
    return ordered


def _spans(line: Line, gutter: float) -> bool:
    """A full-width line whose words just happen to leave the gutter free: small gap there."""
    lhs = [w for w in line if w.x1 <= gutter]
    rhs = [w for w in line if w.x0 >= gutter]
    if not lhs or not rhs:
        return False
    gap = rhs[0].x0 - lhs[-1].x1
    height = max(w.bottom - w.top for w in line)
    return gap < height * 0.6
