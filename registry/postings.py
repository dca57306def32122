"""Open data and the public postings state laws ask of districts, built from the public listing.

Everything here reads `registry.publish.PublicListing` only, so a posting can show nothing
the parents' page does not. Columns are stable: docs/open-data.md documents them and a test
pins them. Values are plain strings (ids, ISO dates, numbers, `yes`/`no`, empty = unknown).
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.publish import PublicApp, PublicListing, agreement_path
from registry.taxonomy import data_element_name

__all__ = [
    "LISTING_COLUMNS",
    "POSTINGS",
    "Posting",
    "listing_rows",
    "posting_for",
    "posting_rows",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Posting:
    state: str  # two-letter code, lower case in URLs
    law: str  # the statute or rule, as districts cite it
    columns: tuple[str, ...]
    per_element: bool = False  # one row per app and data element (Utah) instead of per app


LISTING_COLUMNS: tuple[str, ...] = (
    "app_id",
    "app_name",
    "vendor",
    "vendor_address",
    "app_url",
    "description",
    "grades",
    "subjects",
    "status",
    "conditions",
    "data_elements",
    "subprocessors",
    "retention_days",
    "deletion_days",
    "deletion_trigger",
    "access_deadline_days",
    "agreement_kind",
    "agreement_signed_on",
    "agreement_expires_on",
    "agreement_url",
)

POSTINGS: dict[str, Posting] = {
    "IL": Posting(
        state="IL",
        law="105 ILCS 85/27 (SOPPA)",
        columns=(
            "operator",
            "operator_address",
            "product",
            "product_purpose",
            "data_elements",
            "agreement_signed_on",
            "agreement_expires_on",
            "agreement_url",
            "subcontractors",
        ),
    ),
    "CO": Posting(
        state="CO",
        law="C.R.S. 22-16-107",
        columns=(
            "provider",
            "product",
            "product_purpose",
            "data_elements",
            "contract_signed_on",
            "contract_expires_on",
            "contract_url",
        ),
    ),
    "NY": Posting(
        state="NY",
        law="Education Law 2-d; 8 NYCRR 121.3",
        columns=(
            "contractor",
            "product",
            "exclusive_purposes",
            "subcontractors",
            "subcontractors_bound",
            "contract_signed_on",
            "contract_expires_on",
            "data_at_expiry",
            "deletion_days",
            "challenge_accuracy_days",
            "data_location",
            "security_standard",
            "encryption_in_transit",
            "encryption_at_rest",
        ),
    ),
    "UT": Posting(
        state="UT",
        law="Utah Code 53E-9; USBE metadata dictionary",
        columns=(
            "product",
            "vendor",
            "purpose",
            "justification",
            "ferpa_exception",
            "data_element",
            "data_element_definition",
        ),
        per_element=True,
    ),
}


def posting_for(state: str) -> Posting | None:
    return POSTINGS.get(state.strip().upper())


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _num(value: int | None) -> str:
    return "" if value is None else str(value)


def _subprocessors(app: PublicApp) -> str:
    return "; ".join(f"{s.name} ({s.purpose})" if s.purpose else s.name for s in app.subprocessors)


def _agreement_url(listing: PublicListing, app: PublicApp) -> str:
    agreement = app.agreement
    if agreement is None or not agreement.is_public:
        return ""
    return agreement_path(listing.district_slug, agreement.id)


def _date(app: PublicApp, which: str) -> str:
    if app.agreement is None:
        return ""
    value = getattr(app.agreement, which)
    return value.isoformat() if value else ""


def listing_rows(listing: PublicListing) -> list[dict[str, str]]:
    """The open-data CSV: one row per approved app, columns `LISTING_COLUMNS`."""
    rows = []
    for app in listing.apps:
        terms = app.terms
        rows.append(
            {
                "app_id": str(app.id),
                "app_name": app.name,
                "vendor": app.vendor,
                "vendor_address": app.vendor_address,
                "app_url": app.url,
                "description": app.description,
                "grades": app.grades,
                "subjects": app.subjects,
                "status": app.status,
                "conditions": app.conditions,
                "data_elements": ";".join(app.data_elements),
                "subprocessors": _subprocessors(app),
                "retention_days": _num(terms.retention_days),
                "deletion_days": _num(terms.deletion_days),
                "deletion_trigger": terms.deletion_trigger or "",
                "access_deadline_days": _num(terms.access_deadline_days),
                "agreement_kind": app.agreement.kind if app.agreement else "",
                "agreement_signed_on": _date(app, "signed_on"),
                "agreement_expires_on": _date(app, "expires_on"),
                "agreement_url": _agreement_url(listing, app),
            }
        )
    return rows


def posting_rows(listing: PublicListing, posting: Posting) -> list[dict[str, str]]:
    """The rows of one state's posting, with exactly `posting.columns` as keys."""
    builder = {"IL": _illinois, "CO": _colorado, "NY": _new_york, "UT": _utah}[posting.state]
    rows: list[dict[str, str]] = []
    for app in listing.apps:
        rows.extend(builder(listing, app))
    return rows


def _elements(app: PublicApp) -> str:
    return "; ".join(data_element_name(e) for e in app.data_elements)


def _illinois(listing: PublicListing, app: PublicApp) -> list[dict[str, str]]:
    return [
        {
            "operator": app.vendor,
            "operator_address": app.vendor_address,
            "product": app.name,
            "product_purpose": app.description,
            "data_elements": _elements(app),
            "agreement_signed_on": _date(app, "signed_on"),
            "agreement_expires_on": _date(app, "expires_on"),
            "agreement_url": _agreement_url(listing, app),
            "subcontractors": _subprocessors(app),
        }
    ]


def _colorado(listing: PublicListing, app: PublicApp) -> list[dict[str, str]]:
    return [
        {
            "provider": app.vendor,
            "product": app.name,
            "product_purpose": app.description,
            "data_elements": _elements(app),
            "contract_signed_on": _date(app, "signed_on"),
            "contract_expires_on": _date(app, "expires_on"),
            "contract_url": _agreement_url(listing, app),
        }
    ]


def _new_york(listing: PublicListing, app: PublicApp) -> list[dict[str, str]]:
    terms = app.terms
    return [
        {
            "contractor": app.vendor,
            "product": app.name,
            "exclusive_purposes": app.description,
            "subcontractors": _subprocessors(app),
            "subcontractors_bound": _yes_no(terms.subprocessors_bound),
            "contract_signed_on": _date(app, "signed_on"),
            "contract_expires_on": _date(app, "expires_on"),
            "data_at_expiry": "deleted" if terms.deletion_trigger or terms.deletion_days else "",
            "deletion_days": _num(terms.deletion_days),
            "challenge_accuracy_days": _num(terms.access_deadline_days),
            "data_location": terms.data_location or "",
            "security_standard": terms.security_standard or "",
            "encryption_in_transit": _yes_no(terms.encryption_in_transit),
            "encryption_at_rest": _yes_no(terms.encryption_at_rest),
        }
    ]


def _utah(listing: PublicListing, app: PublicApp) -> list[dict[str, str]]:
    official = app.terms.school_official
    return [
        {
            "product": app.name,
            "vendor": app.vendor,
            "purpose": app.description,
            "justification": "school_official" if official else "local_decision",
            "ferpa_exception": "school_official_34_cfr_99_31_a_1" if official else "",
            "data_element": element,
            "data_element_definition": data_element_name(element),
        }
        for element in app.data_elements
    ]
