"""Tortoise models: the stored catalog, agreements, extractions, findings and audit trail.

Every row that belongs to a district carries `district` so that scoping is one filter.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from registry.status import AgreementKind, AppStatus, ExtractionState, RequestStatus, Role

__all__ = [
    "Agreement",
    "ApiToken",
    "App",
    "AppDataElement",
    "AppRequest",
    "AppStatusRecord",
    "AuditEvent",
    "Clause",
    "ClauseCorrection",
    "District",
    "DistrictPack",
    "Extraction",
    "Finding",
    "Membership",
    "Notification",
    "StoredFile",
    "User",
    "Vendor",
]


class District(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=80, unique=True)
    name = fields.CharField(max_length=200)
    state = fields.CharField(max_length=2)
    # pack ids checked for this district's agreements; empty means the defaults
    # (its state's pack and federal), see registry.checking
    enabled_packs: fields.JSONField[list[str]] = fields.JSONField(default=list)
    privacy_contact = fields.TextField(default="")  # shown to parents: how to ask for records
    website = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "district"


class DistrictPack(Model):
    """A district's own rule pack (YAML source), extending shipped packs."""

    id = fields.IntField(primary_key=True)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="packs", on_delete=fields.CASCADE
    )
    pack_id = fields.CharField(max_length=100)
    source = fields.TextField()  # the pack as YAML, linted before it is saved
    is_enabled = fields.BooleanField(default=True)
    version = fields.IntField(default=1)  # optimistic lock: bumped on every save
    updated_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="pack_edits", null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "district_pack"
        unique_together = (("district", "pack_id"),)


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200)
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user_account"


class Membership(Model):
    """A user's role in one district."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="memberships", on_delete=fields.CASCADE
    )
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=20)

    class Meta:
        table = "membership"
        unique_together = (("user", "district"),)


class Vendor(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    website = fields.CharField(max_length=500, default="")
    address = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "vendor"


class App(Model):
    id = fields.IntField(primary_key=True)
    vendor: fields.ForeignKeyRelation[Vendor] = fields.ForeignKeyField(
        "models.Vendor", related_name="apps", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    url = fields.CharField(max_length=500, default="")
    description = fields.TextField(default="")
    grades = fields.CharField(max_length=100, default="")
    subjects = fields.CharField(max_length=300, default="")
    under_13 = fields.BooleanField(default=True)
    # [{"name": str, "purpose": str}]: who else receives the data
    subprocessors: fields.JSONField[list[dict[str, str]]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "app"
        unique_together = (("vendor", "name"),)


class AppDataElement(Model):
    """A student data element (taxonomy id) the app touches."""

    id = fields.IntField(primary_key=True)
    app: fields.ForeignKeyRelation[App] = fields.ForeignKeyField(
        "models.App", related_name="data_elements", on_delete=fields.CASCADE
    )
    element = fields.CharField(max_length=80)
    source = fields.CharField(max_length=20, default="manual")  # manual | extracted

    class Meta:
        table = "app_data_element"
        unique_together = (("app", "element"),)


class AppStatusRecord(Model):
    """The app's status in one district, with its conditions of use."""

    id = fields.IntField(primary_key=True)
    app: fields.ForeignKeyRelation[App] = fields.ForeignKeyField(
        "models.App", related_name="statuses", on_delete=fields.CASCADE
    )
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="app_statuses", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(AppStatus, max_length=30, default=AppStatus.REQUESTED)
    conditions = fields.TextField(default="")
    decision_note = fields.TextField(default="")  # internal to officers
    denial_reason = fields.TextField(default="")  # shown to the district's teachers
    alternative: fields.ForeignKeyNullableRelation[App] = fields.ForeignKeyField(
        "models.App", related_name="suggested_for", null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)  # optimistic lock: bumped on every change
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "app_status"
        unique_together = (("app", "district"),)


class StoredFile(Model):
    """Uploaded bytes, content-addressed: the same bytes are stored once."""

    id = fields.IntField(primary_key=True)
    sha256 = fields.CharField(max_length=64, unique=True)
    size = fields.BigIntField()
    media_type = fields.CharField(max_length=100, default="application/octet-stream")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stored_file"


class Agreement(Model):
    id = fields.IntField(primary_key=True)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="agreements", on_delete=fields.CASCADE
    )
    app: fields.ForeignKeyRelation[App] = fields.ForeignKeyField(
        "models.App", related_name="agreements", on_delete=fields.CASCADE
    )
    vendor: fields.ForeignKeyRelation[Vendor] = fields.ForeignKeyField(
        "models.Vendor", related_name="agreements", on_delete=fields.RESTRICT
    )
    file: fields.ForeignKeyRelation[StoredFile] = fields.ForeignKeyField(
        "models.StoredFile", related_name="agreements", on_delete=fields.RESTRICT
    )
    filename = fields.CharField(max_length=255)
    kind = fields.CharEnumField(AgreementKind, max_length=20)
    signed_on = fields.DateField(null=True)
    expires_on = fields.DateField(null=True)
    is_public = fields.BooleanField(default=False)
    extraction_state = fields.CharEnumField(
        ExtractionState, max_length=20, default=ExtractionState.PENDING
    )
    extraction_error = fields.TextField(default="")
    uploaded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="uploads", null=True, on_delete=fields.SET_NULL
    )
    replaces: fields.ForeignKeyNullableRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="replaced_by", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agreement"
        unique_together = (("district", "app", "file"),)


