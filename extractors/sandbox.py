"""Read a document in a worker process with a time and memory limit.

One hostile file (a decompression bomb, a PDF whose content streams never end) must not take
the service down: the worker gets an address-space limit (RLIMIT_AS) and a wall-clock
deadline, and is killed when it passes either. Workers fork from a forkserver that has
already imported spaCy and pdfplumber, so starting one costs milliseconds, not an import.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import resource
import signal
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection

from extractors import extract, pdf
from extractors.errors import ExtractionError, ResourceLimitError, UnreadableDocumentError
from extractors.types import Extraction

__all__ = ["DEFAULT_MEMORY_BYTES", "DEFAULT_TIMEOUT", "ResourceLimitError", "extract_isolated"]

DEFAULT_TIMEOUT = 120.0  # seconds for one document
DEFAULT_MEMORY_BYTES = 2 * 1024**3  # address space of the worker


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["extractors"])
        return ctx
    return multiprocessing.get_context("spawn")


def _out_of_memory(exc: BaseException) -> bool:
    """Whether a failure comes from the memory limit, however a library wrapped it.

    pdfminer errors are wrapped by pdfplumber, and a page-reading process that hits the
    limit breaks the pool: without this, a memory failure read as "unreadable document"
    (the cause of an intermittent failure of the memory-limit test). Under the limit, a
    system call can also fail with ENOMEM (seen while spaCy imported a language module).
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (MemoryError, BrokenProcessPool)):
            return True
        if isinstance(current, OSError) and current.errno == errno.ENOMEM:
            return True  # "Cannot allocate memory" from a system call, e.g. a lazy import
        todo.extend(a for a in current.args if isinstance(a, BaseException))
        todo.extend([current.__cause__, current.__context__])
    return False


def _worker(conn: Connection, data: bytes, filename: str | None, memory_bytes: int) -> None:
    # Own process group, so the parent can kill the page-reading processes with this one;
    # those are forked from here and so inherit the memory limit.
    os.setsid()
    pdf.pool_start_method = "fork"
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        conn.send(("ok", extract(data, filename=filename)))
    except Exception as exc:  # a boundary: any reader crash is reported, typed
        if _out_of_memory(exc):
            conn.send(("error", ResourceLimitError()))
        elif isinstance(exc, ExtractionError):
            conn.send(("error", exc))
        else:
            message = f"The document could not be read ({type(exc).__name__}: {exc})"
            conn.send(("error", UnreadableDocumentError(message)))
    finally:
        conn.close()


def extract_isolated(
    data: bytes,
    *,
    filename: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
) -> Extraction:
    """`extract()` in a separate process; raises ResourceLimitError past either limit."""
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(  # type: ignore[attr-defined]
        target=_worker, args=(child, data, filename, memory_bytes), daemon=False
    )
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise ResourceLimitError()
        status, payload = parent.recv()
    except EOFError:  # the worker died without a word: killed by the kernel, or crashed
        raise ResourceLimitError() from None
    finally:
        parent.close()
        if process.is_alive():
            _kill_group(process.pid)
        process.join(5)
    if status == "error":
        assert isinstance(payload, ExtractionError)  # noqa: S101 - internal invariant
        raise payload
    assert isinstance(payload, Extraction)  # noqa: S101 - internal invariant
    return payload


def _kill_group(pid: int | None) -> None:
    """Kill the worker and the page-reading processes it started (its process group)."""
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
