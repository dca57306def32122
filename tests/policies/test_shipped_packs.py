"""The shipped packs: all load, every state resolves, and rule ids are unique across packs."""

from __future__ import annotations

from collections import Counter

import pytest

from policies import load_packs, pack_for_state

PACK_IDS = {
    "federal",
    "ndpa",
    "us-ca",
    "us-ny",
    "us-il",
    "us-ct",
    "us-co",
    "us-tx",
    "us-ut",
    "us-va",
    "us-oh",
}
STATES = ("CA", "NY", "IL", "CT", "CO", "TX", "UT", "VA", "OH")


def test_all_eleven_packs_load():
    packs = {pack.id: pack for pack in load_packs()}
    assert set(packs) == PACK_IDS
    for pack_id in PACK_IDS:
        assert packs[pack_id].rules, pack_id
    assert packs["federal"].state is None
    assert packs["ndpa"].state is None


@pytest.mark.parametrize("state", STATES)
def test_state_resolves(state):
    pack = pack_for_state(state)
    assert pack.state == state
    assert pack.id == f"us-{state.lower()}"
    assert pack_for_state(state.lower()).id == pack.id


def test_rule_ids_unique_across_packs():
    counts = Counter(rule.id for pack in load_packs() for rule in pack.rules)
    duplicates = sorted(rule_id for rule_id, n in counts.items() if n > 1)
    assert duplicates == []
