"""The annotated clause corpus: load and validate its JSONL files, split it by document.

One file is one document, named `<style>--<slug>.jsonl`; each line is one clause:
`{"text", "labels": {label: stance}, "attributes": {label: {...}}, "section"}`. The split into
train / dev / test is by document (a hash of the file name, ~70/15/15), so no document lends
sentences to two splits; `SPLITS.json` beside the files may pin a document to a split.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

from extractors.errors import ExtractionError
from extractors.taxonomy import ALLOWED_STANCES

__all__ = [
    "ATTRIBUTE_KEYS",
    "STYLES",
    "Corpus",
    "CorpusError",
    "Document",
    "Example",
    "Split",
    "load_corpus",
]

Split = Literal["train", "dev", "test"]
SPLITS: tuple[Split, ...] = ("train", "dev", "test")
STYLES = ("ndpa", "state_dpa", "vendor_dpa", "privacy_policy", "terms")
SPLITS_FILE = "SPLITS.json"

_LEA, _PARENTS, _AUTH = "lea", "parents", "authorities"
_CONDITIONS = ("consent", "law", "deidentified", "lea_direction", "safety")
_NUMBER, _BOOL, _TEXT = "number", "bool", "text"
# label -> attribute -> type; "list:a,b" is a list of those values in that order.
ATTRIBUTE_KEYS: Mapping[str, Mapping[str, str]] = {
    "third_party_disclosure": {"conditions": "list:" + ",".join(_CONDITIONS)},
    "subprocessors": {"flow_down": _BOOL, "list_available": _BOOL},
    "parent_access": {"deadline_days": _NUMBER},
    "deletion": {
        "period_days": _NUMBER,
        "trigger": "one:termination,request,no_longer_needed",
        "certification": _BOOL,
    },
    "data_retention": {"period_days": _NUMBER},
    "deidentified_data": {"no_reidentification": _BOOL},
    "breach_notification": {
        "deadline_hours": _NUMBER,
        "deadline_text": _TEXT,
        "notify": f"list:{_LEA},{_PARENTS},{_AUTH}",
    },
    "security_safeguards": {
        "encryption_in_transit": _BOOL,
        "encryption_at_rest": _BOOL,
        "standard": "one:NIST CSF,NIST 800-171,NIST 800-53,NIST,ISO 27001,SOC 2,CIS Controls",
    },
    "data_location": {"region": "one:US,EU,CA"},
    "policy_changes": {"notice_days": _NUMBER, "consent_required": _BOOL},
    "merger_transfer": {"successor_bound": _BOOL},
    "governing_law": {"state": _TEXT},
    "term": {"period_days": _NUMBER, "expires_on": _TEXT},
}
_KEYS = frozenset({"text", "labels", "attributes", "section"})


class CorpusError(ExtractionError):
    """A corpus file is malformed; the message names the file and line."""

    code: ClassVar[str] = "invalid_corpus"

    def __init__(self, message: str, *, file: str, line: int = 0) -> None:
        self.file = file
        self.line = line
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """One annotated clause; `labels` maps label -> stance, empty for a negative clause."""

    text: str
    labels: Mapping[str, str]
    attributes: Mapping[str, Mapping[str, Any]]
    section: str
    document: str
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    name: str
    style: str
    examples: tuple[Example, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    documents: tuple[Document, ...]
    splits: Mapping[str, Split]

    def examples(self, split: Split | None = None) -> tuple[Example, ...]:
        return tuple(
            example
            for document in self.documents
            if split is None or self.splits[document.name] == split
            for example in document.examples
        )

    def sha256(self) -> str:
        """A digest of every file's name and content, recorded with the trained model."""
        digest = hashlib.sha256()
        for document in self.documents:
            digest.update(document.name.encode())
            for example in document.examples:
                digest.update(json.dumps(_as_json(example), sort_keys=True).encode())
        return digest.hexdigest()


def _as_json(example: Example) -> dict[str, Any]:
    return {
        "text": example.text,
        "labels": dict(example.labels),
        "attributes": {k: dict(v) for k, v in example.attributes.items()},
        "section": example.section,
    }


def load_corpus(folder: Path) -> Corpus:
    """Every `*.jsonl` document under `folder`, validated, with its split.

    Raises:
        CorpusError: a file name, line or value breaks the format (file:line in the message).
    """
    if not folder.is_dir():
        raise CorpusError("no such corpus folder", file=str(folder))
    documents = tuple(load_document(path) for path in sorted(folder.glob("*.jsonl")))
    if not documents:
        raise CorpusError("the folder holds no <style>--<slug>.jsonl file", file=str(folder))
    pins = _read_pins(folder / SPLITS_FILE, {d.name for d in documents})
    splits = {d.name: pins.get(d.name) or hash_split(d.name) for d in documents}
    return Corpus(documents=documents, splits=splits)


