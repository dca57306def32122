"""Taxonomy ids (labels, stances, data elements) as the extractor emits them.

Mirrors shared/TAXONOMY.md; tests/test_contracts.py checks that the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["ALLOWED_STANCES", "DATA_ELEMENTS", "LABELS", "STANCES"]

STANCES: tuple[str, ...] = ("conditional", "permits", "prohibits", "requires")

_P, _M, _C, _R = "prohibits", "permits", "conditional", "requires"

# label -> stances the taxonomy allows for it, in the order the taxonomy lists them.
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

DATA_ELEMENTS: tuple[str, ...] = (
    "application_technology_meta_data",
    "application_use_statistics",
    "assessment",
    "attendance",
    "communications",
    "conduct",
    "demographics",
    "enrollment",
    "other",
    "parent_guardian_contact_information",
    "parent_guardian_id",
    "parent_guardian_name",
    "schedule",
    "special_indicator",
    "student_contact_information",
    "student_identifiers",
    "student_in_app_performance",
    "student_program_membership",
    "student_survey_responses",
    "student_work",
    "transcript",
    "transportation",
)
