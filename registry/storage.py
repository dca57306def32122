"""Content-addressed file storage: bytes are kept under their sha256, written once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

__all__ = ["FileStorage", "InMemoryFileStorage", "LocalFileStorage", "sha256_of"]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStorage(Protocol):
    """Where uploaded agreements live.

    `put` is idempotent: storing the same bytes twice keeps one copy. `get` raises
    FileNotFoundError for an unknown digest.
    """

    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...


class LocalFileStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise FileNotFoundError(sha256)
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        digest = sha256_of(data)
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a crash never leaves a partial file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        try:
            return self._path(sha256).exists()
        except FileNotFoundError:
            return False


class InMemoryFileStorage:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        digest = sha256_of(data)
        self.blobs.setdefault(digest, data)
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            return self.blobs[sha256]
        except KeyError:
            raise FileNotFoundError(sha256) from None

    def exists(self, sha256: str) -> bool:
        return sha256 in self.blobs
