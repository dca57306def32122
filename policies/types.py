"""Value objects of the policy engine: rules, packs, context, findings, and the clause port."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol

__all__ = [
    "Case",
    "Check",
    "Citation",
    "ClauseFact",
    "Context",
    "Fact",
    "Finding",
    "Outcome",
    "Pack",
    "Rule",
    "Severity",
]


class ClauseFact(Protocol):
    """One labelled clause, as the extractor produces it or the registry stores it.

    `attributes` holds typed values from the taxonomy (e.g. `deadline_hours: 72`,
    `notify: ["lea"]`); `page` is 1-based; `confidence` is in [0, 1].
    """

    @property
    def label(self) -> str: ...
    @property
    def stance(self) -> str: ...
    @property
    def attributes(self) -> Mapping[str, Any]: ...
    @property
    def text(self) -> str: ...
    @property
    def page(self) -> int: ...
    @property
    def confidence(self) -> float: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Fact:
    """A plain ClauseFact, for cases files and tests."""

    label: str
    stance: str
    attributes: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    text: str = ""
    page: int = 1
    confidence: float = 1.0


class Outcome(StrEnum):
    """What a rule concluded. `missing`: no clause carries the label the rule needs."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    MISSING = "missing"
    NEEDS_REVIEW = "needs_review"


class Severity(StrEnum):
    """How much a failed rule matters; a failed `blocker` fails the whole agreement."""

    BLOCKER = "blocker"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation:
    """Where a rule comes from; `str()` gives the short form, e.g. "8 NYCRR 121.10(a)"."""

    law: str
    section: str
    url: str | None = None
    effective: dt.date | None = None

    def __str__(self) -> str:
        return f"{self.law} {self.section}".strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """A parsed check: a kind from `policies.checks` with its parameters or sub-checks."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    children: tuple[Check, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One requirement of a law, tested by `check` against an agreement's clauses.

    `applies_to` lists agreement kinds (empty: every kind); `applies_if` lists context flags
    that must hold (e.g. `under_13: True`). `source` is "file:line" of the rule's id.
    """

    id: str
    title: str
    citation: Citation
    severity: Severity
    labels: tuple[str, ...]
    check: Check
    explanation: str
    applies_to: tuple[str, ...] = ()
    applies_if: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
    fail_message: str | None = None
    verify_citation: bool = False
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One example clause set and the outcome a rule must give; `clauses` is None for
    text-only cases (they need an extractor, see `policies.testing.run_pack_cases`)."""

    name: str
    expect: str
    clauses: tuple[Fact, ...] | None = None
    text: str | None = None
    context: Context = field(default_factory=lambda: Context())
    line: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Pack:
    """A versioned set of rules for one jurisdiction (or a district pack extending one).

    For a pack that `extends` another: `base` is that pack, `overridden` the ids of the
    inherited rules whose check this pack changed, and `cases` the pack's own cases per rule
    id (for its overrides and its own rules; shipped rules keep theirs in `.cases.yaml`).
    """

    id: str
    title: str
    version: str
    effective: dt.date | None
    jurisdiction: str
    rules: tuple[Rule, ...]
    source: str = ""
    state: str | None = None
    extends: str | None = None
    base: Pack | None = None
    overridden: tuple[str, ...] = ()
    cases: Mapping[str, tuple[Case, ...]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """Facts about the agreement that decide which rules apply.

    `agreement_kind` is one of ndpa, state_dpa, vendor_dpa, privacy_policy, terms; None
    means unknown, and then every rule applies.
    """

    agreement_kind: str | None = None
    under_13: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """The outcome of one rule for one agreement, with the clauses that decided it."""

    rule_id: str
    pack_id: str
    pack_version: str
    title: str
    citation: Citation
    severity: Severity
    labels: tuple[str, ...]
    outcome: Outcome
    explanation: str
    evidence: tuple[ClauseFact, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape stored by the registry and shown by the API."""
        return {
            "rule": self.rule_id,
            "title": self.title,
            "citation": str(self.citation),
            "labels": list(self.labels),
            "severity": str(self.severity),
            "outcome": str(self.outcome),
            "explanation": self.explanation,
            "evidence": [{"page": c.page, "text": c.text} for c in self.evidence],
        }
