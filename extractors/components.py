"""spaCy components: a legal-text sentencizer and the clause annotator.

The annotator decides, per sentence, which labels it carries by combining two witnesses: the
clause_ruler's pattern hits (patterns/<label>.jsonl, each with its own confidence) and the
trained classifier's probabilities (extractors/model/). Confidence of a clause:

- rule and model agree (a pattern hit and p >= `agree`): 1 - (1 - rule)(1 - p), at most 0.99;
- model only (p >= `model_only`): p, at most 0.95 (below 0.5: marked for review);
- rule only (the model disagrees): kept for strong patterns (confidence >= 0.85, or every
  pattern when `keep_rule_only`), with the pattern's confidence halved, so below
  `LOW_CONFIDENCE`: kept, but marked for review;
- without a trained model: the pattern's confidence (the rules-only pipeline).

Stance comes from the model; explicit wording read by stance.py (negation with an exception,
"nothing herein prohibits", "only with the consent of", "provided that") overrides it. A stance
the model and the wording disagree on, or that had to be guessed, lowers confidence by 0.15.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc, Span
from thinc.types import Ints2d

from extractors.attributes import accepted_by_continued_use, attributes_for
from extractors.attributes import has_words as _has
from extractors.nlp.model import clause_inputs, cues_of
from extractors.nlp.sentences import sentence_starts
from extractors.stance import (
    conditions_in,
    consent_allowed,
    deidentified_form,
    detect_stance,
    explicit_stance,
    no_condition,
    not_a_ban,
    plain_ban,
    resolve_stance,
)
from extractors.taxonomy import ALLOWED_STANCES, LABELS

__all__ = ["ClauseAnnotator", "ClauseHit", "Combine", "hits_of", "legal_sentencizer"]

_T = TypeVar("_T")
CLAUSES_KEY = "clauses"
HITS_ATTR = "clause_hits"
if not Doc.has_extension(HITS_ATTR):
    Doc.set_extension(HITS_ATTR, default=None)

_PENALTY = 0.15
_FLOOR = 0.3
_MIN_WORDS = 4
_BOLD_LINE = re.compile(r"^[*\-\s]*\*\*[^*]+\*\*[.:\s]*$")
_LINK_LINE = re.compile(r"^[*\-\s]*\[[^\]]*\]\([^)]*\)[.\s]*$")
# An unticked box of a form or checklist ("- ☐ No sale of student data") affirms nothing.
_UNTICKED = re.compile(r"^[*\-•\s]*(?:[\u2610\u25a1\u25a2]|\[ \])")
# The start of a sentence before its first word: bullets, quotes, "D.", "(a)", "4.1".
_ITEM_MARK = r"^[\W\d]*(?:[A-Z]\.\s*|\(\w+\)\s*|\d+(?:\.\d+)*\.?\s*)?"
# A definition ('"Sale" means ...', 'For purposes of this Notice, "sale" means ...') states
# what a word means, not what the provider does: all 159 in the corpus are unlabelled.
_DEFINITION = re.compile(
    _ITEM_MARK + r"(?:(?:for (?:the )?purposes? of|in|under) [^,;]{1,60},\s*)?(?:the terms?\s+)?"
    r"[\"\u201c'\u2018][^\"\u201d\u2019]{1,60}[\"\u201d'\u2019]\s*(?:\([^)]*\)\s*)?"
    r"(?:means|shall mean|refers to|has the meaning|is defined as|includes|shall include)\b",
    re.IGNORECASE,
)
# Who "the user" is in the kinds below.
_USER = r"you|users?|students?|parents?|teachers?"
# What the user agrees, warrants or must do ("You agree that you will not share access to your
# account", "Please note, you must delete ...") binds the user, not the provider: of the
# corpus's 88 such sentences (2026-12-06, 162 documents) one carries a label other than COPPA
# consent (which schools and teachers give): "Parents should send requests ... to the school,
# and we will help the school respond", a second clause.
_USERS_DUTY = re.compile(
    _ITEM_MARK + rf"(?:please note,?\s+(?:that\s+)?)?(?:{_USER})\s+"
    r"(?:also\s+)?(?:agree|represent|warrant|acknowledge|are (?:solely )?responsible|must not"
    r"|may not|shall not|will not|must|shall|should|need to|have to)\b",
    re.IGNORECASE,
)
# A disclaimer ("We will not have any liability for ... deletion", "we cannot guarantee")
# promises nothing: 86 of the corpus's 88 are unlabelled; one is a teacher's COPPA consent,
# one an insurance clause.
_DISCLAIMER = re.compile(
    r"\b(?:not|no|nor|without)\b[^.;]{0,50}\b(?:liab(?:le|ility)|responsib(?:le|ility))\b"
    r"|\bdisclaim\w*|\b(?:cannot|can't|can not|does not|do not|doesn't|don't|not)\s+"
    r"(?:guarantee|warrant)\b|\bno (?:warranty|guarantee)\b",
    re.IGNORECASE,
)
# A pointer ("To learn about interest-based advertising ..., visit the NAI's page") sends the
# reader elsewhere; only a pointer to the list of subprocessors states a practice.
_POINTER = re.compile(
    _ITEM_MARK + r"(?:to learn (?:more )?(?:about|how)|for more information|to find out"
    r"|you (?:may|can) (?:wish to )?(?:visit|learn|read))\b",
    re.IGNORECASE,
)
# The customer's or user's indemnity of the provider ("You agree to indemnify Quillbox against
# claims ...", "... for which we are entitled to indemnification") is no insurance or indemnity
# for a breach: 11 in the corpus, none labelled.
_USERS_INDEMNITY = re.compile(
    _ITEM_MARK + r"(?:you|users?|customers?|the customer|schools?|institutions?)\s+"
    r"(?:will|shall|agrees? to|must)\s+(?:defend|indemnify|hold)\b"
    r"|\byou\b[^.;]{0,30}\b(?:agree to|will|shall)\s+(?:defend,?\s+)?indemnify"
    r"|\bentitled to indemnification\b",
    re.IGNORECASE,
)
# What users may do themselves ("You may also choose to share content with others by email"):
# 17 in the corpus, none labelled.
_USERS_ACTION = re.compile(
    _ITEM_MARK + rf"(?:{_USER}|members?)\s+(?:may|can)\s+"
    r"(?:also\s+)?(?:choose\s+to\s+)?(?:share|post|publish|upload|invite|send|make)\b",
    re.IGNORECASE,
)
# The name of a policy or plan on a line of its own ("RES-POL-003: Breach Notification
# (Schools) Policy"): 18 in the corpus, none labelled.
_TITLE = re.compile(
    r"^[\W\d]*(?:[A-Z]{2,}[-\w]*:\s*)?(?:[\w()&,'/-]+\s+){0,7}"
    r"(?:Policy|Procedures?|Plan|Schedule|Standards?|Program|Guidelines?)\s*$"
)
# Sentences of these kinds carry only these labels.
_ONLY_LABELS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (_USERS_INDEMNITY, frozenset()),
    (_USERS_ACTION, frozenset()),
    (_TITLE, frozenset()),
    (_USERS_DUTY, frozenset({"coppa_consent"})),
    (_DISCLAIMER, frozenset({"coppa_consent", "insurance_indemnity"})),
    (_POINTER, frozenset({"subprocessors"})),
)
# Words that name student data or records, for the subject checks below.
_DATA_NOUN = (
    r"data|datasets?|information|info|records?|details|profiles?|content|responses?|submissions?"
    r"|work|writing|scores?|grades?|results?|identifiers?|e-?mails?|addresses|names?|pii"
    r"|histor(?:y|ies)|recordings?|messages?|photos?|videos?|files?|transcripts?|logs?|lists?"
    r"|statistics|analytics|insights|segments?|usage|activity|location|progress|reports?"
    r"|everything|anything|notes|answers|portfolios?|materials?"
)


_NAMES_DATA = _has(rf"\b(?:{_DATA_NOUN})\b")
# "Provider may sell its products to other districts": selling the product, not data.
_SELLS_PRODUCT = _has(
    r"\b(?:sell\w*|sold|licens\w*|resell\w*)\s+(?:its|our|their|the|a|an)?\s*(?:own\s+)?"
    r"(?:products?|services?|subscriptions?|licen[cs]es?|software|apps?|books|hardware|devices"
    r"|merchandise|courses|plans?|seats?|memberships?|tickets?)\b(?!\s+(?:user|data|information))"
)
_SCC = _has(r"\bstandard contractual clauses\b")
_PRICE_CHANGE = _has(
    r"\bchang\w* (?:the |our |its |any )?(?:prices?|fees?|pricing)\b|\bprice changes?"
)
_TERMS_WORD = _has(r"\b(?:terms|polic(?:y|ies)|agreement|addendum|dpa|contract|notice)\b")
_MARKETING_TO_USER = _has(
    r"\b(?:send|email|e-mail|contact|tell|notify)\w* (?:you|users|parents|teachers)\b[^.;]{0,80}"
    r"\b(?:about|regarding|of|with)\b[^.;]{0,40}\b(?:products?|services?|offers?|features?"
    r"|promotions?|news|updates|events|opportunities)"
)
# "If we are involved in a merger or sale of assets ...": the business is sold, not data. Of
# the corpus's 112 sentences whose only words of sale are of the business, none is a data sale.
_BUSINESS_SALE = re.compile(
    r"\b(?:(?:a |the )?sale of (?:all|substantially|some|part|any|the (?:company|business)"
    r"|(?:its|our|the|their) (?:business|company|assets|stock|shares)|assets|a business unit)"
    r"[^,;.]*|(?:is|are|gets?|being) (?:sold|acquired)|assets (?:are|were|is) (?:sold|transferred)"
    r"|sells?,? merges?|sold or merged|merged or sold)",
    re.IGNORECASE,
)
_SALE_WORD = _has(
    r"\b(?:sell\w*|sold|sales?|rent\w*|trad(?:e|es|ed|ing)|monetiz\w*|pa(?:y|ys|id) us"
    r"|compensat\w*|in exchange for|for (?:money|a fee|payment)|licens\w*|commercial\w*)\b"
)


def _sells_data(text: str) -> bool:
    if _SELLS_PRODUCT(text) and not _NAMES_DATA(text):
        return False  # "Provider may sell its products to other districts"
    return not _BUSINESS_SALE.search(text) or _SALE_WORD(_BUSINESS_SALE.sub(" ", text))


# A label whose sentence must name its subject, counted on the corpus (2026-12-06, 162
# documents): using data to improve a product (364 of 365; "We are always improving our
# Services" does not), where data is kept or seen (249 of 250; "Our headquarters are in
# California" is no data location), what the district owns (149 of 149; not "all right,
# title and interest in the Services"), what parents may see (260 of 264; not "Parents can
# access the app"), what is sold (no data sale in the corpus is a sale of "its products"
# without naming data) and who processes data for the provider (318 of 319 name them; "We
# engage in these activities to manage our contractual relationship with you" does not).
_SUBJECT: dict[str, Callable[[str], bool]] = {
    "product_improvement": _has(
        rf"\b(?:{_DATA_NOUN}|uses?|used|using|analy\w*|feedback|errors?|interactions?"
        r"|behaviou?r|performance|metrics|learn\w*|aggregat\w*|patterns?|questions?|train\w*"
        r"|adaptive|play\w*|counts?)\b"
    ),
    "data_location": _has(
        r"\b(?:stor\w*|host\w*|servers?|process\w*|data|information|transferr?\w*|cloud"
        r"|backups?|records?|kept|keep|resides?|remains?|see|sees|access\w*|sen[dt]\w*|receiv\w*"
        r"|routed|names?|reports?|text|located outside)\b"
    ),
    "data_ownership": _NAMES_DATA,
    "parent_access": _has(
        rf"\b(?:{_DATA_NOUN}|requests?|respond\w*|review\w*|correct\w*|export\w*|download\w*"
        r"|cop(?:y|ies)|delet\w*|amend\w*|inspect\w*|rectif\w*|port\w*|it|them)\b"
    ),
    "data_sale": _sells_data,
    # Emailing users about "our products or other third party products" discloses nothing (none
    # of the corpus's 7 such sentences is a disclosure).
    "third_party_disclosure": lambda text: not _MARKETING_TO_USER(text),
    # A change of price is no change of terms ("may change the price for Paid Subscriptions").
    "policy_changes": lambda text: not _PRICE_CHANGE(text) or _TERMS_WORD(text),
    # Standard contractual clauses "with additional safeguards" move data abroad: a transfer.
    "security_safeguards": lambda text: not _SCC(text),
    "subprocessors": _has(
        r"\b(?:providers?|vendors?|subcontract\w*|sub-?processors?|processors?|third[- ]part\w*"
        r"|compan\w*|partners?|contractors?|agents?|hosting|hosts?|cloud|suppliers?|tutors?"
        r"|coaches|counselors?|affiliates?|outside|others?|services?|firms?|whom|who|they|them"
        r"|each one)\b"
    ),
}
_SETEXT = re.compile(r"(?:^|\s)(?:-{3,}|={3,})\s*$")  # "Changes\n-------": a heading
# A pattern this strong is kept even when the model disagrees, marked for review.
_STRONG_RULE = 0.85
EXPLICIT = True


@Language.component("legal_sentencizer")
def legal_sentencizer(doc: Doc) -> Doc:
    """Sentences and list items as segment.sentence_starts finds them."""
    if not len(doc):
        return doc
    starts = sentence_starts(doc)
    # One array write: setting token.is_sent_start one by one is quadratic in spaCy.
    values = numpy.array([1 if start else -1 for start in starts], dtype="int64")
    doc.from_array([SENT_START], cast(Ints2d, values.astype("uint64").reshape(-1, 1)))
    return doc


def _is_heading(sent: Span) -> bool:
    """Not a clause by itself: a Markdown heading, bold title, table row or link line
    ("[Deletion](#deletion)"), a short title ("4.1 No Sale."), a lead-in that ends in a
    colon ("You can:"), whose items carry the substance, an unticked box of a form, or a
    definition ('"Sale" means ...')."""
    text = sent.text.strip()
    if text.startswith("#") or text.endswith(":") or _LINK_LINE.match(text):
        return True
    if text.count("|") > 2 or _BOLD_LINE.match(text) or _SETEXT.search(text):
        return True  # a Markdown table row, a bold title line or an underlined heading
    if _UNTICKED.match(text):
        return True  # a choice left unticked on a form
    if _DEFINITION.match(text):
        return True  # a defined term
    return sum(1 for token in sent if token.is_alpha) < _MIN_WORDS


@dataclass(frozen=True, slots=True, kw_only=True)
class Combine:
    """Thresholds for combining rules and model, tuned on the dev split by training."""

    model_only: float = 0.5
    agree: float = 0.2
    keep_rule_only: bool = True

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> Combine:
        raw, default = meta.get("combine", {}), cls()
        return cls(
            model_only=float(raw.get("model_only", default.model_only)),
            agree=float(raw.get("agree", default.agree)),
            keep_rule_only=bool(raw.get("keep_rule_only", default.keep_rule_only)),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ClauseHit:
    """One (sentence, label) found in a Doc; offsets are characters in the Doc's text.

    `pattern_id` is the best pattern that matched, "" when only the model saw the label;
    `probability` is the model's, None without a model."""

    label: str
    stance: str
    attributes: dict[str, Any]
    start: int
    end: int
    confidence: float
    pattern_id: str
    probability: float | None = None


