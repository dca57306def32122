"""Public read models: the approved-apps list a parent sees. No confidential field leaves here.

Only apps whose status is approved or approved with conditions are listed; findings,
internal notes, reviewer names and non-public agreements are never part of these objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from registry.errors import NotFoundError
from registry.models import Agreement, AppDataElement, AppStatusRecord, District
from registry.status import PUBLISHED_STATUSES
from registry.taxonomy import data_element_name

__all__ = [
    "PublicAgreement",
    "PublicApp",
    "PublicListing",
    "public_agreement_file",
    "public_listing",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicAgreement:
    id: int
    kind: str
    signed_on: date | None
    expires_on: date | None
    is_public: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicApp:
    id: int
    name: str
    vendor: str
    url: str
    description: str
    grades: str
    subjects: str
    status: str
    conditions: str
    data_elements: tuple[str, ...]
    data_element_names: tuple[str, ...]
    agreement: PublicAgreement | None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.agreement is not None:
            data["agreement"] = {
                "kind": self.agreement.kind,
                "signed_on": _iso(self.agreement.signed_on),
                "expires_on": _iso(self.agreement.expires_on),
                "public_copy": self.agreement.is_public,
            }
        data["data_elements"] = list(self.data_elements)
        data["data_element_names"] = list(self.data_element_names)
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicListing:
    district_slug: str
    district_name: str
    state: str
    apps: tuple[PublicApp, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "district": {
                "slug": self.district_slug,
                "name": self.district_name,
                "state": self.state,
            },
            "count": len(self.apps),
            "apps": [a.to_json() for a in self.apps],
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


async def public_listing(district_slug: str, query: str = "") -> PublicListing:
    district = await District.get_or_none(slug=district_slug)
    if district is None:
        raise NotFoundError("No such district.")
    records = (
        await AppStatusRecord.filter(
            district_id=district.id, status__in=[s.value for s in PUBLISHED_STATUSES]
        )
        .prefetch_related("app", "app__vendor")
        .order_by("app__name")
    )
    app_ids = [r.app.id for r in records]
    elements: dict[int, list[str]] = {}
    for app_id, element in await AppDataElement.filter(app_id__in=app_ids).values_list(
        "app_id", "element"
    ):
        elements.setdefault(app_id, []).append(element)
    agreements: dict[int, Agreement] = {}
    for agreement in await Agreement.filter(
        district_id=district.id, app_id__in=app_ids, extraction_state="done"
    ).order_by("created_at"):
        agreements[agreement.app_id] = agreement  # type: ignore[attr-defined]  # newest wins
    needle = query.strip().lower()
    apps = []
    for record in records:
        app = record.app
        if needle and needle not in f"{app.name} {app.vendor.name} {app.subjects}".lower():
            continue
        ids = tuple(sorted(elements.get(app.id, [])))
        latest = agreements.get(app.id)
        apps.append(
            PublicApp(
                id=app.id,
                name=app.name,
                vendor=app.vendor.name,
                url=app.url,
                description=app.description,
                grades=app.grades,
                subjects=app.subjects,
                status=record.status.value,
                conditions=record.conditions,
                data_elements=ids,
                data_element_names=tuple(data_element_name(i) for i in ids),
                agreement=None
                if latest is None
                else PublicAgreement(
                    id=latest.id,
                    kind=latest.kind.value,
                    signed_on=latest.signed_on,
                    expires_on=latest.expires_on,
                    is_public=latest.is_public,
                ),
            )
        )
    return PublicListing(
        district_slug=district.slug,
        district_name=district.name,
        state=district.state,
        apps=tuple(apps),
    )


async def public_agreement_file(district_slug: str, agreement_id: int) -> tuple[str, str]:
    """(sha256, filename) of an agreement the district marked public for a published app."""
    agreement = (
        await Agreement.filter(id=agreement_id, district__slug=district_slug, is_public=True)
        .prefetch_related("file")
        .first()
    )
    if agreement is None:
        raise NotFoundError("No such public agreement.")
    published = await AppStatusRecord.filter(
        app_id=agreement.app_id,  # type: ignore[attr-defined]
        district_id=agreement.district_id,  # type: ignore[attr-defined]
        status__in=[s.value for s in PUBLISHED_STATUSES],
    ).exists()
    if not published:
        raise NotFoundError("No such public agreement.")
    return agreement.file.sha256, agreement.filename
