"""Path ids: `{name:int}` in every route matches 1-9 digits only.

Starlette's own `int` convertor accepts any number of digits, and a 20-digit id makes the
database driver fail (SQLite: OverflowError; PostgreSQL: out of range) -> 500. Row ids
stay far below 10**9, so a longer number cannot name a row: it is 404 like any unknown
address. Registered (replacing "int") when the `web` package is imported, before any
route is built.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

__all__ = ["RowIdConvertor", "install"]


class RowIdConvertor(Convertor[int]):
    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = int(value)
        if not 0 <= value < 10**9:
            raise ValueError("row ids have at most 9 digits")
        return str(value)


def install() -> None:
    register_url_convertor("int", RowIdConvertor())
