"""Two districts with every kind of row, built fast (ORM inserts, one argon2 hash).

Used by the authorization matrix and the API/teacher tests: each district has an admin, a
privacy officer and a teacher; approved, conditional, denied (with a reason, an internal
note and an alternative) and in-review apps; a public agreement with a finding and a
clause and its file in storage; an open request; a notification and an API token per user.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cache

from registry import accounts, tokens
from registry.models import (
    Agreement,
    App,
    AppRequest,
    AppStatusRecord,
    Clause,
    District,
    DistrictPack,
    Extraction,
    Finding,
    Membership,
    Notification,
    StoredFile,
    User,
    Vendor,
)
from registry.settings import Settings
from registry.status import AgreementKind, AppStatus, ExtractionState, Role
from registry.storage import LocalFileStorage
from tests.conftest import PASSWORD
from tests.documents import make_pdf
from tests.registry.test_packs import PACK_48H

ROLES = (Role.TEACHER, Role.PRIVACY_OFFICER, Role.ADMIN)
_counter = itertools.count(1)


@cache
def _password_hash() -> str:
    return accounts.hash_password(PASSWORD)


@dataclass
class Place:
    """One district's rows: ids by name, and per-role emails, tokens and notifications."""

    slug: str
    district_id: int
    ids: dict[str, int] = field(default_factory=dict)
    emails: dict[Role, str] = field(default_factory=dict)
    user_ids: dict[Role, int] = field(default_factory=dict)
    tokens: dict[Role, str] = field(default_factory=dict)
    token_ids: dict[Role, int] = field(default_factory=dict)
    notification_ids: dict[Role, int] = field(default_factory=dict)


@dataclass
class World:
    own: Place
    other: Place


async def _place(prefix: str, settings: Settings) -> Place:
    n = next(_counter)
    slug = f"{prefix}-{n}"
    district = await District.create(slug=slug, name=f"{prefix.title()} {n} Schools", state="NY")
    place = Place(slug=slug, district_id=district.id)
    for role in ROLES:
        email = f"{role.value}.{n}@{prefix}.example.org"
        user = await User.create(
            email=email, name=f"{role.value} {n}", password_hash=_password_hash()
        )
        await Membership.create(user=user, district=district, role=role)
        place.emails[role], place.user_ids[role] = email, user.id
        actor = await accounts.actor_for(user.id, district.id)
        token, raw = await tokens.create_token(actor, "matrix")
        place.tokens[role], place.token_ids[role] = raw, token.id
        note = await Notification.create(
            user=user, district=district, message="Hello", link="/requests"
        )
        place.notification_ids[role] = note.id
    # an extra teacher for the admin to act on
    target = await User.create(
        email=f"target.{n}@{prefix}.example.org", name="Target", password_hash=_password_hash()
    )
    await Membership.create(user=target, district=district, role=Role.TEACHER)
    place.ids["user"] = target.id
    vendor = await Vendor.create(name=f"Vendor {slug}")

    async def app(name: str, status: AppStatus, **extra: object) -> App:
        row = await App.create(
            vendor=vendor, name=f"{name} {n}", subjects="Math, Science", grades="6-12"
        )
        await AppStatusRecord.create(app=row, district=district, status=status, **extra)
        return row

    approved = await app(
        "MathQuest", AppStatus.APPROVED_WITH_CONDITIONS, conditions="Grades 6-12 only"
    )
    denied = await app(
        "SpyNotes",
        AppStatus.DENIED,
        denial_reason="Sells student data to advertisers.",
        decision_note="INTERNAL-NOTE vendor was rude",
        alternative=approved,
    )
    review = await app("StudyBuddy", AppStatus.IN_REVIEW)
    place.ids.update(app=approved.id, denied_app=denied.id, review_app=review.id)
    data = f"Agreement {slug}: the provider shall not sell student data.".encode()
    sha = LocalFileStorage(settings.storage_dir).put(data)
    stored = await StoredFile.create(sha256=sha, size=len(data), media_type="text/plain")
    agreement = await Agreement.create(
        district=district, app=approved, vendor=vendor, file=stored, filename="dpa.txt",
        kind=AgreementKind.NDPA, is_public=True, extraction_state=ExtractionState.DONE,
    )  # fmt: skip
    extraction = await Extraction.create(agreement=agreement, extractor_version="t", pages=1)
    clause = await Clause.create(
        extraction=extraction, label="data_sale", stance="prohibited", text="shall not sell",
        page=1, start=0, end=14, confidence=0.9,
    )  # fmt: skip
    finding = await Finding.create(
        agreement=agreement, rule_id="us-ny.part121.no-sale", pack_id="us-ny", pack_version="1",
        title="No sale", citation="8 NYCRR 121.9", severity="blocker", outcome="pass",
        explanation="The agreement prohibits the sale of student data.",
    )  # fmt: skip
    request = await AppRequest.create(
        district=district, requested_by_id=place.user_ids[Role.TEACHER], name=f"Desmos {n}"
    )
    # a signed PDF (for the page images) and the district's own rule pack
    pdf = make_pdf([["DATA PRIVACY AGREEMENT", "Provider shall not sell Student Data."]])
    pdf_sha = LocalFileStorage(settings.storage_dir).put(pdf)
    pdf_file = await StoredFile.create(sha256=pdf_sha, size=len(pdf), media_type="application/pdf")
    signed = await Agreement.create(
        district=district, app=approved, vendor=vendor, file=pdf_file, filename="signed.pdf",
        kind=AgreementKind.STATE_DPA, extraction_state=ExtractionState.DONE,
    )  # fmt: skip
    await Extraction.create(agreement=signed, extractor_version="t", pages=1)
    pack = await DistrictPack.create(
        district=district, pack_id="district-world", is_enabled=False, source=PACK_48H.replace(
            "district-springfield", "district-world"
        ),
    )  # fmt: skip
    place.ids.update(
        agreement=agreement.id, finding=finding.id, clause=clause.id, request=request.id,
        pdf_agreement=signed.id, pack_row=pack.id,
    )  # fmt: skip
    return place


async def build_world(settings: Settings) -> World:
    return World(own=await _place("alpha", settings), other=await _place("beta", settings))
