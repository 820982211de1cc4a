"""YAML -> validated dataclass, for every config of the project (training's
configs/default.yaml, predict's configs/predict.yaml), with single keys
overridable from the command line (`train.epochs=2`).

Every key is declared in a dataclass, so a typo or a wrong type fails at load
with one line naming the file and the key, not an hour into a run."""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, Literal

import yaml

from standpunt.pipelines.core.errors import StandpuntError


class ConfigError(StandpuntError):
    """A configuration that cannot be used; the message names the file and key."""


def _type_ok(value: Any, annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if annotation is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, arg) for arg in typing.get_args(annotation))
    if origin is Literal:
        return value in typing.get_args(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        return isinstance(value, list) and all(_type_ok(v, inner) for v in value)
    if annotation is type(None):
        return value is None
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, annotation)


def _accepts_float(annotation: Any) -> bool:
    if annotation is float:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return float in typing.get_args(annotation)
    return False


def _describe(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(annotation))
    if origin is list:
        return f"a list of {_describe(typing.get_args(annotation)[0])}"
    return "null" if annotation is type(None) else getattr(annotation, "__name__", str(annotation))


def build_dataclass(cls, values: dict, where: str, prefix: str = ""):
    """A dataclass from a mapping, checking every key and type (shared by all configs)."""
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: '{prefix.rstrip('.') or 'top level'}' must be a mapping")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    for key in values:
        if key not in known:
            raise ConfigError(f"{where}: unknown key '{prefix}{key}' (known: {', '.join(sorted(known))})")
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in values:
            continue
        value, annotation = values[f.name], hints[f.name]
        if isinstance(value, str) and _accepts_float(annotation):
            try:  # YAML 1.1 reads "1e-3" as a string
                value = float(value)
            except ValueError:
                pass
        if dataclasses.is_dataclass(annotation):
            kwargs[f.name] = build_dataclass(annotation, value, where, f"{prefix}{f.name}.")
            continue
        if not _type_ok(value, annotation):
            raise ConfigError(f"{where}: key '{prefix}{f.name}' must be {_describe(annotation)}, got {value!r}")
        kwargs[f.name] = float(value) if annotation is float else value
    return cls(**kwargs)


def parse_override(item: str) -> tuple[list[str], Any]:
    """(key path, value) of one `section.key=value` override; the value is read as YAML."""
    if "=" not in item:
        raise ConfigError(f"override '{item}' must look like key=value (e.g. train.epochs=2)")
    key, raw = item.split("=", 1)
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError as exc:
        raise ConfigError(f"override '{item}': value is not valid YAML ({exc.problem})") from exc
    return key.strip().split("."), value


def _read_mapping(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    """One YAML file's mapping; `extends: OTHER.yaml` (relative to the file)
    reads OTHER first and lays this file's keys over it, section by section,
    so an experiment config names only what it changes (configs/ship.yaml)."""
    if not path.exists():
        raise ConfigError(f"{path}: config file does not exist")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path}: invalid YAML{at}: {getattr(exc, 'problem', exc)}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc
    values = loaded or {}
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: top level must be a mapping of keys")
    base = values.pop("extends", None)
    if base is None:
        return values
    if not isinstance(base, str) or not base.strip():
        raise ConfigError(f"{path}: 'extends' must name another config file")
    chain = seen + (path.resolve(),)
    base_path = (path.parent / base).resolve()
    if base_path in chain:
        raise ConfigError(f"{path}: 'extends' loops back to {base_path.name}")
    return _laid_over(_read_mapping(base_path, chain), values)


def _laid_over(base: dict, values: dict) -> dict:
    merged = dict(base)
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _laid_over(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_yaml_with_overrides(path: str | Path | None, overrides: list[str] = ()) -> tuple[dict, str]:
    """(mapping, where) from a YAML file and `key=value` overrides, before validation."""
    values: dict = {}
    where = str(path) if path else "defaults"
    if path:
        values = _read_mapping(Path(path))
    for item in overrides:
        keys, value = parse_override(item)
        node = values
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ConfigError(f"override '{item}': '{key}' is not a section")
        node[keys[-1]] = value
    if overrides:
        where += " + overrides"
    return values, where


def flatten(config: Any) -> dict[str, Any]:
    """`section.key` -> value of a config dataclass, for MLflow params."""
    out: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}{k}.", v)
        else:
            out[prefix.rstrip(".")] = value

    walk("", dataclasses.asdict(config))
    return out
