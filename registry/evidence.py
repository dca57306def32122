"""The review page's read model: findings grouped by outcome, their evidence located on the
page image, and the page images themselves (rendered once, cached by file and page).
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from extractors import ExtractionError
from extractors.render import (
    locate_text,
    locate_text_isolated,
    png_size,
    render_page,
    render_page_isolated,
)
from registry.agreements import ReadLimits, RuleChange, findings_diff
from registry.errors import InvalidInputError, NotFoundError
from registry.events import list_events
from registry.models import Agreement, AuditEvent, Extraction, Finding
from registry.reviews import EffectiveClause, effective_clauses
from registry.scoping import Actor, require_role
from registry.status import Role
from registry.storage import FileStorage

__all__ = [
    "OUTCOME_ORDER",
    "RESOLUTION",
    "AgreementReview",
    "EvidenceView",
    "FindingView",
    "Highlight",
    "PageImage",
    "PageImageCache",
    "load_review",
    "page_image",
]

OUTCOME_ORDER = ("fail", "needs_review", "missing", "pass", "waived")
RESOLUTION = 110  # dots per inch of the page images: readable at a laptop's width
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Highlight:
    """A box on a page image, in percent of the page's width and height."""

    page: int
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceView:
    page: int
    text: str
    clause_id: int | None
    highlights: tuple[Highlight, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingView:
    row: Finding
    outcome: str  # the officer's override when there is one
    evidence: tuple[EvidenceView, ...]

    @property
    def first_page(self) -> int | None:
        pages = [e.page for e in self.evidence if e.page]
        return min(pages) if pages else None


@dataclass(frozen=True, slots=True, kw_only=True)
class PageImage:
    png: bytes
    width_pt: float
    height_pt: float


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementReview:
    agreement: Agreement
    extraction: Extraction | None
    groups: tuple[tuple[str, tuple[FindingView, ...]], ...]
    finding_count: int
    clauses: tuple[EffectiveClause, ...]
    events: tuple[AuditEvent, ...]
    selected: FindingView | None
    page: int
    page_count: int
    has_images: bool
    highlights: tuple[Highlight, ...]  # on `page`, for the selected finding
    previous: Agreement | None
    changes: tuple[RuleChange, ...]
    newer: tuple[Agreement, ...]


class PageImageCache:
    """Rendered pages by (file sha256, page, resolution): on disk under `root`, or in memory."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self._memory: dict[str, bytes] = {}

    @staticmethod
    def key(sha256: str, page: int, resolution: int) -> str:
        return f"{sha256}-p{page}-r{resolution}.png"

    def get(self, key: str) -> bytes | None:
        if self.root is None:
            return self._memory.get(key)
        path = self.root / key[:2] / key
        return path.read_bytes() if path.exists() else None

    def put(self, key: str, png: bytes) -> None:
        if self.root is None:
            self._memory[key] = png
            return
        path = self.root / key[:2] / key
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".page-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(png)
        os.replace(tmp, path)  # atomic: a reader never sees half an image


async def _agreement(actor: Actor, agreement_id: int) -> Agreement:
    require_role(actor, Role.PRIVACY_OFFICER)
    agreement = await Agreement.filter(id=agreement_id, district_id=actor.district_id).first()
    if agreement is None:
        raise NotFoundError("No such agreement in your district.")
    return agreement


async def page_image(
    actor: Actor,
    agreement_id: int,
    page: int,
    *,
    storage: FileStorage,
    cache: PageImageCache,
    limits: ReadLimits | None = None,
    resolution: int = RESOLUTION,
) -> PageImage:
    """One page of an agreement of the actor's district as a PNG (PDF agreements only).

    With `limits`, the page is drawn in a worker process bounded like reading is.
    """
    agreement = await _agreement(actor, agreement_id)
    await agreement.fetch_related("file")
    if agreement.file.media_type != "application/pdf":
        raise NotFoundError("Only PDF agreements have page images.")
    key = PageImageCache.key(agreement.file.sha256, page, resolution)
    png = cache.get(key)
    if png is None:
        data = storage.get(agreement.file.sha256)
        try:
            if limits is None:
                png = await anyio.to_thread.run_sync(lambda: render_page(data, page, resolution))
            else:
                png = await anyio.to_thread.run_sync(
                    lambda: render_page_isolated(
                        data,
                        page,
                        resolution,
                        timeout=limits.timeout,
                        memory_bytes=limits.memory_bytes,
                    ),
                    abandon_on_cancel=True,
                )
        except ExtractionError as exc:
            raise NotFoundError(str(exc)) from exc
        cache.put(key, png)
    width, height = png_size(png)
    return PageImage(png=png, width_pt=width * 72 / resolution, height_pt=height * 72 / resolution)


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def _clause_for(item: dict[str, Any], clauses: Sequence[EffectiveClause]) -> EffectiveClause | None:
    text = _norm(str(item.get("text", "")))
    page = item.get("page")
    same_page = [c for c in clauses if c.page == page] or list(clauses)
    for clause in same_page:
        if _norm(clause.text) == text:
            return clause
    for clause in same_page:
        other = _norm(clause.text)
        if text and other and (text in other or other in text):
            return clause
    return None


def _highlights(
    clause: EffectiveClause, sizes: Sequence[dict[str, float]]
) -> tuple[Highlight, ...]:
    """Clause boxes in percent of the page; a box is [page, x0, top, x1, bottom] (or the
    same without the page, meaning the clause's page)."""
    out = []
    for box in clause.boxes:
        page, coords = (int(box[0]), box[1:]) if len(box) == 5 else (clause.page, box)
        if len(coords) != 4 or not 1 <= page <= len(sizes):
            continue
        width, height = sizes[page - 1].get("width", 0.0), sizes[page - 1].get("height", 0.0)
        if width <= 0 or height <= 0:
            continue
        x0, top, x1, bottom = coords
        out.append(
            Highlight(
                page=page,
                left=round(100 * x0 / width, 3),
                top=round(100 * top / height, 3),
                width=round(100 * (x1 - x0) / width, 3),
                height=round(100 * (bottom - top) / height, 3),
            )
        )
    return tuple(out)


async def _located(
    agreement: Agreement,
    page: int,
    texts: Sequence[str],
    sizes: Sequence[dict[str, float]],
    storage: FileStorage,
    limits: ReadLimits | None,
) -> tuple[Highlight, ...]:
    """Highlights found by searching the page for the evidence text: for clauses stored
    without boxes (read before boxes were recorded)."""
    data = storage.get(agreement.file.sha256)
    boxes: list[tuple[float, ...]] = []
    for text in texts:
        try:
            if limits is None:
                found = await anyio.to_thread.run_sync(locate_text, data, page, text)
            else:
                found = await anyio.to_thread.run_sync(
                    functools.partial(
                        locate_text_isolated,
                        data,
                        page,
                        text,
                        timeout=limits.timeout,
                        memory_bytes=limits.memory_bytes,
                    ),
                    abandon_on_cancel=True,
                )
        except ExtractionError:
            return ()
        boxes.extend((page, *box) for box in found)
    if not boxes:
        return ()
    probe = EffectiveClause(
        id=0, label="", stance="", attributes={}, text="", page=page, confidence=0.0,
        boxes=tuple(boxes),
    )  # fmt: skip
    return _highlights(probe, sizes)


def _finding_view(
    row: Finding, clauses: Sequence[EffectiveClause], sizes: Sequence[dict[str, float]]
) -> FindingView:
    evidence = []
    for item in row.evidence or []:
        clause = _clause_for(item, clauses)
        evidence.append(
            EvidenceView(
                page=int(item.get("page") or (clause.page if clause else 0)),
                text=str(item.get("text", "")),
                clause_id=clause.id if clause else None,
                highlights=_highlights(clause, sizes) if clause else (),
            )
        )
    return FindingView(
        row=row, outcome=row.override_outcome or row.outcome, evidence=tuple(evidence)
    )


async def load_review(
    actor: Actor,
    agreement_id: int,
    *,
    finding_id: int | None = None,
    page: int | None = None,
    storage: FileStorage | None = None,
    cache: PageImageCache | None = None,
    limits: ReadLimits | None = None,
) -> AgreementReview:
    """Everything the review page shows; the selected finding decides the page shown.

    When the extraction did not record page sizes, the shown page is rendered (and cached)
    to learn its size, given `storage` and `cache`.
    """
    agreement = await _agreement(actor, agreement_id)
    await agreement.fetch_related("app", "vendor", "file")
    extraction = await Extraction.filter(agreement_id=agreement.id).order_by("-id").first()
    clauses = (await effective_clauses([extraction.id]))[extraction.id] if extraction else []
    rows = await Finding.filter(agreement_id=agreement.id).order_by("id")
    chosen = None
    if finding_id is not None:
        chosen = next((row for row in rows if row.id == finding_id), None)
        if chosen is None:
            raise NotFoundError("That finding is not one of this agreement's.")
    page_count = extraction.pages if extraction else 0
    has_images = agreement.file.media_type == "application/pdf" and page_count > 0
    evidence_pages = [int(e["page"]) for e in (chosen.evidence if chosen else []) if e.get("page")]
    shown = page or (min(evidence_pages) if evidence_pages else 1)
    if page_count and not 1 <= shown <= page_count:
        raise InvalidInputError(f"The agreement has {page_count} pages.", field="page")
    sizes: list[dict[str, float]] = list(extraction.page_sizes if extraction else [])
    if not sizes and has_images and chosen is not None and storage and cache:
        image = await page_image(
            actor, agreement.id, shown, storage=storage, cache=cache, limits=limits
        )
        sizes = [{} for _ in range(page_count)]
        sizes[shown - 1] = {"width": image.width_pt, "height": image.height_pt}
    views = [_finding_view(row, clauses, sizes) for row in rows]
    selected = next((v for v in views if chosen is not None and v.row.id == chosen.id), None)
    highlights = tuple(
        h for e in (selected.evidence if selected else ()) for h in e.highlights if h.page == shown
    )
    if selected and not highlights and has_images and storage is not None and sizes:
        texts = [e.text for e in selected.evidence if e.page == shown and e.text]
        highlights = await _located(agreement, shown, texts, sizes, storage, limits)
    previous, changes = await findings_diff(actor, agreement.id)
    newer = await Agreement.filter(replaces_id=agreement.id, district_id=actor.district_id)
    groups = tuple(
        (outcome, tuple(v for v in views if v.outcome == outcome))
        for outcome in OUTCOME_ORDER
        if any(v.outcome == outcome for v in views)
    )
    return AgreementReview(
        agreement=agreement,
        extraction=extraction,
        groups=groups,
        finding_count=len(views),
        clauses=tuple(clauses),
        events=tuple(await list_events(actor, subject_type="agreement", subject_id=agreement.id)),
        selected=selected,
        page=shown,
        page_count=page_count,
        has_images=has_images,
        highlights=highlights,
        previous=previous,
        changes=tuple(changes),
        newer=tuple(newer),
    )
