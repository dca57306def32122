"""Catalog use cases: vendors, apps, their data elements, teacher search and requests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from registry.errors import InvalidInputError, NotFoundError
from registry.events import record_event
from registry.models import App, AppDataElement, AppRequest, AppStatusRecord, Vendor
from registry.scoping import Actor, require_role
from registry.status import PUBLISHED_STATUSES, AppStatus, RequestStatus, Role
from registry.taxonomy import DATA_ELEMENT_IDS, data_element_name

__all__ = [
    "app_data_elements",
    "app_in_district",
    "create_app",
    "decline_request",
    "get_or_create_vendor",
    "list_district_apps",
    "list_requests",
    "request_app",
    "search_approved",
    "set_data_elements",
]


def _clean(value: str, field: str, *, required: bool = False, limit: int = 500) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInputError(f"Please fill in the {field.replace('_', ' ')}.", field=field)
    if len(value) > limit:
        raise InvalidInputError(f"The {field} is longer than {limit} characters.", field=field)
    return value


async def get_or_create_vendor(name: str, *, website: str = "") -> Vendor:
    name = _clean(name, "vendor", required=True, limit=200)
    vendor = await Vendor.filter(name__iexact=name).first()
    if vendor is None:
        vendor = await Vendor.create(name=name, website=_clean(website, "website"))
    return vendor


async def create_app(
    actor: Actor,
    *,
    name: str,
    vendor_name: str,
    url: str = "",
    description: str = "",
    grades: str = "",
    subjects: str = "",
    under_13: bool = True,
    data_elements: Iterable[str] = (),
) -> App:
    """Add an app to the catalog and open its review in the actor's district."""
    require_role(actor, Role.PRIVACY_OFFICER)
    name = _clean(name, "name", required=True, limit=200)
    async with in_transaction():
        vendor = await get_or_create_vendor(vendor_name)
        app = await App.filter(vendor_id=vendor.id, name__iexact=name).first()
        if app is None:
            app = await App.create(
                vendor=vendor,
                name=name,
                url=_clean(url, "url"),
                description=_clean(description, "description", limit=5000),
                grades=_clean(grades, "grades", limit=100),
                subjects=_clean(subjects, "subjects", limit=300),
                under_13=under_13,
            )
            await record_event(
                "app:create",
                subject_type="app",
                subject_id=app.id,
                district_id=actor.district_id,
                actor_id=actor.user_id,
                after={"name": app.name, "vendor": vendor.name},
            )
        record, created = await AppStatusRecord.get_or_create(
            app_id=app.id,
            district_id=actor.district_id,
            defaults={"status": AppStatus.IN_REVIEW},
        )
        if created:
            await record_event(
                "app:status",
                subject_type="app",
                subject_id=app.id,
                district_id=actor.district_id,
                actor_id=actor.user_id,
                before=None,
                after={"status": record.status.value},
            )
        await _add_elements(app, data_elements, source="manual")
        await _accept_requests(actor, app)
    return app


async def _accept_requests(actor: Actor, app: App) -> None:
    """Open teacher requests for an app of that name are answered by its review."""
    requests = await AppRequest.filter(
        district_id=actor.district_id, status=RequestStatus.OPEN, name__iexact=app.name
    )
    for request in requests:
        await AppRequest.filter(id=request.id).update(status=RequestStatus.ACCEPTED, app_id=app.id)
        await record_event(
            "request:accept",
            subject_type="request",
            subject_id=request.id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            after={"status": RequestStatus.ACCEPTED.value, "app_id": app.id},
        )


async def _add_elements(app: App, elements: Iterable[str], *, source: str) -> None:
    for element in sorted(set(elements)):
        if element not in DATA_ELEMENT_IDS:
            raise InvalidInputError(f"Unknown data element: {element}", field="data_elements")
        await AppDataElement.get_or_create(
            app_id=app.id, element=element, defaults={"source": source}
        )


