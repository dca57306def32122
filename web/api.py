"""JSON endpoints under /api. Every body has "ok"."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["routes"]


async def health(request: Request) -> Response:
    return JSONResponse({"ok": True})


routes = [Route("/health", health, methods=["GET"], name="api_health")]
