"""Turn PDF pages' lines into clean page text, keeping every word's position.

* running headers and footers are removed: in documents with 3+ pages of text, a line
  among the first or last two lines of a page (one on a page of two or three lines, so
  the zones never overlap) that recurs (digits read as "#") in the same place on at
  least 60% of those pages;
* bare page numbers at the top or bottom of a page ("3", "Page 3 of 10", "- 3 -", "3/10");
* words hyphenated across a line break are joined ("notifi-\\ncation" -> "notification")
  when the line ends with a letter and a hyphen and the next line starts in lowercase;
  a compound keeps its hyphen ("third-\\nparty" -> "third-party") when both halves are
  words and the joined form is not used elsewhere in the document;
* a sentence cut by a page break is joined: its tail moves to the end of the page where
  it starts, so the clause is found whole and reported on its first page.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.layout import Line
from extractors.types import Box, Words

__all__ = [
    "Token",
    "Vocabulary",
    "build_text",
    "clean_lines",
    "join_page_breaks",
    "keep_hyphen",
    "running_lines",
    "trim_range",
]

_ZONE = 2  # lines at the top and at the bottom of a page where running heads are looked for
_MIN_PAGES_FOR_RUNNING = 3
_RUNNING_SHARE = 0.6
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"(?:page|p\.|pg\.?)?\s*[-–—]?\s*\d{1,4}\s*(?:(?:of|/)\s*\d{1,4})?\s*[-–—]?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?;:][\"'”’)\]]*$")
_MAX_CARRY = 80  # words moved back across a page break at most
# Halves of compounds that agreements split at line ends, known without a dictionary.
# fmt: off
_COMMON_HALVES = frozenset((
    "third", "party", "parties", "first", "long", "short", "term", "full", "part", "time",
    "opt", "user", "high", "level", "based", "free", "wide", "site", "date", "well", "known",
    "year", "old", "face", "real", "world", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
    "eighty", "ninety", "hundred", "data", "driven", "service", "provider", "school",
    "student", "parent", "owned", "related", "specific",
))
# fmt: on
# A page that ends on one of these, or on a comma, stops mid-sentence.
# fmt: off
_OPEN_ENDINGS = frozenset((
    "a", "an", "the", "of", "to", "in", "on", "by", "for", "with", "within", "and", "or",
    "nor", "but", "that", "which", "shall", "will", "may", "must", "not", "any", "all", "its",
    "their", "his", "her", "our", "your", "such", "as", "than", "from", "at", "into", "upon",
))
# fmt: on


@dataclass(slots=True)
class Token:
    """A word of the page text: `sep` ("", " " or "\\n") comes before it."""

    text: str
    box: Box | None
    sep: str


def _key(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split()))


def _zone_size(lines: Sequence[str]) -> int:
    filled = sum(1 for line in lines if line.strip())
    return max(1, min(_ZONE, filled // 2))


def running_lines(pages: Sequence[Sequence[str]]) -> tuple[frozenset[str], frozenset[str]]:
    """Keys of lines repeated at the top / bottom of at least 60% of the pages with text."""
    with_text = [[ln for ln in lines if ln.strip()] for lines in pages]
    with_text = [lines for lines in with_text if lines]
    if len(with_text) < _MIN_PAGES_FOR_RUNNING:
        return frozenset(), frozenset()
    top: Counter[str] = Counter()
    bottom: Counter[str] = Counter()
    for lines in with_text:
        size = _zone_size(lines)
        top.update({_key(line) for line in lines[:size]})
        bottom.update({_key(line) for line in lines[-size:]})
    needed = math.ceil(_RUNNING_SHARE * len(with_text))
    return (
        frozenset(k for k, n in top.items() if n >= needed),
        frozenset(k for k, n in bottom.items() if n >= needed),
    )


def _is_page_number(line: str) -> bool:
    return _PAGE_NUMBER.fullmatch(line.strip()) is not None


def trim_range(
    lines: Sequence[str], top: frozenset[str], bottom: frozenset[str]
) -> tuple[int, int]:
    """[start, end) of the lines left once running lines and page numbers at the edges go."""
    size = _zone_size(lines)
    start = _skip(lines, range(len(lines)), top, size)
    end = _skip(lines, range(len(lines) - 1, start - 1, -1), bottom, size)
    return (start, end + 1) if end >= start else (start, start)


def _skip(lines: Sequence[str], order: range, running: frozenset[str], size: int) -> int:
    """Index of the first line (in `order`) that is body text, after up to `size` removals."""
    seen = 0
    position = order.start
    for position in order:
        line = lines[position]
        if not line.strip():
            continue
        if seen >= size or (_key(line) not in running and not _is_page_number(line)):
            return position
        seen += 1
    return order.stop


class Vocabulary:
    """The document's words: decides whether a hyphen at a line end belongs to a compound."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.words: Counter[str] = Counter()
        self.compounds: set[str] = set()
        for text in texts:
            for match in _WORD.finditer(text):
                word = match.group(0).lower()
                if "-" in word:
                    self.compounds.add(word)
                    self.words.update(word.split("-"))
                else:
                    self.words[word] += 1

    def is_word(self, word: str) -> bool:
        # The fragment itself was counted once at the line end: a word occurs again.
        return len(word) >= 2 and (word in _COMMON_HALVES or self.words[word] >= 2)


