"""The single routes table."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from web import account, admin, admin_users, api, officer, pages, public, teacher

__all__ = ["routes"]

STATIC_DIR = Path(__file__).parent / "static"

routes: list[BaseRoute] = [
    Route("/", pages.home, methods=["GET"], name="home"),
    Route("/login", pages.login_form, methods=["GET"], name="login_form"),
    Route("/login", pages.login, methods=["POST"], name="login"),
    Route("/logout", pages.logout, methods=["POST"], name="logout"),
    # -- privacy officer (web.officer): officers and admins of the district; teachers 403,
    # other districts' records 404. Begin officer block.
    Route("/desk", officer.desk, methods=["GET"], name="desk"),
    Route("/apps/new", officer.create_app, methods=["POST"], name="create_app"),
    Route("/apps/{app_id:int}", officer.app_page, methods=["GET"], name="app"),
    Route("/apps/{app_id:int}/agreements", officer.upload, methods=["POST"], name="upload"),
    Route("/apps/{app_id:int}/status", officer.change_status, methods=["POST"], name="status"),
    Route("/apps/{app_id:int}/edit", officer.edit_app, methods=["POST"], name="edit_app"),
    Route(
        "/agreements/{agreement_id:int}", officer.agreement_page, methods=["GET"], name="agreement"
    ),
    Route(
        "/agreements/{agreement_id:int}/pages/{page:int}.png",
        officer.page_image,
        methods=["GET"],
        name="page_image",
    ),
    Route(
        "/agreements/{agreement_id:int}/replace",
        officer.replace_agreement,
        methods=["POST"],
        name="replace_agreement",
    ),
    Route(
        "/findings/{finding_id:int}/override",
        officer.override_finding,
        methods=["POST"],
        name="override",
    ),
    Route(
        "/findings/{finding_id:int}/accept",
        officer.accept_finding,
        methods=["POST"],
        name="accept_finding",
    ),
    Route(
        "/clauses/{clause_id:int}/correct",
        officer.correct_clause_form,
        methods=["POST"],
        name="correct_clause",
    ),
    Route(
        "/requests/{request_id:int}/decline",
        officer.decline_request,
        methods=["POST"],
        name="decline_request",
    ),
    # End officer block.
    # district rules (admins): web/admin.py
    Route("/admin/packs", admin.packs_page, methods=["GET"], name="admin_packs"),
    Route("/admin/packs/shipped", admin.set_shipped, methods=["POST"], name="admin_shipped"),
    Route("/admin/packs/new", admin.new_pack, methods=["GET"], name="admin_new_pack"),
    Route("/admin/packs/new", admin.save_pack, methods=["POST"], name="admin_create_pack"),
    Route("/admin/packs/{pack_row_id:int}", admin.edit_pack, methods=["GET"], name="admin_pack"),
    Route(
        "/admin/packs/{pack_row_id:int}", admin.save_pack, methods=["POST"], name="admin_save_pack"
    ),
    Route(
        "/admin/packs/{pack_row_id:int}/enabled",
        admin.set_pack_enabled,
        methods=["POST"],
        name="admin_pack_enabled",
    ),
    # end district rules
    # teacher (web/teacher.py), account, admin users: the wt-api block ----------------------
    Route("/apps", teacher.search_apps, methods=["GET"], name="search"),
    Route("/requests", teacher.requests_page, methods=["GET"], name="requests"),
    Route("/requests", teacher.request_app, methods=["POST"], name="request_app"),
    Route("/notifications", account.notifications_page, methods=["GET"], name="notifications"),
    Route(
        "/notifications/read",
        account.mark_notifications_read,
        methods=["POST"],
        name="notifications_read",
    ),
    Route("/account/tokens", account.tokens_page, methods=["GET"], name="tokens"),
    Route("/account/tokens", account.create_token, methods=["POST"], name="create_token"),
    Route(
        "/account/tokens/{token_id:int}/revoke",
        account.revoke_token,
        methods=["POST"],
        name="revoke_token",
    ),
    Route("/admin/users", admin_users.users_page, methods=["GET"], name="admin_users"),
    Route("/admin/users", admin_users.invite_user, methods=["POST"], name="admin_invite"),
    Route(
        "/admin/users/{user_id:int}/role",
        admin_users.change_role,
        methods=["POST"],
        name="admin_role",
    ),
    Route(
        "/admin/users/{user_id:int}/deactivate",
        admin_users.deactivate_user,
        methods=["POST"],
        name="admin_deactivate",
    ),
    Route(
        "/admin/users/{user_id:int}/reactivate",
        admin_users.reactivate_user,
        methods=["POST"],
        name="admin_reactivate",
    ),
    Route(
        "/admin/users/{user_id:int}/password-link",
        admin_users.password_link,
        methods=["POST"],
        name="admin_password_link",
    ),
    Route("/admin/district", admin_users.district_page, methods=["GET"], name="admin_district"),
    Route(
        "/admin/district", admin_users.save_district, methods=["POST"], name="admin_save_district"
    ),
    Route("/set-password", admin_users.set_password_form, methods=["GET"], name="set_password"),
    Route("/set-password", admin_users.set_password, methods=["POST"], name="set_password_post"),
    # end of the wt-api block ------------------------------------------------------------------
    # public (no login): web.public.routes
    *public.routes,
    Mount("/api", routes=api.routes, name="api"),
    Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
]