class Extraction(Model):
    id = fields.IntField(primary_key=True)
    agreement: fields.ForeignKeyRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="extractions", on_delete=fields.CASCADE
    )
    extractor_version = fields.CharField(max_length=40)
    pages = fields.IntField()
    warnings: fields.JSONField[list[str]] = fields.JSONField(default=list)
    data_elements: fields.JSONField[list[str]] = fields.JSONField(default=list)
    ocr_pages: fields.JSONField[list[int]] = fields.JSONField(default=list)
    # [{"width": float, "height": float}] per page, in PDF points (empty for text documents)
    page_sizes: fields.JSONField[list[dict[str, float]]] = fields.JSONField(default=list)
    sections: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "extraction"


class Clause(Model):
    """A stored clause. It satisfies policies.ClauseFact structurally."""

    id = fields.IntField(primary_key=True)
    extraction: fields.ForeignKeyRelation[Extraction] = fields.ForeignKeyField(
        "models.Extraction", related_name="clauses", on_delete=fields.CASCADE
    )
    label = fields.CharField(max_length=60)
    stance = fields.CharField(max_length=20)
    attributes: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    text = fields.TextField()
    page = fields.IntField()
    start = fields.IntField(default=0)
    end = fields.IntField(default=0)
    confidence = fields.FloatField()
    section = fields.CharField(max_length=300, default="")
    # [[page, x0, top, x1, bottom], ...] in PDF points: where the clause is on the page image
    boxes: fields.JSONField[list[list[float]]] = fields.JSONField(default=list)

    class Meta:
        table = "clause"


class ClauseCorrection(Model):
    """An officer's correction of a clause's label, stance or attributes (the clause stays)."""

    id = fields.IntField(primary_key=True)
    clause: fields.ForeignKeyRelation[Clause] = fields.ForeignKeyField(
        "models.Clause", related_name="corrections", on_delete=fields.CASCADE
    )
    label = fields.CharField(max_length=60)
    stance = fields.CharField(max_length=20)
    attributes: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    reason = fields.TextField()
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="corrections", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "clause_correction"


class Finding(Model):
    id = fields.IntField(primary_key=True)
    agreement: fields.ForeignKeyRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="findings", on_delete=fields.CASCADE
    )
    rule_id = fields.CharField(max_length=200)
    pack_id = fields.CharField(max_length=100)
    pack_version = fields.CharField(max_length=40)
    title = fields.CharField(max_length=300)
    citation = fields.CharField(max_length=300)
    severity = fields.CharField(max_length=20)
    outcome = fields.CharField(max_length=20)
    explanation = fields.TextField()
    evidence: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(
        default=list
    )  # [{"page": int, "text": str}]
    override_outcome = fields.CharField(max_length=20, null=True)
    override_reason = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "finding"


class AppRequest(Model):
    """A teacher asks for an app to be reviewed."""

    id = fields.IntField(primary_key=True)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="requests", on_delete=fields.CASCADE
    )
    requested_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="requests", on_delete=fields.CASCADE
    )
    app: fields.ForeignKeyNullableRelation[App] = fields.ForeignKeyField(
        "models.App", related_name="requests", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=200)
    url = fields.CharField(max_length=500, default="")
    reason = fields.TextField(default="")
    class_name = fields.CharField(max_length=200, default="")
    grade = fields.CharField(max_length=40, default="")
    status = fields.CharEnumField(RequestStatus, max_length=20, default=RequestStatus.OPEN)
    decision_note = fields.TextField(default="")  # shown to the teacher who asked
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "app_request"


class Notification(Model):
    """A message to one user in one district (e.g. their request was decided)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=fields.CASCADE
    )
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="notifications", on_delete=fields.CASCADE
    )
    message = fields.TextField()
    link = fields.CharField(max_length=500, default="")
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notification"


class ApiToken(Model):
    """A bearer token for the JSON API: only its sha256 is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens", on_delete=fields.CASCADE
    )
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=12)  # shown in lists so a user can tell tokens apart
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "api_token"


class AuditEvent(Model):
    """Append-only: who did what, when, with the state before and after."""

    id = fields.IntField(primary_key=True)
    district: fields.ForeignKeyNullableRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    tag = fields.CharField(max_length=60)  # subject:action, e.g. app:status
    subject_type = fields.CharField(max_length=40)
    subject_id = fields.IntField()
    before: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    after: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    note = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_event"
