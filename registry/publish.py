"""Public read models: the approved-apps list a parent sees. No confidential field leaves here.

Only apps whose status is approved or approved with conditions are listed; findings,
internal notes, denial reasons, reviewer names and non-public agreements are never read
into these objects. The full listing of a district is built in a fixed handful of queries
(no per-app query) and cached per process, keyed by the district's last change.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from tortoise.functions import Count, Max

from registry.errors import NotFoundError
from registry.models import (
    Agreement,
    AppDataElement,
    AppStatusRecord,
    AuditEvent,
    Clause,
    ClauseCorrection,
    District,
    Extraction,
)
from registry.status import PUBLISHED_STATUSES, ExtractionState
from registry.taxonomy import DATA_ELEMENT_IDS, data_element_name

__all__ = [
    "CACHE_SECONDS",
    "GRADE_LEVELS",
    "PAGE_SIZE",
    "PrivacyTerms",
    "PublicAgreement",
    "PublicApp",
    "PublicListing",
    "Subprocessor",
    "clear_cache",
    "parse_grades",
    "public_agreement_file",
    "public_listing",
]

# A safety net on top of the change key: whatever path a change takes, a cached listing
# is rebuilt at least this often.
CACHE_SECONDS = 300.0
PAGE_SIZE = 50
GRADE_LEVELS = tuple(range(13))  # 0 is kindergarten
# Clause labels whose attributes parents and the state postings read.
TERM_LABELS = (
    "data_retention",
    "deletion",
    "parent_access",
    "data_location",
    "security_safeguards",
    "subprocessors",
    "ferpa_school_official",
    "third_party_disclosure",
)
_PUBLISHED = [s.value for s in PUBLISHED_STATUSES]
_GRADE_TOKEN = re.compile(r"(pre-?k|tk|k|\d{1,2})(?:\s*(?:-|–|to|through)\s*(k|\d{1,2}))?", re.I)


@dataclass(frozen=True, slots=True, kw_only=True)
class Subprocessor:
    name: str
    purpose: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PrivacyTerms:
    """What the agreement's clauses say, as parents and state postings need it.

    Days are calendar days; `None` means the agreement does not say (or the clause was
    not found). Officers' clause corrections take precedence over what was read.
    """

    retention_days: int | None = None
    deletion_days: int | None = None
    deletion_trigger: str | None = None  # termination | request | no_longer_needed
    deletion_certified: bool | None = None
    access_deadline_days: int | None = None
    data_location: str | None = None
    encryption_in_transit: bool | None = None
    encryption_at_rest: bool | None = None
    security_standard: str | None = None
    subprocessors_bound: bool | None = None
    school_official: bool = False
    third_party_disclosure: str | None = None  # the clause's stance

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


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
    vendor_address: str
    vendor_website: str
    url: str
    description: str
    grades: str
    subjects: str
    status: str
    conditions: str
    data_elements: tuple[str, ...]
    data_element_names: tuple[str, ...]
    subprocessors: tuple[Subprocessor, ...]
    terms: PrivacyTerms
    agreement: PublicAgreement | None
    grade_levels: frozenset[int] = field(default_factory=frozenset)
    subject_list: tuple[str, ...] = ()

    def to_json(self, district_slug: str = "") -> dict[str, Any]:
        """The feed's app object; keys of earlier versions keep their meaning."""
        agreement = self.agreement
        return {
            "id": self.id,
            "name": self.name,
            "vendor": self.vendor,
            "vendor_address": self.vendor_address,
            "vendor_website": self.vendor_website,
            "url": self.url,
            "description": self.description,
            "grades": self.grades,
            "grade_levels": sorted(self.grade_levels),
            "subjects": self.subjects,
            "status": self.status,
            "conditions": self.conditions,
            "data_elements": list(self.data_elements),
            "data_element_names": list(self.data_element_names),
            "subprocessors": [asdict(s) for s in self.subprocessors],
            "privacy_terms": self.terms.to_json(),
            "agreement": None
            if agreement is None
            else {
                "kind": agreement.kind,
                "signed_on": _iso(agreement.signed_on),
                "expires_on": _iso(agreement.expires_on),
                "public_copy": agreement.is_public,
                "url": agreement_path(district_slug, agreement.id)
                if agreement.is_public and district_slug
                else None,
            },
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicListing:
    district_slug: str
    district_name: str
    state: str
    privacy_contact: str
    website: str
    apps: tuple[PublicApp, ...]
    total: int  # approved apps before any filter
    version: str  # changes whenever anything shown here may have changed (ETag)
    # the choices the filters offer, from the whole list
    subject_choices: tuple[str, ...] = ()
    element_choices: tuple[str, ...] = ()
    grade_choices: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "district": {
                "slug": self.district_slug,
                "name": self.district_name,
                "state": self.state,
                "privacy_contact": self.privacy_contact,
                "website": self.website,
            },
            "count": len(self.apps),
            "total": self.total,
            "apps": [a.to_json(self.district_slug) for a in self.apps],
        }


