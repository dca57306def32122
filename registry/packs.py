"""A district's rule packs: which shipped packs it is checked against, and its own packs.

A district pack is YAML stored per district; it extends a shipped pack and may only make it
stricter (policies lints it on save, with line numbers). Saving, enabling or disabling a
pack re-checks the district's stored agreements and returns what changed. Admins edit;
privacy officers may read. Semantics of the composition: `registry.checking.compose_packs`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from tortoise.transactions import in_transaction

from policies import Pack, PackSyntaxError, PackValidationError, PolicyError, shipped_packs
from registry.checking import default_pack_ids, packs_for_district, stored_pack
from registry.errors import ConflictError, InvalidInputError, NotFoundError, StaleEditError
from registry.events import record_event
from registry.models import District, DistrictPack
from registry.recheck import RecheckReport, recheck
from registry.scoping import Actor, require_role
from registry.status import Role

__all__ = [
    "InvalidPackError",
    "PackChoice",
    "PackSaveResult",
    "PacksOverview",
    "get_district_pack",
    "lint_source",
    "list_district_packs",
    "pack_overview",
    "save_district_pack",
    "set_district_pack_enabled",
    "set_shipped_packs",
]


class InvalidPackError(InvalidInputError):
    """The pack's YAML does not lint; nothing was stored. `line` is 1-based."""

    code: ClassVar[str] = "invalid_pack"

    def __init__(self, error: PolicyError) -> None:
        line = getattr(error, "line", 1)
        detail = getattr(error, "message", str(error))
        scope = ""
        if isinstance(error, PackValidationError):
            scope = "".join(f"{part}: " for part in (error.rule_id, error.path) if part)
        elif isinstance(error, PackSyntaxError):
            scope = "invalid YAML: "
        super().__init__(f"Line {line}: {scope}{detail}", field="source")
        self.line = line


@dataclass(frozen=True, slots=True, kw_only=True)
class PackChoice:
    """One pack as the admin page lists it."""

    id: str
    title: str
    version: str  # semver for shipped packs; "v3" (stored revision) for district packs
    effective: dt.date | None
    enabled: bool
    in_use: bool  # evaluated for this district's agreements (after replacements)
    extends: str | None = None
    row_id: int | None = None  # DistrictPack id for district packs
    revision: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PacksOverview:
    district: District
    shipped: tuple[PackChoice, ...]
    own: tuple[PackChoice, ...]
    defaults: tuple[str, ...]
    can_edit: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class PackSaveResult:
    pack: DistrictPack
    report: RecheckReport


async def pack_overview(actor: Actor) -> PacksOverview:
    """Shipped packs (enabled or not) and the district's own packs (officers and admins)."""
    require_role(actor, Role.PRIVACY_OFFICER)
    district = await District.get(id=actor.district_id)
    in_use = {p.id for p in await packs_for_district(district)}
    enabled = set(district.enabled_packs or default_pack_ids(district.state))
    shipped = tuple(
        PackChoice(
            id=p.id,
            title=p.title,
            version=p.version,
            effective=p.effective,
            enabled=p.id in enabled,
            in_use=p.id in in_use,
        )
        for p in shipped_packs()
        if p.extends is None
    )
    own = tuple(_choice(row, in_use) for row in await list_district_packs(actor))
    return PacksOverview(
        district=district,
        shipped=shipped,
        own=own,
        defaults=default_pack_ids(district.state),
        can_edit=actor.role is Role.ADMIN,
    )


def _choice(row: DistrictPack, in_use: set[str]) -> PackChoice:
    pack = _parsed(row)
    return PackChoice(
        id=row.pack_id,
        title=pack.title if pack else row.pack_id,
        version=f"v{row.version}",
        effective=pack.effective if pack else None,
        enabled=row.is_enabled,
        in_use=row.pack_id in in_use,
        extends=pack.extends if pack else None,
        row_id=row.id,
        revision=row.version,
    )


def _parsed(row: DistrictPack) -> Pack | None:
    """The stored pack, or None if it no longer lints (e.g. a shipped rule it overrides was
    renamed); the page then shows it without its title."""
    try:
        return stored_pack(row.source, row.version, f"{row.pack_id}.yaml")
    except PolicyError:
        return None


async def list_district_packs(actor: Actor) -> list[DistrictPack]:
    require_role(actor, Role.PRIVACY_OFFICER)
    return await DistrictPack.filter(district_id=actor.district_id).order_by("pack_id")


async def get_district_pack(actor: Actor, pack_row_id: int) -> DistrictPack:
    """One of the actor's district's packs; another district's pack is NotFoundError."""
    require_role(actor, Role.PRIVACY_OFFICER)
    row = await DistrictPack.filter(id=pack_row_id, district_id=actor.district_id).first()
    if row is None:
        raise NotFoundError("No such district pack in your district.")
    return row


def lint_source(source: str, *, name: str = "district-pack.yaml") -> Pack:
    """Lint a district pack's YAML; InvalidPackError names the line of the first problem."""
    if not source.strip():
        raise InvalidInputError("The pack is empty.", field="source")
    try:
        return stored_pack(source, 0, name)
    except PolicyError as exc:
        raise InvalidPackError(exc) from exc


