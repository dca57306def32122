"""spaCy components: a legal-text sentencizer and the clause annotator (stance, attributes).

Confidence of a clause is the confidence of its best pattern (0.9 strong wording, 0.6-0.75
weak or ambiguous; set per pattern in patterns/<label>.jsonl), then lowered by 0.15 when the
stance had to be guessed (mapped onto a stance the taxonomy allows, or "nothing herein
prohibits"-style double negation), never below 0.3.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from thinc.types import Ints2d

from extractors.attributes import attributes_for
from extractors.stance import conditions_in, detect_stance, resolve_stance

__all__ = ["ClauseAnnotator", "ClauseHit", "legal_sentencizer"]

CLAUSES_KEY = "clauses"
HITS_ATTR = "clause_hits"
if not Doc.has_extension(HITS_ATTR):
    Doc.set_extension(HITS_ATTR, default=None)

_ENDS = frozenset({".", "!", "?"})
# A "." after these does not end a sentence: "Sec. 5", "No. 12", "Art. 3".
_ABBREVIATIONS = frozenset(
    {"sec", "secs", "no", "nos", "art", "arts", "para", "paras", "ch", "cl", "vol", "pp", "p",
     "inc", "ltd", "co", "corp", "llc", "dept", "fig", "approx", "v", "vs", "cf", "mr", "mrs",
     "ms", "dr", "st"}
)  # fmt: skip
_LIST_ITEM = re.compile(
    r"^(?:[-*•·▪◦]|\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?|\(?[a-z]\)|\(?[ivx]+\))$"
)
_PENALTY = 0.15
_FLOOR = 0.3
_MIN_WORDS = 4


def _trails_sentence(token: Token) -> bool:
    """Closing quotes and brackets after the full stop still belong to the sentence."""
    return token.is_quote or (token.is_punct and token.text not in "([-")


@Language.component("legal_sentencizer")
def legal_sentencizer(doc: Doc) -> Doc:
    """Sentences end at . ! ? (not after "Sec.", "No.", "U.S.C."), at blank lines, and before
    list items or numbered sections that start a line."""
    if not len(doc):
        return doc
    starts = [False] * len(doc)
    starts[0] = True
    for i, token in enumerate(doc[:-1]):
        nxt = doc[i + 1]
        if token.text in _ENDS and not (i > 0 and doc[i - 1].lower_ in _ABBREVIATIONS):
            j = i + 1
            while j < len(doc) and _trails_sentence(doc[j]):
                j += 1
            if j < len(doc):
                starts[j] = True
        elif token.is_space and "\n" in token.text:
            if token.text.count("\n") > 1 or _LIST_ITEM.match(nxt.text):
                starts[i + 1] = True
        elif "\n" in token.whitespace_ and _LIST_ITEM.match(nxt.text):
            starts[i + 1] = True
    # One array write: setting token.is_sent_start one by one is quadratic in spaCy.
    values = numpy.array([1 if start else -1 for start in starts], dtype="int64")
    doc.from_array([SENT_START], cast(Ints2d, values.astype("uint64").reshape(-1, 1)))
    return doc


def _is_heading(sent: Span) -> bool:
    """Markdown headings and short titles ("4.1 No Sale.") are not clauses by themselves."""
    if sent.text.lstrip().startswith("#"):
        return True
    return sum(1 for token in sent if token.is_alpha) < _MIN_WORDS


@dataclass(frozen=True, slots=True, kw_only=True)
class ClauseHit:
    """One (sentence, label) found in a Doc; offsets are characters in the Doc's text."""

    label: str
    stance: str
    attributes: dict[str, Any]
    start: int
    end: int
    confidence: float
    pattern_id: str


class ClauseAnnotator:
    """Turns span_ruler matches into one ClauseHit per (sentence, label), in `doc._.clause_hits`."""

    def __init__(self, confidences: dict[str, float], spans_key: str = CLAUSES_KEY) -> None:
        self.confidences = confidences
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        best: dict[tuple[int, str], tuple[float, Span]] = {}
        for span in doc.spans.get(self.spans_key, []):
            sent = span[0].sent
            if span.end > sent.end or _is_heading(sent):
                continue  # the gap crossed a sentence boundary, or a bare title
            confidence = self.confidences.get(span.id_, 0.6)
            key = (sent.start, span.label_)
            if key not in best or confidence > best[key][0]:
                best[key] = (confidence, span)
        hits = [self._hit(span, confidence) for confidence, span in best.values()]
        doc._.set(HITS_ATTR, sorted(hits, key=lambda h: (h.start, h.label)))
        return doc

    def _hit(self, span: Span, confidence: float) -> ClauseHit:
        sent = span[0].sent
        text = sent.text
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        offset = sent.start_char + lead
        raw = detect_stance(text, span.start_char - offset, span.end_char - offset)
        stance, certain = resolve_stance(span.label_, raw)
        if not certain:
            confidence = max(_FLOOR, confidence - _PENALTY)
        attributes = attributes_for(span.label_, text)
        if span.label_ == "third_party_disclosure" and stance == "conditional":
            attributes["conditions"] = conditions_in(text)
        return ClauseHit(
            label=span.label_,
            stance=stance,
            attributes=attributes,
            start=offset,
            end=offset + len(text),
            confidence=round(confidence, 2),
            pattern_id=span.id_,
        )


@Language.factory(
    "clause_annotator",
    default_config={"confidences": {}, "spans_key": CLAUSES_KEY},
)
def make_clause_annotator(
    nlp: Language, name: str, confidences: dict[str, float], spans_key: str
) -> ClauseAnnotator:
    del nlp, name
    return ClauseAnnotator(dict(confidences), spans_key)


def hits_of(doc: Doc) -> Iterable[ClauseHit]:
    hits: list[ClauseHit] | None = doc._.get(HITS_ATTR)
    return hits or ()
