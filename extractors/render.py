"""Page images of a PDF, so an officer can see where a clause sits on the signed page.

Pure: PDF bytes in, PNG bytes out (pdfplumber draws through pypdfium2). The registry runs
this in a worker process with the same limits as reading, because a hostile PDF can make
rendering as slow or as hungry as parsing.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import resource
import struct
from collections.abc import Callable
from multiprocessing.connection import Connection

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from extractors.errors import ExtractionError, UnreadableDocumentError, UnsupportedFormatError
from extractors.sandbox import ResourceLimitError

__all__ = [
    "MAX_RESOLUTION",
    "MIN_RESOLUTION",
    "PageOutOfRangeError",
    "locate_text",
    "locate_text_isolated",
    "png_size",
    "render_page",
    "render_page_isolated",
]

MIN_RESOLUTION = 36
MAX_RESOLUTION = 200
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class PageOutOfRangeError(ExtractionError):
    """The document has no page with that number."""

    code = "page_out_of_range"
    default_message = "The document has no such page."


def render_page(data: bytes, page_number: int, resolution: int = 100) -> bytes:
    """The 1-based page `page_number` of a PDF as a PNG, at `resolution` dots per inch.

    Raises UnsupportedFormatError for anything but a PDF, PageOutOfRangeError for a page
    the document does not have, UnreadableDocumentError for a damaged file.
    """
    if data.lstrip()[:5] != b"%PDF-":
        raise UnsupportedFormatError("Only PDF documents have page images.")
    resolution = max(MIN_RESOLUTION, min(MAX_RESOLUTION, int(resolution)))
    # Imported here, not at the top: pdfium is a large native library, and the reading
    # workers fork from a server that imports this package; loading pdfium there would
    # eat into every worker's memory limit (pdfplumber itself imports it lazily too).
    from pypdfium2 import PdfiumError  # type: ignore[import-untyped]

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if not 1 <= page_number <= len(pdf.pages):
                raise PageOutOfRangeError(
                    f"The document has {len(pdf.pages)} pages; there is no page {page_number}."
                )
            image = pdf.pages[page_number - 1].to_image(resolution=resolution)
            out = io.BytesIO()
            image.original.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (PdfminerException, MalformedPDFException, PDFSyntaxError, PdfiumError) as exc:
        raise UnreadableDocumentError(f"The PDF could not be drawn ({exc or 'damaged'}).") from exc


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from a PNG's header."""
    if png[:8] != _PNG_MAGIC or len(png) < 24:
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def locate_text(data: bytes, page_number: int, text: str) -> tuple[tuple[float, ...], ...]:
    """Boxes (x0, top, x1, bottom, in points) of the lines where `text` is on the page.

    Whitespace in `text` matches any run of whitespace, so a clause broken over lines is
    found; an empty tuple when it is not there (e.g. the text came from OCR or was joined
    across a page break).
    """
    words = text.split()
    if not words or data.lstrip()[:5] != b"%PDF-":
        return ()
    pattern = r"\s+".join(re.escape(w) for w in words[:80])
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if not 1 <= page_number <= len(pdf.pages):
                return ()
            matches = pdf.pages[page_number - 1].search(pattern, regex=True, return_groups=False)
    except (PdfminerException, MalformedPDFException, PDFSyntaxError) as exc:
        raise UnreadableDocumentError() from exc
    if not matches:
        return ()
    lines: dict[int, list[float]] = {}
    for char in matches[0]["chars"]:
        key = round(float(char["top"]))
        box = lines.setdefault(key, [char["x0"], char["top"], char["x1"], char["bottom"]])
        box[0], box[1] = min(box[0], char["x0"]), min(box[1], char["top"])
        box[2], box[3] = max(box[2], char["x1"]), max(box[3], char["bottom"])
    return tuple(tuple(round(float(v), 2) for v in lines[k]) for k in sorted(lines))


_TASKS: dict[str, Callable[..., object]] = {"render": render_page, "locate": locate_text}


def _worker(conn: Connection, task: str, args: tuple[object, ...], memory_bytes: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        conn.send(("ok", _TASKS[task](*args)))
    except ExtractionError as exc:
        conn.send(("error", exc))
    except MemoryError:
        conn.send(("error", ResourceLimitError()))
    except Exception as exc:  # a boundary: any drawing crash is reported as unreadable
        conn.send(("error", UnreadableDocumentError(f"The page could not be drawn ({exc})")))
    finally:
        conn.close()


def _isolated(task: str, args: tuple[object, ...], *, timeout: float, memory_bytes: int) -> object:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx: multiprocessing.context.BaseContext = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["extractors"])  # the same server as extractors.sandbox
    else:
        ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(  # type: ignore[attr-defined]
        target=_worker, args=(child, task, args, memory_bytes), daemon=True
    )
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise ResourceLimitError()
        status, payload = parent.recv()
    except EOFError:
        raise ResourceLimitError() from None
    finally:
        parent.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if status == "error":
        assert isinstance(payload, ExtractionError)  # noqa: S101 - internal invariant
        raise payload
    return payload


def render_page_isolated(
    data: bytes,
    page_number: int,
    resolution: int = 100,
    *,
    timeout: float,
    memory_bytes: int,
) -> bytes:
    """`render_page()` in a worker process bounded in time and memory (see sandbox)."""
    png = _isolated(
        "render", (data, page_number, resolution), timeout=timeout, memory_bytes=memory_bytes
    )
    assert isinstance(png, bytes)  # noqa: S101 - internal invariant
    return png


def locate_text_isolated(
    data: bytes, page_number: int, text: str, *, timeout: float, memory_bytes: int
) -> tuple[tuple[float, ...], ...]:
    """`locate_text()` in a bounded worker process."""
    boxes = _isolated(
        "locate", (data, page_number, text), timeout=timeout, memory_bytes=memory_bytes
    )
    assert isinstance(boxes, tuple)  # noqa: S101 - internal invariant
    return boxes
