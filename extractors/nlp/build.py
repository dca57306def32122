"""`registry nlp train`: train the classifier, tune how it combines with the rules, ship it.

The combination thresholds are chosen on the dev split for the best micro-F1 of label+stance
of the combined pipeline; the test split is never looked at here.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import spacy

from extractors.components import ClauseAnnotator, Combine
from extractors.nlp.corpus import SPLITS, Corpus, load_corpus
from extractors.nlp.evaluate import evaluate
from extractors.nlp.train import TEXTCAT, train
from extractors.pipeline import build_nlp

__all__ = ["DEFAULT_CORPUS", "DEFAULT_MODEL", "combined_pipeline", "train_and_save"]

_PACKAGE = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = _PACKAGE / "corpus"
DEFAULT_MODEL = _PACKAGE / "model"

# Never below 0.5: a label the model finds less likely than not is no clause to show an
# officer (on the real agreements of docs/handcheck, such clauses were mostly wrong).
_MODEL_ONLY = (0.5, 0.55, 0.6, 0.65, 0.7)
_AGREE = (0.02, 0.05, 0.1, 0.2, 0.3)


def combined_pipeline(classifier: Any, combine: Combine) -> spacy.language.Language:
    nlp = build_nlp(rules_only=True)
    annotator = nlp.get_pipe("clause_annotator")
    if not isinstance(annotator, ClauseAnnotator):  # pragma: no cover - spaCy contract
        raise TypeError("unexpected pipe type")
    annotator.use_classifier(classifier, combine)
    return nlp


def tune(corpus: Corpus, classifier: Any) -> tuple[Combine, float]:
    """The thresholds with the best dev micro-F1 of label+stance (ties: the first in order)."""
    dev = corpus.examples("dev")
    nlp = combined_pipeline(classifier, Combine())
    annotator = nlp.get_pipe("clause_annotator")
    if not isinstance(annotator, ClauseAnnotator):  # pragma: no cover - spaCy contract
        raise TypeError("unexpected pipe type")
    best: tuple[float, Combine] = (-1.0, Combine())
    for model_only, agree, keep in itertools.product(_MODEL_ONLY, _AGREE, (False, True)):
        combine = Combine(model_only=model_only, agree=agree, keep_rule_only=keep)
        annotator.combine = combine
        score = evaluate(nlp, dev).label_stance_f1
        if score > best[0] + 1e-9:
            best = (score, combine)
    return best[1], best[0]


def train_and_save(
    corpus_dir: Path, out_dir: Path, *, log: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Train on `corpus_dir`, write the pipeline into `out_dir` (replaced), return its meta."""
    corpus = load_corpus(corpus_dir)
    sizes = {s: len(corpus.examples(s)) for s in SPLITS}
    log(f"corpus: {len(corpus.documents)} documents, clauses {sizes}")
    result = train(corpus, log=log)
    classifier = result.nlp.get_pipe(TEXTCAT)
    combine, dev_f1 = tune(corpus, classifier)
    log(f"combine: {combine} (dev micro-F1 label+stance {dev_f1:.4f})")
    meta = {
        "corpus_sha256": corpus.sha256(),
        "clauses": sizes,
        "best_epoch": result.best_epoch,
        "dev_model_score": result.dev_score,
        "dev_label_stance_f1": round(dev_f1, 4),
        "combine": asdict(combine),
    }
    result.nlp.meta["name"] = "clauses"
    result.nlp.meta["version"] = "0.4.0"
    result.nlp.meta["description"] = "Clause labels and stances of student-data agreements"
    result.nlp.meta["registry"] = meta
    if out_dir.exists():
        shutil.rmtree(out_dir)
    result.nlp.to_disk(out_dir)
    log(f"wrote {out_dir} in {result.seconds} s of training")
    return meta
