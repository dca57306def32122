"""Durations, states and per-label attributes parse the ways agreements write them."""

from __future__ import annotations

import pytest

from extractors import parse_duration
from extractors.attributes import attributes_for, parse_state


@pytest.mark.parametrize(
    ("text", "hours", "days"),
    [
        ("72 hours", 72, 3),
        ("seventy-two (72) hours", 72, 3),
        ("thirty (30) days", 720, 30),
        ("30 calendar days", 720, 30),
        ("five business days", 168, 7),
        ("10 business days", 336, 14),
        ("one year", 8760, 365),
        ("48 hrs", 48, 2),
        ("2 weeks", 336, 14),
        ("within ten (10) days", 240, 10),
        ("within a 72-hour period", 72, 3),
        ("one hundred eighty (180) days", 4320, 180),
        ("six months", 4320, 180),
        ("within **[Number, e.g., 24]** hours", 24, 1),
        ("promptly and in no case later than 5 days", 120, 5),
    ],
)
def test_durations_with_numbers(text, hours, days):
    duration = parse_duration(text)
    assert duration is not None
    assert not duration.vague
    assert duration.hours == pytest.approx(hours)
    assert duration.days == pytest.approx(days)


@pytest.mark.parametrize(
    "text",
    [
        "without unreasonable delay",
        "promptly",
        "as soon as practicable",
        "as soon as reasonably possible",
        "immediately",
        "without undue delay",
    ],
)
def test_vague_durations_keep_text_and_no_numbers(text):
    duration = parse_duration(f"Provider shall notify the LEA {text}.")
    assert duration is not None
    assert duration.vague
    assert duration.hours is None
    assert duration.days is None
    assert duration.text.lower() == text


@pytest.mark.parametrize(
    "text", ["", "the LEA", "children under 13 years of age", "a student who is 16 years old"]
)
def test_no_duration(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("This Agreement shall be governed by the laws of the State of New York", "NY"),
        ("governed by the laws of West Virginia", "WV"),
        ("governed by the laws of the Commonwealth of Virginia", "VA"),
        ("construed under Arkansas law", "AR"),
        ("governed by the laws of the District of Columbia", "DC"),
        ("Provider, based in California, agrees the laws of Texas govern", "TX"),
        ("laws of the State of North Carolina", "NC"),
    ],
)
def test_state_codes(text, code):
    assert parse_state(text) == code


def test_no_state():
    assert parse_state("governed by the laws of **[State]**") is None


def test_breach_attributes_numbers_and_recipients():
    found = attributes_for(
        "breach_notification",
        "Provider shall notify the LEA, affected parents and the Attorney General within "
        "thirty (30) days.",
    )
    assert found == {"deadline_hours": 720, "notify": ["lea", "parents", "authorities"]}


def test_breach_recipients_of_a_second_notice_in_the_same_sentence():
    found = attributes_for(
        "breach_notification",
        "Provider shall notify the LEA within seventy-two (72) hours, and the LEA will notify "
        "the affected parents.",
    )
    assert found["notify"] == ["lea", "parents"]


def test_breach_vague_deadline_is_text_only():
    found = attributes_for("breach_notification", "Provider will notify the district promptly.")
    assert found == {"deadline_text": "promptly", "notify": ["lea"]}


def test_deletion_attributes():
    found = attributes_for(
        "deletion",
        "Within sixty (60) days of termination Provider shall destroy all Student Data and "
        "certify the destruction in writing.",
    )
    assert found == {"period_days": 60, "trigger": "termination", "certification": True}


def test_deletion_on_request_without_period():
    assert attributes_for("deletion", "Provider shall delete data upon the LEA's request.") == {
        "trigger": "request"
    }


def test_security_attributes():
    found = attributes_for(
        "security_safeguards",
        "Data is encrypted in transit using TLS and at rest, following the NIST Cybersecurity "
        "Framework.",
    )
    assert found == {
        "encryption_in_transit": True,
        "encryption_at_rest": True,
        "standard": "NIST CSF",
    }


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [
        ("parent_access", "respond to parent requests within 45 days", {"deadline_days": 45}),
        ("policy_changes", "with thirty (30) days notice", {"notice_days": 30}),
        ("term", "a term of one (1) year", {"period_days": 365}),
        ("data_retention", "retain logs for 90 days", {"period_days": 90}),
        ("subprocessors", "subcontractors bound by the same terms", {"flow_down": True}),
        ("data_location", "stored in the United States", {"region": "US"}),
        ("deidentified_data", "will not attempt to re-identify", {"no_reidentification": True}),
        ("data_sale", "shall not sell data within 30 days", {}),
        # real sentences of the hand-checked sample (docs/handcheck)
        (
            "subprocessors",
            "Provider's current subcontractors with access to Student Data are listed in "
            "Exhibit C.",
            {"list_available": True},
        ),
        (
            "security_safeguards",
            "Encrypting data - Information is encrypted when transmitted and stored",
            {"encryption_in_transit": True, "encryption_at_rest": True},
        ),
        (
            "deletion",
            "When you delete data, we follow a deletion process to make sure that your data is "
            "safely and completely removed from our servers.",
            {"trigger": "request"},
        ),
        (
            "deletion",
            "This includes the right to review, update, or delete Student information.",
            {"trigger": "request"},
        ),
        (
            "deletion",
            "You can view, correct, rectify or erase your personal data at any time from the "
            "account page.",
            {"trigger": "request"},
        ),
        (
            "subprocessors",
            "Any vendor we send your data to must agree by contract to protect it with the same "
            "high level of protection that we apply.",
            {"flow_down": True},
        ),
    ],
)
def test_label_attributes(label, text, expected):
    assert attributes_for(label, text) == expected
