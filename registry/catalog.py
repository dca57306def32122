"""Catalog use cases: vendors, apps, their data elements, teacher search and requests."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from registry.errors import InvalidInputError, NotFoundError, StaleEditError
from registry.events import record_event
from registry.models import (
    Agreement,
    App,
    AppDataElement,
    AppRequest,
    AppStatusRecord,
    Membership,
    Vendor,
)
from registry.notifications import notify
from registry.scoping import Actor, require_role
from registry.status import PUBLISHED_STATUSES, AppStatus, RequestStatus, Role
from registry.taxonomy import DATA_ELEMENT_IDS, data_element_name

__all__ = [
    "AppEdit",
    "AppSnapshot",
    "DeniedMatch",
    "TeacherSearch",
    "app_data_elements",
    "app_in_district",
    "create_app",
    "decline_request",
    "edit_snapshot",
    "get_or_create_vendor",
    "grades_of",
    "list_app_statuses",
    "list_district_apps",
    "list_requests",
    "request_app",
    "search_approved",
    "search_for_teacher",
    "set_data_elements",
    "teacher_app_view",
    "update_app",
]


def _clean(value: str, field: str, *, required: bool = False, limit: int = 500) -> str:
    # NUL characters cannot be stored in PostgreSQL text and are never meant.
    value = (value or "").replace("\x00", "").strip()
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
    now = datetime.now(UTC)
    note = f"The privacy officer added {app.name} to the catalog and is reviewing it."
    for request in requests:
        await AppRequest.filter(id=request.id).update(
            status=RequestStatus.ACCEPTED, app_id=app.id, decided_at=now, decision_note=note
        )
        await notify(
            user_id=request.requested_by_id,  # type: ignore[attr-defined]
            district_id=actor.district_id,
            message=f"Your request for {request.name} was accepted: {note}",
            link="/requests",
        )
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
    query = (query or "").replace("\x00", "").strip()[:200]
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
    """A teacher asks for an app; linked to the catalog entry when one has that name.

    The district's privacy officers are notified.
    """
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
        officers = await Membership.filter(
            district_id=actor.district_id, role=Role.PRIVACY_OFFICER, user__is_active=True
        ).exclude(user_id=actor.user_id)
        for membership in officers:
            await notify(
                user_id=membership.user_id,  # type: ignore[attr-defined]
                district_id=actor.district_id,
                message=f"{actor.name or actor.email} asked for a review of {name}.",
                link="/desk#requests",
            )
    return request


async def list_requests(actor: Actor, *, mine: bool = False) -> list[AppRequest]:
    """Open and decided requests of the district; a teacher sees only their own."""
    require_role(actor, Role.TEACHER, Role.PRIVACY_OFFICER)
    qs = AppRequest.filter(district_id=actor.district_id)
    if mine or actor.role is Role.TEACHER:
        qs = qs.filter(requested_by_id=actor.user_id)
    return await qs.prefetch_related("requested_by").order_by("-created_at")


async def decline_request(actor: Actor, request_id: int, *, note: str = "") -> AppRequest:
    """Decline an open request; the teacher who asked sees `note` and is notified."""
    require_role(actor, Role.PRIVACY_OFFICER)
    note = _clean(note, "note", limit=2000)
    async with in_transaction():
        request = await AppRequest.get_or_none(
            id=request_id, district_id=actor.district_id, status=RequestStatus.OPEN
        )
        updated = 0
        if request is not None:
            updated = await AppRequest.filter(id=request_id, status=RequestStatus.OPEN).update(
                status=RequestStatus.DECLINED, decision_note=note, decided_at=datetime.now(UTC)
            )
        if request is None or not updated:
            raise NotFoundError("No such open request in your district.")
        message = f"Your request for {request.name} was declined."
        await notify(
            user_id=request.requested_by_id,  # type: ignore[attr-defined]
            district_id=actor.district_id,
            message=f"{message} {note}" if note else message,
            link="/requests",
        )
        await record_event(
            "request:decline",
            subject_type="request",
            subject_id=request_id,
            district_id=actor.district_id,
            actor_id=actor.user_id,
            after={"status": RequestStatus.DECLINED.value},
            note=note,
        )
    await request.refresh_from_db()
    return request


MAX_SUBPROCESSORS = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class AppEdit:
    """What an officer may change on an app's page; `public_agreements` are agreement ids."""

    name: str
    vendor: str
    url: str = ""
    description: str = ""
    grades: str = ""
    subjects: str = ""
    under_13: bool = True
    data_elements: tuple[str, ...] = ()
    subprocessors: tuple[tuple[str, str], ...] = ()  # (name, purpose)
    public_agreements: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AppSnapshot:
    """The editable state of an app, and its fingerprint (the optimistic lock)."""

    values: dict[str, Any]
    fingerprint: str


