"""The clause ruler: the pattern files (patterns/<label>.jsonl) compiled into a matcher of its own.

The patterns keep spaCy's token-pattern syntax, but only the part of it they use:

- a word: `{"LOWER": "of"}` or `{"LOWER": {"IN": ["sell", "sold"]}}`, optionally `"OP": "?"`;
- a gap: `{"IS_SENT_START": false, "OP": "{0,n}"}`, up to n tokens that start no sentence;
- a phrase: a string, matched on its tokens' lower-case forms.

Matches are what spaCy's `span_ruler` (Matcher without `greedy`) gives for the same patterns:
every (start, end) whose tokens fit the pattern, one span per pattern, sorted like spaCy's
spans. spaCy's Matcher tests `IN` sets in Python for every token and every open state, which
made it 87 % of the pipeline's time; here each word set is a set of LOWER hashes, a pattern
is only tried where a token can start it, and a token's LOWER is looked up once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy
from spacy.attrs import LOWER, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = ["ClauseRuler", "Element", "RulerPattern", "compile_pattern"]

_GAP = re.compile(r"^\{0,([1-9][0-9]?)\}$")


@dataclass(frozen=True, slots=True)
class Element:
    """One step of a pattern: `words` (lower-case forms; None: a gap token, any token that
    starts no sentence), taken at least `least` and at most `most` times."""

    words: frozenset[str] | None
    least: int
    most: int


class RulerPattern(Protocol):
    """A pattern as patterns/<label>.jsonl gives it (pipeline.Pattern)."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def pattern(self) -> list[dict[str, Any]] | str: ...


def compile_pattern(pattern: list[dict[str, Any]] | str) -> tuple[Element, ...]:
    """The steps of a token pattern (a phrase needs a tokenizer: see ClauseRuler).

    Raises:
        ValueError: a construct the ruler does not support, or a pattern that could match
            nothing or start anywhere.
    """
    if isinstance(pattern, str):
        return ()
    elements = tuple(_element(token) for token in pattern)
    first = next((e for e in elements if e.least), None)
    if first is None:
        raise ValueError("a pattern needs at least one word that is not optional")
    for element in elements:
        if element.words is None:
            raise ValueError("a pattern cannot start with a gap")
        if element.least:
            break
    if elements[-1].words is None:
        raise ValueError("a pattern cannot end with a gap")
    return elements


def _element(token: Any) -> Element:
    if not isinstance(token, dict):
        raise ValueError(f"a token pattern must be an object: {token!r}")
    op = token.get("OP")
    keys = set(token) - {"OP"}
    if keys == {"LOWER"}:
        if op not in (None, "?"):
            raise ValueError(f'a word takes no "OP" but "?": {op!r}')
        return Element(_words(token["LOWER"]), 0 if op == "?" else 1, 1)
    if keys == {"IS_SENT_START"} and token["IS_SENT_START"] is False:
        gap = _GAP.match(op) if isinstance(op, str) else None
        if gap is None:
            raise ValueError(f'a gap needs "OP": "{{0,n}}", not {op!r}')
        return Element(None, 0, int(gap.group(1)))
    raise ValueError(
        f'unsupported token pattern {token!r}: use "LOWER" (a word or "IN" a list), '
        '"OP": "?", or {"IS_SENT_START": false, "OP": "{0,n}"}'
    )


def _words(value: Any) -> frozenset[str]:
    if isinstance(value, str) and value:
        return frozenset([value])
    if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
        words = value["IN"]
        if words and all(isinstance(w, str) and w for w in words):
            return frozenset(words)
    raise ValueError(f'"LOWER" must be a word or {{"IN": [words]}}, not {value!r}')


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A pattern's steps with words as LOWER hashes: (set of hashes or None, least, most)."""

    label: str
    id: str
    steps: tuple[tuple[frozenset[int] | None, int, int], ...]


class ClauseRuler:
    """Puts every pattern match into `doc.spans[spans_key]`, as span_ruler with overwrite."""

    def __init__(self, nlp: Language, spans_key: str) -> None:
        self.nlp = nlp
        self.spans_key = spans_key
        self._patterns: list[_Compiled] = []
        self._anchors: dict[int, list[int]] = {}  # LOWER hash -> patterns a token may start
        self._keys = numpy.zeros(0, dtype="uint64")  # the anchors' hashes, for numpy.isin

    def add_patterns(self, patterns: Iterable[RulerPattern]) -> None:
        for pattern in patterns:
            self._add(pattern)
        self._keys = numpy.fromiter(self._anchors, dtype="uint64", count=len(self._anchors))

    def _add(self, pattern: RulerPattern) -> None:
        if isinstance(pattern.pattern, str):
            tokens = self.nlp.make_doc(pattern.pattern)
            elements = tuple(Element(frozenset([t.lower_]), 1, 1) for t in tokens)
            if not elements:
                raise ValueError(f"{pattern.id}: an empty phrase")
        else:
            elements = compile_pattern(pattern.pattern)
        strings = self.nlp.vocab.strings
        steps = tuple(
            (
                None if e.words is None else frozenset(strings.add(w) for w in e.words),
                e.least,
                e.most,
            )
            for e in elements
        )
        index = len(self._patterns)
        self._patterns.append(_Compiled(pattern.label, pattern.id, steps))
        for words, least, _ in steps:  # the words a match can start with
            for key in words or ():
                starting = self._anchors.setdefault(key, [])
                if index not in starting:
                    starting.append(index)
            if least:
                break

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = self.match(doc)
        return doc

    def match(self, doc: Doc) -> list[Span]:
        """Every match as a Span (label, id), deduplicated and sorted as span_ruler does."""
        if not len(doc):
            return []
        values = doc.to_array([LOWER, SENT_START])
        lowers: list[int] = values[:, 0].tolist()
        starts: list[bool] = (values[:, 1] == 1).tolist()
        anchors = self._anchors
        found: set[tuple[int, int, int]] = set()
        for i in numpy.flatnonzero(numpy.isin(values[:, 0], self._keys)).tolist():
            for index in anchors[lowers[i]]:
                for end in _ends(self._patterns[index].steps, lowers, starts, i):
                    found.add((i, end, index))
        spans = {
            Span(doc, s, e, label=self._patterns[k].label, span_id=self._patterns[k].id)
            for s, e, k in found
        }
        return sorted(spans)


def _ends(
    steps: Sequence[tuple[frozenset[int] | None, int, int]],
    lowers: list[int],
    starts: list[bool],
    start: int,
) -> set[int]:
    """The ends of every way `steps` fit the tokens from `start` (an NFA run breadth-first)."""
    n = len(lowers)
    states = {start}
    for words, least, most in steps:
        following: set[int] = set()
        for position in states:
            if not least:
                following.add(position)
            taken = 0
            while taken < most and position < n:
                if words is None:
                    if starts[position]:
                        break
                elif lowers[position] not in words:
                    break
                position += 1
                taken += 1
                if taken >= least:
                    following.add(position)
        if not following:
            return set()
        states = following
    states.discard(start)
    return states


@Language.factory("clause_ruler", default_config={"spans_key": "clauses"})
def make_clause_ruler(nlp: Language, name: str, spans_key: str) -> ClauseRuler:
    del name
    return ClauseRuler(nlp, spans_key)
