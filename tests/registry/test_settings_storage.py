"""Settings come from one mapping with safe defaults; storage is content-addressed and atomic."""

from __future__ import annotations

import stat

import pytest

from registry.settings import SETTINGS_HELP, Settings, SettingsError
from registry.storage import LocalFileStorage, sha256_of


def test_defaults_use_var_dir_and_generate_a_persistent_secret(tmp_path):
    env = {"REGISTRY_VAR_DIR": str(tmp_path / "var")}
    first = Settings.from_env(env)
    assert first.database_url == f"sqlite://{tmp_path / 'var' / 'registry.sqlite3'}"
    assert first.storage_dir == tmp_path / "var" / "files"
    assert first.max_upload_bytes == 50 * 1024 * 1024
    secret_file = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert Settings.from_env(env).secret_key == first.secret_key
    assert first.secret_key not in repr(first)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("REGISTRY_MAX_UPLOAD_MB", "lots"),
        ("REGISTRY_MAX_UPLOAD_MB", "0"),
        ("REGISTRY_SECRET_KEY", "short"),
    ],
)
def test_bad_values_are_refused(tmp_path, key, value):
    with pytest.raises(SettingsError):
        Settings.from_env({"REGISTRY_VAR_DIR": str(tmp_path), key: value})


def test_every_environment_variable_is_documented():
    import inspect

    import registry.settings as module

    used = set(__import__("re").findall(r'"(REGISTRY_[A-Z_]+)"', inspect.getsource(module)))
    assert used == set(SETTINGS_HELP)


def test_local_storage_is_content_addressed(tmp_path):
    storage = LocalFileStorage(tmp_path)
    digest = storage.put(b"agreement")
    assert digest == sha256_of(b"agreement")
    assert storage.put(b"agreement") == digest
    assert storage.get(digest) == b"agreement"
    assert len(list(tmp_path.rglob("*"))) == 2  # one folder, one file; no temp files left
    for bad in ("../../etc/passwd", "a" * 64 + "/x", "XYZ"):
        assert not storage.exists(bad)
        with pytest.raises(FileNotFoundError):
            storage.get(bad)


@pytest.mark.parametrize(("query", "level"), [("", 1), ("?synchronous=FULL", 2)])
def test_sqlite_file_opens_in_wal_with_normal_sync_unless_the_url_says(tmp_path, query, level):
    import asyncio

    from tortoise import Tortoise, connections

    from registry.db import tortoise_config

    async def pragmas():
        await Tortoise.init(config=tortoise_config(f"sqlite://{tmp_path}/db/r.sqlite3{query}"))
        try:
            conn = connections.get("default")
            _, mode = await conn.execute_query("PRAGMA journal_mode")
            _, sync = await conn.execute_query("PRAGMA synchronous")
            return mode[0][0], sync[0][0]
        finally:
            await connections.close_all()

    assert asyncio.run(pragmas()) == ("wal", level)
