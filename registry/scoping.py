"""Who is acting, in which district, with which role; every use case checks through here."""

from __future__ import annotations

from dataclasses import dataclass

from registry.errors import PermissionDeniedError
from registry.status import Role

__all__ = ["Actor", "require_role"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """A signed-in user acting in one district (their membership's role there)."""

    user_id: int
    district_id: int
    role: Role
    name: str = ""
    email: str = ""


def require_role(actor: Actor, *roles: Role) -> None:
    """Raise PermissionDeniedError unless the actor holds one of `roles` (admin always may)."""
    if actor.role is Role.ADMIN or actor.role in roles:
        return
    wanted = ", ".join(r.value.replace("_", " ") for r in roles)
    raise PermissionDeniedError(f"This action needs the role: {wanted}.")
