"""YAML with line numbers, and the small validators every pack file uses.

Files are composed into nodes with PyYAML's safe loader and converted by hand, so each
mapping and list remembers the line of each key and item (1-based) for error messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policies.errors import PackSyntaxError, PackValidationError

__all__ = ["Where", "YamlList", "YamlMap", "load_yaml", "load_yaml_text"]


class YamlMap(dict[str, Any]):
    """A mapping that knows its own line and the line of each of its keys."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list[Any]):
    """A list that knows its own line and the line of each item."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def load_yaml(path: Path) -> Any:
    """Parse one YAML file into YamlMap/YamlList/scalars; raise PackSyntaxError if invalid."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackSyntaxError(path, 1, str(exc)) from exc
    return load_yaml_text(text, path)


def load_yaml_text(text: str, path: Path) -> Any:
    """Parse YAML held in memory (e.g. a district pack stored in the database); `path` names
    it in error messages."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise PackSyntaxError(path, line, exc.problem or str(exc)) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PackSyntaxError(path, 1, str(exc)) from exc
    if node is None:
        return None
    return _convert(node, path, yaml.SafeLoader(""))


def _convert(node: yaml.Node, path: Path, loader: yaml.SafeLoader) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = YamlMap()
        result.line, result.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, path, loader)
            if not isinstance(key, str):
                raise PackSyntaxError(path, key_node.start_mark.line + 1, "keys must be strings")
            if key in result:
                raise PackSyntaxError(path, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            result[key] = _convert(value_node, path, loader)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        items = YamlList(_convert(item, path, loader) for item in node.value)
        items.line = line
        items.item_lines = [item.start_mark.line + 1 for item in node.value]
        return items
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:  # e.g. an impossible date such as 2020-02-31
        raise PackSyntaxError(path, line, str(exc).splitlines()[0]) from exc


@dataclass(frozen=True, slots=True)
class Where:
    """The file (and rule) being validated; builds scoped PackValidationErrors."""

    file: Path
    rule_id: str | None = None

    def error(self, line: int, path: str, message: str) -> PackValidationError:
        return PackValidationError(self.file, line, self.rule_id, path, message)

    def mapping(self, value: Any, line: int, path: str) -> YamlMap:
        if not isinstance(value, YamlMap):
            raise self.error(line, path, f"must be a mapping, not {_kind(value)}")
        return value

    def keys(
        self, m: YamlMap, path: str, *, required: Collection[str], optional: Collection[str] = ()
    ) -> None:
        """Reject unknown keys (typos) and report the first missing required key."""
        for key in m:
            if key not in required and key not in optional:
                allowed = ", ".join(sorted([*required, *optional]))
                raise self.error(
                    m.line_of(key), _join(path, key), f"unknown key; allowed: {allowed}"
                )
        for key in required:
            if key not in m:
                raise self.error(m.line, _join(path, key), "required key is missing")

    def string(self, m: YamlMap, key: str, path: str) -> str:
        value = m[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(m.line_of(key), _join(path, key), "must be a non-empty string")
        return value.strip()

    def optional_string(self, m: YamlMap, key: str, path: str) -> str | None:
        return self.string(m, key, path) if m.get(key) is not None else None

    def boolean(self, m: YamlMap, key: str, path: str, default: bool = False) -> bool:
        value = m.get(key, default)
        if not isinstance(value, bool):
            raise self.error(m.line_of(key), _join(path, key), "must be true or false")
        return value

    def date(self, m: YamlMap, key: str, path: str) -> dt.date | None:
        value = m.get(key)
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.error(m.line_of(key), _join(path, key), "must be a date like 2020-01-29")

    def strings(
        self, m: YamlMap, key: str, path: str, *, choices: Collection[str] | None = None
    ) -> tuple[str, ...]:
        """A non-empty list of strings (a single string is accepted as a one-item list)."""
        value = m[key]
        items = [value] if isinstance(value, str) else value
        line = m.line_of(key)
        if not isinstance(items, list | tuple) or not items:
            raise self.error(line, _join(path, key), "must be a non-empty list of strings")
        for index, item in enumerate(items):
            item_line = items.line_of(index) if isinstance(items, YamlList) else line
            if not isinstance(item, str):
                raise self.error(item_line, f"{_join(path, key)}[{index}]", "must be a string")
            if choices is not None and item not in choices:
                raise self.error(
                    item_line,
                    f"{_join(path, key)}[{index}]",
                    f"unknown value {item!r}; must be one of {', '.join(choices)}",
                )
        return tuple(items)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"
