"""Every agreement in the shared corpus reads without error (skipped when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import read

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "agreements"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []


@pytest.mark.skipif(not FILES, reason=f"the shared agreement corpus is not at {CORPUS}")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_corpus_file_reads(path):
    document = read(path.read_bytes(), path.name)
    assert document.pages
    assert sum(len(p.text.strip()) for p in document.pages) > 100
    assert not document.needs_ocr
