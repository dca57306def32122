"""Which packs an agreement is checked against, and read -> extract -> check.

Shared by uploads, re-checks and `registry check`; only `packs_for_district` reads the
database (a district's choices), the rest is pure composition.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language

from extractors import Extraction, extract
from policies import (
    ClauseFact,
    Clauses,
    Context,
    Finding,
    Pack,
    available_states,
    evaluate,
    load_pack,
    load_pack_source,
    pack_for_state,
    shipped_packs,
    summarize,
)
from registry.models import District, DistrictPack

__all__ = [
    "FEDERAL",
    "CheckReport",
    "check_bytes",
    "compose_packs",
    "default_pack_ids",
    "evaluate_packs",
    "load_pack_file",
    "packs_for_district",
    "packs_for_state",
    "stored_pack",
]

FEDERAL = "federal"


def default_pack_ids(state: str) -> tuple[str, ...]:
    """What a district is checked against until its admin chooses: its state's pack (when we
    ship one) and federal law."""
    code = state.strip().upper()
    ids = [pack_for_state(code).id] if code in available_states() else []
    return (*ids, FEDERAL)


def compose_packs(state: str, enabled: Sequence[str], own: Sequence[Pack] = ()) -> tuple[Pack, ...]:
    """The packs an agreement is evaluated against, in order, each rule reported once.

    `enabled` lists shipped pack ids (empty: `default_pack_ids(state)`; unknown ids are
    skipped). Each pack of `own` (district packs, or `--pack` files) that extends a pack in
    the list takes that pack's place: it already holds the base's rules with its overrides,
    so evaluating both would report New York's breach rule twice with two verdicts. A pack
    whose base is not in the list is added at the end and brings its base's rules with it.
    A second pack extending the same base would double-report; the registry refuses to
    enable one, and here it replaces the pack that took the base's place before it.
    """
    shipped = {p.id: p for p in shipped_packs()}
    packs = [shipped[i] for i in dict.fromkeys(enabled or default_pack_ids(state)) if i in shipped]
    for pack in own:
        at = next(
            (i for i, p in enumerate(packs) if p.id in (pack.extends, pack.id)
             or (p.extends is not None and p.extends == pack.extends)),
            None,
        )  # fmt: skip
        if at is None:
            packs.append(pack)
        else:
            packs[at] = pack
    return tuple(packs)


def load_pack_file(path: Path) -> Pack:
    """A pack directory or its pack.yaml, or a single-file district pack (what the registry
    stores, e.g. `district.yaml`)."""
    if path.is_file() and path.name != "pack.yaml":
        return load_pack_source(path.read_text(encoding="utf-8"), name=str(path))
    return load_pack(path)


def packs_for_state(state: str, extra: Sequence[Path] = ()) -> tuple[Pack, ...]:
    """`registry check --state XX [--pack FILE]`: the state's pack and federal; each extra
    pack is added, or replaces the pack it extends (see `compose_packs`)."""
    return compose_packs(state, (), [load_pack_file(path) for path in extra])


@functools.lru_cache(maxsize=64)
def stored_pack(source: str, revision: int, name: str) -> Pack:
    """A district pack from its stored YAML; its findings record the stored revision (the
    number every save bumps), so a re-check after any edit rewrites them."""
    pack = load_pack_source(source, name=name)
    return dataclasses.replace(pack, version=str(revision))


async def packs_for_district(district: District) -> tuple[Pack, ...]:
    """The packs an upload or re-check in `district` is evaluated against: its enabled
    shipped packs (or the defaults) with its enabled district packs in place of their bases.
    """
    rows = await DistrictPack.filter(district_id=district.id, is_enabled=True).order_by("pack_id")
    own = [stored_pack(r.source, r.version, f"{r.pack_id}.yaml") for r in rows]
    return compose_packs(district.state, district.enabled_packs or (), own)


def evaluate_packs(
    packs: Iterable[Pack], clauses: Sequence[ClauseFact], context: Context
) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    facts = Clauses(clauses)  # indexed by label once for every pack
    for pack in packs:
        findings.extend(evaluate(pack, facts, context))
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
