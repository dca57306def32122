"""The trained clause classifier: its architecture, its classes and where it ships.

A bag-of-words textcat_multilabel (lower-cased words, their stems and word families, the
rule patterns and stance cues that fired, and pairs of families and cues, hashed into a
sparse linear layer) predicts, per clause, one class per taxonomy label ("deletion") and, for labels
that allow more than one stance, one class per stance ("data_sale:prohibits").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, cast

from spacy import util as spacy_util
from spacy.attrs import LOWER
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.strings import hash_string  # type: ignore[attr-defined]
from spacy.tokens import Doc, Span
from thinc.api import Logistic, Model, SparseLinear_v2, chain, resizable, with_cpu
from thinc.layers.resizable import resize_linear_weighted
from thinc.types import Floats2d

from extractors.errors import ExtractionError
from extractors.nlp.concepts import concepts_in, stems_in
from extractors.stance import stance_cues
from extractors.taxonomy import ALLOWED_STANCES, LABELS

__all__ = [
    "CLASSES",
    "CUES_ATTR",
    "MODEL_DIR",
    "ClauseInput",
    "ModelError",
    "build_clause_bow",
    "clause_inputs",
    "cues_of",
    "set_cues",
    "shipped_model_dir",
    "stance_class",
]

MODEL_DIR = "model"
CUES_ATTR = "clause_cues"
if not Doc.has_extension(CUES_ATTR):
    Doc.set_extension(CUES_ATTR, default=None)
_NEG_VALUE = -5000.0


class ModelError(ExtractionError):
    """The trained clause model cannot be loaded: a packaging bug, raised at start-up."""

    code: ClassVar[str] = "invalid_model"

    def __init__(self, message: str, *, folder: str) -> None:
        self.folder = folder
        super().__init__(f"{folder}: {message}")


def stance_class(label: str, stance: str) -> str:
    return f"{label}:{stance}"


# Label classes first, then stance classes of the labels with a choice of stance.
CLASSES: tuple[str, ...] = (
    *LABELS,
    *(
        stance_class(label, stance)
        for label in LABELS
        if len(ALLOWED_STANCES[label]) > 1
        for stance in ALLOWED_STANCES[label]
    ),
)


def shipped_model_dir() -> Path | None:
    """extractors/model/ when a trained pipeline is shipped there, else None."""
    folder = Path(str(resources.files("extractors") / MODEL_DIR))
    return folder if (folder / "config.cfg").is_file() else None


# A key every clause has: its weight is the per-class bias (the sparse layer's own bias
# barely moves, so clauses of unseen words scored ~0.5 for every class).
_BIAS_KEY = 0x5EED_B1A5


@dataclass(frozen=True, slots=True)
class ClauseInput:
    """A sentence as the classifier reads it, without copying it into a Doc of its own:
    its tokens' LOWER ids and its cues."""

    lowers: Any
    cues: tuple[str, ...]


def clause_inputs(
    doc: Doc, sents: Iterable[Span], cues: Iterable[Iterable[str]]
) -> list[ClauseInput]:
    lowers = doc.to_array([LOWER])
    return [
        ClauseInput(lowers[s.start : s.end], tuple(c)) for s, c in zip(sents, cues, strict=True)
    ]


def cues_of(text: str, spans: Iterable[Span]) -> list[str]:
    """The clause's features beside its words: the patterns that matched, stance cues, word
    families (alone, in pairs, and paired with each stance cue) and stems."""
    cues = {f"rule={span.label_}" for span in spans}
    cues.update(f"pattern={span.id_}" for span in spans)
    stance = stance_cues(text)
    cues.update(f"cue={cue}" for cue in stance)
    concepts = sorted(concepts_in(text))
    cues.update(f"concept={c}" for c in concepts)
    cues.update(f"concepts={a}+{b}" for i, a in enumerate(concepts) for b in concepts[i + 1 :])
    cues.update(f"cue+concept={q}+{c}" for q in stance for c in concepts)
    cues.update(f"stem={w}" for w in stems_in(text))
    return sorted(cues)


def set_cues(doc: Doc, text: str, spans: Iterable[Span]) -> Doc:
    """Give the classifier what the rules saw in the clause (see `cues_of`)."""
    doc._.set(CUES_ATTR, cues_of(text, spans))
    return doc


def _clause_ngrams(ngram_size: int) -> Model[list[Doc], Any]:
    """Each distinct lower-cased 1..n-gram of a clause once (value 1), plus the bias key."""

    def forward(model: Model[list[Doc], Any], docs: list[Any], is_train: bool) -> Any:
        xp = model.ops.xp
        batch_keys, lengths = [], []
        for doc in docs:
            if isinstance(doc, ClauseInput):
                unigrams, cues = doc.lowers, doc.cues
            else:
                unigrams, cues = doc.to_array([LOWER]), doc._.get(CUES_ATTR) or ()
            extra = [_BIAS_KEY, *(hash_string(c) for c in cues)]
            grams = [unigrams, xp.asarray(extra, dtype=unigrams.dtype)]
            grams.extend(model.ops.ngrams(n, unigrams) for n in range(2, ngram_size + 1))
            keys = xp.unique(xp.concatenate(grams))
            batch_keys.append(keys)
            lengths.append(keys.shape[0])
        keys = xp.concatenate(batch_keys)
        values = model.ops.alloc1f(keys.shape[0]) + 1.0
        return (keys, values, model.ops.asarray1i(lengths)), lambda d_output: []

    return Model("clause_ngrams", forward, attrs={"ngram_size": ngram_size})


@spacy_util.registry.architectures("extractors.ClauseBOW.v1")  # type: ignore[untyped-decorator]
def build_clause_bow(
    ngram_size: int,
    length: int,
    nO: int | None = None,  # noqa: N803 - spaCy's name for the output width
) -> Model[list[Doc], Floats2d]:
    """spaCy's TextCatBOW.v3 with a Logistic output, but on lower-cased tokens: agreements
    shout headings and defined terms ("STUDENT DATA", "Student Data") and mean the same."""
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    with Model.define_operators({">>": chain}):
        resizable_layer: Model[Any, Any] = resizable(
            sparse_linear,
            resize_layer=partial(resize_linear_weighted, fill_defaults={"b": _NEG_VALUE, "W": 0}),
        )
        model = _clause_ngrams(ngram_size) >> resizable_layer
        model = with_cpu(model, model.ops)
        output = Logistic()
        model = model >> with_cpu(output, output.ops)
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = True
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return cast("Model[list[Doc], Floats2d]", model)
