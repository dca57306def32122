"""A district for the public-page tests: approved apps with full terms, plus confidential data.

Every confidential value carries a `MARKER-` string; the tests assert that no public
response, in any language, ever contains one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from registry import accounts, agreements, catalog, reviews
from registry.models import (
    AppStatusRecord,
    Clause,
    ClauseCorrection,
    District,
    Extraction,
    Finding,
)
from registry.status import AgreementKind, AppStatus, Role
from registry.storage import FileStorage, InMemoryFileStorage
from tests.conftest import PASSWORD

MARKERS = (
    "MARKER-REVIEW-APP",
    "MARKER-DENIED-APP",
    "MARKER-DENIAL-REASON",
    "MARKER-DECISION-NOTE",
    "MARKER-FINDING-TITLE",
    "MARKER-FINDING-TEXT",
    "MARKER-OVERRIDE-REASON",
    "MARKER-REVIEWER-NAME",
    "MARKER-PRIVATE-FILE",
    "MARKER-CLAUSE-TEXT",
    "MARKER-REQUEST-APP",
    "MARKER-REQUEST-REASON",
    "MARKER-OTHER-DISTRICT-APP",
    "MARKER-CORRECTION-REASON",
    "us-ny.marker-rule",
)
CONTACT = "Privacy Office, 12 Main Street. privacy@springfield.example.org"
TEXT = b"Provider shall not sell Student Data. We collect student name, grades and attendance."


@dataclass
class Seeded:
    district: District
    public_app_id: int
    private_app_id: int
    public_agreement_id: int
    private_agreement_id: int
    storage: FileStorage


async def _officer(district: District, name: str):  # type: ignore[no-untyped-def]
    user = await accounts.add_user(
        email=f"officer@{district.slug}.example.org",
        name=name,
        password=PASSWORD,
        district=district,
        role=Role.PRIVACY_OFFICER,
    )
    return await accounts.actor_for(user.id, district.id)


async def _add_clause(agreement_id: int, label: str, attributes: dict, text: str) -> Clause:  # type: ignore[type-arg]
    extraction = await Extraction.filter(agreement_id=agreement_id).order_by("-id").first()
    assert extraction is not None
    return await Clause.create(
        extraction=extraction,
        label=label,
        stance="requires",
        attributes=attributes,
        text=text,
        page=1,
        confidence=0.9,
    )


async def seed(
    slug: str = "springfield", state: str = "NY", *, storage: FileStorage | None = None
) -> Seeded:
    district = await accounts.create_district(
        slug=slug, name=f"{slug.title()} Schools", state=state
    )
    district.privacy_contact = CONTACT
    await district.save()
    officer = await _officer(district, "MARKER-REVIEWER-NAME")
    storage = storage or InMemoryFileStorage()

    shown = await catalog.create_app(
        officer, name="MathQuest", vendor_name="Brightpath Learning", grades="3-8",
        subjects="Mathematics", description="Practice arithmetic with games",
        url="https://mathquest.example.com", data_elements=["assessment", "student_identifiers"],
    )  # fmt: skip
    shown.subprocessors = [{"name": "CloudHost Inc", "purpose": "hosting"}]
    await shown.save()
    await shown.fetch_related("vendor")
    shown.vendor.address = "1 Vendor Way, Albany NY"
    await shown.vendor.save()
    public = await agreements.upload_agreement(
        officer, app_id=shown.id, data=TEXT, filename="mathquest-dpa.txt",
        kind=AgreementKind.NDPA, storage=storage, max_bytes=10**6,
        signed_on=date(2025, 7, 1), expires_on=date(2028, 6, 30), is_public=True,
    )  # fmt: skip
    await _add_clause(public.id, "deletion", {"period_days": 60, "trigger": "termination"}, "x")
    await _add_clause(public.id, "parent_access", {"deadline_days": 45}, "y")
    await _add_clause(public.id, "subprocessors", {"flow_down": True}, "z")
    wrong = await _add_clause(public.id, "data_retention", {"period_days": 999}, "w")
    await ClauseCorrection.create(
        clause=wrong, label="data_retention", stance="requires",
        attributes={"period_days": 365}, reason="MARKER-CORRECTION-REASON",
    )  # fmt: skip
    await _add_clause(
        public.id, "security_safeguards",
        {"encryption_in_transit": True, "encryption_at_rest": True, "standard": "NIST CSF"}, "s",
    )  # fmt: skip
    await _add_clause(public.id, "data_location", {"region": "US"}, "l")
    await _add_clause(public.id, "ferpa_school_official", {}, "f")
    await Finding.filter(agreement_id=public.id).update(
        explanation="MARKER-FINDING-TEXT", override_reason="MARKER-OVERRIDE-REASON"
    )
    await Finding.create(
        agreement_id=public.id, rule_id="us-ny.marker-rule", pack_id="us-ny", pack_version="1",
        title="MARKER-FINDING-TITLE", citation="c", severity="high", outcome="fail",
        explanation="MARKER-FINDING-TEXT",
    )  # fmt: skip
    await reviews.change_status(
        officer, shown.id, to=AppStatus.APPROVED, note="MARKER-DECISION-NOTE"
    )

    private_app = await catalog.create_app(
        officer, name="LabBench", vendor_name="Cobalt Sciences", grades="9-12",
        subjects="Science, Chemistry", data_elements=["student_work"],
    )  # fmt: skip
    private = await agreements.upload_agreement(
        officer, app_id=private_app.id, data=TEXT + b" v2", filename="MARKER-PRIVATE-FILE.pdf",
        kind=AgreementKind.VENDOR_DPA, storage=storage, max_bytes=10**6, is_public=False,
    )  # fmt: skip
    await _add_clause(private.id, "deletion", {"trigger": "request"}, "MARKER-CLAUSE-TEXT")
    await reviews.change_status(
        officer, private_app.id, to=AppStatus.APPROVED_WITH_CONDITIONS,
        conditions="No student accounts", note="MARKER-DECISION-NOTE",
    )  # fmt: skip

    await catalog.create_app(officer, name="MARKER-REVIEW-APP", vendor_name="Overwatch")
    denied = await catalog.create_app(officer, name="MARKER-DENIED-APP", vendor_name="Arcadia")
    await reviews.change_status(officer, denied.id, to=AppStatus.DENIED, note="sells data")
    await AppStatusRecord.filter(app_id=denied.id).update(denial_reason="MARKER-DENIAL-REASON")

    teacher_user = await accounts.add_user(
        email=f"teacher@{slug}.example.org", name="Teacher", password=PASSWORD,
        district=district, role=Role.TEACHER,
    )  # fmt: skip
    teacher = await accounts.actor_for(teacher_user.id, district.id)
    await catalog.request_app(teacher, name="MARKER-REQUEST-APP", reason="MARKER-REQUEST-REASON")

    other = await accounts.create_district(slug=f"other-{slug}", name="Other", state=state)
    other_officer = await _officer(other, "Someone Else")
    elsewhere = await catalog.create_app(
        other_officer, name="MARKER-OTHER-DISTRICT-APP", vendor_name="Elsewhere"
    )
    await reviews.change_status(other_officer, elsewhere.id, to=AppStatus.APPROVED)
    return Seeded(
        district=district,
        public_app_id=shown.id,
        private_app_id=private_app.id,
        public_agreement_id=public.id,
        private_agreement_id=private.id,
        storage=storage,
    )