def load_document(path: Path) -> Document:
    style, sep, slug = path.stem.partition("--")
    if not sep or style not in STYLES or not slug:
        raise CorpusError(
            f"file name must be <style>--<slug>.jsonl with style one of {', '.join(STYLES)}",
            file=path.name,
        )
    examples: list[Example] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                examples.append(_parse(line, path.name, number))
    if not examples:
        raise CorpusError("the document has no clause lines", file=path.name)
    return Document(name=path.name, style=style, examples=tuple(examples))


def _parse(line: str, file: str, number: int) -> Example:
    def fail(message: str) -> CorpusError:
        return CorpusError(message, file=file, line=number)

    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise fail(f"not JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(raw, dict):
        raise fail("a clause line must be a JSON object")
    if set(raw) != _KEYS:
        raise fail(f"keys must be exactly {sorted(_KEYS)}, got {sorted(raw)}")
    text, labels, attributes, section = (
        raw["text"],
        raw["labels"],
        raw["attributes"],
        raw["section"],
    )
    if not isinstance(text, str) or not text.strip():
        raise fail("text must be a non-empty string")
    if not isinstance(section, str):
        raise fail("section must be a string")
    if not isinstance(labels, dict):
        raise fail("labels must be an object of label -> stance")
    for label, stance in labels.items():
        if label not in ALLOWED_STANCES:
            raise fail(f"unknown label {label!r}")
        if stance not in ALLOWED_STANCES[label]:
            allowed = ", ".join(ALLOWED_STANCES[label])
            raise fail(f"stance {stance!r} is not allowed for {label} (allowed: {allowed})")
    if not isinstance(attributes, dict):
        raise fail("attributes must be an object of label -> {key: value}")
    for label, values in attributes.items():
        if label not in labels:
            raise fail(f"attributes for {label!r}, which is not among the labels")
        if not isinstance(values, dict):
            raise fail(f"attributes of {label} must be an object")
        for key, value in values.items():
            if problem := _attribute_problem(label, key, value):
                raise fail(f"{label}.{key}: {problem}")
    return Example(
        text=text,
        labels=dict(labels),
        attributes={k: dict(v) for k, v in attributes.items() if v},
        section=section,
        document=file,
        line=number,
    )


def _attribute_problem(label: str, key: str, value: Any) -> str | None:
    kind = ATTRIBUTE_KEYS.get(label, {}).get(key)
    if kind is None:
        return "not an attribute the taxonomy defines for this label"
    if kind == _NUMBER:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be a non-negative number"
    if kind == _BOOL:
        return None if value is True else "must be true (leave it out when false)"
    if kind == _TEXT:
        return None if isinstance(value, str) and value else "must be a non-empty string"
    choices = kind.split(":", 1)[1].split(",")
    if kind.startswith("one:"):
        return None if value in choices else f"must be one of {choices}"
    if not isinstance(value, list) or not value or any(v not in choices for v in value):
        return f"must be a non-empty list of {choices}"
    if value != sorted(set(value), key=choices.index):
        return f"must list each value once, in the order {choices}"
    return None


def hash_split(name: str) -> Split:
    """Stable split of a document from its file name alone: 70 / 15 / 15."""
    bucket = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def _read_pins(path: Path, names: set[str]) -> dict[str, Split]:
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"not JSON: {exc.msg}", file=path.name, line=exc.lineno) from exc
    if not isinstance(raw, dict) or any(v not in SPLITS for v in raw.values()):
        raise CorpusError('must map "<file>.jsonl" to "train", "dev" or "test"', file=path.name)
    # Pins of documents no longer in the folder are ignored: a removed file needs no edit here.
    return {name: cast(Split, split) for name, split in raw.items() if name in names}


def label_stance_counts(examples: Iterable[Example]) -> Counter[str]:
    return Counter(f"{label}:{stance}" for e in examples for label, stance in e.labels.items())


def balanced_splits(documents: Iterable[Document]) -> dict[str, Split]:
    """Hash splits, then documents moved from train so that dev and test each hold every
    label:stance the corpus has (the document richest in the missing pair moves first).

    Deterministic for a given set of files: `registry nlp split` pins the result."""
    docs = sorted(documents, key=lambda d: hashlib.sha256(d.name.encode()).hexdigest())
    splits: dict[str, Split] = {d.name: hash_split(d.name) for d in docs}
    wanted = sorted(label_stance_counts(e for d in docs for e in d.examples))
    for target in ("test", "dev"):
        for pair in wanted:
            have = sum(
                label_stance_counts(d.examples)[pair] for d in docs if splits[d.name] == target
            )
            if have:
                continue
            donors = [d for d in docs if splits[d.name] == "train"]
            donors.sort(key=lambda d: -label_stance_counts(d.examples)[pair])
            in_train = sum(label_stance_counts(d.examples)[pair] for d in donors)
            given = label_stance_counts(donors[0].examples)[pair] if donors else 0
            if given and in_train > given:  # train keeps examples of the pair too
                splits[donors[0].name] = target
    return splits
