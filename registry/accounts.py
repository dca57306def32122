"""Users, passwords (argon2), district memberships, and the admins' user management.

Admin use cases (`list_members`, `invite_user`, `change_role`, `deactivate_member`,
`reactivate_member`) act in the admin's district only, never leave a district without an
active admin, and are audited. Invited users without a password get a one-time link: a
token signed with the server secret over the user's current password hash, so it stops
working as soon as a password is set (or after `SET_PASSWORD_TTL`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from tortoise.transactions import in_transaction

from registry.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from registry.events import record_event
from registry.models import District, Membership, User
from registry.scoping import Actor, require_role
from registry.status import Role

__all__ = [
    "DistrictSettings",
    "Member",
    "actor_for",
    "add_user",
    "authenticate",
    "change_role",
    "create_district",
    "deactivate_member",
    "get_district_settings",
    "hash_password",
    "invite_user",
    "list_members",
    "reactivate_member",
    "session_stamp",
    "set_password_link_token",
    "set_password_with_token",
    "update_district_settings",
]

_hasher = PasswordHasher()
# A real hash to verify against when the email is unknown, so timing does not reveal users.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    return _hasher.hash(password)


async def create_district(*, slug: str, name: str, state: str) -> District:
    state = state.strip().upper()
    if len(state) != 2 or not state.isalpha():
        raise InvalidInputError("A district's state is a two-letter code, e.g. NY.", field="state")
    return await District.create(slug=slug, name=name, state=state)


async def add_user(*, email: str, name: str, password: str, district: District, role: Role) -> User:
    """Create the user (or reuse the account with that email) and give it a role in `district`."""
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInputError("That is not an email address.", field="email")
    user = await User.get_or_none(email=email)
    if user is None:
        user = await User.create(email=email, name=name, password_hash=hash_password(password))
    await Membership.update_or_create(
        defaults={"role": role}, user_id=user.id, district_id=district.id
    )
    return user


async def authenticate(email: str, password: str) -> User:
    """Return the user whose password matches, else raise AuthenticationError."""
    email = email.strip().lower()
    user = None if "\x00" in email else await User.get_or_none(email=email, is_active=True)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise AuthenticationError("Wrong email or password.") from None
    if user is None:
        raise AuthenticationError("Wrong email or password.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        await user.save(update_fields=["password_hash"])
    return user


async def actor_for(user_id: int, district_id: int | None = None) -> Actor:
    """The actor for a user in a district (their first membership when none is given)."""
    query = Membership.filter(user_id=user_id, user__is_active=True)
    if district_id is not None:
        query = query.filter(district_id=district_id)
    membership = await query.order_by("id").prefetch_related("user").first()
    if membership is None:
        raise NotFoundError("No role in that district.")
    return Actor(
        user_id=user_id,
        district_id=membership.district_id,  # type: ignore[attr-defined]
        role=Role(membership.role),
        name=membership.user.name,
        email=membership.user.email,
    )


# -- sessions --------------------------------------------------------------------------------


async def session_stamp(actor: Actor) -> str:
    """A short fingerprint of the user's credentials: it changes when the password does."""
    user = await User.get_or_none(id=actor.user_id, is_active=True)
    if user is None:
        raise NotFoundError("No such user.")
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:20]


# -- admin: users and roles of a district ---------------------------------------------------

SET_PASSWORD_TTL = 7 * 24 * 60 * 60  # a week, in seconds
_UNUSABLE = "!"  # password hashes starting with this never verify


@dataclass(frozen=True, slots=True)
class Member:
    """A user's membership in the admin's district, as the users page lists it."""

    user_id: int
    email: str
    name: str
    role: Role
    is_active: bool
    has_password: bool
    other_districts: int


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    local, _, domain = email.partition("@")
    if (
        not local
        or "." not in domain
        or len(email) > 254
        or any(c.isspace() or not c.isprintable() for c in email)
    ):
        raise InvalidInputError("That is not an email address.", field="email")
    return email


async def list_members(actor: Actor) -> list[Member]:
    """Everyone with a role in the admin's district, active first, then by name."""
    require_role(actor, Role.ADMIN)
    memberships = await Membership.filter(district_id=actor.district_id).prefetch_related("user")
    others: dict[int, int] = {}
    user_ids = [m.user_id for m in memberships]  # type: ignore[attr-defined]
    for row in await Membership.filter(user_id__in=user_ids).exclude(district_id=actor.district_id):
        uid = row.user_id  # type: ignore[attr-defined]
        others[uid] = others.get(uid, 0) + 1
    members = [
        Member(
            user_id=m.user.id,
            email=m.user.email,
            name=m.user.name,
            role=Role(m.role),
            is_active=m.user.is_active,
            has_password=not m.user.password_hash.startswith(_UNUSABLE),
            other_districts=others.get(m.user.id, 0),
        )
        for m in memberships
    ]
    members.sort(key=lambda m: (not m.is_active, m.name.lower(), m.email))
    return members


