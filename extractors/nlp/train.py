"""Reproducible training of the clause classifier: one call, fixed seed, CPU only.

The pipeline is defined by a spaCy config (`CONFIG` below); training runs on the corpus's
train split, keeps the epoch that scores best on dev (early stopping), then tunes the
thresholds that combine the model with the rule patterns on dev, and writes the pipeline with
its scores and the corpus digest into `meta.json`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc
from spacy.training import Example as SpacyExample
from spacy.util import load_model_from_config
from thinc.api import Config, Optimizer, fix_random_seed

from extractors.components import CLAUSES_KEY, batched
from extractors.nlp import model as _model  # registers extractors.ClauseBOW.v1
from extractors.nlp.corpus import Corpus, Example
from extractors.pipeline import build_nlp
from extractors.taxonomy import ALLOWED_STANCES, LABELS

__all__ = ["CONFIG", "TrainResult", "cats_of", "model_scores", "train"]

SEED = 0
CONFIG = """
[system]
seed = 0
gpu_allocator = null

[nlp]
lang = "en"
pipeline = ["textcat_multilabel"]
batch_size = 1000

[components]

[components.textcat_multilabel]
factory = "textcat_multilabel"
threshold = 0.5

[components.textcat_multilabel.model]
@architectures = "extractors.ClauseBOW.v1"
ngram_size = 1
length = 32768
nO = null

[training]
seed = 0
dropout = 0.1
max_epochs = 40
patience = 6
batch_size = 32

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.002
L2 = 0.0
use_averages = true
"""
TEXTCAT = "textcat_multilabel"


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainResult:
    nlp: Language
    best_epoch: int
    dev_score: float
    epochs: int
    seconds: float


def cats_of(example: Example) -> dict[str, float]:
    """Gold scores of every class for one clause."""
    cats = {cls: 0.0 for cls in _model.CLASSES}
    for label, stance in example.labels.items():
        cats[label] = 1.0
        if len(ALLOWED_STANCES[label]) > 1:
            cats[_model.stance_class(label, stance)] = 1.0
    return cats


def train(
    corpus: Corpus,
    *,
    seed: int = SEED,
    log: Callable[[str], None] = lambda _: None,
) -> TrainResult:
    """Train on the train split, early-stopped on dev; same corpus and seed, same weights."""
    started = time.perf_counter()
    config = Config().from_str(CONFIG)
    fix_random_seed(seed)
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    textcat = nlp.get_pipe(TEXTCAT)
    if not isinstance(textcat, TextCategorizer):  # pragma: no cover - spaCy contract
        raise TypeError("unexpected pipe type")
    for cls in _model.CLASSES:
        textcat.add_label(cls)
    train_examples = corpus.examples("train")
    docs = featurize(nlp, [e.text for e in train_examples])
    train_set = [
        SpacyExample.from_dict(doc, {"cats": cats_of(e)})
        for doc, e in zip(docs, train_examples, strict=True)
    ]
    dev = corpus.examples("dev")
    settings = config["training"]
    optimizer: Optimizer = nlp.initialize(lambda: train_set)
    optimizer.learn_rate = float(settings["optimizer"]["learn_rate"])
    shuffler = random.Random(seed)  # noqa: S311 - shuffling training data, not secrets
    best = (-1.0, 0, nlp.to_bytes())
    epoch = 0
    for epoch in range(1, int(settings["max_epochs"]) + 1):
        shuffler.shuffle(train_set)
        losses: dict[str, float] = {}
        for batch in batched(train_set, int(settings["batch_size"])):
            nlp.update(batch, sgd=optimizer, drop=float(settings["dropout"]), losses=losses)
        with nlp.select_pipes(enable=[TEXTCAT]), textcat.model.use_params(optimizer.averages or {}):
            score = model_scores(nlp, dev)["score"]
            if score > best[0]:
                best = (score, epoch, nlp.to_bytes())
        log(f"epoch {epoch:>2}  loss {losses.get(TEXTCAT, 0.0):8.3f}  dev {score:.4f}")
        if epoch - best[1] >= int(settings["patience"]):
            break
    nlp.from_bytes(best[2])
    return TrainResult(
        nlp=nlp,
        best_epoch=best[1],
        dev_score=round(best[0], 4),
        epochs=epoch,
        seconds=round(time.perf_counter() - started, 1),
    )


_RULES: list[Language] = []


def featurize(nlp: Language, texts: Sequence[str]) -> list[Doc]:
    """Classifier inputs: each text tokenized, with the cues the rule patterns give it."""
    if not _RULES:
        _RULES.append(build_nlp(rules_only=True))
    rules = _RULES[0]
    with rules.select_pipes(enable=["clause_ruler"]):
        ruled = list(rules.pipe(texts))
    return [
        _model.set_cues(nlp.make_doc(text), text, doc.spans.get(CLAUSES_KEY, []))
        for text, doc in zip(texts, ruled, strict=True)
    ]


def predict(nlp: Language, texts: Sequence[str]) -> numpy.ndarray[Any, Any]:
    """Class probabilities, one row per text, columns in `CLASSES` order."""
    textcat = nlp.get_pipe(TEXTCAT)
    if not isinstance(textcat, TextCategorizer):  # pragma: no cover - spaCy contract
        raise TypeError("unexpected pipe type")
    docs = featurize(nlp, texts)
    scores = textcat.predict(docs) if docs else numpy.zeros((0, len(textcat.labels)))
    order = [textcat.labels.index(c) for c in _model.CLASSES]
    return numpy.asarray(scores)[:, order]


def model_scores(nlp: Language, examples: Sequence[Example]) -> dict[str, float]:
    """Model alone at threshold 0.5: micro-F1 of labels, and of label+stance (stance by
    argmax); `score` is their mean, what early stopping maximises."""
    probs = predict(nlp, [e.text for e in examples])
    index = {c: i for i, c in enumerate(_model.CLASSES)}
    tp = fp = fn = stp = sfp = sfn = 0
    for row, example in zip(probs, examples, strict=True):
        for label in LABELS:
            predicted = row[index[label]] >= 0.5
            gold = example.labels.get(label)
            tp += int(predicted and gold is not None)
            fp += int(predicted and gold is None)
            fn += int(not predicted and gold is not None)
            if predicted:
                stance = best_stance(label, row, index)
                hit = gold == stance
                stp += int(hit)
                sfp += int(not hit)
                sfn += int(gold is not None and not hit)
            else:
                sfn += int(gold is not None)
    label_f1 = 2 * tp / max(1, 2 * tp + fp + fn)
    stance_f1 = 2 * stp / max(1, 2 * stp + sfp + sfn)
    return {"label_f1": label_f1, "label_stance_f1": stance_f1, "score": (label_f1 + stance_f1) / 2}


def best_stance(label: str, row: Any, index: dict[str, int]) -> str:
    allowed = ALLOWED_STANCES[label]
    if len(allowed) == 1:
        return allowed[0]
    return max(allowed, key=lambda s: float(row[index[_model.stance_class(label, s)]]))
