"""Cross-package invariants: one taxonomy everywhere, the layering, public APIs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import extractors
import policies

TAXONOMY = Path(__file__).resolve().parents[2] / "shared" / "TAXONOMY.md"


def test_extractors_and_policies_share_the_label_set():
    from policies.taxonomy import LABELS as POLICY_LABELS

    assert set(extractors.LABELS) == set(POLICY_LABELS)


@pytest.mark.skipif(not TAXONOMY.exists(), reason="shared/TAXONOMY.md is not beside the repo")
def test_labels_match_the_shared_taxonomy():
    ids = set(re.findall(r"^\| `([a-z_]+)` \|", TAXONOMY.read_text(), flags=re.M))
    assert ids == set(extractors.LABELS)


def test_every_rule_references_known_labels():
    for pack in policies.load_packs():
        for rule in pack.rules:
            assert set(rule.labels) <= set(extractors.LABELS), rule.id


@pytest.mark.parametrize("module", [extractors, policies])
def test_all_is_sorted(module):
    assert list(module.__all__) == sorted(module.__all__)


@pytest.mark.parametrize("package", ["extractors", "policies"])
def test_pure_packages_import_no_orm_web_or_environment(package):
    root = Path(__file__).resolve().parents[1] / package
    for path in root.rglob("*.py"):
        source = path.read_text()
        for banned in ("tortoise", "starlette", "jinja2", "import registry", "from registry"):
            assert banned not in source, f"{path} mentions {banned}"
        assert "os.environ" not in source, path
        assert "os.getenv" not in source, path
