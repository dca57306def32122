"""Shared fixtures: one database per test session, built by applying the committed migrations.

TEST_DATABASE_URL selects the database (default: a SQLite file in a temp folder); `.ci/run`
runs the same suite again against PostgreSQL. Tables are emptied before every test.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from tortoise import Tortoise, connections

from registry import accounts, db
from registry.models import District
from registry.scoping import Actor
from registry.settings import Settings
from registry.status import Role

TABLES = [
    "audit_event", "finding", "clause", "extraction", "agreement", "stored_file",
    "app_request", "app_status", "app_data_element", "app", "vendor", "membership",
    "user_account", "district",
]  # fmt: skip

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )
    if url.startswith("postgres"):
        asyncio.run(_drop_all_postgres(url))
    asyncio.run(db.upgrade(url))
    return url


async def _drop_all_postgres(url: str) -> None:
    await Tortoise.init(config=db.tortoise_config(url))
    conn = connections.get("default")
    await conn.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await connections.close_all()


async def truncate(url: str) -> None:
    conn = connections.get("default")
    if url.startswith("postgres"):
        await conn.execute_script(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE;")
    else:
        for table in TABLES:
            await conn.execute_script(f"DELETE FROM {table};")  # noqa: S608 - fixed names


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "REGISTRY_DATABASE_URL": database_url,
            "REGISTRY_VAR_DIR": str(tmp_path / "var"),
            "REGISTRY_SECRET_KEY": "test-secret-key-0123456789abcdef",
            "REGISTRY_MAX_UPLOAD_MB": "5",
        }
    )


@pytest.fixture
async def clean_db(database_url: str) -> None:
    """Empty every table, leaving no connection open (for tests that start the web app)."""
    await Tortoise.init(config=db.tortoise_config(database_url))
    await truncate(database_url)
    await connections.close_all()


@pytest.fixture
async def orm(database_url: str) -> AsyncIterator[None]:
    """An open ORM on an empty database."""
    await Tortoise.init(config=db.tortoise_config(database_url))
    await truncate(database_url)
    try:
        yield
    finally:
        await connections.close_all()


async def make_district(slug: str = "springfield", state: str = "NY") -> District:
    return await accounts.create_district(slug=slug, name=f"{slug.title()} Schools", state=state)


async def make_actor(district: District, role: Role, email: str | None = None) -> Actor:
    email = email or f"{role.value}@{district.slug}.example.org"
    user = await accounts.add_user(
        email=email, name=role.value.title(), password=PASSWORD, district=district, role=role
    )
    return await accounts.actor_for(user.id, district.id)
