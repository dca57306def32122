"""Reading packs from disk: pack.yaml, one rule per file, and `extends` for district packs.

A district pack names the pack it `extends` (a sibling directory or a shipped pack) and may
override rule parameters or disable rules with a reason; it never copies rules.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from policies._tighten import check_tightens
from policies._yaml import Where, YamlList, YamlMap, load_yaml, load_yaml_text
from policies.cases import parse_cases
from policies.checks import KINDS, labels_of, leaves, parse_check
from policies.errors import DuplicateRuleIdError, UnknownPackError
from policies.schema import PACK_KEYS, SLUG, check_fail_message, parse_rule, parse_severity
from policies.types import Case, Check, Pack, Rule

__all__ = [
    "PACKS_DIR",
    "available_states",
    "load_pack",
    "load_pack_source",
    "load_packs",
    "pack_for_state",
    "shipped_packs",
]

PACKS_DIR = Path(__file__).resolve().parent / "packs"
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")
STATE = re.compile(r"^[A-Z]{2}$")

# Keys a district pack may override on a rule, and the check parameters it may override.
RULE_OVERRIDES = ("severity", "title", "explanation", "fail_message", "check")
CHECK_OVERRIDES = {"value": "attribute", "op": "attribute", "mismatch": "attribute"}
STANCE_OVERRIDE = "stance"


def load_pack(path: Path | str) -> Pack:
    """Load and validate one pack: its directory, or its pack.yaml file."""
    return _load(Path(path), seen=())


def load_packs(directory: Path | str | None = None) -> tuple[Pack, ...]:
    """Every pack directly under `directory` (default: the shipped packs), sorted by id."""
    root = Path(directory) if directory is not None else PACKS_DIR
    dirs = sorted(d for d in root.iterdir() if (d / "pack.yaml").is_file())
    return tuple(sorted((load_pack(d) for d in dirs), key=lambda p: p.id))


def available_states() -> tuple[str, ...]:
    """Two-letter codes of the states that have a shipped pack, sorted."""
    return tuple(sorted({p.state for p in _shipped() if p.state and p.extends is None}))


def pack_for_state(code: str) -> Pack:
    """The shipped pack for a state ("NY", "ca"); UnknownPackError lists the states we have."""
    for pack in _shipped():
        if pack.state == code.strip().upper() and pack.extends is None:
            return pack
    raise UnknownPackError(code, available_states())


def shipped_packs() -> tuple[Pack, ...]:
    """Every pack under policies/packs/, loaded once and cached (sorted by id)."""
    return _shipped()


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[Pack, ...]:
    return load_packs(PACKS_DIR)


def load_pack_source(source: str, *, name: str = "district-pack.yaml") -> Pack:
    """Load a district pack held as YAML text (one document, as the registry stores it).

    It must `extends` a shipped pack and may only make it stricter (see `policies._tighten`):
    raise severities, lower deadlines, narrow stances, and add rules of its own under
    `rules:`. Its cases live under `cases:` by rule id. Errors name `name` and the line.
    """
    file = Path(name)
    raw = load_yaml_text(source, file)
    return _build(raw, file, pack_dir=None, seen=())


def _load(path: Path, seen: tuple[str, ...]) -> Pack:
    pack_dir = path.parent if path.name == "pack.yaml" or path.is_file() else path
    pack_file = pack_dir / "pack.yaml"
    if not pack_file.is_file():
        raise Where(pack_file).error(1, "", "no pack.yaml: a pack is a directory holding pack.yaml")
    return _build(load_yaml(pack_file), pack_file, pack_dir=pack_dir, seen=seen)


def _build(raw: Any, pack_file: Path, *, pack_dir: Path | None, seen: tuple[str, ...]) -> Pack:
    """Validate a pack mapping; `pack_dir` is None for a stored (tighten-only) district pack."""
    stored = pack_dir is None
    where = Where(pack_file)
    m = where.mapping(raw, getattr(raw, "line", 1), "")
    optional = (*PACK_KEYS["optional"], "cases", *(("rules",) if stored else ()))
    where.keys(m, "", required=PACK_KEYS["required"], optional=optional)
    pack_id = where.string(m, "id", "")
    _check_id(pack_id, pack_dir, where, m.line_of("id"))
    version = m["version"]
    if not isinstance(version, str) or not SEMVER.match(version):
        raise where.error(m.line_of("version"), "version", 'must be a quoted semver like "1.0.0"')
    state = where.optional_string(m, "state", "")
    if state is not None and not STATE.match(state):
        raise where.error(m.line_of("state"), "state", "must be a two-letter code such as NY")
    if m.get("effective") is None:
        raise where.error(m.line_of("effective"), "effective", "must be a date like 2020-01-29")
    if pack_dir is not None:
        rules = _load_rules(pack_dir, pack_id)
    else:
        rules = _inline_rules(m, where, pack_id)
    extends = where.optional_string(m, "extends", "")
    base: Pack | None = None
    overridden: tuple[str, ...] = ()
    if extends is None:
        if stored:
            raise where.error(m.line, "extends", "a district pack must extend a shipped pack")
        for key in ("overrides", "disabled", "cases"):
            if key in m:
                raise where.error(m.line_of(key), key, "only a pack that `extends` another")
    else:
        if extends in (*seen, pack_id):
            raise where.error(m.line_of("extends"), "extends", f"circular: {extends!r}")
        line = m.line_of("extends")
        if stored and extends not in {p.id for p in _shipped() if p.extends is None}:
            raise where.error(line, "extends", f"{extends!r} is not a shipped pack")
        base = _load(_find_base(extends, pack_dir, where, line), (*seen, pack_id))
        inherited, overridden = _inherit(base, m, where, tighten_only=stored)
        _no_duplicates(inherited, rules)
        rules = inherited + rules
        state = state or base.state
    return Pack(
        id=pack_id,
        title=where.string(m, "title", ""),
        version=version,
        effective=where.date(m, "effective", ""),
        jurisdiction=where.string(m, "jurisdiction", ""),
        rules=rules,
        source=str(pack_file),
        state=state,
        extends=extends,
        base=base,
        overridden=overridden,
        cases=_own_cases(m, where, rules),
    )


def _check_id(pack_id: str, pack_dir: Path | None, where: Where, line: int) -> None:
    if pack_dir is not None:
        if pack_id != pack_dir.name or not SLUG.match(pack_id):
            raise where.error(line, "id", f"must equal the directory name {pack_dir.name!r}")
        return
    if not SLUG.match(pack_id):
        raise where.error(line, "id", "lower-case letters, digits and dashes, e.g. district-x")
    if pack_id in {p.id for p in _shipped()}:
        raise where.error(line, "id", f"{pack_id!r} is a shipped pack; give yours its own id")


def _inline_rules(m: YamlMap, where: Where, pack_id: str) -> tuple[Rule, ...]:
    """A stored pack's own rules, under `rules:`; each id is <pack-id>.<law>.<slug>."""
    if "rules" not in m:
        return ()
    items = m["rules"]
    if not isinstance(items, YamlList):
        raise where.error(m.line_of("rules"), "rules", "must be a list of rules")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        line = items.line_of(index)
        r = where.mapping(item, line, f"rules[{index}]")
        rule_id = str(r.get("id", ""))
        parts = rule_id.split(".")
        if len(parts) != 3 or parts[0] != pack_id or not all(SLUG.match(p) for p in parts[1:]):
            raise where.error(
                r.line_of("id"), f"rules[{index}].id", f"must be {pack_id}.<law>.<slug>"
            )
        if rule_id in seen:
            raise DuplicateRuleIdError(where.file, r.line_of("id"), rule_id, where.file)
        seen[rule_id] = line
        rules.append(parse_rule(r, where.file, rule_id))
    return tuple(rules)