async def edit_snapshot(actor: Actor, app_id: int) -> AppSnapshot:
    """The app as the edit form shows it; submit `fingerprint` back with the edit."""
    require_role(actor, Role.PRIVACY_OFFICER)
    app = await app_in_district(actor, app_id)
    elements = await AppDataElement.filter(app_id=app.id).order_by("element")
    public = await Agreement.filter(
        app_id=app.id, district_id=actor.district_id, is_public=True
    ).values("id")
    values: dict[str, Any] = {
        "name": app.name,
        "vendor": app.vendor.name,
        "url": app.url,
        "description": app.description,
        "grades": app.grades,
        "subjects": app.subjects,
        "under_13": app.under_13,
        "data_elements": sorted(e.element for e in elements),
        "subprocessors": [[p.get("name", ""), p.get("purpose", "")] for p in app.subprocessors],
        "public_agreements": sorted(int(row["id"]) for row in public),
    }
    blob = json.dumps(values, sort_keys=True, separators=(",", ":")).encode()
    return AppSnapshot(values=values, fingerprint=hashlib.sha256(blob).hexdigest()[:32])


def _subprocessors(rows: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    out = []
    for name, purpose in rows:
        name = _clean(name, "subprocessor", limit=200)
        purpose = _clean(purpose, "purpose", limit=500)
        if not name and not purpose:
            continue
        if not name:
            raise InvalidInputError(
                f"Give the name of the subprocessor used for {purpose!r}.", field="subprocessors"
            )
        out.append({"name": name, "purpose": purpose})
    if len(out) > MAX_SUBPROCESSORS:
        raise InvalidInputError(
            f"At most {MAX_SUBPROCESSORS} subprocessors.", field="subprocessors"
        )
    return out


async def update_app(
    actor: Actor, app_id: int, edit: AppEdit, *, expected_fingerprint: str
) -> AppSnapshot:
    """Save an officer's edit of an app, refusing it when someone changed the app since the
    form was loaded (StaleEditError). One `app:edit` event holds the changed fields."""
    require_role(actor, Role.PRIVACY_OFFICER)
    name = _clean(edit.name, "name", required=True, limit=200)
    unknown = sorted(set(edit.data_elements) - DATA_ELEMENT_IDS)
    if unknown:
        raise InvalidInputError(f"Unknown data element: {unknown[0]}", field="data_elements")
    subprocessors = _subprocessors(edit.subprocessors)
    async with in_transaction():
        snapshot = await edit_snapshot(actor, app_id)
        if snapshot.fingerprint != expected_fingerprint:
            raise StaleEditError(
                "Someone else changed this app while you were editing it. Your changes were "
                "not saved: reload the page, then make them again."
            )
        agreement_ids = {
            int(row["id"])
            for row in await Agreement.filter(app_id=app_id, district_id=actor.district_id).values(
                "id"
            )
        }
        if not set(edit.public_agreements) <= agreement_ids:
            raise InvalidInputError(
                "Only this app's agreements can be made public.", field="public_agreements"
            )
        vendor = await get_or_create_vendor(edit.vendor)
        clash = await App.filter(vendor_id=vendor.id, name__iexact=name).exclude(id=app_id)
        if clash:
            raise InvalidInputError(f"{vendor.name} already has an app named {name}.", field="name")
        await App.filter(id=app_id).update(
            name=name,
            vendor_id=vendor.id,
            url=_clean(edit.url, "url"),
            description=_clean(edit.description, "description", limit=5000),
            grades=_clean(edit.grades, "grades", limit=100),
            subjects=_clean(edit.subjects, "subjects", limit=300),
            under_13=edit.under_13,
            subprocessors=subprocessors,
        )
        # Public copies are per district: only this district's agreements change.
        await Agreement.filter(id__in=sorted(agreement_ids)).update(is_public=False)
        if edit.public_agreements:
            await Agreement.filter(id__in=list(edit.public_agreements)).update(is_public=True)
        await (
            AppDataElement.filter(app_id=app_id)
            .exclude(element__in=list(edit.data_elements))
            .delete()
        )
        for element in sorted(set(edit.data_elements)):
            await AppDataElement.get_or_create(
                app_id=app_id, element=element, defaults={"source": "manual"}
            )
        after = await edit_snapshot(actor, app_id)
        changed = sorted(k for k in after.values if after.values[k] != snapshot.values[k])
        if changed:
            await record_event(
                "app:edit",
                subject_type="app",
                subject_id=app_id,
                district_id=actor.district_id,
                actor_id=actor.user_id,
                before={k: snapshot.values[k] for k in changed},
                after={k: after.values[k] for k in changed},
            )
    return after


# -- teacher search ------------------------------------------------------------------------

_GRADE_WORDS = {"pk": -1, "prek": -1, "pre-k": -1, "tk": -1, "k": 0, "kindergarten": 0}
_GRADE_PATTERN = r"(pre-?k|pk|tk|k|kindergarten|\d{1,2})"
_GRADE_RANGE = re.compile(_GRADE_PATTERN + r"\s*(?:-|–|—|to|through)\s*" + _GRADE_PATTERN)
_GRADE_SINGLE = re.compile(r"(?<![\w-])" + _GRADE_PATTERN + r"(?![\w])")


def _grade_number(token: str) -> int | None:
    token = token.lower()
    if token in _GRADE_WORDS:
        return _GRADE_WORDS[token]
    return int(token) if token.isdigit() and 1 <= int(token) <= 12 else None


def grades_of(text: str) -> frozenset[int]:
    """The grades a free-text grade field names: "K-5" -> {0..5}, "6, 8" -> {6, 8}.

    Pre-K is -1 and kindergarten 0; "all" and "K-12" name every grade.
    """
    text = (text or "").lower().replace("grades", " ").replace("grade", " ")
    if text.strip() in {"all", "any", "all grades"}:
        return frozenset(range(-1, 13))
    found: set[int] = set()
    for match in _GRADE_RANGE.finditer(text):
        low, high = _grade_number(match.group(1)), _grade_number(match.group(2))
        if low is not None and high is not None and low <= high:
            found.update(range(low, high + 1))
    rest = _GRADE_RANGE.sub(" ", text)
    for match in _GRADE_SINGLE.finditer(rest):
        number = _grade_number(match.group(1))
        if number is not None:
            found.add(number)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class DeniedMatch:
    """A denied app that matches a teacher's search: why, and what to use instead."""

    app: App
    reason: str
    alternative: AppStatusRecord | None


@dataclass(frozen=True, slots=True)
class TeacherSearch:
    approved: list[AppStatusRecord]
    denied: list[DeniedMatch]
    subjects: list[str]


def _matches(record: AppStatusRecord, subject: str, grade: frozenset[int]) -> bool:
    app = record.app
    if subject and subject.lower() not in (app.subjects or "").lower():
        return False
    return not grade or bool(grade & grades_of(app.grades))


async def search_for_teacher(
    actor: Actor, query: str = "", *, subject: str = "", grade: str = ""
) -> TeacherSearch:
    """Approved apps of the district by name/vendor/description, subject and grade.

    When the words match a denied app, it is returned with the reason the officer gave
    teachers (never the internal decision note) and the suggested alternative when that is
    approved in the district.
    """
    require_role(actor, Role.TEACHER, Role.PRIVACY_OFFICER)
    query = (query or "").replace("\x00", "").strip()[:200]
    subject = (subject or "").replace("\x00", "").strip()[:100]
    wanted_grades = grades_of(grade) if (grade or "").strip() else frozenset()
    if (grade or "").strip() and not wanted_grades:
        raise InvalidInputError("Give the grade as K, PK or a number from 1 to 12.", field="grade")
    published = [s.value for s in PUBLISHED_STATUSES]
    records = await search_approved(actor, query)
    approved = [r for r in records if _matches(r, subject, wanted_grades)]
    denied: list[DeniedMatch] = []
    if query:
        rows = await AppStatusRecord.filter(
            district_id=actor.district_id,
            status=AppStatus.DENIED,
            app__name__icontains=query,
        ).prefetch_related("app", "app__vendor", "alternative")
        for row in sorted(rows, key=lambda r: r.app.name.lower()):
            alternative = None
            if row.alternative is not None:
                alternative = (
                    await AppStatusRecord.filter(
                        app_id=row.alternative.id,
                        district_id=actor.district_id,
                        status__in=published,
                    )
                    .prefetch_related("app", "app__vendor")
                    .first()
                )
            denied.append(
                DeniedMatch(app=row.app, reason=row.denial_reason, alternative=alternative)
            )
    subjects = await _published_subjects(actor)
    return TeacherSearch(approved=approved, denied=denied, subjects=subjects)


async def _published_subjects(actor: Actor) -> list[str]:
    values = await App.filter(
        statuses__district_id=actor.district_id,
        statuses__status__in=[s.value for s in PUBLISHED_STATUSES],
    ).values_list("subjects", flat=True)
    found: dict[str, str] = {}
    for value in values:
        for part in re.split(r"[,;/]", str(value or "")):
            name = part.strip()
            if name:
                found.setdefault(name.lower(), name)
    return sorted(found.values(), key=str.lower)


async def teacher_app_view(actor: Actor, app_id: int) -> AppStatusRecord:
    """An app's record as a teacher may see it: approved apps, and denied ones (with reason).

    Officers and admins get any app of their district.
    """
    require_role(actor, Role.TEACHER, Role.PRIVACY_OFFICER)
    qs = AppStatusRecord.filter(app_id=app_id, district_id=actor.district_id)
    if actor.role is Role.TEACHER:
        qs = qs.filter(status__in=[*(s.value for s in PUBLISHED_STATUSES), AppStatus.DENIED.value])
    record = await qs.prefetch_related("app", "app__vendor", "alternative").first()
    if record is None:
        raise NotFoundError("No such app in your district.")
    return record


async def list_app_statuses(
    actor: Actor, *, status: AppStatus | None = None
) -> list[AppStatusRecord]:
    """Every app of the district (officers), optionally of one status."""
    records = await list_district_apps(actor)
    return [r for r in records if status is None or r.status is status]
