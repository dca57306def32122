"""The public API: pipeline shape, pattern files, JSON contract, data elements, real corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import extractors
from extractors import DATA_ELEMENTS, LABELS, Extraction, extract, find_clauses
from extractors.pipeline import load_patterns
from extractors.types import Page

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "agreements"
CORPUS_FILES = sorted(CORPUS.glob("**/*.md")) if CORPUS.exists() else []
DPA = CORPUS / "open-access-policies-ed-tech" / "ANNEX-005-school-dpa-template.md"


def test_public_names_exist_and_all_is_sorted():
    assert list(extractors.__all__) == sorted(extractors.__all__)
    for name in extractors.__all__:
        assert hasattr(extractors, name), name


def test_pipeline_components(nlp):
    assert nlp.pipe_names == ["legal_sentencizer", "clause_ruler", "clause_annotator"]


def test_patterns_cover_every_label_with_namespaced_unique_ids():
    patterns = load_patterns()
    assert {p.label for p in patterns} == set(LABELS)
    assert len({p.id for p in patterns}) == len(patterns)
    assert all(p.id.startswith(f"{p.label}.") for p in patterns)
    assert all(0 < p.confidence <= 1 for p in patterns)


def test_sentencizer_keeps_legal_abbreviations_together(nlp):
    doc = nlp("Under 20 U.S.C. Sec. 1232g and No. 5, e.g. records, i.e. grades. Next one.")
    assert [s.text for s in doc.sents] == [
        "Under 20 U.S.C. Sec. 1232g and No. 5, e.g. records, i.e. grades.",
        "Next one.",
    ]


def test_list_items_are_their_own_clauses(nlp):
    text = "Provider shall:\n- encrypt data at rest\n- delete all Student Data on request"
    clauses = find_clauses((Page(number=1, text=text),), nlp=nlp)
    deletion = [c for c in clauses if c.label == "deletion"]
    assert [c.text for c in deletion] == ["- delete all Student Data on request"]


def test_one_clause_per_sentence_and_label(nlp):
    text = "Provider shall not sell Student Data, and will not sell or rent any other data."
    clauses = find_clauses((Page(number=1, text=text),), nlp=nlp)
    assert [c.label for c in clauses] == ["data_sale"]


def test_guessed_stance_lowers_confidence(nlp):
    strong = find_clauses(
        (Page(number=1, text="We do not share data with third parties."),), nlp=nlp
    )
    guessed = find_clauses(
        (Page(number=1, text="Nothing herein prevents sharing data with third parties."),), nlp=nlp
    )
    assert strong[0].stance == "prohibits"
    assert guessed[0].stance == "permits"
    assert guessed[0].confidence < strong[0].confidence


def test_to_json_is_the_stable_contract(nlp):
    extraction = extract(b"Provider shall not sell Student Data.", filename="a.txt", nlp=nlp)
    payload = extraction.to_json()
    assert set(payload) == {
        "file", "sha256", "pages", "clauses", "data_elements", "warnings", "extractor_version",
        "ocr_pages", "sections", "tables",
    }  # fmt: skip
    assert payload["pages"] == 1
    assert payload["file"] == "a.txt"
    assert payload["extractor_version"] == extractors.EXTRACTOR_VERSION
    assert payload["clauses"] == [
        {
            "label": "data_sale",
            "stance": "prohibits",
            "attributes": {},
            "text": "Provider shall not sell Student Data.",
            "page": 1,
            "section": "",
            "confidence": 0.99,
            "needs_review": False,
        }
    ]
    assert payload["ocr_pages"] == []
    json.dumps(payload)  # serialisable as is


def test_extraction_is_frozen(nlp):
    extraction = extract(b"Provider shall not sell Student Data.", nlp=nlp)
    with pytest.raises(AttributeError):
        extraction.file = "other"  # type: ignore[misc]


def test_default_pipeline_is_built_once():
    first = extract(b"Provider shall not sell Student Data.")
    assert extractors.default_nlp() is extractors.default_nlp()
    assert first.clauses[0].label == "data_sale"


def test_data_elements_are_sorted_taxonomy_ids(nlp):
    text = (
        b"We collect the student name, student ID, email address, date of birth, gender, "
        b"attendance, test scores, IP address and usage data."
    )
    elements = extract(text, nlp=nlp).data_elements
    assert elements == (
        "application_technology_meta_data",
        "application_use_statistics",
        "assessment",
        "attendance",
        "demographics",
        "student_contact_information",
        "student_identifiers",
    )
    assert set(elements) <= set(DATA_ELEMENTS)


@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpora are not beside the repo")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_real_documents_extract_cleanly(path, nlp):
    extraction = extract(path.read_bytes(), filename=path.name, nlp=nlp)
    assert isinstance(extraction, Extraction)
    for clause in extraction.clauses:
        page = extraction.pages[clause.page - 1]
        assert page.text[clause.start : clause.end] == clause.text
        assert clause.label in LABELS


@pytest.mark.skipif(not DPA.exists(), reason="shared corpora are not beside the repo")
def test_dpa_template_finds_the_core_clauses(nlp):
    extraction = extract(DPA.read_bytes(), filename=DPA.name, nlp=nlp)
    by_label = {c.label: c for c in extraction.clauses if c.confidence >= 0.85}
    assert by_label["data_sale"].stance == "prohibits"
    assert by_label["targeted_advertising"].stance == "prohibits"
    deletion = [c for c in extraction.clauses if c.label == "deletion"]
    assert any(c.attributes.get("period_days") == 60 for c in deletion)
    breach = [c for c in extraction.clauses if c.label == "breach_notification"]
    assert any(c.attributes.get("deadline_hours") == 24 for c in breach)
    assert {"ferpa_school_official", "subprocessors", "security_safeguards"} <= {
        c.label for c in extraction.clauses
    }