def agreement_path(district_slug: str, agreement_id: int) -> str:
    return f"/d/{district_slug}/agreements/{agreement_id}/file"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def parse_grades(text: str) -> frozenset[int]:
    """`"K-5"`, `"6-12"`, `"3, 4 and 5"`, `"all grades"` -> grade numbers (K = 0).

    Unreadable text gives an empty set: the app is then not matched by a grade filter.
    """
    cleaned = text.strip().lower()
    if not cleaned:
        return frozenset()
    if cleaned.startswith("all") or cleaned in {"k12", "any"}:
        return frozenset(GRADE_LEVELS)
    grades: set[int] = set()
    for start, end in _GRADE_TOKEN.findall(cleaned):
        low = _grade_number(start)
        high = _grade_number(end) if end else low
        if low is None or high is None:
            continue
        grades.update(g for g in GRADE_LEVELS if min(low, high) <= g <= max(low, high))
    return frozenset(grades)


def _grade_number(token: str) -> int | None:
    token = token.lower()
    if token in {"k", "tk", "prek", "pre-k"}:
        return 0
    number = int(token)
    return number if 0 <= number <= 12 else None


def _subjects(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in re.split(r"[,;/]", text) if s.strip())


_cache: dict[str, tuple[str, float, PublicListing]] = {}


def clear_cache() -> None:
    _cache.clear()


async def _change_key(district_id: int) -> str:
    """A digest of everything whose change may change the public listing.

    Status changes bump app_status.updated_at; uploads add agreements; every decision and
    edit writes an audit event. Three aggregate queries, whatever the district's size.
    """
    status = (
        await AppStatusRecord.filter(district_id=district_id)
        .annotate(n=Count("id"), last=Max("updated_at"))
        .values("n", "last")
    )
    agreement = (
        await Agreement.filter(district_id=district_id)
        .annotate(n=Count("id"), last=Max("id"))
        .values("n", "last")
    )
    event = await AuditEvent.filter(district_id=district_id).annotate(last=Max("id")).values("last")
    raw = repr((status, agreement, event))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


async def public_listing(
    district_slug: str,
    query: str = "",
    *,
    grade: int | None = None,
    subject: str = "",
    element: str = "",
) -> PublicListing:
    """The district's approved apps, filtered; raises NotFoundError for an unknown district.

    `query` matches name, vendor, subjects and description; `grade` keeps apps whose
    grade range includes it (K = 0); `subject` is one of `subject_choices`; `element` a
    data element id: apps that collect it.
    """
    full = await _full_listing(district_slug)
    apps = _filter(full.apps, query=query, grade=grade, subject=subject, element=element)
    return full if apps is full.apps else replace(full, apps=apps)


def _filter(
    apps: tuple[PublicApp, ...], *, query: str, grade: int | None, subject: str, element: str
) -> tuple[PublicApp, ...]:
    needle = query.strip().lower()
    subject = subject.strip().lower()
    element = element.strip()
    if not (needle or grade is not None or subject or element):
        return apps
    kept = []
    for app in apps:
        if (
            needle
            and needle not in f"{app.name} {app.vendor} {app.subjects} {app.description}".lower()
        ):
            continue
        if grade is not None and grade not in app.grade_levels:
            continue
        if subject and subject not in (s.lower() for s in app.subject_list):
            continue
        if element and element not in app.data_elements:
            continue
        kept.append(app)
    return tuple(kept)


