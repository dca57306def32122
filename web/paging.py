"""Paging of long lists: page numbers for HTML pages, limit/offset for the JSON API.

Pages clamp a bad or out-of-range `?page=` to the nearest page (a shared link to page 9 of
a list that shrank still shows something); the API refuses a bad `limit`/`offset` with a 422
so that a client's bug is seen, not papered over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

from registry.errors import InvalidInputError

__all__ = [
    "API_LIMIT",
    "API_MAX_LIMIT",
    "PageOf",
    "Window",
    "page_link",
    "page_of",
    "window",
]

T = TypeVar("T")

API_LIMIT = 100  # items per API response unless `limit` says otherwise
API_MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class PageOf(Generic[T]):
    """One page of a list: its items, its number (from 1) and how many pages there are."""

    items: Sequence[T]
    number: int
    pages: int
    total: int


def page_of(items: Sequence[T], raw: str | None, size: int) -> PageOf[T]:
    """The page `raw` (a `?page=` value) of `items`, `size` per page; bad values clamp."""
    pages = max(1, -(-len(items) // size))
    number = int(raw) if raw and raw.isdigit() else 1
    number = min(max(number, 1), pages)
    start = (number - 1) * size
    return PageOf(items[start : start + size], number, pages, len(items))


def page_link(path: str, kept: Mapping[str, str]) -> Callable[[int], str]:
    """`page_url(n)` for the pager: `path` with the kept query parameters and `page=n`."""
    return lambda number: f"{path}?{urlencode({**kept, 'page': number})}"


@dataclass(frozen=True, slots=True)
class Window:
    """The `limit`/`offset` of an API list request."""

    limit: int
    offset: int

    def take(self, items: Sequence[T]) -> Sequence[T]:
        return items[self.offset : self.offset + self.limit]


def window(params: Mapping[str, str]) -> Window:
    """Read `limit` (1..API_MAX_LIMIT, default API_LIMIT) and `offset` (>= 0, default 0)."""
    limit = _whole(params, "limit", API_LIMIT)
    offset = _whole(params, "offset", 0)
    if not 1 <= limit <= API_MAX_LIMIT:
        raise InvalidInputError(f"`limit` must be from 1 to {API_MAX_LIMIT}.", field="limit")
    return Window(limit, offset)


def _whole(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise InvalidInputError(f"`{name}` must be a whole number.", field=name)
    return int(raw)
