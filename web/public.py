"""Public pages for parents (no login): a district's approved apps, open data, state postings.

Everything shown comes from `registry.publish` and `registry.postings`, whose read models
carry no findings, notes, denial reasons, reviewer names or non-public agreements. Filters
are plain GET parameters, so the page works without JavaScript.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import quote, urlencode

import anyio
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from registry import postings, publish
from registry.errors import NotFoundError
from registry.taxonomy import data_element_name
from web import i18n
from web.i18n import N_
from web.pages import runtime_of
from web.paging import page_link, page_of
from web.templating import render, templates

__all__ = [
    "POSTING_LABELS",
    "agreement_file",
    "clear_caches",
    "district_csv",
    "district_json",
    "district_page",
    "posting_csv",
    "posting_json",
    "posting_page",
    "postings_index",
    "routes",
]

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._ -]+")
# Spreadsheet programs run cells that start with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FEED_CACHE_CONTROL = "public, max-age=60"

# Headings of the state postings' columns (registry.postings keys), translated when shown.
POSTING_LABELS: dict[str, str] = {
    "operator": N_("Operator"),
    "operator_address": N_("Operator's business address"),
    "provider": N_("Provider"),
    "contractor": N_("Contractor"),
    "vendor": N_("Vendor"),
    "product": N_("Product or service"),
    "product_purpose": N_("What it is for"),
    "purpose": N_("Purpose"),
    "exclusive_purposes": N_("Exclusive purposes for which the data is used"),
    "data_elements": N_("Student data collected"),
    "agreement_signed_on": N_("Agreement signed"),
    "agreement_expires_on": N_("Agreement expires"),
    "agreement_url": N_("Copy of the agreement"),
    "contract_signed_on": N_("Contract signed"),
    "contract_expires_on": N_("Contract expires"),
    "contract_url": N_("Copy of the contract"),
    "subcontractors": N_("Subcontractors"),
    "subcontractors_bound": N_("Subcontractors bound by the same data protection terms"),
    "data_at_expiry": N_("What happens to the data when the contract ends"),
    "deletion_days": N_("Deleted within (days)"),
    "challenge_accuracy_days": N_("Days to answer a request to see or correct the data"),
    "data_location": N_("Where the data is stored"),
    "security_standard": N_("Security framework"),
    "encryption_in_transit": N_("Encrypted in transit"),
    "encryption_at_rest": N_("Encrypted at rest"),
    "justification": N_("Justification"),
    "ferpa_exception": N_("FERPA exception"),
    "data_element": N_("Data element"),
    "data_element_definition": N_("Definition"),
}
# Coded values in postings, in words.
POSTING_VALUES: dict[str, str] = {
    "yes": N_("yes"),
    "no": N_("no"),
    "deleted": N_("Deleted"),
    "school_official": N_("School official with a legitimate educational interest"),
    "local_decision": N_("Local decision of the district"),
    "school_official_34_cfr_99_31_a_1": N_("School official exception, 34 CFR 99.31(a)(1)"),
}
STATE_NAMES: dict[str, str] = {
    "IL": N_("Illinois"),
    "CO": N_("Colorado"),
    "NY": N_("New York"),
    "UT": N_("Utah"),
}
POSTING_TITLES: dict[str, str] = {
    "IL": N_("Operators, agreements and subcontractors (Illinois SOPPA)"),
    "CO": N_("School service contract providers (Colorado)"),
    "NY": N_("Supplemental information for each contract (New York Education Law 2-d)"),
    "UT": N_("Metadata dictionary (Utah)"),
}
TRIGGERS: dict[str, str] = {
    "termination": N_("when the agreement ends"),
    "request": N_("when the district asks"),
    "no_longer_needed": N_("when it is no longer needed"),
}
AGREEMENT_KINDS: dict[str, str] = {
    "ndpa": N_("National Data Privacy Agreement"),
    "state_dpa": N_("State data privacy agreement"),
    "vendor_dpa": N_("Vendor data privacy agreement"),
    "privacy_policy": N_("Privacy policy"),
    "terms": N_("Terms of service"),
}


_ELEMENT_BY_NAME = {data_element_name(e): e for e in i18n.DATA_ELEMENT_TEXT}


def _element_words(names: str) -> str:
    """A posting's `; `-joined data element names, in the reader's language."""
    words = []
    for name in names.split("; "):
        element = _ELEMENT_BY_NAME.get(name)
        words.append(i18n.gettext(i18n.DATA_ELEMENT_TEXT[element]) if element else name)
    return "; ".join(words)


def _slug(request: Request) -> str:
    return str(request.path_params["slug"])


def _grade(value: str) -> int | None:
    value = value.strip().lower()
    if value == "k":
        return 0
    if value.isdigit() and 0 <= int(value) <= 12:
        return int(value)
    return None


async def _listing(request: Request) -> publish.PublicListing:
    params = request.query_params
    return await publish.public_listing(
        _slug(request),
        params.get("q", "")[:200],
        grade=_grade(params.get("grade", "")),
        subject=params.get("subject", "")[:200],
        element=params.get("data", "")[:80],
    )


# Rendered cards, by (district, listing version, language, app ids): the page's costly part.
# A new version (any change in the district) makes old entries unreachable; LRU-bounded.
_CARDS_MAX = 256
_cards_cache: OrderedDict[tuple[str, str, str, tuple[int, ...]], Markup] = OrderedDict()


def _cards(listing: publish.PublicListing, shown: Sequence[publish.PublicApp], lang: str) -> Markup:
    key = (listing.district_slug, listing.version, lang, tuple(a.id for a in shown))
    cached = _cards_cache.get(key)
    if cached is not None:
        _cards_cache.move_to_end(key)
        return cached
    with i18n.use(lang):
        html = Markup(  # noqa: S704 - autoescaped template output
            templates.get_template("public/_cards.html").render(
                shown=shown,
                listing=listing,
                element_text=i18n.DATA_ELEMENT_TEXT,
                triggers=TRIGGERS,
                agreement_kinds=AGREEMENT_KINDS,
            )
        )
    _cards_cache[key] = html
    if len(_cards_cache) > _CARDS_MAX:
        _cards_cache.popitem(last=False)
    return html


def clear_caches() -> None:
    """Forget rendered cards and encoded feeds (tests; the version key makes it rarely needed)."""
    _cards_cache.clear()
    _feed_cache.clear()


async def district_page(request: Request) -> Response:
    listing = await _listing(request)
    params = request.query_params
    paged = page_of(listing.apps, params.get("page"), publish.PAGE_SIZE)
    shown = paged.items
    filters = {k: params.get(k, "") for k in ("q", "grade", "subject", "data")}
    kept = {k: v for k, v in filters.items() if v}
    if "lang" in params:
        kept["lang"] = params["lang"]

    return render(
        request,
        "public/district.html",
        {
            "listing": listing,
            "shown": shown,
            "cards_html": _cards(listing, shown, i18n.negotiate(request)),
            "filters": filters,
            "filtered": bool({k: v for k, v in filters.items() if v}),
            "page": paged.number,
            "pages": paged.pages,
            "page_url": page_link(f"/d/{listing.district_slug}", kept),
            "element_text": i18n.DATA_ELEMENT_TEXT,
            "posting": postings.posting_for(listing.state),
            "state_names": STATE_NAMES,
            "open_query": urlencode(kept),
        },
    )


def _not_modified(request: Request, etag: str) -> bool:
    return etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}


def _etag(listing: publish.PublicListing, request: Request, suffix: str) -> str:
    query = hashlib.sha256(str(request.url.query).encode()).hexdigest()[:8]
    return f'"{listing.version}-{suffix}-{query}"'


def _feed_headers(etag: str) -> dict[str, str]:
    return {
        "ETag": etag,
        "Cache-Control": FEED_CACHE_CONTROL,
        "Access-Control-Allow-Origin": "*",  # open data: any site may read it
    }


# Encoded feeds, by (kind, district, listing version, query string); LRU-bounded.
_FEEDS_MAX = 64
_feed_cache: OrderedDict[tuple[str, str, str, str], bytes] = OrderedDict()


def _feed_body(
    kind: str, listing: publish.PublicListing, request: Request, build: Callable[[], bytes]
) -> bytes:
    key = (kind, listing.district_slug, listing.version, str(request.url.query))
    body = _feed_cache.get(key)
    if body is None:
        body = build()
        _feed_cache[key] = body
        if len(_feed_cache) > _FEEDS_MAX:
            _feed_cache.popitem(last=False)
    else:
        _feed_cache.move_to_end(key)
    return body


async def district_json(request: Request) -> Response:
    listing = await _listing(request)
    etag = _etag(listing, request, "json")
    if _not_modified(request, etag):
        return Response(status_code=304, headers=_feed_headers(etag))
    body = _feed_body(
        "json",
        listing,
        request,
        lambda: json.dumps({"ok": True, **listing.to_json()}, ensure_ascii=False).encode(),
    )
    return Response(body, media_type="application/json", headers=_feed_headers(etag))


def _csv_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _csv(columns: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return out.getvalue()


def _csv_response(body: bytes, filename: str, etag: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            **_feed_headers(etag),
            "Content-Disposition": f'inline; filename="{filename}"',
        },
    )


async def district_csv(request: Request) -> Response:
    listing = await _listing(request)
    etag = _etag(listing, request, "csv")
    if _not_modified(request, etag):
        return Response(status_code=304, headers=_feed_headers(etag))
    body = _feed_body(
        "csv",
        listing,
        request,
        lambda: _csv(postings.LISTING_COLUMNS, postings.listing_rows(listing)).encode(),
    )
    return _csv_response(body, f"{listing.district_slug}-apps.csv", etag)


async def _posting(request: Request) -> tuple[publish.PublicListing, postings.Posting]:
    listing = await publish.public_listing(_slug(request))
    state = str(request.path_params["state"]).upper()
    posting = postings.posting_for(state)
    if posting is None or state != listing.state.upper():
        # Postings are generated for the law of the district's own state only: another
        # state's list would suggest duties the district does not have.
        raise NotFoundError(
            f"{listing.district_name} posts under {listing.state} law; there is no "
            f"{state} posting for it."
        )
    return listing, posting


async def postings_index(request: Request) -> Response:
    listing = await publish.public_listing(_slug(request))
    return render(
        request,
        "public/postings_index.html",
        {
            "listing": listing,
            "posting": postings.posting_for(listing.state),
            "state_names": STATE_NAMES,
            "titles": POSTING_TITLES,
        },
    )


async def posting_page(request: Request) -> Response:
    listing, posting = await _posting(request)
    return render(
        request,
        "public/posting.html",
        {
            "listing": listing,
            "posting": posting,
            "rows": postings.posting_rows(listing, posting),
            "labels": POSTING_LABELS,
            "values": POSTING_VALUES,
            "title": POSTING_TITLES[posting.state],
            "element_text": i18n.DATA_ELEMENT_TEXT,
            "element_words": _element_words,
            "state_name": STATE_NAMES[posting.state],
        },
    )


async def posting_csv(request: Request) -> Response:
    listing, posting = await _posting(request)
    etag = _etag(listing, request, f"{posting.state}-csv")
    body = _csv(posting.columns, postings.posting_rows(listing, posting)).encode()
    return _csv_response(body, f"{listing.district_slug}-{posting.state.lower()}.csv", etag)


async def posting_json(request: Request) -> Response:
    listing, posting = await _posting(request)
    etag = _etag(listing, request, f"{posting.state}-json")
    return JSONResponse(
        {
            "ok": True,
            "district": {"slug": listing.district_slug, "name": listing.district_name},
            "state": posting.state,
            "law": posting.law,
            "columns": list(posting.columns),
            "rows": postings.posting_rows(listing, posting),
        },
        headers=_feed_headers(etag),
    )


def content_disposition(filename: str) -> str:
    """An attachment header that no filename can break out of."""
    ascii_name = _UNSAFE_FILENAME.sub("_", filename).strip(" .") or "agreement"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def agreement_file(request: Request) -> Response:
    agreement_id = request.path_params["agreement_id"]
    assert isinstance(agreement_id, int)  # noqa: S101 - `:int` route converter
    sha256, filename = await publish.public_agreement_file(_slug(request), agreement_id)
    storage = runtime_of(request).storage
    try:
        data = await anyio.to_thread.run_sync(storage.get, sha256)
    except FileNotFoundError:
        raise NotFoundError("The file of this agreement is missing from storage.") from None
    media_type = "application/pdf" if data.lstrip()[:5] == b"%PDF-" else "text/plain"
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(filename),
            "Cache-Control": "no-cache",
        },
    )


# Public (no login). The .json/.csv routes come before the page route, whose {slug}
# would otherwise take "x.json" as a slug.
routes: list[BaseRoute] = [
    Route("/d/{slug}.json", district_json, methods=["GET"], name="public_json"),
    Route("/d/{slug}.csv", district_csv, methods=["GET"], name="public_csv"),
    Route("/d/{slug}", district_page, methods=["GET"], name="public"),
    Route("/d/{slug}/postings", postings_index, methods=["GET"], name="public_postings"),
    Route(
        "/d/{slug}/postings/{state:str}.csv",
        posting_csv,
        methods=["GET"],
        name="public_posting_csv",
    ),
    Route(
        "/d/{slug}/postings/{state:str}.json",
        posting_json,
        methods=["GET"],
        name="public_posting_json",
    ),
    Route("/d/{slug}/postings/{state:str}", posting_page, methods=["GET"], name="public_posting"),
    Route(
        "/d/{slug}/agreements/{agreement_id:int}/file",
        agreement_file,
        methods=["GET"],
        name="public_file",
    ),
]
