"""Read a document in a worker process with a time and memory limit.

One hostile file (a decompression bomb, a PDF whose content streams never end) must not take
the service down: the worker gets an address-space limit (RLIMIT_AS) and a wall-clock
deadline, and is killed when it passes either. Workers fork from a forkserver that has
already imported spaCy and pdfplumber, so starting one costs milliseconds, not an import.
"""

from __future__ import annotations

import multiprocessing
import resource
from multiprocessing.connection import Connection
from typing import ClassVar

from extractors import extract
from extractors.errors import ExtractionError, UnreadableDocumentError
from extractors.types import Extraction

__all__ = ["DEFAULT_MEMORY_BYTES", "DEFAULT_TIMEOUT", "ResourceLimitError", "extract_isolated"]

DEFAULT_TIMEOUT = 120.0  # seconds for one document
DEFAULT_MEMORY_BYTES = 2 * 1024**3  # address space of the worker


class ResourceLimitError(ExtractionError):
    """The document needed more time or memory than one agreement may take."""

    code: ClassVar[str] = "resource_limit"
    default_message: ClassVar[str] = (
        "The document took too long or needed too much memory to read, so reading was "
        "stopped. It may be damaged or built to overload readers; ask the vendor for a "
        "plain PDF, Word or text copy."
    )


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["extractors"])
        return ctx
    return multiprocessing.get_context("spawn")


def _worker(conn: Connection, data: bytes, filename: str | None, memory_bytes: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        conn.send(("ok", extract(data, filename=filename)))
    except ExtractionError as exc:
        conn.send(("error", exc))
    except MemoryError:
        conn.send(("error", ResourceLimitError()))
    except Exception as exc:  # a boundary: any reader crash is reported as unreadable
        conn.send(("error", UnreadableDocumentError(f"The document could not be read ({exc})")))
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
        target=_worker, args=(child, data, filename, memory_bytes), daemon=True
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
            process.kill()
        process.join(5)
    if status == "error":
        assert isinstance(payload, ExtractionError)  # noqa: S101 - internal invariant
        raise payload
    assert isinstance(payload, Extraction)  # noqa: S101 - internal invariant
    return payload
