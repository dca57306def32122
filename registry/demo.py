"""Demo data for the README: a New York district with about thirty apps in every status."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from spacy.language import Language

from registry import accounts, agreements, catalog, packs, reviews
from registry.demo_agreements import DpaTerms, render_dpa
from registry.errors import RegistryError
from registry.models import App, District
from registry.scoping import Actor
from registry.status import AgreementKind, AppStatus, Role
from registry.storage import FileStorage

__all__ = ["DEMO_PACK", "DEMO_SLUG", "DEMO_USERS", "DemoApp", "load_demo"]

DEMO_SLUG = "hudson-valley"
DEMO_USERS = (
    ("admin@hudson-valley.example.org", "Avery Admin", Role.ADMIN, "demo-admin-password"),
    ("officer@hudson-valley.example.org", "Priya Officer", Role.PRIVACY_OFFICER, "demo-officer-password"),
    ("teacher@hudson-valley.example.org", "Tomás Teacher", Role.TEACHER, "demo-teacher-password"),
)  # fmt: skip

# The demo district's own pack: New York's law with a 48-hour breach notice, so a new user
# sees a finding that comes from a district rule (see /admin/packs as the admin).
DEMO_PACK = """\
id: district-hudson-valley
title: Hudson Valley CSD contract standards
version: "1.0.0"
effective: 2025-07-01
jurisdiction: US-NY
extends: us-ny
notes: The board's data-privacy policy asks for breach notice within 48 hours.
overrides:
  us-ny.part121.breach-7d:
    value: 48
    title: Breach notice to the district within 48 hours
    fail_message: >-
      the agreement allows {value}; Hudson Valley CSD requires notice within {limit}
cases:
  us-ny.part121.breach-7d:
    - name: two-days
      clauses: [{label: breach_notification, stance: requires, attributes: {deadline_hours: 48}}]
      expect: pass
    - name: three-days
      clauses: [{label: breach_notification, stance: requires, attributes: {deadline_hours: 72}}]
      expect: fail
