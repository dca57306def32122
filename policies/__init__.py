"""Rule packs for student-privacy law, and the engine that checks agreement clauses against them.

Pure library: (pack, clauses, context) -> findings. Packs are YAML data under
`policies/packs/`; see policies/README.md for the format.
"""

from __future__ import annotations

from policies.cases import Case, CasesFile, load_cases
from policies.checks import Clauses
from policies.engine import evaluate, summarize
from policies.errors import (
    DuplicateRuleIdError,
    PackSyntaxError,
    PackValidationError,
    PolicyError,
    UnknownPackError,
)
from policies.loader import (
    available_states,
    load_pack,
    load_pack_source,
    load_packs,
    pack_for_state,
    shipped_packs,
)
from policies.types import (
    Check,
    Citation,
    ClauseFact,
    Context,
    Fact,
    Finding,
    Outcome,
    Pack,
    Rule,
    Severity,
)

__all__ = [
    "Case",
    "CasesFile",
    "Check",
    "Citation",
    "ClauseFact",
    "Clauses",
    "Context",
    "DuplicateRuleIdError",
    "Fact",
    "Finding",
    "Outcome",
    "Pack",
    "PackSyntaxError",
    "PackValidationError",
    "PolicyError",
    "Rule",
    "Severity",
    "UnknownPackError",
    "available_states",
    "evaluate",
    "load_cases",
    "load_pack",
    "load_pack_source",
    "load_packs",
    "pack_for_state",
    "shipped_packs",
    "summarize",
]