@dataclass(frozen=True, slots=True)
class _Rule:
    confidence: float
    span: Span


class ClauseAnnotator:
    """Sentences -> ClauseHits in `doc._.clause_hits`, from pattern hits and the classifier."""

    def __init__(
        self,
        confidences: dict[str, float],
        spans_key: str = CLAUSES_KEY,
        classifier: TextCategorizer | None = None,
        combine: Combine | None = None,
    ) -> None:
        self.confidences = confidences
        self.spans_key = spans_key
        self.classifier: TextCategorizer | None = None
        self.combine = Combine()
        self._columns: dict[str, int] = {}
        if classifier is not None:
            self.use_classifier(classifier, combine or Combine())

    def use_classifier(self, classifier: TextCategorizer, combine: Combine) -> None:
        """Attach the trained classifier (a textcat_multilabel with the CLASSES labels)."""
        self.classifier = classifier
        self.combine = combine
        labels = list(classifier.labels)
        self._columns = {c: labels.index(c) for c in labels}

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Batches sentences across docs, so the classifier sees hundreds at a time."""
        for batch in batched(docs, batch_size):
            found = [self._sentences(doc) for doc in batch]
            probs = self._predict(batch, found)
            row = 0
            for doc, sentences in zip(batch, found, strict=True):
                hits: list[ClauseHit] = []
                for sent, rules, _ in sentences:
                    p = probs[row] if probs is not None else None
                    row += 1
                    hits.extend(self._sentence_hits(sent, rules, p))
                doc._.set(HITS_ATTR, sorted(hits, key=lambda h: (h.start, h.label)))
                yield doc

    def _sentences(self, doc: Doc) -> list[tuple[Span, dict[str, _Rule], list[Span]]]:
        """Each clause sentence with its best pattern hit per label and all its matches."""
        sents = [s for s in doc.sents if not _is_heading(s)]
        starts = [s.start for s in sents]
        matched: list[list[Span]] = [[] for _ in sents]
        for span in doc.spans.get(self.spans_key, []):
            i = bisect_right(starts, span.start) - 1
            if i >= 0 and span.end <= sents[i].end:  # else: crossed a boundary, or a heading
                matched[i].append(span)
        result = []
        for sent, spans in zip(sents, matched, strict=True):
            best: dict[str, _Rule] = {}
            for span in spans:
                confidence = self.confidences.get(span.id_, 0.6)
                if span.label_ not in best or confidence > best[span.label_].confidence:
                    best[span.label_] = _Rule(confidence, span)
            result.append((sent, best, spans))
        return result

    def _predict(
        self, docs: list[Doc], found: list[list[tuple[Span, dict[str, _Rule], list[Span]]]]
    ) -> numpy.ndarray[Any, Any] | None:
        if self.classifier is None:
            return None
        inputs = [
            item
            for doc, sentences in zip(docs, found, strict=True)
            for item in clause_inputs(
                doc,
                [s for s, _, _ in sentences],
                [cues_of(s.text, spans) for s, _, spans in sentences],
            )
        ]
        if not inputs:
            return numpy.zeros((0, len(self._columns)))
        scores = self.classifier.model.predict(inputs)
        return numpy.asarray(scores)

    def _sentence_hits(
        self, sent: Span, rules: Mapping[str, _Rule], probs: Any | None
    ) -> Iterator[ClauseHit]:
        text = sent.text.strip()
        offset = sent.start_char + len(sent.text) - len(sent.text.lstrip())
        found = []
        for label in LABELS:
            rule = rules.get(label)
            p = None if probs is None else float(probs[self._columns[label]])
            confidence = self._label_confidence(rule, p)
            if confidence is not None:
                found.append((label, rule, p, confidence))
        if not found:
            return
        # Most sentences are no candidate for any label: test their kind only when they are.
        only = next((labels for kind, labels in _ONLY_LABELS if kind.search(text)), None)
        for label, rule, p, confidence in found:
            if only is not None and label not in only:
                continue
            subject = _SUBJECT.get(label)
            if subject is not None and not subject(text):
                continue
            stance, certain = self._stance(label, text, offset, rule, probs)
            if not certain:
                confidence = max(_FLOOR, confidence - _PENALTY)
            attributes = attributes_for(label, text)
            if label == "policy_changes" and attributes.get("consent_required"):
                stance = "requires"  # changes need consent: 100 of 100 in the corpus
            elif label == "policy_changes" and accepted_by_continued_use(text):
                stance = "permits"  # continued use is acceptance: 21 of 22 in the corpus
            elif label == "coppa_consent" and consent_allowed(text):
                stance = "permits"  # the school may consent: 46 of 47 in the corpus
            elif label == "data_sale" and stance == "permits" and deidentified_form(text):
                stance = "conditional"  # sold de-identified: 13 of 14 in the corpus
            if label == "third_party_disclosure" and stance == "conditional":
                attributes["conditions"] = conditions_in(text)
            yield ClauseHit(
                label=label,
                stance=stance,
                attributes=attributes,
                start=offset,
                end=offset + len(text),
                confidence=round(confidence, 2),
                pattern_id=rule.span.id_ if rule else "",
                probability=None if p is None else round(p, 4),
            )

    def _label_confidence(self, rule: _Rule | None, p: float | None) -> float | None:
        """Confidence that the sentence carries the label; None: it does not."""
        if p is None:
            return rule.confidence if rule else None
        if rule is not None and p >= self.combine.agree:
            return min(0.99, 1 - (1 - rule.confidence) * (1 - p))
        if rule is None and p >= self.combine.model_only:
            return min(0.95, p)
        if rule is not None and (self.combine.keep_rule_only or rule.confidence >= _STRONG_RULE):
            return rule.confidence / 2
        return None

    def _stance(
        self, label: str, text: str, offset: int, rule: _Rule | None, probs: Any | None
    ) -> tuple[str, bool]:
        """(stance, whether it is sure): explicit wording first, then the model, then rules."""
        if rule is not None:
            start, end = rule.span.start_char - offset, rule.span.end_char - offset
        else:
            start, end = 0, len(text)
        if probs is None:
            return resolve_stance(label, detect_stance(text, start, end))
        allowed = ALLOWED_STANCES[label]
        if len(allowed) == 1:
            return allowed[0], True
        scores = {s: float(probs[self._columns[f"{label}:{s}"]]) for s in allowed}
        modelled = max(allowed, key=lambda s: scores[s])
        wording = (
            explicit_stance(label, text, start, end) if rule is not None and EXPLICIT else None
        )
        if wording is None:
            if (
                "permits" in allowed
                and (
                    modelled == "prohibits"
                    or (
                        modelled == "conditional"
                        and label == "third_party_disclosure"
                        and not conditions_in(text)
                    )
                )
                and not_a_ban(text, start, end)
            ):
                return "permits", False  # no word of the sentence bans or conditions anything
            if (
                modelled == "conditional"
                and "permits" in allowed
                and label != "merger_transfer"  # conditional there: the successor is bound
                and no_condition(text)
            ):
                return "permits", False  # nothing in the wording sets a condition
            if modelled == "permits" and "prohibits" in allowed and plain_ban(label, text):
                return "prohibits", False  # one plain negated statement: a promise not to
            return modelled, True
        return wording, wording == modelled


@Language.factory(
    "clause_annotator",
    default_config={"confidences": {}, "spans_key": CLAUSES_KEY},
)
def make_clause_annotator(
    nlp: Language, name: str, confidences: dict[str, float], spans_key: str
) -> ClauseAnnotator:
    del nlp, name
    return ClauseAnnotator(dict(confidences), spans_key)


def batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def hits_of(doc: Doc) -> Iterable[ClauseHit]:
    hits: list[ClauseHit] | None = doc._.get(HITS_ATTR)
    return hits or ()
