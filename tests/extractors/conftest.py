"""Fixtures for extractor tests: one pipeline per session, PDFs generated with reportlab."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language

from extractors import build_nlp
from tests.documents import make_pdf


@pytest.fixture(scope="session")
def nlp() -> Language:
    return build_nlp()


@pytest.fixture(scope="session")
def pdf_factory() -> Callable[..., bytes]:
    return make_pdf


@pytest.fixture(scope="session")
def dpa_pdf() -> bytes:
    return make_pdf(
        [
            [
                "DATA PRIVACY AGREEMENT",
                "Provider shall not sell Student Data to any third party.",
                "This Agreement shall be governed by the laws of the State of Illinois.",
            ],
            [
                "Provider shall notify the LEA of any breach of Student Data within",
                "seventy-two (72) hours of discovery.",
            ],
            [],
        ]
    )
