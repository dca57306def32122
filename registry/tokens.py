"""Personal API tokens: shown once, stored as sha256, scoped to one user in one district."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from registry import accounts
from registry.errors import AuthenticationError, InvalidInputError, NotFoundError
from registry.events import record_event
from registry.models import ApiToken
from registry.scoping import Actor

__all__ = [
    "TOKEN_PREFIX",
    "actor_for_token",
    "create_token",
    "hash_token",
    "list_tokens",
    "revoke_token",
]

TOKEN_PREFIX = "rgy_"  # noqa: S105 - a public marker, not a secret
_SHOWN_CHARS = 12  # "rgy_" + 8 random characters: enough to tell tokens apart, useless alone
_TOUCH_EVERY = timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


async def create_token(actor: Actor, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor in their district: (stored row, the raw token shown once)."""
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise InvalidInputError(
            "Give the token a name, e.g. the script that uses it.", field="name"
        )
    if len(name) > 100:
        raise InvalidInputError("The token name is longer than 100 characters.", field="name")
    active = await ApiToken.filter(
        user_id=actor.user_id, district_id=actor.district_id, revoked_at=None
    ).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise InvalidInputError(
            f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one you no longer use.",
            field="name",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with in_transaction() as conn:
        token = await ApiToken.create(
            user_id=actor.user_id,
            district_id=actor.district_id,
            name=name,
            token_hash=hash_token(raw),
            prefix=raw[:_SHOWN_CHARS],
            using_db=conn,
        )
        await record_event(
            "token:create",
            subject_type="token",
            subject_id=token.id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            after={"name": name, "prefix": token.prefix},
            using_db=conn,
        )
    return token, raw


async def list_tokens(actor: Actor) -> list[ApiToken]:
    """The actor's own tokens in their district (active and revoked), newest first."""
    return await ApiToken.filter(user_id=actor.user_id, district_id=actor.district_id).order_by(
        "-id"
    )


async def revoke_token(actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens; it is refused from then on."""
    token = await ApiToken.get_or_none(
        id=token_id, user_id=actor.user_id, district_id=actor.district_id
    )
    if token is None:
        raise NotFoundError("No such token.")
    if token.revoked_at is None:
        async with in_transaction() as conn:
            token.revoked_at = datetime.now(UTC)
            await token.save(using_db=conn, update_fields=["revoked_at"])
            await record_event(
                "token:revoke",
                subject_type="token",
                subject_id=token.id,
                district_id=actor.district_id,
                actor_id=actor.user_id,
                before={"prefix": token.prefix},
                using_db=conn,
            )
    return token


async def actor_for_token(raw: str) -> Actor:
    """The actor a bearer token stands for; AuthenticationError when unknown or revoked.

    The user's current role in the token's district is used, so a role change or a
    deactivation takes effect on the next call.
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise AuthenticationError("That API token is not valid.")
    token = await ApiToken.get_or_none(token_hash=hash_token(raw))
    if token is None or token.revoked_at is not None:
        raise AuthenticationError("That API token is not valid or was revoked.")
    try:
        actor = await accounts.actor_for(
            token.user_id,  # type: ignore[attr-defined]
            token.district_id,  # type: ignore[attr-defined]
        )
    except NotFoundError:
        raise AuthenticationError(
            "The user of this API token no longer has access to its district."
        ) from None
    now = datetime.now(UTC)
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        await ApiToken.filter(id=token.id).update(last_used_at=now)
    return actor
