"""The one assembly of database, NLP pipeline and storage, used by the web app and the CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from spacy.language import Language

from extractors import build_nlp
from policies import load_packs
from registry.db import open_db
from registry.settings import Settings
from registry.storage import FileStorage, LocalFileStorage

__all__ = ["Runtime", "open_runtime"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Runtime:
    settings: Settings
    storage: FileStorage
    nlp: Language


@asynccontextmanager
async def open_runtime(
    settings: Settings, *, storage: FileStorage | None = None, migrate: bool = True
) -> AsyncIterator[Runtime]:
    """Validate packs and pipeline at start-up (fail early), then open the database."""
    load_packs()  # a malformed shipped pack stops the start, with file and line
    nlp = build_nlp()
    settings.storage_dir.mkdir(parents=True, exist_ok=True)
    async with open_db(settings.database_url, migrate_first=migrate):
        yield Runtime(
            settings=settings,
            storage=storage or LocalFileStorage(settings.storage_dir),
            nlp=nlp,
        )
