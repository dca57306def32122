"""The trained half of extraction: corpus format and split, shipped model, training, stance.

Guards: the corpus loader names file:line for every malformed line; the split is by document
and stable; the shipped model loads and labels clauses it never saw; training is
deterministic; explicit negation and exception wording sets the stance.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import build_nlp, find_clauses
from extractors.nlp.corpus import CorpusError, balanced_splits, hash_split, load_corpus
from extractors.nlp.model import CLASSES, shipped_model_dir
from extractors.stance import explicit_stance, plain_ban
from extractors.types import Page

CORPUS = Path(__file__).resolve().parents[2] / "extractors" / "corpus"


def line(text, labels=None, attributes=None, section=""):
    return json.dumps(
        {"text": text, "labels": labels or {}, "attributes": attributes or {}, "section": section}
    )


def write(folder: Path, name: str, *lines: str) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- corpus loader ---------------------------------------------------------------------


def test_a_valid_document_loads_with_labels_attributes_and_position(tmp_path):
    write(
        tmp_path,
        "vendor_dpa--t-one.jsonl",
        line(
            "Provider shall notify the District within 72 hours.",
            {"breach_notification": "requires"},
            {"breach_notification": {"deadline_hours": 72, "notify": ["lea"]}},
            "7. Breach",
        ),
        line("This Agreement is signed by both parties."),
    )
    corpus = load_corpus(tmp_path)
    first, second = corpus.examples()
    assert first.labels == {"breach_notification": "requires"}
    assert first.attributes["breach_notification"]["deadline_hours"] == 72
    assert (first.document, first.line, first.section) == (
        "vendor_dpa--t-one.jsonl",
        1,
        "7. Breach",
    )
    assert second.labels == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "x", "labels": {}', "not JSON"),
        ('["a list"]', "must be a JSON object"),
        ('{"text": "x", "labels": {}, "attributes": {}}', "keys must be exactly"),
        (line(" "), "text must be a non-empty string"),
        (line("Sell.", {"data_selling": "prohibits"}), "unknown label 'data_selling'"),
        (
            line("Notify.", {"breach_notification": "permits"}),
            "not allowed for breach_notification",
        ),
        (
            line("Notify.", {"breach_notification": "requires"}, {"deletion": {"period_days": 3}}),
            "not among the labels",
        ),
        (
            line("N.", {"breach_notification": "requires"}, {"breach_notification": {"hours": 3}}),
            "breach_notification.hours: not an attribute",
        ),
        (
            line(
                "N.",
                {"breach_notification": "requires"},
                {"breach_notification": {"notify": "lea"}},
            ),
            "must be a non-empty list",
        ),
        (
            line(
                "N.",
                {"breach_notification": "requires"},
                {"breach_notification": {"notify": ["parents", "lea"]}},
            ),
            "in the order",
        ),
        (
            line("D.", {"deletion": "requires"}, {"deletion": {"certification": False}}),
            "must be true",
        ),
        (
            line("D.", {"deletion": "requires"}, {"deletion": {"period_days": "sixty"}}),
            "non-negative number",
        ),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, content, message):
    write(tmp_path, "terms--t-bad.jsonl", line("A fine first line."), content)
    with pytest.raises(CorpusError, match=message) as caught:
        load_corpus(tmp_path)
    assert str(caught.value).startswith("terms--t-bad.jsonl:2: ")
    assert (caught.value.file, caught.value.line) == ("terms--t-bad.jsonl", 2)


@pytest.mark.parametrize("name", ["contract--t.jsonl", "terms.jsonl", "terms--.jsonl"])
def test_file_names_must_carry_a_known_style(tmp_path, name):
    write(tmp_path, name, line("A clause."))
    with pytest.raises(CorpusError, match=r"<style>--<slug>\.jsonl"):
        load_corpus(tmp_path)


def test_missing_or_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="no such corpus folder"):
        load_corpus(tmp_path / "absent")
    with pytest.raises(CorpusError, match="holds no"):
        load_corpus(tmp_path)


# --- split by document -------------------------------------------------------------------


def test_split_is_by_document_stable_and_roughly_70_15_15(tmp_path):
    for i in range(60):
        write(tmp_path, f"terms--t-doc{i:02d}.jsonl", line(f"Clause {i} one."), line("Two."))
    corpus = load_corpus(tmp_path)
    for document in corpus.documents:
        split = corpus.splits[document.name]
        assert split == hash_split(document.name)  # from the name alone: stable
        in_split = {e.document for e in corpus.examples(split)}
        others = {
            e.document for s in ("train", "dev", "test") if s != split for e in corpus.examples(s)
        }
        assert document.name in in_split
        assert document.name not in others
    sizes = {s: sum(1 for v in corpus.splits.values() if v == s) for s in ("train", "dev", "test")}
    assert sizes["train"] > sizes["dev"] > 0
    assert sizes["test"] > 0


def test_pins_in_splits_json_win_and_stale_pins_are_ignored(tmp_path):
    write(tmp_path, "ndpa--t-a.jsonl", line("A clause here."))
    (tmp_path / "SPLITS.json").write_text('{"ndpa--t-a.jsonl": "test", "gone.jsonl": "dev"}')
    assert load_corpus(tmp_path).splits == {"ndpa--t-a.jsonl": "test"}
    (tmp_path / "SPLITS.json").write_text('{"ndpa--t-a.jsonl": "holdout"}')
    with pytest.raises(CorpusError, match=r"SPLITS\.json"):
        load_corpus(tmp_path)


def test_balanced_split_gives_test_an_example_of_every_pair(tmp_path):
    for i in range(12):
        write(
            tmp_path,
            f"vendor_dpa--t-{i}.jsonl",
            line("Provider shall not sell data.", {"data_sale": "prohibits"}),
        )
    write(tmp_path, "terms--t-rare1.jsonl", line("We may sell data.", {"data_sale": "permits"}))
    write(tmp_path, "terms--t-rare2.jsonl", line("We sell data.", {"data_sale": "permits"}))
    write(tmp_path, "terms--t-rare3.jsonl", line("We do sell data.", {"data_sale": "permits"}))
    splits = balanced_splits(load_corpus(tmp_path).documents)
    for split in ("test", "dev"):
        assert any(splits[f"terms--t-rare{i}.jsonl"] == split for i in (1, 2, 3)), split
    assert any(splits[f"terms--t-rare{i}.jsonl"] == "train" for i in (1, 2, 3))


@pytest.mark.skipif(
    not any(CORPUS.glob("*.jsonl")), reason="the annotated corpus is not merged yet"
)
def test_shipped_corpus_loads_and_no_document_is_in_two_splits():
    corpus = load_corpus(CORPUS)
    names = [e.document for s in ("train", "dev", "test") for e in corpus.examples(s)]
    assert len(names) == len(corpus.examples())
    by_split = {s: {e.document for e in corpus.examples(s)} for s in ("train", "dev", "test")}
    assert not by_split["train"] & by_split["test"]
    assert not by_split["train"] & by_split["dev"]
    assert not by_split["dev"] & by_split["test"]


# --- the shipped model ----------------------------------------------------------------------


requires_model = pytest.mark.skipif(shipped_model_dir() is None, reason="no trained model shipped")


@requires_model
def test_shipped_model_is_small_and_knows_every_class():
    folder = shipped_model_dir()
    assert folder is not None
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size < 30 * 1024 * 1024
    meta = json.loads((folder / "meta.json").read_text())
    assert set(meta["registry"]["combine"]) == {"model_only", "agree", "keep_rule_only"}
    assert len(CLASSES) == len(set(CLASSES))


@requires_model
@pytest.mark.parametrize(
    ("text", "label", "stance"),
    [
        # Written for this test, in no corpus document.
        (
            "Quarrybrook will never sell or rent pupil information to anybody.",
            "data_sale",
            "prohibits",
        ),
        (
            "Should Quarrybrook learn that pupil records were exposed, it will tell the "
            "school board within forty-eight (48) hours.",
            "breach_notification",
            "requires",
        ),
        (
            "Within sixty days after the contract ends, Quarrybrook shall delete every pupil "
            "record it holds.",
            "deletion",
            "requires",
        ),
        (
            "This contract is governed by the laws of the State of Vermont.",
            "governing_law",
            "requires",
        ),
    ],
)
def test_shipped_model_labels_unseen_sentences(nlp, text, label, stance):
    clauses = find_clauses((Page(number=1, text=text),), nlp=nlp)
    found = {c.label: c for c in clauses}
    assert label in found, [c.label for c in clauses]
    assert found[label].stance == stance


@requires_model
def test_a_sentence_about_nothing_in_the_taxonomy_gives_no_clause(nlp):
    text = "The annual subscription fee is payable by purchase order in two instalments."
    assert find_clauses((Page(number=1, text=text),), nlp=nlp) == ()


def test_rules_only_pipeline_still_finds_clauses():
    nlp = build_nlp(rules_only=True)
    clauses = find_clauses((Page(number=1, text="Provider shall not sell Student Data."),), nlp=nlp)
    assert [(c.label, c.stance, c.confidence) for c in clauses] == [("data_sale", "prohibits", 0.9)]


# --- training is deterministic ------------------------------------------------------------

_TINY = [
    ("Provider shall not sell Student Data to anyone.", {"data_sale": "prohibits"}),
    ("We may sell aggregated statistics to partners.", {"data_sale": "permits"}),
    (
        "Provider will notify the District of a breach within 72 hours.",
        {"breach_notification": "requires"},
    ),
    ("This agreement is governed by the laws of Ohio.", {"governing_law": "requires"}),
    ("Invoices are payable within thirty days.", {}),
]


@pytest.mark.slow
def test_training_twice_gives_the_same_model_and_scores(tmp_path):
    from extractors.nlp.build import train_and_save

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(9):
        rows = [line(f"{text} (copy {i})", labels) for text, labels in _TINY]
        write(corpus, f"vendor_dpa--t-tiny{i}.jsonl", *rows)
    first = train_and_save(corpus, tmp_path / "one")
    second = train_and_save(corpus, tmp_path / "two")
    assert first == second
    one = (tmp_path / "one" / "textcat_multilabel" / "model").read_bytes()
    two = (tmp_path / "two" / "textcat_multilabel" / "model").read_bytes()
    assert one == two


# --- explicit stance wording ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "sentence", "trigger", "stance"),
    [
        (
            "third_party_disclosure",
            "Provider shall not disclose Student Data to any third party except as required "
            "by law.",
            "disclose",
            "conditional",
        ),
        (
            "data_sale",
            "Provider shall not sell Student Data to any third party.",
            "sell",
            "prohibits",
        ),
        (
            "third_party_disclosure",
            "Nothing herein prohibits Provider from sharing de-identified data with researchers.",
            "sharing",
            "permits",
        ),
        (
            "product_improvement",
            "Nothing in this Agreement shall be construed to prevent the use of aggregate data "
            "to improve the Services.",
            "improve",
            "permits",
        ),
        (
            "third_party_disclosure",
            "We may share a student's progress report with a tutoring partner only with the "
            "consent of the student's parent.",
            "share",
            "conditional",
        ),
        (
            "deidentified_data",
            "Provider may use de-identified data for research, provided that it makes no attempt "
            "to re-identify any student.",
            "use",
            "conditional",
        ),
        (
            "merger_transfer",
            "In a merger, Student Data may not pass to the buyer unless the buyer agrees to be "
            "bound by this DPA.",
            "merger",
            "conditional",
        ),
    ],
)
def test_explicit_negation_and_exception_wording(label, sentence, trigger, stance):
    start = sentence.index(trigger)
    assert explicit_stance(label, sentence, start, start + len(trigger)) == stance


def test_ambiguous_exceptions_are_left_to_the_classifier():
    # "no profiles except the gradebook" carves out the service itself: not a condition.
    sentence = "We do not build profiles of students, except the gradebook that teachers see."
    start = sentence.index("profiles")
    assert explicit_stance("profiling", sentence, start, start + 8) is None


@pytest.mark.parametrize(
    ("text", "label", "stance"),
    [
        (
            "Provider shall not disclose Student Data to any third party except as required "
            "by law.",
            "third_party_disclosure",
            "conditional",
        ),
        (
            "Nothing in this DPA prohibits the Provider from using Student Data to improve its "
            "products.",
            "product_improvement",
            "permits",
        ),
        (
            "Provider may share Student Data with a third party only with the prior written "
            "consent of the parent.",
            "third_party_disclosure",
            "conditional",
        ),
        # A plain permission is never read as the ban most sentences of its label are.
        (
            "Provider may use Student Data to serve targeted advertising to students.",
            "targeted_advertising",
            "permits",
        ),
        (
            "The Operator may disclose covered information to its marketing partners.",
            "third_party_disclosure",
            "permits",
        ),
        (
            "Bumble Classroom turns off all advertising, data sales, and profiling for students "
            "in a teacher's class.",
            "targeted_advertising",
            "prohibits",
        ),
        # the user's agreement beforehand is a condition (Khan Academy's privacy policy)
        (
            "If you have explicitly agreed that we may do so, Khan Academy may disclose your "
            "Personal Information through a social network or similar service.",
            "third_party_disclosure",
            "conditional",
        ),
        # "bankruptcy" is no ban (Kahoot!'s privacy policy): a plain permission stays one
        (
            "We have a legitimate interest in disclosing your Personal Information to a third "
            "party in the event of any merger or other disposition of our business (including "
            "in connection with any bankruptcy or similar proceedings).",
            "third_party_disclosure",
            "permits",
        ),
        # a plain promise not to is never read as a permission (Turnitin's privacy policy)
        ("We do not serve ads on our site.", "targeted_advertising", "prohibits"),
    ],
)
def test_pipeline_applies_explicit_wording(nlp, text, label, stance):
    clauses = find_clauses((Page(number=1, text=text),), nlp=nlp)
    found = {c.label: c for c in clauses}
    assert label in found, [c.label for c in clauses]
    assert found[label].stance == stance


# --- segmentation --------------------------------------------------------------------------


def sentences(nlp, text):
    return [s.text.strip() for s in nlp(text).sents if s.text.strip()]


def test_lettered_items_after_a_colon_are_clauses_of_their_own(nlp):
    text = (
        "Provider shall: (a) encrypt Student Data at rest; (b) train its staff every year; "
        "and (c) delete Student Data on request."
    )
    assert sentences(nlp, text) == [
        "Provider shall:",
        "(a) encrypt Student Data at rest;",
        "(b) train its staff every year; and",
        "(c) delete Student Data on request.",
    ]


def test_numbered_and_lettered_lines_start_clauses(nlp):
    text = (
        "5.1 Provider shall not sell data\n5.2 Provider shall not rent data\n(a) first\n(b) second"
    )
    assert sentences(nlp, text) == [
        "5.1 Provider shall not sell data",
        "5.2 Provider shall not rent data",
        "(a) first",
        "(b) second",
    ]


def test_digits_restating_a_number_word_on_the_next_line_are_not_an_item(nlp):
    text = "Provider shall notify the LEA within ten\n(10) business days.\n(a) first item"
    assert sentences(nlp, text) == [
        "Provider shall notify the LEA within ten\n(10) business days.",
        "(a) first item",
    ]


def test_abbreviations_and_citations_do_not_end_clauses(nlp):
    text = (
        "Records under 20 U.S.C. Sec. 1232g and 34 C.F.R. Part 99, e.g. grades, stay private. "
        "J. Smith signs for the District. Next clause."
    )
    assert sentences(nlp, text) == [
        "Records under 20 U.S.C. Sec. 1232g and 34 C.F.R. Part 99, e.g. grades, stay private.",
        "J. Smith signs for the District.",
        "Next clause.",
    ]


def test_a_quoted_defined_term_ending_in_a_full_stop_does_not_split(nlp):
    text = 'The term "Services." means the platform. Provider shall not sell data.'
    assert sentences(nlp, text) == [
        'The term "Services." means the platform.',
        "Provider shall not sell data.",
    ]


def test_a_markdown_underlined_heading_is_not_a_clause(nlp):
    # Khan Academy's privacy policy: a setext heading, then the section's first sentence.
    text = (
        "14\\. Changes and updates to this Privacy Policy\n"
        "-----------------------------------------------\n\n"
        "We may change this policy from time to time and will post the changes here.\n"
    )
    clauses = find_clauses((Page(number=1, text=text),), nlp=nlp)
    assert [(c.label, c.stance) for c in clauses] == [("policy_changes", "permits")]
    assert clauses[0].text.startswith("We may change")


@pytest.mark.parametrize(
    ("sentence", "plain"),
    [
        ("We do not serve ads on our site.", True),
        ("Provider will never sell Student Data.", True),
        ("This Article does not prohibit the Provider from marketing to parents.", False),
        ("We do not sell information about users under 16 without their opt-in.", False),
        ("We do not share data, except with our hosting vendors.", False),
        ("We do not sell data, but we may share it with partners.", False),
        ("We may not always show ads.", False),
    ],
)
def test_plain_ban_is_one_negated_statement_without_conditions(sentence, plain):
    assert plain_ban("data_sale", sentence) is plain


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("- ☐ No sale of student data", []),
        ("- [ ] No sale of student data", []),
        ("- ☒ No sale of student data", [("data_sale", "prohibits")]),
        ("- [x] No sale of student data", [("data_sale", "prohibits")]),
    ],
)
def test_an_unticked_box_of_a_form_affirms_nothing(nlp, line, found):
    # the open-access student data inventory template lists its prohibited uses as boxes
    text = f"5.2 Prohibited Uses\n\n{line}\n"
    clauses = find_clauses((Page(number=1, text=text),), nlp=nlp)
    assert [(c.label, c.stance) for c in clauses] == found


@pytest.mark.parametrize(
    "text",
    [
        # Kahoot!'s privacy policy (CCPA notice)
        "For purposes of this CCPA Notice, \u201csale\u201d means the disclosure of Personal "
        "Information for monetary or other valuable consideration but does not include the "
        "transfer of Personal Information as an asset that is part of a merger.",
        '\u2022 "Targeted Advertising" means presenting an advertisement to a student where the '
        "advertisement is selected based on information obtained from the student's online "
        "behavior.",
        'D. The term "Subcontractor" refers to any third party that receives Covered '
        "Information from the Operator in order to help it provide the services.",
    ],
)
def test_a_definition_is_not_a_clause(nlp, text):
    assert find_clauses((Page(number=1, text=text),), nlp=nlp) == ()


def test_a_sentence_using_a_defined_term_is_still_a_clause(nlp):
    text = 'Provider shall not sell "Student Data" to any third party.'
    clauses = find_clauses((Page(number=1, text=text),), nlp=nlp)
    assert ("data_sale", "prohibits") in [(c.label, c.stance) for c in clauses]


def test_what_the_user_agrees_to_is_not_the_providers_practice(nlp):
    # Coursera's terms of service: the user's promise, not a disclosure by the provider
    text = (
        "You also agree that you will create, access, and/or use only one user account, "
        "unless expressly permitted by Coursera, and you will not share with any third party "
        "access to or access information for your account."
    )
    assert find_clauses((Page(number=1, text=text),), nlp=nlp) == ()


def test_a_teachers_duty_to_get_coppa_consent_is_still_a_clause(nlp):
    text = (
        "You are responsible for obtaining any parental consent needed under COPPA before your "
        "students under 13 use the Service."
    )
    clauses = find_clauses((Page(number=1, text=text),), nlp=nlp)
    assert [c.label for c in clauses] == ["coppa_consent"]