def _own_cases(m: YamlMap, where: Where, rules: tuple[Rule, ...]) -> Mapping[str, tuple[Case, ...]]:
    if "cases" not in m:
        return MappingProxyType({})
    c = where.mapping(m["cases"], m.line_of("cases"), "cases")
    ids = {r.id for r in rules}
    result: dict[str, tuple[Case, ...]] = {}
    for rule_id, items in c.items():
        line = c.line_of(rule_id)
        if rule_id not in ids:
            raise where.error(line, f"cases.{rule_id}", "no rule with this id in the pack")
        if not isinstance(items, YamlList) or not items:
            raise where.error(line, f"cases.{rule_id}", "must be a non-empty list of cases")
        scoped = Where(where.file, rule_id)
        result[rule_id] = parse_cases(items, scoped, f"cases.{rule_id}")
    return MappingProxyType(result)


def _load_rules(pack_dir: Path, pack_id: str) -> tuple[Rule, ...]:
    """Every `<law>/<slug>.yaml` under the pack, in path order (the pack's rule order)."""
    files = sorted(
        p
        for p in pack_dir.rglob("*.yaml")
        if p.name != "pack.yaml" and not p.name.endswith(".cases.yaml")
    )
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for file in files:
        raw = load_yaml(file)
        declared = raw.get("id") if isinstance(raw, YamlMap) else None
        if isinstance(declared, str) and declared in seen:
            raise DuplicateRuleIdError(file, raw.line_of("id"), declared, seen[declared])
        rel = file.relative_to(pack_dir)
        law, slug = rel.parts[0], file.name.removesuffix(".yaml")
        if len(rel.parts) != 2 or not SLUG.match(law) or not SLUG.match(slug):
            raise Where(file, declared).error(
                1, "", "a rule file must be <pack>/<law>/<slug>.yaml (lower-case, dashes)"
            )
        rule = parse_rule(raw, file, f"{pack_id}.{law}.{slug}")
        seen[rule.id] = file
        rules.append(rule)
    return tuple(rules)