async def _membership(actor: Actor, user_id: int) -> Membership:
    membership = await Membership.get_or_none(
        user_id=user_id, district_id=actor.district_id
    ).prefetch_related("user")
    if membership is None:
        raise NotFoundError("No such user in your district.")
    return membership


async def _ensure_another_admin(actor: Actor, user_id: int) -> None:
    """Refuse a change that would leave the district without an active admin."""
    others = (
        await Membership.filter(
            district_id=actor.district_id, role=Role.ADMIN, user__is_active=True
        )
        .exclude(user_id=user_id)
        .count()
    )
    if others == 0:
        raise ConflictError(
            "This is the district's only active admin. Make someone else an admin first, "
            "so the district is never left without one."
        )


async def invite_user(
    actor: Actor, *, email: str, name: str, role: Role, password: str = ""
) -> tuple[User, bool]:
    """Give a person a role in the admin's district: (user, needs a set-password link).

    A new account gets `password` (hashed with argon2) or, when none is given, no usable
    password until the person follows the one-time link. An existing account (e.g. from
    another district) keeps its password and gains a membership here.
    """
    require_role(actor, Role.ADMIN)
    email = _clean_email(email)
    name = (name or "").replace("\x00", "").strip()
    if not name or len(name) > 200:
        raise InvalidInputError(
            "Please fill in the person's name (up to 200 characters).", field="name"
        )
    role = Role(role)
    password_hash = hash_password(password) if password else _UNUSABLE + secrets.token_hex(16)
    async with in_transaction() as conn:
        user = await User.get_or_none(email=email)
        created = user is None
        if user is None:
            user = await User.create(
                email=email, name=name, password_hash=password_hash, using_db=conn
            )
        elif await Membership.exists(user_id=user.id, district_id=actor.district_id):
            raise ConflictError(f"{email} already has a role in your district.")
        await Membership.create(
            user_id=user.id, district_id=actor.district_id, role=role, using_db=conn
        )
        await record_event(
            "user:invite",
            subject_type="user",
            subject_id=user.id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            after={
                "email": email,
                "role": role.value,
                "new_account": created,
                "password": (
                    "existing account" if not created else "set by admin" if password else "link"
                ),
            },
            using_db=conn,
        )
    return user, user.password_hash.startswith(_UNUSABLE)


async def change_role(actor: Actor, user_id: int, role: Role) -> Member:
    require_role(actor, Role.ADMIN)
    role = Role(role)
    async with in_transaction() as conn:
        membership = await _membership(actor, user_id)
        before = Role(membership.role)
        if before is role:
            return await _member(actor, user_id)
        if before is Role.ADMIN:
            await _ensure_another_admin(actor, user_id)
        await Membership.filter(id=membership.id).using_db(conn).update(role=role)
        await record_event(
            "user:role",
            subject_type="user",
            subject_id=user_id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            before={"role": before.value},
            after={"role": role.value},
            using_db=conn,
        )
    return await _member(actor, user_id)


async def deactivate_member(actor: Actor, user_id: int) -> Member | None:
    """Take a person's access to the admin's district away (their sessions and tokens stop).

    An account that belongs only to this district is deactivated (kept, listed, and can be
    reactivated); an account with roles in other districts loses only its role here, and
    None is returned.
    """
    require_role(actor, Role.ADMIN)
    _refuse_self_lockout(actor, user_id)
    async with in_transaction() as conn:
        membership = await _membership(actor, user_id)
        if Role(membership.role) is Role.ADMIN:
            await _ensure_another_admin(actor, user_id)
        elsewhere = (
            await Membership.filter(user_id=user_id).exclude(district_id=actor.district_id).exists()
        )
        if elsewhere:
            await Membership.filter(id=membership.id).using_db(conn).delete()
        else:
            await User.filter(id=user_id).using_db(conn).update(is_active=False)
        await record_event(
            "user:deactivate",
            subject_type="user",
            subject_id=user_id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            before={"role": Role(membership.role).value, "active": membership.user.is_active},
            after={"removed_from_district": elsewhere, "active": elsewhere},
            using_db=conn,
        )
    return None if elsewhere else await _member(actor, user_id)


