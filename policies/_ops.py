"""Comparison operators of the `attribute` check: which values they can judge, and how."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["OPS", "OP_WORDS", "comparable", "is_number", "satisfies"]

OPS: tuple[str, ...] = ("<=", "<", ">=", ">", "==", "!=", "in", "contains")

OP_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "<=": "at most",
        "<": "less than",
        ">=": "at least",
        ">": "more than",
        "==": "exactly",
        "!=": "anything but",
        "in": "one of",
        "contains": "one that includes",
    }
)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def comparable(actual: Any, op: str, limit: Any) -> bool:
    """Whether the clause states a value the op can judge (else: needs review)."""
    if actual is None:
        return False
    if op in ("<=", "<", ">=", ">"):
        return is_number(actual)
    if op == "contains":
        return isinstance(actual, str | list | tuple)
    if op == "in":
        return isinstance(actual, str | int | float | bool)
    return isinstance(actual, bool) == isinstance(limit, bool)


def satisfies(actual: Any, op: str, limit: Any) -> bool:
    if op == "<=":
        return bool(actual <= limit)
    if op == "<":
        return bool(actual < limit)
    if op == ">=":
        return bool(actual >= limit)
    if op == ">":
        return bool(actual > limit)
    if op == "==":
        return bool(_fold(actual) == _fold(limit))
    if op == "!=":
        return bool(_fold(actual) != _fold(limit))
    if op == "in":
        return _fold(actual) in {_fold(item) for item in limit}
    if isinstance(actual, str):
        return str(limit).casefold() in actual.casefold()
    return _fold(limit) in {_fold(item) for item in actual}


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value
