"""The public read model: grade parsing, and a listing built in a fixed number of queries."""

from __future__ import annotations

import pytest

from registry import catalog, publish, reviews
from registry.publish import parse_grades
from registry.status import AppStatus, Role
from tests.conftest import make_actor, make_district


@pytest.mark.parametrize(
    ("text", "grades"),
    [
        ("K-5", set(range(6))),
        ("6-12", set(range(6, 13))),
        ("3, 4 and 5", {3, 4, 5}),
        ("Grades 9 to 12", {9, 10, 11, 12}),
        ("PreK-2", {0, 1, 2}),
        ("All grades", set(range(13))),
        ("K", {0}),
        ("", set()),
        ("teachers only", set()),
        ("14-20", set()),
    ],
)
def test_parse_grades(text: str, grades: set[int]) -> None:
    assert parse_grades(text) == frozenset(grades)


@pytest.mark.anyio
async def test_listing_query_count_does_not_grow_with_apps(orm) -> None:
    from tortoise import connections

    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)

    async def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            app = await catalog.create_app(
                officer, name=f"App {i:03d}", vendor_name=f"Vendor {i % 7}",
                data_elements=["assessment"],
            )  # fmt: skip
            await reviews.change_status(officer, app.id, to=AppStatus.APPROVED)

    conn = connections.get("default")
    counted: list[str] = []
    original = conn.execute_query

    async def counting(query, values=None):  # type: ignore[no-untyped-def]
        counted.append(query)
        return await original(query, values)

    conn.execute_query = counting  # type: ignore[method-assign]
    try:
        await add(0, 3)
        publish.clear_cache()
        counted.clear()
        small = await publish.public_listing(district.slug)
        few = len(counted)
        await add(3, 30)
        publish.clear_cache()
        counted.clear()
        large = await publish.public_listing(district.slug)
        assert len(counted) == few
        assert len(small.apps) == 3
        assert len(large.apps) == 33
        counted.clear()
        cached = await publish.public_listing(district.slug)  # unchanged: served from cache
        assert cached is large
        assert len(counted) < few
    finally:
        conn.execute_query = original  # type: ignore[method-assign]