def _find_base(extends: str, pack_dir: Path | None, where: Where, line: int) -> Path:
    near: tuple[Path, ...] = () if pack_dir is None else (pack_dir.parent / extends,)
    for candidate in (*near, PACKS_DIR / extends):
        if (candidate / "pack.yaml").is_file():
            return candidate
    raise where.error(line, "extends", f"no pack {extends!r} beside this one or shipped")


def _no_duplicates(inherited: tuple[Rule, ...], own: tuple[Rule, ...]) -> None:
    sources = {r.id: r.source for r in inherited}
    for rule in own:
        if rule.id in sources:
            file, _, line = rule.source.rpartition(":")
            raise DuplicateRuleIdError(file, int(line), rule.id, sources[rule.id])


def _inherit(
    base: Pack, m: YamlMap, where: Where, *, tighten_only: bool
) -> tuple[tuple[Rule, ...], tuple[str, ...]]:
    """The base pack's rules after this pack's `overrides` and `disabled`, and the ids of
    the rules whose check the overrides changed."""
    by_id = {r.id: r for r in base.rules}
    changed: list[str] = []
    if "overrides" in m:
        o = where.mapping(m["overrides"], m.line_of("overrides"), "overrides")
        for rule_id, params in o.items():
            path, line = f"overrides.{rule_id}", o.line_of(rule_id)
            if rule_id not in by_id:
                raise where.error(line, path, f"no rule with this id in {base.id}")
            scoped = Where(where.file, rule_id)
            old = by_id[rule_id]
            by_id[rule_id] = _override(old, params, line, scoped, path)
            if tighten_only:
                check_tightens(old, by_id[rule_id], params, scoped, path)
            if by_id[rule_id].check != old.check:
                changed.append(rule_id)
    disabled: set[str] = set()
    if "disabled" in m and tighten_only:
        raise where.error(
            m.line_of("disabled"),
            "disabled",
            "a district pack cannot switch off a rule of the law it extends; lower nothing, "
            "add or tighten instead",
        )
    if "disabled" in m:
        items = m["disabled"]
        if not isinstance(items, list):
            raise where.error(m.line_of("disabled"), "disabled", "must be a list of {rule, reason}")
        for index, item in enumerate(items):
            path = f"disabled[{index}]"
            d = where.mapping(item, m.line_of("disabled"), path)
            where.keys(d, path, required=("rule", "reason"))
            rule_id = where.string(d, "rule", path)
            where.string(d, "reason", path)  # a reason is required, and kept in the file
            if rule_id not in by_id:
                raise where.error(d.line_of("rule"), f"{path}.rule", f"no such rule in {base.id}")
            disabled.add(rule_id)
    rules = tuple(by_id[r.id] for r in base.rules if r.id not in disabled)
    return rules, tuple(rule_id for rule_id in changed if rule_id not in disabled)


def _override(rule: Rule, raw: Any, line: int, where: Where, path: str) -> Rule:
    params = where.mapping(raw, line, path)
    where.keys(params, path, required=(), optional=(*RULE_OVERRIDES, *CHECK_OVERRIDES, "stance"))
    changes: dict[str, Any] = {}
    if "severity" in params:
        changes["severity"] = parse_severity(params, "severity", where, path)
    for key in ("title", "explanation", "fail_message"):
        if key in params:
            changes[key] = where.string(params, key, path)
    if "fail_message" in changes:
        check_fail_message(changes["fail_message"], where, params.line_of("fail_message"), path)
    check = rule.check
    if "check" in params:
        check = parse_check(params["check"], params.line_of("check"), where, f"{path}.check")
    check = _override_leaves(check, params, where, path)
    for label in labels_of(check):
        if label not in rule.labels:
            raise where.error(params.line, f"{path}.check", f"label {label!r} not in the rule")
    return dataclasses.replace(rule, check=check, **changes)


def _override_leaves(check: Check, params: YamlMap, where: Where, path: str) -> Check:
    """Apply `value`/`op`/`mismatch`/`stance` to the one leaf check that has them."""
    per_leaf: dict[int, tuple[Check, dict[str, Any]]] = {}
    for key in params:
        if key not in CHECK_OVERRIDES and key != STANCE_OVERRIDE:
            continue
        targets = [leaf for leaf in leaves(check) if key in leaf.params]
        if len(targets) != 1:
            problem = "no check of this rule has it" if not targets else "several checks have it"
            raise where.error(params.line_of(key), f"{path}.{key}", f"{problem}; override `check`")
        leaf = targets[0]
        per_leaf.setdefault(id(leaf), (leaf, {}))[1][key] = params[key]
    for leaf, new in per_leaf.values():
        merged = YamlMap({**leaf.params, **new})
        merged.line = params.line
        merged.key_lines = {key: params.line_of(key) for key in merged}
        rebuilt = KINDS[leaf.kind][0](merged, params.line, where, f"{path}", 1)
        check = _swap(check, leaf, rebuilt)
    return check


def _swap(check: Check, old: Check, new: Check) -> Check:
    if check is old:
        return new
    if not check.children:
        return check
    return Check(
        kind=check.kind,
        params=check.params,
        children=tuple(_swap(child, old, new) for child in check.children),
    )
