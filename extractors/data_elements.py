"""Data elements (NDPA Exhibit B categories) named anywhere in a document, by keyword."""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors.taxonomy import DATA_ELEMENTS

__all__ = ["find_data_elements"]

# Each entry: element id -> words that name it. Matching is case-insensitive, on word edges.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "application_technology_meta_data": (
        r"ip address(?:es)?",
        r"device (?:id|identifiers?|information|type|data)",
        r"browser (?:type|information|version)",
        r"cookies?",
        r"operating system",
        r"meta-?data",
        r"log (?:data|files?|information)",
    ),
    "application_use_statistics": (
        r"usage (?:data|information|statistics)",
        r"use statistics",
        r"pages? visited",
        r"clickstream",
        r"time spent",
        r"analytics data",
    ),
    "assessment": (
        r"test scores?",
        r"assessments?(?: results| data| scores)?",
        r"standardi[sz]ed tests?",
        r"quiz (?:results|scores)",
    ),
    "attendance": (r"attendance", r"absences?", r"tardies|tardiness"),
    "communications": (
        r"communications?",
        r"messages?",
        r"chat (?:logs?|messages?)",
        r"online communications",
    ),
    "conduct": (
        r"conduct (?:records?|data)",
        r"disciplin(?:e|ary)(?: records?)?",
        r"behaviou?ral records?",
    ),
    "demographics": (
        r"date of birth",
        r"birth ?date",
        r"gender",
        r"ethnicity",
        r"race",
        r"language (?:information|spoken)|primary language|native language",
        r"place of birth",
        r"demographic(?:s| information| data)",
    ),
    "enrollment": (r"enrol(?:l)?ment", r"grade level", r"homeroom", r"year of graduation"),
    "parent_guardian_contact_information": (
        r"parent(?:'s|s'|/guardian)? (?:email|phone|address|contact)",
        r"guardian(?:'s)? (?:email|phone|address|contact)",
    ),
    "parent_guardian_id": (r"parent (?:id|identification number)",),
    "parent_guardian_name": (
        r"parent(?:'s|/guardian)? (?:first |last |full )?name",
        r"guardian(?:'s)? name",
    ),
    "schedule": (r"(?:class|student|course) schedules?", r"teacher names?"),
    "special_indicator": (
        r"special education",
        r"disabilit(?:y|ies)",
        r"\biep\b",
        r"504 plans?",
        r"english language learner",
        r"\bell\b status",
        r"low income",
        r"free or reduced",
        r"medical (?:alerts?|conditions?|information)",
        r"health (?:conditions?|records?)",
        r"specialized education",
    ),
    "student_contact_information": (
        r"student(?:'s|s')? (?:email|phone|address|contact)",
        r"email address(?:es)?",
        r"phone numbers?",
        r"mailing address(?:es)?",
        r"home address(?:es)?",
    ),
    "student_identifiers": (
        r"student (?:id|identification|number|names?|first name|last name)",
        r"(?:first|last|full) name",
        r"usernames?",
        r"user ids?",
        r"local \(?school district\)? id",
        r"state id",
        r"login credentials?",
        r"passwords?",
        r"student app username",
    ),
    "student_in_app_performance": (
        r"program/application performance",
        r"in-app performance",
        r"progress (?:data|reports?)",
        r"reading level",
        r"performance data",
        r"typing speed",
    ),
    "student_program_membership": (
        r"academic or extracurricular",
        r"extracurricular",
        r"program membership",
        r"gifted",
        r"sports participation",
    ),
    "student_survey_responses": (
        r"survey responses?",
        r"student surveys?",
        r"questionnaire responses?",
    ),
    "student_work": (
        r"student work",
        r"student[- ]generated content",
        r"essays?",
        r"(?:student|homework|class) assignments?",
        r"homework",
        r"student projects?",
        r"writing samples?",
        r"user content",
    ),
    "transcript": (
        r"transcripts?",
        r"grades?(?! level)",
        r"report cards?",
        r"grade point average|\bgpa\b",
    ),
    "transportation": (
        r"bus (?:routes?|stops?|assignments?)",
        r"transportation",
        r"student pick-?up",
    ),
}

_PATTERNS = {
    element: re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])", re.IGNORECASE)
    for element, words in _KEYWORDS.items()
}
if not set(_PATTERNS) <= set(DATA_ELEMENTS):  # pragma: no cover - a programming error
    raise RuntimeError("data element keywords use ids outside the taxonomy")


def find_data_elements(texts: Iterable[str]) -> tuple[str, ...]:
    """Sorted unique element ids named in any of `texts`."""
    found: set[str] = set()
    for text in texts:
        for element, pattern in _PATTERNS.items():
            if element not in found and pattern.search(text):
                found.add(element)
    return tuple(sorted(found))