async def _full_listing(district_slug: str) -> PublicListing:
    district = await District.get_or_none(slug=district_slug)
    if district is None:
        raise NotFoundError("No such district.")
    key = await _change_key(district.id)
    cached = _cache.get(district_slug)
    if cached and cached[0] == key and time.monotonic() - cached[1] < CACHE_SECONDS:
        return cached[2]
    listing = await _build_listing(district, key)
    _cache[district_slug] = (key, time.monotonic(), listing)
    return listing


async def _build_listing(district: District, version: str) -> PublicListing:
    records = (
        await AppStatusRecord.filter(district_id=district.id, status__in=_PUBLISHED)
        .order_by("app__name", "app_id")
        .values(
            "app_id",
            "status",
            "conditions",
            "app__name",
            "app__url",
            "app__description",
            "app__grades",
            "app__subjects",
            "app__subprocessors",
            "app__vendor__name",
            "app__vendor__address",
            "app__vendor__website",
        )
    )
    elements = await _elements(district.id)
    agreements = await _latest_agreements(district.id)
    terms = await _terms(district.id, {a.id for a in agreements.values()})
    apps = []
    for row in records:
        app_id = row["app_id"]
        ids = tuple(sorted(elements.get(app_id, ())))
        latest = agreements.get(app_id)
        apps.append(
            PublicApp(
                id=app_id,
                name=row["app__name"],
                vendor=row["app__vendor__name"],
                vendor_address=row["app__vendor__address"] or "",
                vendor_website=row["app__vendor__website"] or "",
                url=row["app__url"] or "",
                description=row["app__description"] or "",
                grades=row["app__grades"] or "",
                subjects=row["app__subjects"] or "",
                status=str(getattr(row["status"], "value", row["status"])),
                conditions=row["conditions"] or "",
                data_elements=ids,
                data_element_names=tuple(data_element_name(i) for i in ids),
                subprocessors=_subprocessors(row["app__subprocessors"]),
                terms=terms.get(latest.id, PrivacyTerms()) if latest else PrivacyTerms(),
                agreement=latest,
                grade_levels=parse_grades(row["app__grades"] or ""),
                subject_list=_subjects(row["app__subjects"] or ""),
            )
        )
    return PublicListing(
        district_slug=district.slug,
        district_name=district.name,
        state=district.state,
        privacy_contact=district.privacy_contact,
        website=district.website,
        apps=tuple(apps),
        total=len(apps),
        version=version,
        subject_choices=tuple(sorted({s for a in apps for s in a.subject_list}, key=str.lower)),
        element_choices=tuple(sorted({e for a in apps for e in a.data_elements})),
        grade_choices=tuple(sorted({g for a in apps for g in a.grade_levels})),
    )


def _subprocessors(raw: object) -> tuple[Subprocessor, ...]:
    if isinstance(raw, str):  # some backends return related JSON columns undecoded
        raw = json.loads(raw or "[]")
    if not isinstance(raw, list):
        return ()
    return tuple(
        Subprocessor(name=str(item.get("name", "")).strip(), purpose=str(item.get("purpose", "")))
        for item in raw
        if isinstance(item, dict) and str(item.get("name", "")).strip()
    )


async def _elements(district_id: int) -> dict[int, list[str]]:
    # Elements of every app with a status in the district; only published ones are looked up.
    rows = await AppDataElement.filter(app__statuses__district_id=district_id).values_list(
        "app_id", "element"
    )
    elements: dict[int, list[str]] = {}
    for app_id, element in rows:
        if element in DATA_ELEMENT_IDS:
            elements.setdefault(app_id, []).append(element)
    return elements


async def _latest_agreements(district_id: int) -> dict[int, PublicAgreement]:
    """The newest read agreement of each app (the one whose terms apply)."""
    rows = (
        await Agreement.filter(district_id=district_id, extraction_state=ExtractionState.DONE)
        .order_by("created_at", "id")
        .values("id", "app_id", "kind", "signed_on", "expires_on", "is_public")
    )
    latest: dict[int, PublicAgreement] = {}
    for row in rows:  # newest wins
        latest[row["app_id"]] = PublicAgreement(
            id=row["id"],
            kind=str(getattr(row["kind"], "value", row["kind"])),
            signed_on=_date(row["signed_on"]),
            expires_on=_date(row["expires_on"]),
            is_public=bool(row["is_public"]),
        )
    return latest


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