async def save_district_pack(
    actor: Actor, *, source: str, pack_row_id: int | None = None, version: int | None = None
) -> PackSaveResult:
    """Create (no `pack_row_id`) or update a district pack, then re-check the district.

    `version` is the revision the editor loaded: a newer stored revision is StaleEditError.
    Nothing is stored when the YAML does not lint.
    """
    require_role(actor, Role.ADMIN)
    source = source.replace("\r\n", "\n")
    row = await get_district_pack(actor, pack_row_id) if pack_row_id is not None else None
    pack = lint_source(source, name=f"{row.pack_id if row else 'district-pack'}.yaml")
    if row is not None and pack.id != row.pack_id:
        raise InvalidInputError(
            f"This pack's id is {row.pack_id!r}; to use another id, create a new pack.",
            field="source",
        )
    if row is None or row.is_enabled:
        await _one_per_base(actor, pack, exclude=row.id if row else None)
    async with in_transaction() as conn:
        if row is None:
            if await DistrictPack.filter(district_id=actor.district_id, pack_id=pack.id).exists():
                raise ConflictError(f"Your district already has a pack {pack.id!r}; edit it.")
            row = await DistrictPack.create(
                district_id=actor.district_id,
                pack_id=pack.id,
                source=source,
                updated_by_id=actor.user_id,
                using_db=conn,
            )
            before = None
        else:
            if version is None or version != row.version:
                raise StaleEditError(_stale(row))
            updated = (
                await DistrictPack.filter(id=row.id, version=version)
                .using_db(conn)
                .update(source=source, version=version + 1, updated_by_id=actor.user_id)
            )
            if not updated:
                raise StaleEditError(_stale(row))
            before = {"version": version}
            row = await DistrictPack.get(id=row.id, using_db=conn)
        await record_event(
            "pack:save",
            subject_type="district_pack",
            subject_id=row.id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            before=before,
            after={"version": row.version, "pack_id": row.pack_id, "extends": pack.extends},
            using_db=conn,
        )
    return PackSaveResult(pack=row, report=await _recheck(actor))


def _stale(row: DistrictPack) -> str:
    return (
        f"Someone saved {row.pack_id} after you opened it. Reload the page to see their "
        "version, then make your change again."
    )


async def _one_per_base(actor: Actor, pack: Pack, *, exclude: int | None) -> None:
    """Two enabled district packs over the same base would report its rules twice."""
    for other in await DistrictPack.filter(district_id=actor.district_id, is_enabled=True):
        if other.id == exclude or other.pack_id == pack.id:
            continue
        parsed = _parsed(other)
        if parsed is not None and parsed.extends == pack.extends:
            raise ConflictError(
                f"Your pack {other.pack_id!r} already extends {pack.extends}; a second one "
                "would report its rules twice. Disable it or edit it instead."
            )


async def set_district_pack_enabled(
    actor: Actor, pack_row_id: int, *, enabled: bool
) -> RecheckReport:
    """Switch a district pack on or off, then re-check the district."""
    require_role(actor, Role.ADMIN)
    row = await get_district_pack(actor, pack_row_id)
    if row.is_enabled == enabled:
        return RecheckReport()
    if enabled:
        pack = _parsed(row)
        if pack is None:
            raise InvalidInputError(
                f"{row.pack_id} no longer lints; open it, fix it and save it first."
            )
        await _one_per_base(actor, pack, exclude=row.id)
    async with in_transaction() as conn:
        await DistrictPack.filter(id=row.id).using_db(conn).update(is_enabled=enabled)
        await record_event(
            "pack:enable" if enabled else "pack:disable",
            subject_type="district_pack",
            subject_id=row.id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            before={"enabled": row.is_enabled},
            after={"enabled": enabled, "version": row.version},
            using_db=conn,
        )
    return await _recheck(actor)


async def set_shipped_packs(actor: Actor, pack_ids: list[str]) -> RecheckReport:
    """Choose the shipped packs the district is checked against, then re-check it."""
    require_role(actor, Role.ADMIN)
    known = [p.id for p in shipped_packs() if p.extends is None]
    unknown = sorted(set(pack_ids) - set(known))
    if unknown:
        raise InvalidInputError(f"Unknown pack: {', '.join(unknown)}.", field="packs")
    if not pack_ids:
        raise InvalidInputError("Choose at least one pack.", field="packs")
    chosen = [p for p in known if p in pack_ids]
    district = await District.get(id=actor.district_id)
    before = list(district.enabled_packs or default_pack_ids(district.state))
    if chosen == before:
        return RecheckReport()
    async with in_transaction() as conn:
        district.enabled_packs = chosen
        await district.save(update_fields=["enabled_packs"], using_db=conn)
        await record_event(
            "district:packs",
            subject_type="district",
            subject_id=district.id,
            district_id=district.id,
            actor_id=actor.user_id,
            before={"packs": before},
            after={"packs": chosen},
            using_db=conn,
        )
    return await _recheck(actor)


async def _recheck(actor: Actor) -> RecheckReport:
    district = await District.get(id=actor.district_id)
    return await recheck(district_slug=district.slug)
