"""The clause ruler matches what the pattern files say, exactly as spaCy's span_ruler would."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc

from extractors.errors import PatternError
from extractors.pipeline import Pattern, _parse_line, load_patterns
from extractors.ruler import ClauseRuler, compile_pattern

CASES = Path(__file__).parent / "cases"
# Shapes the shipped files do not use (yet), to hold the ruler to spaCy's semantics.
EXTRA = (
    Pattern(
        id="x.optional-ends",
        label="x",
        pattern=[
            {"LOWER": "a", "OP": "?"},
            {"LOWER": "b"},
            {"LOWER": {"IN": ["b", "c"]}, "OP": "?"},
        ],
        confidence=0.8,
    ),
    Pattern(
        id="x.gap-then-optional",
        label="x",
        pattern=[
            {"LOWER": {"IN": ["a", "b"]}},
            {"IS_SENT_START": False, "OP": "{0,3}"},
            {"LOWER": "b", "OP": "?"},
            {"LOWER": "c"},
        ],
        confidence=0.8,
    ),
    Pattern(id="x.phrase", label="y", pattern="b c a", confidence=0.8),
)


def _rulers(patterns: tuple[Pattern, ...]) -> tuple[Language, SpanRuler, ClauseRuler]:
    nlp = spacy.blank("en")
    spacy_ruler = SpanRuler(
        nlp, "spacy", spans_key="clauses", phrase_matcher_attr="LOWER", validate=True
    )
    spacy_ruler.add_patterns(
        [{"id": p.id, "label": p.label, "pattern": p.pattern} for p in patterns]
    )
    ruler = ClauseRuler(nlp, "clauses")
    ruler.add_patterns(patterns)
    return nlp, spacy_ruler, ruler


def _spans(spans: list) -> list[tuple[int, int, str, str]]:
    return [(s.start, s.end, s.label_, s.id_) for s in spans]


def _example(pattern: Pattern, position: int, word: str) -> list[str]:
    """Tokens that fit `pattern` with `word` at element `position`, one filler per gap."""
    tokens: list[str] = []
    for index, element in enumerate(compile_pattern(pattern.pattern)):
        if index == position:
            tokens.append(word.title())  # matched on the lower-case form
        elif element.words is None:
            tokens.append("filler")
        elif element.least:
            tokens.append(min(element.words))
    return tokens


def test_every_word_of_every_pattern_file_is_matched():
    nlp, _, ruler = _rulers(load_patterns())
    checked = 0
    for pattern in load_patterns():
        for position, element in enumerate(compile_pattern(pattern.pattern)):
            for word in sorted(element.words or ()):
                tokens = _example(pattern, position, word)
                doc = Doc(nlp.vocab, words=tokens, sent_starts=[True] + [False] * (len(tokens) - 1))
                found = {(s.start, s.end, s.id_) for s in ruler.match(doc)}
                assert (0, len(tokens), pattern.id) in found, (pattern.id, tokens)
                checked += 1
    assert checked > 500


def test_a_gap_never_crosses_a_sentence_start():
    nlp, _, ruler = _rulers(load_patterns())
    words = ["we", "sell", "the", "Student", "data"]
    one = Doc(nlp.vocab, words=words, sent_starts=[True, False, False, False, False])
    two = Doc(nlp.vocab, words=words, sent_starts=[True, False, True, False, False])
    assert "data_sale.sell-data" in {s.id_ for s in ruler.match(one)}
    assert "data_sale.sell-data" not in {s.id_ for s in ruler.match(two)}


def test_same_spans_as_spacy_span_ruler_on_the_case_files():
    nlp, spacy_ruler, ruler = _rulers(load_patterns())
    nlp.add_pipe("legal_sentencizer")
    texts = [path.read_text() for path in sorted(CASES.glob("*.txt"))]
    for doc in nlp.pipe(texts):
        assert _spans(ruler.match(doc)) == _spans(spacy_ruler.match(doc))


def test_same_spans_as_spacy_span_ruler_on_random_token_runs():
    patterns = (*load_patterns(), *EXTRA)
    nlp, spacy_ruler, ruler = _rulers(patterns)
    vocab = sorted(
        {w for p in patterns for e in compile_pattern(p.pattern) for w in e.words or ()}
        | {"a", "b", "c", "x", "Sell", "DATA", "."}
    )
    rng = random.Random(4)
    for trial in range(1000):
        words = [rng.choice(vocab) for _ in range(rng.randint(1, 25))]
        starts = [True] + [rng.random() < 0.15 for _ in words[1:]]
        doc = Doc(nlp.vocab, words=words, sent_starts=starts if trial % 3 else None)
        assert _spans(ruler.match(doc)) == _spans(spacy_ruler.match(doc)), words


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ([{"LEMMA": "sell"}], "unsupported token pattern"),
        ([{"LOWER": "sell", "OP": "+"}], 'a word takes no "OP"'),
        ([{"LOWER": {"NOT_IN": ["sell"]}}], '"LOWER" must be a word'),
        ([{"IS_SENT_START": False, "OP": "{0,3}"}, {"LOWER": "data"}], "start with a gap"),
        ([{"LOWER": "data"}, {"IS_SENT_START": False, "OP": "*"}], "a gap needs"),
        ([{"LOWER": "data"}, {"IS_SENT_START": False, "OP": "{0,3}"}], "end with a gap"),
        ([{"LOWER": "data", "OP": "?"}], "at least one word"),
    ],
)
def test_unsupported_patterns_fail_at_load_time_with_file_and_line(pattern, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        compile_pattern(pattern)
    line = f'{{"id": "data_sale.x", "label": "data_sale", "pattern": {json.dumps(pattern)}}}'
    with pytest.raises(PatternError, match=r"^data_sale.jsonl:3: .*" + re.escape(message)):
        _parse_line(line, "data_sale.jsonl", 3, "data_sale")
