"""Reading in a worker process: same result as in-process, typed errors past the limits."""

from __future__ import annotations

import pytest

from extractors import UnsupportedFormatError, extract
from extractors.sandbox import ResourceLimitError, extract_isolated
from tests.documents import make_pdf

PDF = make_pdf([["Provider shall not sell Student Data."], ["Notify the LEA within 72 hours."]])


def test_isolated_read_equals_in_process_read():
    assert extract_isolated(PDF, filename="a.pdf") == extract(PDF, filename="a.pdf")


def test_reader_errors_cross_the_process_boundary():
    with pytest.raises(UnsupportedFormatError):
        extract_isolated(b"\x89PNG\r\n\x1a\n" + bytes(64), filename="x.pdf")


def test_deadline_stops_the_worker():
    with pytest.raises(ResourceLimitError) as info:
        extract_isolated(PDF, timeout=0.001)
    assert info.value.code == "resource_limit"


def test_memory_limit_stops_the_worker():
    with pytest.raises(ResourceLimitError):
        extract_isolated(PDF, memory_bytes=150 * 1024 * 1024)
