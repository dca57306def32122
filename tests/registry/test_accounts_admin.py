"""Admins manage users and roles of their own district; never without an admin; audited."""

from __future__ import annotations

import pytest

from registry import accounts
from registry.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from registry.models import AuditEvent, Membership, User
from registry.status import Role
from tests.conftest import make_actor, make_district

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("orm")]
SECRET = "test-secret-key-0123456789abcdef"


async def test_invite_with_password_hashes_with_argon2_and_audits() -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    user, needs_link = await accounts.invite_user(
        admin, email=" Ms.Reed@School.org ", name="Ms Reed", role=Role.TEACHER,
        password="a long enough password",
    )  # fmt: skip
    assert not needs_link
    assert user.email == "ms.reed@school.org"
    assert user.password_hash.startswith("$argon2id$")
    assert (
        await accounts.authenticate("ms.reed@school.org", "a long enough password")
    ).id == user.id
    event = await AuditEvent.get(tag="user:invite", subject_id=user.id)
    assert event.after == {
        "email": "ms.reed@school.org",
        "role": "teacher",
        "new_account": True,
        "password": "set by admin",
    }
    assert event.district_id == district.id  # type: ignore[attr-defined]
    assert "a long enough password" not in str(event.after)


async def test_invite_without_password_gives_a_one_time_link() -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    user, needs_link = await accounts.invite_user(
        admin, email="new@school.org", name="New", role=Role.PRIVACY_OFFICER
    )
    assert needs_link
    with pytest.raises(AuthenticationError):  # no usable password yet
        await accounts.authenticate("new@school.org", "")
    token = await accounts.set_password_link_token(admin, user.id, secret=SECRET)
    with pytest.raises(AuthenticationError):  # signed with another secret
        await accounts.set_password_with_token(token, "my new password!", secret=SECRET + "x")
    with pytest.raises(InvalidInputError):  # too short, and the link stays usable
        await accounts.set_password_with_token(token, "short", secret=SECRET)
    await accounts.set_password_with_token(token, "my new password!", secret=SECRET)
    assert (await accounts.authenticate("new@school.org", "my new password!")).id == user.id
    with pytest.raises(AuthenticationError, match="not valid any more"):  # used up
        await accounts.set_password_with_token(token, "another password!", secret=SECRET)
    expired = await accounts.set_password_link_token(admin, user.id, secret=SECRET, now=0)
    with pytest.raises(AuthenticationError):
        await accounts.set_password_with_token(expired, "another password!", secret=SECRET)
    for forged in ("", "1.2", "x.y.z", f"{user.id}.99999999999.{'0' * 64}"):
        with pytest.raises(AuthenticationError):
            await accounts.set_password_with_token(forged, "another password!", secret=SECRET)


async def test_existing_account_joins_a_second_district_keeping_its_password() -> None:
    a, b = await make_district("alpha"), await make_district("beta")
    teacher = await make_actor(a, Role.TEACHER)
    admin_b = await make_actor(b, Role.ADMIN)
    before = (await User.get(id=teacher.user_id)).password_hash
    user, needs_link = await accounts.invite_user(
        admin_b, email=teacher.email, name="Ignored", role=Role.PRIVACY_OFFICER, password=""
    )
    assert user.id == teacher.user_id
    assert not needs_link
    assert (await User.get(id=teacher.user_id)).password_hash == before
    with pytest.raises(ConflictError, match="already has a role"):
        await accounts.invite_user(admin_b, email=teacher.email, name="X", role=Role.TEACHER)


async def test_never_leave_a_district_without_an_admin() -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    with pytest.raises(ConflictError, match="only active admin"):
        await accounts.change_role(admin, admin.user_id, Role.TEACHER)
    with pytest.raises(PermissionDeniedError):
        await accounts.deactivate_member(admin, admin.user_id)
    second = await make_actor(district, Role.ADMIN, email="second@springfield.example.org")
    await accounts.deactivate_member(admin, second.user_id)
    with pytest.raises(ConflictError):  # a deactivated admin does not count
        await accounts.change_role(admin, admin.user_id, Role.TEACHER)
    await accounts.reactivate_member(admin, second.user_id)
    member = await accounts.change_role(admin, admin.user_id, Role.TEACHER)
    assert member.role is Role.TEACHER
    tags = await AuditEvent.filter(district_id=district.id).values_list("tag", flat=True)
    assert {"user:deactivate", "user:reactivate", "user:role"} <= set(tags)


