"""Personal API tokens: shown once, stored hashed, scoped, revocable, audited."""

from __future__ import annotations

import hashlib

import pytest

from registry import accounts, tokens
from registry.errors import AuthenticationError, InvalidInputError, NotFoundError
from registry.models import ApiToken, AuditEvent
from registry.status import Role
from tests.conftest import make_actor, make_district

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("orm")]


async def test_token_is_stored_only_as_sha256_and_authenticates() -> None:
    district = await make_district()
    teacher = await make_actor(district, Role.TEACHER)
    token, raw = await tokens.create_token(teacher, "grading script")
    assert raw.startswith("rgy_")
    assert len(raw) > 40
    stored = await ApiToken.get(id=token.id)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.token_hash, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)
    assert len(stored.prefix) == 12
    actor = await tokens.actor_for_token(raw)
    assert (actor.user_id, actor.district_id, actor.role) == (
        teacher.user_id,
        district.id,
        Role.TEACHER,
    )
    assert (await ApiToken.get(id=token.id)).last_used_at is not None
    event = await AuditEvent.get(tag="token:create", subject_id=token.id)
    assert raw not in str(event.after)


async def test_revoked_unknown_and_malformed_tokens_are_refused() -> None:
    district = await make_district()
    teacher = await make_actor(district, Role.TEACHER)
    token, raw = await tokens.create_token(teacher, "script")
    await tokens.revoke_token(teacher, token.id)
    with pytest.raises(AuthenticationError, match="revoked"):
        await tokens.actor_for_token(raw)
    for bad in ("", "rgy_nope", "Bearer x", raw[:-1], "x" * 500):
        with pytest.raises(AuthenticationError):
            await tokens.actor_for_token(bad)
    assert await AuditEvent.filter(tag="token:revoke", subject_id=token.id).count() == 1


async def test_tokens_are_scoped_to_their_owner_and_district() -> None:
    a, b = await make_district("alpha"), await make_district("beta")
    owner = await make_actor(a, Role.PRIVACY_OFFICER)
    other = await make_actor(a, Role.ADMIN)
    stranger = await make_actor(b, Role.ADMIN)
    token, _ = await tokens.create_token(owner, "mine")
    assert [t.id for t in await tokens.list_tokens(owner)] == [token.id]
    assert await tokens.list_tokens(other) == []
    for actor in (other, stranger):
        with pytest.raises(NotFoundError):
            await tokens.revoke_token(actor, token.id)
    assert (await ApiToken.get(id=token.id)).revoked_at is None


async def test_token_follows_the_users_current_role_and_dies_with_deactivation() -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    teacher = await make_actor(district, Role.TEACHER)
    _, raw = await tokens.create_token(teacher, "script")
    await accounts.change_role(admin, teacher.user_id, Role.PRIVACY_OFFICER)
    assert (await tokens.actor_for_token(raw)).role is Role.PRIVACY_OFFICER
    await accounts.deactivate_member(admin, teacher.user_id)
    with pytest.raises(AuthenticationError, match="no longer has access"):
        await tokens.actor_for_token(raw)


async def test_token_name_is_required_and_bounded() -> None:
    district = await make_district()
    teacher = await make_actor(district, Role.TEACHER)
    for name in ("", "   ", "x" * 101):
        with pytest.raises(InvalidInputError):
            await tokens.create_token(teacher, name)
    assert await ApiToken.all().count() == 0
