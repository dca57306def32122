"""Public pages for parents: a district's approved apps, its JSON feed, public agreements.

Everything shown comes from `registry.publish`, whose read models carry no findings,
notes, reviewer names or non-public agreements.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from registry import publish
from registry.errors import NotFoundError
from web.pages import runtime_of
from web.templating import render

__all__ = ["agreement_file", "district_json", "district_page"]

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._ -]+")


def _slug(request: Request) -> str:
    return str(request.path_params["slug"])


async def district_page(request: Request) -> Response:
    query = request.query_params.get("q", "").strip()
    listing = await publish.public_listing(_slug(request), query)
    return render(request, "public/district.html", {"listing": listing, "q": query})


async def district_json(request: Request) -> Response:
    listing = await publish.public_listing(_slug(request), request.query_params.get("q", ""))
    return JSONResponse({"ok": True, **listing.to_json()})


def content_disposition(filename: str) -> str:
    """An attachment header that no filename can break out of."""
    ascii_name = _UNSAFE_FILENAME.sub("_", filename).strip(" .") or "agreement"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def agreement_file(request: Request) -> Response:
    agreement_id = request.path_params["agreement_id"]
    assert isinstance(agreement_id, int)  # noqa: S101 - `:int` route converter
    sha256, filename = await publish.public_agreement_file(_slug(request), agreement_id)
    storage = runtime_of(request).storage
    try:
        data = await anyio.to_thread.run_sync(storage.get, sha256)
    except FileNotFoundError:
        raise NotFoundError("The file of this agreement is missing from storage.") from None
    media_type = "application/pdf" if data.lstrip()[:5] == b"%PDF-" else "text/plain"
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(filename),
            "Cache-Control": "no-cache",
        },
    )