async def _terms(district_id: int, agreement_ids: set[int]) -> dict[int, PrivacyTerms]:
    """Each agreement's terms, from its newest extraction's clauses (corrections applied)."""
    latest_extraction: dict[int, int] = {}
    for extraction_id, agreement_id in (
        await Extraction.filter(agreement__district_id=district_id)
        .order_by("id")
        .values_list("id", "agreement_id")
    ):
        latest_extraction[agreement_id] = extraction_id
    wanted = {e: a for a, e in latest_extraction.items() if a in agreement_ids}
    clauses = await Clause.filter(
        extraction_id__in=list(wanted), label__in=TERM_LABELS
    ).values_list("id", "extraction_id", "label", "stance", "attributes", "confidence")
    corrected = await ClauseCorrection.filter(
        clause__extraction__agreement__district_id=district_id
    ).values_list("clause_id", flat=True)
    if corrected:  # a correction may turn any clause into one of the labels read here
        clauses += (
            await Clause.filter(id__in=list(corrected), extraction_id__in=list(wanted))
            .exclude(label__in=TERM_LABELS)
            .values_list("id", "extraction_id", "label", "stance", "attributes", "confidence")
        )
    corrections: dict[int, tuple[str, str, Any]] = {}
    for clause_id, label, stance, attributes in (
        await ClauseCorrection.filter(clause__extraction__agreement__district_id=district_id)
        .order_by("id")
        .values_list("clause_id", "label", "stance", "attributes")
    ):
        corrections[clause_id] = (label, stance, attributes)  # newest wins
    found: dict[int, dict[str, list[tuple[str, dict[str, Any], float]]]] = {}
    for clause_id, extraction_id, label, stance, attributes, confidence in clauses:
        agreement_id = wanted.get(extraction_id)
        if agreement_id is None:
            continue
        if clause_id in corrections:
            label, stance, attributes = corrections[clause_id]
        if label not in TERM_LABELS:
            continue
        attrs = _decode(attributes)
        found.setdefault(agreement_id, {}).setdefault(label, []).append(
            (str(stance), attrs, float(confidence or 0))
        )
    return {a: _terms_of(by_label) for a, by_label in found.items()}


def _decode(value: object) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value if isinstance(value, dict) else {}


def _first(
    clauses: list[tuple[str, dict[str, Any], float]], attribute: str, kind: type | tuple[type, ...]
) -> Any:
    """The attribute from the most confident clause that has it."""
    for _stance, attrs, _conf in sorted(clauses, key=lambda c: -c[2]):
        value = attrs.get(attribute)
        if isinstance(value, kind) and not (isinstance(value, bool) and kind is int):
            return value
    return None


def _terms_of(by_label: dict[str, list[tuple[str, dict[str, Any], float]]]) -> PrivacyTerms:
    deletion = by_label.get("deletion", [])
    security = by_label.get("security_safeguards", [])
    disclosure = by_label.get("third_party_disclosure", [])
    return PrivacyTerms(
        retention_days=_first(by_label.get("data_retention", []), "period_days", int),
        deletion_days=_first(deletion, "period_days", int),
        deletion_trigger=_first(deletion, "trigger", str),
        deletion_certified=_first(deletion, "certification", bool),
        access_deadline_days=_first(by_label.get("parent_access", []), "deadline_days", int),
        data_location=_first(by_label.get("data_location", []), "region", str),
        encryption_in_transit=_first(security, "encryption_in_transit", bool),
        encryption_at_rest=_first(security, "encryption_at_rest", bool),
        security_standard=_first(security, "standard", str),
        subprocessors_bound=_first(by_label.get("subprocessors", []), "flow_down", bool),
        school_official=bool(by_label.get("ferpa_school_official")),
        third_party_disclosure=max(disclosure, key=lambda c: c[2])[0] if disclosure else None,
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
        status__in=_PUBLISHED,
    ).exists()
    if not published:
        raise NotFoundError("No such public agreement.")
    return agreement.file.sha256, agreement.filename