async def test_admin_actions_are_admin_only_and_district_scoped() -> None:
    a, b = await make_district("alpha"), await make_district("beta")
    admin_a = await make_actor(a, Role.ADMIN)
    officer_a = await make_actor(a, Role.PRIVACY_OFFICER)
    teacher_b = await make_actor(b, Role.TEACHER)
    with pytest.raises(PermissionDeniedError):
        await accounts.list_members(officer_a)
    with pytest.raises(PermissionDeniedError):
        await accounts.change_role(officer_a, officer_a.user_id, Role.ADMIN)
    for call in (
        accounts.change_role(admin_a, teacher_b.user_id, Role.ADMIN),
        accounts.deactivate_member(admin_a, teacher_b.user_id),
        accounts.reactivate_member(admin_a, teacher_b.user_id),
        accounts.set_password_link_token(admin_a, teacher_b.user_id, secret=SECRET),
    ):
        with pytest.raises(NotFoundError):
            await call
    listed = sorted(m.email for m in await accounts.list_members(admin_a))
    assert listed == sorted([admin_a.email, officer_a.email])
    assert (await Membership.get(user_id=teacher_b.user_id)).role is Role.TEACHER
    assert (await User.get(id=teacher_b.user_id)).is_active


async def test_deactivating_a_multi_district_user_only_removes_the_role_here() -> None:
    a, b = await make_district("alpha"), await make_district("beta")
    admin_a = await make_actor(a, Role.ADMIN)
    admin_b = await make_actor(b, Role.ADMIN)
    teacher = await make_actor(a, Role.TEACHER)
    await accounts.invite_user(admin_b, email=teacher.email, name="T", role=Role.TEACHER)
    assert await accounts.deactivate_member(admin_a, teacher.user_id) is None
    assert (await User.get(id=teacher.user_id)).is_active
    with pytest.raises(NotFoundError):
        await accounts.actor_for(teacher.user_id, a.id)
    assert (await accounts.actor_for(teacher.user_id, b.id)).role is Role.TEACHER


async def test_bad_invites_are_refused_and_nothing_is_created() -> None:
    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    for email, name, password in (
        ("not-an-email", "X", ""),
        ("a@b", "X", ""),
        ("ok@school.org", "", ""),
        ("ok@school.org", "X", "short"),
    ):
        with pytest.raises(InvalidInputError):
            await accounts.invite_user(
                admin, email=email, name=name, role=Role.TEACHER, password=password
            )
    assert await User.filter(email="ok@school.org").count() == 0


async def test_district_settings_are_admin_only_audited_and_shown_to_parents() -> None:
    from registry import publish
    from registry.models import District

    district = await make_district()
    admin = await make_actor(district, Role.ADMIN)
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    await publish.public_listing(district.slug)  # cached before the change
    with pytest.raises(PermissionDeniedError):
        await accounts.update_district_settings(officer, accounts.DistrictSettings("X", "", ""))
    with pytest.raises(InvalidInputError):
        await accounts.update_district_settings(
            admin, accounts.DistrictSettings("Springfield", "", "javascript:alert(1)")
        )
    contact = "Write to privacy@springfield.example.org to see or correct records."
    await accounts.update_district_settings(
        admin,
        accounts.DistrictSettings("Springfield Public Schools", contact, "https://sf.example.org"),
    )
    stored = await District.get(id=district.id)
    assert (stored.name, stored.privacy_contact) == ("Springfield Public Schools", contact)
    event = await AuditEvent.get(tag="district:settings", subject_id=district.id)
    assert event.before == {"name": district.name, "privacy_contact": "", "website": ""}
    assert event.after == {
        "name": "Springfield Public Schools",
        "privacy_contact": contact,
        "website": "https://sf.example.org",
    }
    listing = await publish.public_listing(district.slug)
    assert (listing.district_name, listing.privacy_contact) == (
        "Springfield Public Schools",
        contact,
    )
