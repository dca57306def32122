"""Reading in a worker process: same result as in-process, typed errors past the limits."""

from __future__ import annotations

import errno

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


def test_big_file_is_read_by_page_readers_inside_the_worker():
    """60 pages: the worker forks page readers (it is not a daemon, so it may)."""
    body = ["Terms of use", "Clause {n}. Provider shall not sell Student Data.", "End of part"]
    pages = [[line.format(n=n) for line in body] for n in range(60)]
    data = make_pdf(pages)
    isolated = extract_isolated(data, filename="long.pdf")
    assert len(isolated.pages) == 60
    assert isolated == extract(data, filename="long.pdf")
    assert sum(c.label == "data_sale" for c in isolated.clauses) == 60


def test_memory_failures_wrapped_by_libraries_count_as_limits():
    """pdfplumber wraps pdfminer's errors, a dead page reader breaks the pool: either way
    the cause is the memory limit, not a damaged file (once seen as a flaky failure)."""
    from concurrent.futures.process import BrokenProcessPool

    from pdfplumber.utils.exceptions import PdfminerException

    from extractors.sandbox import _out_of_memory

    assert _out_of_memory(PdfminerException(MemoryError()))
    assert _out_of_memory(BrokenProcessPool("a child process terminated abruptly"))
    wrapped = ValueError("bad xref")
    wrapped.__cause__ = MemoryError()
    assert _out_of_memory(wrapped)
    assert not _out_of_memory(PdfminerException(ValueError("bad xref")))
    # a system call refused under the limit (seen while spaCy imported a language module)
    assert _out_of_memory(OSError(errno.ENOMEM, "Cannot allocate memory"))
    assert not _out_of_memory(OSError(errno.ENOENT, "No such file or directory"))
