"""Scores of the combined pipeline (rules + model, what `extract` produces) on annotated clauses.

Each annotated clause is run through the whole pipeline as its own text; the labels found in
any of its sentences are its predictions (the most confident hit per label). Metrics:
per-label precision / recall / F1 (label only), micro-F1 of (label, stance) pairs, stance
accuracy on the labels found, and attribute exact match on the labels found whose taxonomy
entry has attributes (every key and value equal, nothing extra).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language

from extractors.components import ClauseHit, hits_of
from extractors.nlp.corpus import ATTRIBUTE_KEYS, Example
from extractors.taxonomy import LABELS

__all__ = ["TARGETS", "LabelScore", "Report", "evaluate", "predict_hits"]

# Done-when figures of issue 4.
TARGETS = {"label_stance_f1": 0.90, "label_f1": 0.80, "attribute_accuracy": 0.90}


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelScore:
    label: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    examples: int
    labels: tuple[LabelScore, ...]
    label_stance_f1: float
    stance_accuracy: float
    stance_total: int
    attribute_accuracy: float
    attribute_total: int
    errors: tuple[str, ...] = field(default=())

    @property
    def label_micro_f1(self) -> float:
        tp = sum(s.tp for s in self.labels)
        return 2 * tp / max(1, 2 * tp + sum(s.fp + s.fn for s in self.labels))

    def failures(self) -> list[str]:
        """The targets missed, in words; empty when every target is met."""
        missed = []
        if self.label_stance_f1 < TARGETS["label_stance_f1"]:
            missed.append(f"micro-F1 of label+stance {self.label_stance_f1:.3f} < 0.90")
        missed.extend(
            f"F1 of {s.label} {s.f1:.3f} < 0.80 (support {s.support})"
            for s in self.labels
            if s.support and s.f1 < TARGETS["label_f1"]
        )
        missed.extend(
            f"{s.label} has no example in this split" for s in self.labels if not s.support
        )
        if self.attribute_accuracy < TARGETS["attribute_accuracy"]:
            missed.append(f"attribute exact match {self.attribute_accuracy:.3f} < 0.90")
        return missed

    def to_json(self) -> dict[str, Any]:
        return {
            "examples": self.examples,
            "label_micro_f1": round(self.label_micro_f1, 4),
            "label_stance_f1": round(self.label_stance_f1, 4),
            "stance_accuracy": round(self.stance_accuracy, 4),
            "attribute_accuracy": round(self.attribute_accuracy, 4),
            "labels": {
                s.label: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for s in self.labels
            },
        }


def predict_hits(nlp: Language, texts: Sequence[str]) -> list[dict[str, ClauseHit]]:
    """Per text, label -> the most confident hit of the combined pipeline."""
    found: list[dict[str, ClauseHit]] = []
    for doc in nlp.pipe(texts, batch_size=256):
        best: dict[str, ClauseHit] = {}
        for hit in hits_of(doc):
            if hit.label not in best or hit.confidence > best[hit.label].confidence:
                best[hit.label] = hit
        found.append(best)
    return found


def evaluate(nlp: Language, examples: Sequence[Example], *, keep_errors: int = 0) -> Report:
    predictions = predict_hits(nlp, [e.text for e in examples])
    counts = {label: [0, 0, 0] for label in LABELS}
    stp = sfp = sfn = stance_ok = stance_n = attr_ok = attr_n = 0
    errors: list[str] = []
    for example, predicted in zip(examples, predictions, strict=True):
        for label in LABELS:
            gold, hit = example.labels.get(label), predicted.get(label)
            if hit is None and gold is None:
                continue
            counts[label][0 if hit and gold else 1 if hit else 2] += 1
            right = hit is not None and gold == hit.stance
            stp, sfp = stp + int(right), sfp + int(hit is not None and not right)
            sfn += int(gold is not None and not right)
            if hit is not None and gold is not None:
                stance_n, stance_ok = stance_n + 1, stance_ok + int(right)
                if label in ATTRIBUTE_KEYS:
                    same = _same(example.attributes.get(label, {}), hit.attributes)
                    attr_n, attr_ok = attr_n + 1, attr_ok + int(same)
                    if not same and len(errors) < keep_errors:
                        errors.append(_error(example, label, "attributes", hit.attributes))
            if not right and len(errors) < keep_errors:
                errors.append(_error(example, label, gold, hit and hit.stance))
    return Report(
        examples=len(examples),
        labels=tuple(LabelScore(label=k, tp=v[0], fp=v[1], fn=v[2]) for k, v in counts.items()),
        label_stance_f1=2 * stp / max(1, 2 * stp + sfp + sfn),
        stance_accuracy=stance_ok / stance_n if stance_n else 0.0,
        stance_total=stance_n,
        attribute_accuracy=attr_ok / attr_n if attr_n else 1.0,
        attribute_total=attr_n,
        errors=tuple(errors),
    )


def _same(gold: Mapping[str, Any], found: Mapping[str, Any]) -> bool:
    if set(gold) != set(found):
        return False
    for key, value in gold.items():
        other = found[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not isinstance(other, int | float) or abs(float(other) - float(value)) > 1e-6:
                return False
        elif isinstance(value, list):
            if not isinstance(other, list | tuple) or list(other) != value:
                return False
        elif value != other:
            return False
    return True


def _error(example: Example, label: str, gold: Any, found: Any) -> str:
    where = f"{example.document}:{example.line}"
    return f"{where}: {label}: gold {gold!r}, found {found!r}: {example.text[:100]}"
