"""Settings: the one reader of the environment.

Every setting has a default that works on a laptop (SQLite under ./var) and help text.
Only the composition roots (the CLI and web.app.create_app) call `Settings.from_env`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

__all__ = ["SETTINGS_HELP", "Settings", "SettingsError"]


class SettingsError(ValueError):
    """A setting has a value we refuse to run with."""


SETTINGS_HELP: dict[str, str] = {
    "REGISTRY_DATABASE_URL": (
        "Tortoise database URL. Default: a SQLite file under ./var/. PostgreSQL: "
        "postgres://user@host:5432/dbname"
    ),
    "REGISTRY_STORAGE_DIR": "Where uploaded agreement files are kept. Default: ./var/files",
    "REGISTRY_SECRET_KEY": (
        "Signs session cookies and CSRF tokens. When unset, one is generated on first run "
        "and kept in ./var/secret_key"
    ),
    "REGISTRY_VAR_DIR": (
        "Folder for the default database, files and generated secret. Default: ./var"
    ),
    "REGISTRY_MAX_UPLOAD_MB": "Largest accepted upload, in megabytes. Default: 50",
    "REGISTRY_HTTPS_ONLY": "Set to 1 behind HTTPS so session cookies are marked Secure. Default: 0",
    "REGISTRY_READ_TIMEOUT_S": (
        "Seconds one uploaded document may take to read (in a worker process). Default: 120"
    ),
    "REGISTRY_READ_MEMORY_MB": "Memory one document's reader may use, in MB. Default: 2048",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Runtime configuration, resolved once at start-up."""

    database_url: str
    storage_dir: Path
    secret_key: str = field(repr=False)
    var_dir: Path
    max_upload_bytes: int = 50 * 1024 * 1024
    https_only: bool = False
    read_timeout: float = 120.0
    read_memory_bytes: int = 2048 * 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from a mapping (the process environment by default)."""
        env = os.environ if env is None else env
        var_dir = Path(env.get("REGISTRY_VAR_DIR", "var")).resolve()
        database_url = (
            env.get("REGISTRY_DATABASE_URL") or f"sqlite://{var_dir / 'registry.sqlite3'}"
        )
        storage_dir = Path(env.get("REGISTRY_STORAGE_DIR") or var_dir / "files").resolve()
        try:
            max_mb = float(env.get("REGISTRY_MAX_UPLOAD_MB", "50"))
        except ValueError:
            raise SettingsError("REGISTRY_MAX_UPLOAD_MB must be a number of megabytes") from None
        if max_mb <= 0:
            raise SettingsError("REGISTRY_MAX_UPLOAD_MB must be positive")
        try:
            read_timeout = float(env.get("REGISTRY_READ_TIMEOUT_S", "120"))
            read_memory_mb = int(env.get("REGISTRY_READ_MEMORY_MB", "2048"))
        except ValueError:
            raise SettingsError(
                "REGISTRY_READ_TIMEOUT_S and REGISTRY_READ_MEMORY_MB must be numbers"
            ) from None
        if read_timeout <= 0 or read_memory_mb < 256:
            raise SettingsError("The read timeout must be positive and the memory at least 256 MB")
        secret = env.get("REGISTRY_SECRET_KEY") or _stored_secret(var_dir)
        if len(secret) < 16:
            raise SettingsError("REGISTRY_SECRET_KEY must be at least 16 characters long")
        return cls(
            database_url=database_url,
            storage_dir=storage_dir,
            secret_key=secret,
            var_dir=var_dir,
            max_upload_bytes=int(max_mb * 1024 * 1024),
            https_only=env.get("REGISTRY_HTTPS_ONLY", "0").lower() in {"1", "true", "yes"},
            read_timeout=read_timeout,
            read_memory_bytes=read_memory_mb * 1024 * 1024,
        )

    @classmethod
    def documented(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def _stored_secret(var_dir: Path) -> str:
    """Read the generated secret, creating it (mode 0600) on first run.

    Several server processes may start at once: the secret is written to a private temp
    file and linked into place atomically, so every process reads the same whole secret.
    """
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    temp = var_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(48))
    try:
        os.link(temp, path)  # fails if another process linked its secret first
    except FileExistsError:
        pass
    finally:
        temp.unlink()
    return path.read_text(encoding="utf-8").strip()