"""

SHARED_POLICIES = Path(__file__).resolve().parents[2] / "shared/corpora/agreements/tosback-versions"


@dataclass(frozen=True, slots=True)
class DemoApp:
    name: str
    vendor: str
    subjects: str
    grades: str
    status: AppStatus
    conditions: str = ""
    terms: dict[str, object] | None = None  # overrides for the generated agreement
    policy_file: str = ""  # a real privacy policy from shared/corpora, when present
    expired: bool = False


A, C, D, R = (
    AppStatus.APPROVED,
    AppStatus.APPROVED_WITH_CONDITIONS,
    AppStatus.DENIED,
    AppStatus.IN_REVIEW,
)
BAD = {"breach": "thirty (30) days", "sells_data": True, "targeted_ads": True}

DEMO_APPS = (
    DemoApp("MathQuest", "Brightpath Learning", "Mathematics", "3-8", A),
    DemoApp("ReadAlong Stories", "Lanternfish Media", "Reading, ELA", "K-3", A),
    DemoApp("LabBench Virtual Science", "Cobalt Sciences", "Science", "6-12", C,
            "Grades 6-12 only; teacher-created class codes, no student accounts"),
    DemoApp("HistoryHub", "Timeline Education", "Social Studies", "6-12", A),
    DemoApp("CodeCanvas", "Pixel Foundry", "Computer Science", "4-12", C,
            "Students sign in with district Google accounts only"),
    DemoApp("LinguaLeap", "Polyglot Labs", "World Languages", "6-12", A),
    DemoApp("QuizArena", "Sparkwave", "All subjects", "3-12", C,
            "Nicknames only; do not enter full student names", {"breach": "five (5) business days"}),
    DemoApp("WriteRight", "Inkwell Analytics", "ELA, Writing", "6-12", A),
    DemoApp("Class Portal", "Meridian SIS Partners", "Classroom management", "K-12", A,
            terms={"data": ("student name", "attendance", "grades", "parent email", "schedule")}),
    DemoApp("BeatMaker Studio", "Tempo Tools", "Music", "5-12", A),
    DemoApp("GeoExplorer", "Atlas Interactive", "Geography, Science", "4-10", A),
    DemoApp("ArtSpace Gallery", "Palette & Co", "Visual Arts", "K-12", C,
            "Portfolio sharing set to class-only"),
    DemoApp("FitTrack PE", "Stride Health Ed", "Physical Education", "6-12", A),
    DemoApp("ChemSim", "Cobalt Sciences", "Chemistry", "9-12", A),
    DemoApp("Phonics Farm", "Lanternfish Media", "Reading", "K-2", A),
    DemoApp("DebateDeck", "Forum Learning", "Social Studies, ELA", "8-12", A),
    DemoApp("ClassLink LaunchPad", "ClassLink", "Single sign-on", "K-12", A,
            policy_file="Classlink_Privacy_Policy.md"),
    DemoApp("Khan Academy", "Khan Academy", "Mathematics, Science", "K-12", C,
            "Teacher-created classes only", policy_file="Khan_Academy_Privacy_Policy.md"),
    DemoApp("Flip", "Flipgrid", "Video discussion", "K-12", R,
            policy_file="Flipgrid_Privacy_Policy.md"),
    DemoApp("Turnitin Feedback Studio", "Turnitin", "Writing", "9-12", R,
            policy_file="Turnitin_Privacy_Policy.md"),
    DemoApp("Kahoot!", "Kahoot", "All subjects", "3-12", R, policy_file="Kahoot__Privacy_Policy.md"),
    DemoApp("StudyBuddy AI", "Nimbus Tutor", "All subjects", "6-12", R,
            terms={"breach": "as soon as practicable"}),
    DemoApp("FreeFlashcards", "Cardstack Media", "All subjects", "6-12", D, terms=BAD),
    DemoApp("MegaGames Classroom", "Arcadia Ads", "Games", "K-8", D, terms=BAD),
    DemoApp("SpyGlass Monitor", "Overwatch Digital", "Device monitoring", "6-12", D,
            terms={"sells_data": True, "encryption": False, "nist": False}),
    DemoApp("TypingTutor Classic", "Keystroke Learning", "Keyboarding", "3-8", A, expired=True),
    DemoApp("SpellingBee Pro", "Honeycomb Ed", "Spelling", "2-6", A, expired=True),
    DemoApp("PollPal", "Sparkwave", "Formative assessment", "6-12", C,
            "Anonymous polls only"),
    DemoApp("ScienceJournal", "Cobalt Sciences", "Science", "3-8", A),
)  # fmt: skip

# What teachers are told about a denied app, and what to use instead.
DENIALS = {
    "FreeFlashcards": (
        "The agreement lets the vendor sell student data and show targeted ads.",
        "QuizArena",
    ),
    "MegaGames Classroom": (
        "The games are paid for by advertising aimed at students.",
        "MathQuest",
    ),
    "SpyGlass Monitor": ("Student data is not encrypted and may be sold.", None),
}
SUBPROCESSORS = (
    {"name": "Amazon Web Services", "purpose": "Hosting and storage in the United States"},
    {"name": "SendGrid", "purpose": "Email to teachers and parents"},
)
PRIVACY_CONTACT = (
    "Write to the District Privacy Officer, 12 School Street, Hudson, NY, or "
    "privacy@hudson-valley.example.org, to see, correct or delete your child's records."
)

DEMO_REQUESTS = (
    ("Desmos Graphing", "https://www.desmos.com", "Graphing for Algebra I", "Algebra I", "9"),
    ("Padlet", "https://padlet.com", "Class brainstorming walls", "English 10", "10"),
    ("Canva for Education", "https://www.canva.com", "Poster projects", "Art 7", "7"),
)


async def load_demo(storage: FileStorage, nlp: Language | None = None) -> bool:
    """Load the demo district; returns False when it is already there."""
    if await District.exists(slug=DEMO_SLUG):
        return False
    district = await accounts.create_district(
        slug=DEMO_SLUG, name="Hudson Valley Central School District", state="NY"
    )
    actors: dict[Role, Actor] = {}
    for email, name, role, password in DEMO_USERS:
        user = await accounts.add_user(
            email=email, name=name, password=password, district=district, role=role
        )
        actors[role] = await accounts.actor_for(user.id, district.id)
    officer, teacher = actors[Role.PRIVACY_OFFICER], actors[Role.TEACHER]
    await District.filter(id=district.id).update(
        privacy_contact=PRIVACY_CONTACT, website="https://www.hudson-valley.example.org"
    )
    await packs.save_district_pack(actors[Role.ADMIN], source=DEMO_PACK)
    today = date.today()
    app_ids: dict[str, int] = {}
    for index, spec in enumerate(DEMO_APPS):
        app_ids[spec.name] = await _load_app(
            officer, spec, index, today, district.name, storage, nlp
        )
    for name, (reason, alternative) in DENIALS.items():
        await reviews.change_status(
            officer,
            app_ids[name],
            to=AppStatus.DENIED,
            note="Agreement does not meet New York requirements.",
            denial_reason=reason,
            alternative_id=app_ids[alternative] if alternative else None,
        )
    for name, url, why, class_name, grade in DEMO_REQUESTS:
        await catalog.request_app(
            teacher, name=name, url=url, reason=why, class_name=class_name, grade=grade
        )
    await reviews.expire_due(today, district_id=district.id)
    return True


async def _load_app(
    officer: Actor,
    spec: DemoApp,
    index: int,
    today: date,
    district_name: str,
    storage: FileStorage,
    nlp: Language | None,
) -> int:
    """Add the app with its agreement and decision; returns the app's id."""
    slug = spec.name.lower().replace(" ", "").replace("!", "")
    app = await catalog.create_app(
        officer,
        name=spec.name,
        vendor_name=spec.vendor,
        url=f"https://www.{slug}.example.com",
        description=f"{spec.name} for {spec.subjects.lower()} in grades {spec.grades}.",
        grades=spec.grades,
        subjects=spec.subjects,
    )
    if not spec.policy_file:
        await App.filter(id=app.id).update(subprocessors=list(SUBPROCESSORS))
    signed = today - timedelta(days=30 + 20 * index)
    expires = today - timedelta(days=10) if spec.expired else signed + timedelta(days=3 * 365)
    policy = SHARED_POLICIES / spec.policy_file if spec.policy_file else None
    if policy is not None and policy.exists():
        data, filename, kind, public = (
            policy.read_bytes(),
            policy.name,
            AgreementKind.PRIVACY_POLICY,
            False,
        )
    else:
        terms = DpaTerms(
            vendor=spec.vendor,
            product=spec.name,
            district=district_name,
            **(spec.terms or {}),  # type: ignore[arg-type]
        )
        data = render_dpa(terms).encode()
        filename, kind, public = f"{slug}-dpa.txt", AgreementKind.STATE_DPA, True
    with contextlib.suppress(RegistryError):  # an unreadable demo policy leaves the app in review
        await agreements.upload_agreement(
            officer, app_id=app.id, data=data, filename=filename, kind=kind, storage=storage,
            max_bytes=50 * 1024 * 1024, nlp=nlp, signed_on=signed, expires_on=expires,
            is_public=public,
        )  # fmt: skip
    if spec.status in (AppStatus.IN_REVIEW, AppStatus.DENIED):
        return app.id  # denials are decided once every app exists (they name alternatives)
    await reviews.change_status(officer, app.id, to=spec.status, conditions=spec.conditions)
    return app.id
