"""Taxonomy ids as the registry uses them, with words a parent understands."""

from __future__ import annotations

from extractors import DATA_ELEMENTS, LABELS

__all__ = ["DATA_ELEMENT_IDS", "DATA_ELEMENT_NAMES", "LABEL_IDS", "data_element_name"]

DATA_ELEMENT_IDS: frozenset[str] = frozenset(DATA_ELEMENTS)
LABEL_IDS: frozenset[str] = frozenset(LABELS)

DATA_ELEMENT_NAMES: dict[str, str] = {
    "application_technology_meta_data": "Device and technical data (IP address, browser)",
    "application_use_statistics": "How the app is used (usage statistics)",
    "assessment": "Test and assessment results",
    "attendance": "Attendance",
    "communications": "Messages and communications",
    "conduct": "Behaviour and discipline records",
    "demographics": "Demographics (date of birth, gender, language)",
    "enrollment": "Enrollment (school, grade, class)",
    "parent_guardian_contact_information": "Parent or guardian contact details",
    "parent_guardian_id": "Parent or guardian ID",
    "parent_guardian_name": "Parent or guardian name",
    "schedule": "Class schedule",
    "special_indicator": "Special education, disability or other special indicators",
    "student_contact_information": "Student contact details (email, address, phone)",
    "student_identifiers": "Student identifiers (name, student ID, username)",
    "student_in_app_performance": "Progress and performance in the app",
    "student_program_membership": "Program membership (e.g. gifted, ELL)",
    "student_survey_responses": "Survey answers",
    "student_work": "Student work (assignments, essays, projects)",
    "transcript": "Grades and transcripts",
    "transportation": "Transportation (bus routes, stops)",
    "other": "Other data",
}


def data_element_name(element_id: str) -> str:
    return DATA_ELEMENT_NAMES.get(element_id, element_id.replace("_", " ").capitalize())