async def reactivate_member(actor: Actor, user_id: int) -> Member:
    require_role(actor, Role.ADMIN)
    membership = await _membership(actor, user_id)
    if not membership.user.is_active:
        async with in_transaction() as conn:
            await User.filter(id=user_id).using_db(conn).update(is_active=True)
            await record_event(
                "user:reactivate",
                subject_type="user",
                subject_id=user_id,
                district_id=actor.district_id,
                actor_id=actor.user_id,
                after={"active": True},
                using_db=conn,
            )
    return await _member(actor, user_id)


async def _member(actor: Actor, user_id: int) -> Member:
    for member in await list_members(actor):
        if member.user_id == user_id:
            return member
    raise NotFoundError("No such user in your district.")


def _link_signature(secret: str, user_id: int, expires: int, password_hash: str) -> str:
    message = f"set-password:{user_id}:{expires}:{password_hash}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


async def set_password_link_token(
    actor: Actor, user_id: int, *, secret: str, now: float | None = None
) -> str:
    """A one-time token for the set-password page of a user of the admin's district."""
    require_role(actor, Role.ADMIN)
    membership = await _membership(actor, user_id)
    if not membership.user.is_active:
        raise ConflictError("Reactivate this user before sending a set-password link.")
    expires = int((time.time() if now is None else now) + SET_PASSWORD_TTL)
    signature = _link_signature(secret, user_id, expires, membership.user.password_hash)
    await record_event(
        "user:password_link",
        subject_type="user",
        subject_id=user_id,
        district_id=actor.district_id,
        actor_id=actor.user_id,
    )
    return f"{user_id}.{expires}.{signature}"


async def set_password_with_token(
    token: str, password: str, *, secret: str, now: float | None = None
) -> User:
    """Set the password a one-time link allows; the link is used up by the change."""
    invalid = AuthenticationError(
        "This link is not valid any more (it was used or it expired). Ask your district's "
        "admin for a new one."
    )
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise invalid
    user_id, expires = int(parts[0]), int(parts[1])
    if expires < (time.time() if now is None else now):
        raise invalid
    user = await User.get_or_none(id=user_id, is_active=True)
    if user is None:
        raise invalid
    expected = _link_signature(secret, user_id, expires, user.password_hash)
    if not hmac.compare_digest(expected, parts[2]):
        raise invalid
    new_hash = hash_password(password)
    async with in_transaction() as conn:
        updated = (
            await User.filter(id=user.id, password_hash=user.password_hash)
            .using_db(conn)
            .update(password_hash=new_hash)
        )
        if not updated:
            raise invalid
        await record_event(
            "user:password_set",
            subject_type="user",
            subject_id=user.id,
            district_id=None,
            actor_id=user.id,
            using_db=conn,
        )
    user.password_hash = new_hash
    return user


def _refuse_self_lockout(actor: Actor, user_id: int) -> None:
    if actor.user_id == user_id:
        raise PermissionDeniedError("Ask another admin to change your own access.")


@dataclass(frozen=True, slots=True)
class DistrictSettings:
    """What an admin may change about the district: its public face. The state (which
    decides the default rule packs) is set when the district is created."""

    name: str
    privacy_contact: str
    website: str


async def get_district_settings(actor: Actor) -> tuple[District, DistrictSettings]:
    require_role(actor, Role.ADMIN)
    district = await District.get(id=actor.district_id)
    return district, DistrictSettings(district.name, district.privacy_contact, district.website)


async def update_district_settings(actor: Actor, settings: DistrictSettings) -> District:
    """Save the district's name, the privacy contact parents see and its website; audited."""
    require_role(actor, Role.ADMIN)
    name = settings.name.replace("\x00", "").strip()
    contact = settings.privacy_contact.replace("\x00", "").strip()
    website = settings.website.replace("\x00", "").strip()
    if not name:
        raise InvalidInputError("Give the district's name.", field="name")
    if len(name) > 200 or len(contact) > 2000 or len(website) > 500:
        raise InvalidInputError("Keep the name under 200 and the contact under 2,000 characters.")
    if website and not website.lower().startswith(("https://", "http://")):
        raise InvalidInputError("The website must start with https://.", field="website")
    async with in_transaction() as conn:
        district = await District.get(id=actor.district_id, using_db=conn)
        before = {
            "name": district.name,
            "privacy_contact": district.privacy_contact,
            "website": district.website,
        }
        after = {"name": name, "privacy_contact": contact, "website": website}
        if before != after:
            await District.filter(id=district.id).using_db(conn).update(**after)
            changed = sorted(k for k in after if after[k] != before[k])
            await record_event(
                "district:settings",
                subject_type="district",
                subject_id=district.id,
                district_id=district.id,
                actor_id=actor.user_id,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
                using_db=conn,
            )
    return await District.get(id=actor.district_id)
