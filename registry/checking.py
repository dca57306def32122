"""Read -> extract -> check, without a database: shared by uploads and `registry check`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language

from extractors import Extraction, extract
from policies import (
    ClauseFact,
    Context,
    Finding,
    Pack,
    available_states,
    evaluate,
    load_pack,
    pack_for_state,
    summarize,
)

__all__ = ["CheckReport", "check_bytes", "evaluate_packs", "packs_for_state"]


def packs_for_state(state: str, extra: Sequence[Path] = ()) -> tuple[Pack, ...]:
    """The packs a district in `state` is checked against (its state pack, plus extras)."""
    packs: list[Pack] = []
    if state.upper() in available_states():
        packs.append(pack_for_state(state))
    packs.extend(load_pack(path) for path in extra)
    return tuple(packs)


def evaluate_packs(
    packs: Iterable[Pack], clauses: Sequence[ClauseFact], context: Context
) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for pack in packs:
        findings.extend(evaluate(pack, clauses, context))
    return tuple(findings)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckReport:
    extraction: Extraction
    packs: tuple[Pack, ...]
    findings: tuple[Finding, ...]

    @property
    def passed(self) -> bool:
        return bool(summarize(self.findings)["passed"])

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.extraction.file,
            "sha256": self.extraction.sha256,
            "packs": [{"id": p.id, "version": p.version} for p in self.packs],
            "findings": [f.to_json() for f in self.findings],
            "summary": summarize(self.findings),
        }


def check_bytes(
    data: bytes,
    *,
    filename: str | None,
    packs: Sequence[Pack],
    context: Context,
    nlp: Language | None = None,
) -> CheckReport:
    """Extract clauses from a document and evaluate them (raises ExtractionError)."""
    extraction = extract(data, filename=filename, nlp=nlp)
    findings = evaluate_packs(packs, extraction.clauses, context)
    return CheckReport(extraction=extraction, packs=tuple(packs), findings=findings)