def keep_hyphen(before: str, after: str, vocabulary: Vocabulary) -> bool:
    """Whether "before-" + line break + "after" is a compound rather than a split word."""
    left = (_WORD.findall(before) or [""])[-1].lower()
    right = (_WORD.findall(after) or [""])[0].lower()
    if f"{left}-{right}" in vocabulary.compounds:
        return True
    if vocabulary.words[left + right] > 0:
        return False
    return vocabulary.is_word(left) and vocabulary.is_word(right)


def _splits_word(before: str, after: str) -> bool:
    return (
        len(before) >= 2
        and before.endswith("-")
        and before[-2].isalpha()
        and after[:1].isalpha()
        and after[:1].islower()
    )


def clean_lines(lines: list[Line], vocabulary: Vocabulary) -> list[Token]:
    """A page's (already trimmed) lines as tokens, hyphenation at line ends undone."""
    tokens: list[Token] = []
    for line in lines:
        for i, word in enumerate(line):
            box = (word.x0, word.top, word.x1, word.bottom)
            sep = " " if i else ("\n" if tokens else "")
            if i == 0 and tokens and _splits_word(tokens[-1].text, word.text):
                sep = ""
                if not keep_hyphen(tokens[-1].text, word.text, vocabulary):
                    tokens[-1].text = tokens[-1].text[:-1]
            tokens.append(Token(word.text, box, sep))
    return tokens


def _ends_open(token: Token) -> bool:
    if _SENTENCE_END.search(token.text):
        return False
    return token.text.endswith((",", "(")) or token.text.lower() in _OPEN_ENDINGS


def join_page_breaks(pages: list[list[Token]]) -> None:
    """Move the tail of a sentence cut by a page break back onto the page where it starts."""
    for page, following in itertools.pairwise(pages):
        if not page or not following:
            continue
        head = following[0].text
        if not (head[:1].islower() or _ends_open(page[-1])) or _SENTENCE_END.search(page[-1].text):
            continue
        end = next(
            (i for i, t in enumerate(following[:_MAX_CARRY]) if _SENTENCE_END.search(t.text)),
            None,
        )
        if end is None:
            continue
        carried = following[: end + 1]
        del following[: end + 1]
        carried[0].sep = " "
        for token in carried:
            token.box = None  # drawn on the next page: no position on this one
        page.extend(carried)
        if following:
            following[0].sep = ""


def build_text(tokens: Sequence[Token]) -> tuple[str, Words]:
    """The page text and its words (offsets into that text, with positions)."""
    parts: list[str] = []
    words = Words()
    offset = 0
    for token in tokens:
        parts.append(token.sep)
        offset += len(token.sep)
        if token.box is not None:
            words.append(offset, offset + len(token.text), token.box)
        parts.append(token.text)
        offset += len(token.text)
    return "".join(parts), words
