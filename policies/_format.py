"""Plain-language formatting of labels, attribute values and page lists for explanations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from policies.types import ClauseFact

__all__ = ["format_value", "human", "pages"]


def human(name: str) -> str:
    """`breach_notification` -> "breach notification"."""
    return name.replace("_", " ")


def format_value(name: str, value: Any) -> str:
    """An attribute value in words: 720 deadline_hours -> "720 hours (30 days)"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(format_value(name, item) for item in value)
    if isinstance(value, int | float):
        number = f"{value:g}"
        if name.endswith("_hours"):
            days = f" ({value / 24:g} days)" if value >= 24 and value % 24 == 0 else ""
            return f"{number} hours{days}"
        if name.endswith("_days"):
            return f"{number} days"
        return number
    return str(value)


def pages(clauses: Iterable[ClauseFact]) -> str:
    """ "page 3" or "pages 3, 5" for the clauses given (sorted, unique)."""
    numbers = sorted({c.page for c in clauses})
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    return "pages " + ", ".join(str(n) for n in numbers)
