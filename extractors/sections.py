"""Sections from headings at the start of lines: "1.", "1.1", "(a)", "Article IV", "Exhibit B".

A heading's parent is the nearest heading before it of a higher rank, so the sections form
a tree whatever numbering style a vendor uses. Numbered lines count as headings only when
they carry a short title ("5. Data Security", or a run-in "5. Data Security. Provider
shall ..."); a numbered sentence is a list item, not a heading, unless it is lettered
("(a)"), which always opens a sub-section.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.types import Page, Section

__all__ = ["find_sections", "section_path"]

_PART = re.compile(
    r"(?P<kind>article|exhibit|schedule|appendix|attachment|annex|addendum|part)"
    r"\s+(?P<id>[ivxlc]+|\d+|[a-z])\b[.:]?\s*[-–—:]?\s*(?P<title>.*)",
    re.IGNORECASE,
)
_UNNUMBERED = re.compile(r"(?P<title>(?:schedule|exhibit|appendix) of [\w ,/&-]+)", re.IGNORECASE)
_NUMBER = re.compile(r"(?P<id>\d{1,2}(?:\.\d{1,2}){0,3})(?:\.|\))?\s+(?P<title>\S.*)")
_LETTER = re.compile(r"\((?P<id>[a-z]|[ivx]{1,4})\)\s+(?P<title>\S.*)")
_MAX_TITLE_WORDS = 12
_RUN_IN = re.compile(r"(?P<title>[^.:]{2,80}?)[.:](?:\s|$)")


def _title_like(text: str) -> bool:
    words = text.split()
    if not words or len(words) > _MAX_TITLE_WORDS or (text.endswith(".") and len(words) > 6):
        return False
    significant = [w for w in words if len(w) > 3] or words
    capitals = sum(1 for w in significant if w[:1].isupper() or not w[:1].isalpha())
    return capitals >= 0.7 * len(significant)


def _numbered_title(rest: str) -> str | None:
    """The title of a numbered heading line, or None when the line is a sentence."""
    rest = rest.strip()
    if _title_like(rest) and not rest.endswith((";", ",")):
        return rest.rstrip(".:")
    run_in = _RUN_IN.match(rest)
    if run_in and _title_like(run_in.group("title")):
        return run_in.group("title").strip()
    return None


def _heading(line: str) -> tuple[float, str, str] | None:
    """(rank, number, title) of a heading line; lower ranks hold higher ones."""
    line = line.strip()
    part = _PART.fullmatch(line)
    if part and len(line.split()) <= _MAX_TITLE_WORDS:
        title = part.group("title").strip()
        if not title or _title_like(title):
            kind = part.group("kind").capitalize()
            return 0.0, f"{kind} {part.group('id').upper()}", title
    unnumbered = _UNNUMBERED.fullmatch(line)
    if unnumbered and _title_like(line):
        return 0.5, "", unnumbered.group("title").strip()
    number = _NUMBER.fullmatch(line)
    if number:
        title = _numbered_title(number.group("title"))
        if title is not None:
            return float(1 + number.group("id").count(".")), number.group("id"), title
        return None
    letter = _LETTER.fullmatch(line)
    if letter:
        roman = len(letter.group("id")) > 1 or letter.group("id") in "ivx"
        title = _numbered_title(letter.group("title")) or ""
        return (5.5 if roman else 5.0), f"({letter.group('id')})", title
    return None


def find_sections(pages: Sequence[Page]) -> tuple[Section, ...]:
    """Headings of all pages in order, each with its parent's id (None at the top)."""
    sections: list[Section] = []
    stack: list[tuple[float, Section]] = []
    for page in pages:
        offset = 0
        for line in page.text.split("\n"):
            found = _heading(line) if line.strip() else None
            start = offset + len(line) - len(line.lstrip())
            offset += len(line) + 1
            if found is None:
                continue
            rank, number, title = found
            if number.startswith("(") and number[1:-1] in "ivx" and _after_h(stack):
                rank = 5.0  # "(i)" right after "(h)" is a letter, not a roman numeral
            while stack and stack[-1][0] >= rank:
                stack.pop()
            parent = stack[-1][1] if stack else None
            section = Section(
                id=f"s{len(sections) + 1}",
                number=number,
                title=title[:200],
                level=parent.level + 1 if parent else 1,
                page=page.number,
                start=start,
                parent=parent.id if parent else None,
            )
            sections.append(section)
            stack.append((rank, section))
    return tuple(sections)


def _after_h(stack: Sequence[tuple[float, Section]]) -> bool:
    return bool(stack) and stack[-1][1].number == "(h)"


def section_path(sections: Sequence[Section], page: int, start: int, *, limit: int = 300) -> str:
    """The heading path ("5 Data Security > 5.2 Breach") of the section holding a position."""
    by_id = {s.id: s for s in sections}
    holder: Section | None = None
    for section in sections:
        if (section.page, section.start) <= (page, start):
            holder = section
        else:
            break
    parts: list[str] = []
    while holder is not None:
        parts.append(holder.label)
        holder = by_id.get(holder.parent) if holder.parent else None
    path = " > ".join(reversed(parts))
    return path if len(path) <= limit else path[: limit - 1] + "…"
