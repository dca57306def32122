"""The clause labels, stances and attributes that rules may test (mirrors shared/TAXONOMY.md).

A copy, not an import: `policies` must not depend on `extractors`. tests/test_contracts.py
checks that both packages hold the same label set.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["ALLOWED_STANCES", "ATTRIBUTES", "LABELS", "STANCES"]

STANCES: tuple[str, ...] = ("conditional", "permits", "prohibits", "requires")

_P, _M, _C, _R = "prohibits", "permits", "conditional", "requires"

# label -> stances the taxonomy allows for it.
ALLOWED_STANCES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "data_sale": (_P, _M, _C),
        "targeted_advertising": (_P, _M),
        "profiling": (_P, _M, _C),
        "purpose_limitation": (_R,),
        "third_party_disclosure": (_P, _M, _C),
        "subprocessors": (_R, _M),
        "data_ownership": (_R,),
        "ferpa_school_official": (_R,),
        "coppa_consent": (_R, _M),
        "parent_access": (_R,),
        "deletion": (_R,),
        "data_retention": (_R, _M),
        "deidentified_data": (_M, _P, _C),
        "breach_notification": (_R,),
        "security_safeguards": (_R,),
        "employee_access": (_R,),
        "data_location": (_R, _M),
        "law_enforcement_requests": (_R, _M),
        "policy_changes": (_M, _R),
        "merger_transfer": (_M, _C),
        "product_improvement": (_M, _P, _C),
        "audit_rights": (_R,),
        "insurance_indemnity": (_R,),
        "governing_law": (_R,),
        "term": (_R,),
    }
)

LABELS: tuple[str, ...] = tuple(ALLOWED_STANCES)

# label -> attribute names the extractor may attach (durations in hours or days).
ATTRIBUTES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "third_party_disclosure": ("conditions",),
        "subprocessors": ("flow_down", "list_available"),
        "parent_access": ("deadline_days",),
        "deletion": ("period_days", "trigger", "certification"),
        "data_retention": ("period_days",),
        "deidentified_data": ("no_reidentification",),
        "breach_notification": ("deadline_hours", "deadline_text", "notify"),
        "security_safeguards": ("encryption_in_transit", "encryption_at_rest", "standard"),
        "data_location": ("region",),
        "policy_changes": ("notice_days", "consent_required"),
        "merger_transfer": ("successor_bound",),
        "governing_law": ("state",),
        "term": ("period_days", "expires_on"),
    }
)
