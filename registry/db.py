"""Database configuration, schema upgrades through the committed migrations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate

__all__ = ["open_db", "tortoise_config", "upgrade"]


def tortoise_config(database_url: str) -> dict[str, Any]:
    if database_url.startswith("sqlite://") and not database_url.startswith("sqlite://:memory:"):
        path, _, query = database_url.removeprefix("sqlite://").partition("?")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if "synchronous=" not in query:
            # Tortoise opens SQLite in WAL mode; NORMAL is the durable-enough level for WAL
            # (a power cut may lose the last commit, never corrupts) and halves the fsyncs
            # of a re-check's write batches (bench/recheck.py).
            database_url += ("&" if query else "?") + "synchronous=NORMAL"
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": ["registry.models"],
                "default_connection": "default",
                "migrations": "registry.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def upgrade(database_url: str) -> None:
    """Apply every committed migration that the database has not seen yet."""
    await migrate(config=tortoise_config(database_url))
    await connections.close_all()


@asynccontextmanager
async def open_db(database_url: str, *, migrate_first: bool = True) -> AsyncIterator[None]:
    """Open the ORM for the duration of the block (schema brought up to date first).

    The context is also made the global fallback: under uvicorn the lifespan runs in another
    task than the requests, and Tortoise 1.x otherwise keeps connections per task context.
    """
    if migrate_first:
        await upgrade(database_url)
    context = await Tortoise.init(
        config=tortoise_config(database_url), _enable_global_fallback=True
    )
    try:
        yield
    finally:
        await context.close_connections()
