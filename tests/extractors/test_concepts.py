"""Word families and stems, the classifier's features for wordings it has not seen.

Guards: every wording of one practice gives its family (so a weight learned from "sell"
carries to "pay us for"); phrases match across their words only; words that merely contain
a family's letters do not count; stems join a word's inflections.
"""

from __future__ import annotations

import pytest

from extractors.nlp.concepts import concepts_in, stems_in
from extractors.nlp.model import cues_of


@pytest.mark.parametrize(
    "text",
    [
        "We sell student lists to colleges.",
        "Colleges pay us to receive the profiles of matching students.",
        "Partners may receive records in exchange for access to their own lists.",
        "We never rent or trade student data.",
        "We may monetize usage statistics.",
    ],
)
def test_every_wording_of_a_sale_is_one_family(text):
    assert "sell" in concepts_in(text)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("We show interest-based ads to adult users.", "behaviour"),
        ("We show interest based ads to adult users.", "behaviour"),
        ("Our partners use cookies and pixels across websites.", "tracking"),
        ("Parents may review and correct their child's records.", "access_right"),
        ("Our service providers host the data on our behalf.", "processor"),
        ("Student data is used solely to provide the service.", "only"),
        ("Data will not be re-identified.", "deidentified"),
    ],
)
def test_families_of_other_practices(text, family):
    assert family in concepts_in(text)


def test_a_word_that_only_contains_a_family_is_not_in_it():
    assert "sell" not in concepts_in("Our counsellor is a trademark owner.")
    assert "ads" not in concepts_in("She reads and adds notes.")
    assert concepts_in("") == set()


def test_stems_join_inflections_and_keep_short_words():
    assert stems_in("shares shared sharing") == {"shar"}
    assert stems_in("We sell data") == {"sell", "data"}


def test_cues_carry_families_their_pairs_and_stance_cues():
    cues = cues_of("We do not sell student data to advertisers.", [])
    assert "concept=sell" in cues
    assert "concept=ads" in cues
    assert "concepts=ads+sell" in cues
    assert "cue+concept=negation+sell" in cues
    assert cues == sorted(set(cues))
