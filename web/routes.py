"""The single routes table."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from web import api, pages, public

__all__ = ["routes"]

STATIC_DIR = Path(__file__).parent / "static"

routes: list[BaseRoute] = [
    Route("/", pages.home, methods=["GET"], name="home"),
    Route("/login", pages.login_form, methods=["GET"], name="login_form"),
    Route("/login", pages.login, methods=["POST"], name="login"),
    Route("/logout", pages.logout, methods=["POST"], name="logout"),
    # privacy officer
    Route("/desk", pages.desk, methods=["GET"], name="desk"),
    Route("/apps/new", pages.create_app, methods=["POST"], name="create_app"),
    Route("/apps/{app_id:int}", pages.app_page, methods=["GET"], name="app"),
    Route("/apps/{app_id:int}/agreements", pages.upload, methods=["POST"], name="upload"),
    Route("/apps/{app_id:int}/status", pages.change_status, methods=["POST"], name="status"),
    Route(
        "/agreements/{agreement_id:int}", pages.agreement_page, methods=["GET"], name="agreement"
    ),
    Route(
        "/findings/{finding_id:int}/override",
        pages.override_finding,
        methods=["POST"],
        name="override",
    ),
    # teacher
    Route("/apps", pages.search_apps, methods=["GET"], name="search"),
    Route("/requests", pages.requests_page, methods=["GET"], name="requests"),
    Route("/requests", pages.request_app, methods=["POST"], name="request_app"),
    Route(
        "/requests/{request_id:int}/decline",
        pages.decline_request,
        methods=["POST"],
        name="decline_request",
    ),
    # public (no login); the .json route must come before the page route
    Route("/d/{slug}.json", public.district_json, methods=["GET"], name="public_json"),
    Route("/d/{slug}", public.district_page, methods=["GET"], name="public"),
    Route(
        "/d/{slug}/agreements/{agreement_id:int}/file",
        public.agreement_file,
        methods=["GET"],
        name="public_file",
    ),
    Mount("/api", routes=api.routes, name="api"),
    Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
]
