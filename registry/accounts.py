"""Users, passwords (argon2) and district memberships."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from registry.errors import AuthenticationError, InvalidInputError, NotFoundError
from registry.models import District, Membership, User
from registry.scoping import Actor
from registry.status import Role

__all__ = ["actor_for", "add_user", "authenticate", "create_district", "hash_password"]

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
    user = await User.get_or_none(email=email.strip().lower(), is_active=True)
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