async def set_data_elements(actor: Actor, app_id: int, elements: Sequence[str]) -> None:
    require_role(actor, Role.PRIVACY_OFFICER)
    app = await app_in_district(actor, app_id)
    before = sorted(await AppDataElement.filter(app_id=app.id).values_list("element", flat=True))
    async with in_transaction():
        await AppDataElement.filter(app_id=app.id).exclude(element__in=list(elements)).delete()
        await _add_elements(app, elements, source="manual")
        await record_event(
            "app:data_elements",
            subject_type="app",
            subject_id=app.id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            before={"data_elements": before},
            after={"data_elements": sorted(set(elements))},
        )


async def app_in_district(actor: Actor, app_id: int) -> App:
    """The app, if the actor's district has it in its catalog; NotFoundError otherwise."""
    app = await App.filter(id=app_id, statuses__district_id=actor.district_id).first()
    if app is None:
        raise NotFoundError("No such app in your district.")
    await app.fetch_related("vendor")
    return app


async def app_data_elements(actor: Actor, app_id: int) -> list[tuple[str, str, str]]:
    """(id, plain-language name, source) of the data elements of an app of the district."""
    app = await app_in_district(actor, app_id)
    rows = await AppDataElement.filter(app_id=app.id).order_by("element")
    return [(r.element, data_element_name(r.element), r.source) for r in rows]


async def list_district_apps(actor: Actor) -> list[AppStatusRecord]:
    """Every app of the actor's district with its status (officers and admins)."""
    require_role(actor, Role.PRIVACY_OFFICER)
    return (
        await AppStatusRecord.filter(district_id=actor.district_id)
        .prefetch_related("app", "app__vendor")
        .order_by("app__name")
    )


async def search_approved(actor: Actor, query: str = "") -> list[AppStatusRecord]:
    """Approved apps of the actor's district matching `query` (name, vendor, subject, grade)."""
    require_role(actor, Role.TEACHER, Role.PRIVACY_OFFICER)
    qs = AppStatusRecord.filter(
        district_id=actor.district_id, status__in=[s.value for s in PUBLISHED_STATUSES]
    )
    query = (query or "").strip()[:200]
    if query:
        qs = qs.filter(
            Q(app__name__icontains=query)
            | Q(app__vendor__name__icontains=query)
            | Q(app__subjects__icontains=query)
            | Q(app__grades__icontains=query)
            | Q(app__description__icontains=query)
        )
    return await qs.prefetch_related("app", "app__vendor").order_by("app__name")


async def request_app(
    actor: Actor,
    *,
    name: str,
    url: str = "",
    reason: str = "",
    class_name: str = "",
    grade: str = "",
) -> AppRequest:
    """A teacher asks for an app; linked to the catalog entry when one has that name."""
    require_role(actor, Role.TEACHER, Role.PRIVACY_OFFICER)
    name = _clean(name, "name", required=True, limit=200)
    existing = await App.filter(name__iexact=name).first()
    async with in_transaction():
        request = await AppRequest.create(
            district_id=actor.district_id,
            requested_by_id=actor.user_id,
            app=existing,
            name=name,
            url=_clean(url, "url"),
            reason=_clean(reason, "reason", limit=2000),
            class_name=_clean(class_name, "class_name", limit=200),
            grade=_clean(grade, "grade", limit=40),
        )
        await record_event(
            "request:create",
            subject_type="request",
            subject_id=request.id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            after={"name": name, "url": request.url},
        )
    return request


async def list_requests(actor: Actor, *, mine: bool = False) -> list[AppRequest]:
    """Open and decided requests of the district; a teacher sees only their own."""
    require_role(actor, Role.TEACHER, Role.PRIVACY_OFFICER)
    qs = AppRequest.filter(district_id=actor.district_id)
    if mine or actor.role is Role.TEACHER:
        qs = qs.filter(requested_by_id=actor.user_id)
    return await qs.prefetch_related("requested_by").order_by("-created_at")


async def decline_request(actor: Actor, request_id: int) -> None:
    require_role(actor, Role.PRIVACY_OFFICER)
    updated = await AppRequest.filter(
        id=request_id, district_id=actor.district_id, status=RequestStatus.OPEN
    ).update(status=RequestStatus.DECLINED)
    if not updated:
        raise NotFoundError("No such open request in your district.")
    await record_event(
        "request:decline",
        subject_type="request",
        subject_id=request_id,
        district_id=actor.district_id,
        actor_id=actor.user_id,
        after={"status": RequestStatus.DECLINED.value},
    )
