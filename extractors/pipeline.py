"""The spaCy pipeline: blank English, legal sentencizer, clause_ruler (patterns/), annotator."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import TextCategorizer

from extractors import components
from extractors.errors import PatternError
from extractors.nlp.model import CLASSES, ModelError, shipped_model_dir
from extractors.ruler import ClauseRuler, compile_pattern
from extractors.taxonomy import LABELS

__all__ = ["Pattern", "build_nlp", "load_patterns"]

_RULER_KEYS = frozenset({"id", "label", "pattern"})
_ALLOWED_KEYS = _RULER_KEYS | {"confidence", "comment"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Pattern:
    id: str
    label: str
    pattern: list[dict[str, Any]] | str
    confidence: float


def load_patterns() -> tuple[Pattern, ...]:
    """Every shipped pattern, validated; PatternError names the file and line."""
    folder = resources.files("extractors") / "patterns"
    seen: set[str] = set()
    found: list[Pattern] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".jsonl"):
            continue
        stem = entry.name.removesuffix(".jsonl")
        for number, line in enumerate(entry.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                pattern = _parse_line(line, entry.name, number, stem)
                if pattern.id in seen:
                    raise PatternError(f"duplicate id {pattern.id!r}", file=entry.name, line=number)
                seen.add(pattern.id)
                found.append(pattern)
    return tuple(found)


def _parse_line(line: str, file: str, number: int, stem: str) -> Pattern:
    def fail(message: str) -> PatternError:
        return PatternError(message, file=file, line=number)

    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise fail(f"not JSON: {exc.msg}") from exc
    if not isinstance(raw, dict):
        raise fail("a pattern line must be a JSON object")
    if unknown := set(raw) - _ALLOWED_KEYS:
        raise fail(f"unknown keys {sorted(unknown)}")
    label, pid, confidence = raw.get("label"), raw.get("id"), raw.get("confidence", 0.8)
    if label not in LABELS or label != stem:
        raise fail(f"label {label!r} must be a taxonomy label and match the file name")
    if not isinstance(pid, str) or not pid.startswith(f"{label}.") or pid == f"{label}.":
        raise fail(f"id {pid!r} must look like '{label}.<slug>'")
    if not isinstance(confidence, int | float) or not 0 < confidence <= 1:
        raise fail(f"confidence {confidence!r} must be in (0, 1]")
    if not isinstance(raw.get("pattern"), list | str) or not raw["pattern"]:
        raise fail("pattern must be a non-empty token list or phrase")
    try:
        compile_pattern(raw["pattern"])
    except ValueError as exc:
        raise fail(str(exc)) from exc
    return Pattern(id=pid, label=label, pattern=raw["pattern"], confidence=float(confidence))


def build_nlp(model: Path | None = None, *, rules_only: bool = False) -> Language:
    """A fresh pipeline; build once and reuse it, it holds the compiled patterns.

    `model` is a trained pipeline folder (default: the one shipped in extractors/model/);
    `rules_only` leaves the classifier out, as the rule-only baseline of the benchmarks.

    Raises:
        ModelError: the model folder cannot be loaded or was trained for other classes.
    """
    patterns = load_patterns()
    nlp = spacy.blank("en")
    nlp.add_pipe("legal_sentencizer")
    ruler = nlp.add_pipe("clause_ruler", config={"spans_key": components.CLAUSES_KEY})
    if not isinstance(ruler, ClauseRuler):  # pragma: no cover - spaCy contract
        raise TypeError("clause_ruler is not a ClauseRuler")
    ruler.add_patterns(patterns)
    annotator = nlp.add_pipe(
        "clause_annotator",
        config={"confidences": {p.id: p.confidence for p in patterns}},
    )
    if not isinstance(annotator, components.ClauseAnnotator):  # pragma: no cover - spaCy contract
        raise TypeError("unexpected pipe type")
    folder = None if rules_only else (model or shipped_model_dir())
    if folder is not None:
        classifier, meta = load_classifier(folder)
        annotator.use_classifier(classifier, components.Combine.from_meta(meta))
    return nlp


def load_classifier(folder: Path) -> tuple[TextCategorizer, dict[str, Any]]:
    """The trained textcat of `folder` and the registry's part of its meta.json."""
    try:
        trained = spacy.load(folder)
        textcat = trained.get_pipe("textcat_multilabel")
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"cannot load the clause model: {exc}", folder=str(folder)) from exc
    if not isinstance(textcat, TextCategorizer) or set(textcat.labels) != set(CLASSES):
        raise ModelError(
            "the clause model was trained for other labels than this taxonomy; retrain it "
            "with `registry nlp train`",
            folder=str(folder),
        )
    return textcat, dict(trained.meta.get("registry", {}))
