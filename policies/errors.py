"""Errors raised while loading rule packs (evaluation itself never raises on clause data).

PolicyError                    base; every subclass has a stable `code`
├── PackSyntaxError            a YAML file cannot be parsed (file, line)
├── PackValidationError        a pack, rule or cases file breaks the schema
│   │                          (file, line, rule_id, path)
│   └── DuplicateRuleIdError   two rule files declare the same id (+ other)
└── UnknownPackError           no shipped pack for a state or pack id (name, available)
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

__all__ = [
    "DuplicateRuleIdError",
    "PackSyntaxError",
    "PackValidationError",
    "PolicyError",
    "UnknownPackError",
]


class PolicyError(Exception):
    """Base of every error raised by `policies`."""

    code: ClassVar[str] = "policy_error"


class PackSyntaxError(PolicyError):
    """A pack file is not valid YAML."""

    code: ClassVar[str] = "pack_syntax"

    def __init__(self, file: Path | str, line: int, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.message = message
        super().__init__(f"{self.file}:{line}: invalid YAML: {message}")


class PackValidationError(PolicyError):
    """A pack, rule or cases file is valid YAML but breaks the pack schema.

    `path` is the dotted key path inside the file (e.g. `check.attribute.op`); `rule_id` is
    the id of the rule concerned, or None for pack-level errors.
    """

    code: ClassVar[str] = "pack_validation"

    def __init__(
        self,
        file: Path | str,
        line: int,
        rule_id: str | None,
        path: str,
        message: str,
    ) -> None:
        self.file = str(file)
        self.line = line
        self.rule_id = rule_id
        self.path = path
        self.message = message
        scope = "".join(f"{part}: " for part in (rule_id, path) if part)
        super().__init__(f"{self.file}:{line}: {scope}{message}")


class DuplicateRuleIdError(PackValidationError):
    """Two rule files in the same pack (or a pack and the pack it extends) share an id."""

    code: ClassVar[str] = "duplicate_rule_id"

    def __init__(self, file: Path | str, line: int, rule_id: str, other: Path | str) -> None:
        self.other = str(other)
        super().__init__(file, line, rule_id, "id", f"duplicate rule id, also in {self.other}")


class UnknownPackError(PolicyError):
    """No pack is shipped for the requested state or pack id."""

    code: ClassVar[str] = "unknown_pack"

    def __init__(self, name: str, available: tuple[str, ...]) -> None:
        self.name = name
        self.available = available
        listed = ", ".join(available) or "none"
        super().__init__(f"no rule pack for {name!r}; available: {listed}")
