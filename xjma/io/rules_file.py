"""Read the rules files (plans.yaml, prefectures.yaml, diseases.yaml) with one YAML loader that rejects
duplicate keys: `load_yaml(path, parse)`.

The shipped files are package data in xjma/rules/ (the top-level rules/ folder is kept identical to them
by tests/test_rules.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from xjma.core.rules import Rules
from xjma.core.rules_parser import parse_rules
from xjma.errors import RulesError, XjmaError

RULES_DIR = Path(__file__).parent.parent / "rules"  # the packaged rules files
T = TypeVar("T")


# LibYAML's parser when PyYAML was built with it (its wheels are, on Windows and Linux): the rules files
# parse in ~15 ms instead of ~120 ms, on every command. The constructor (safe types, the duplicate-key
# check below) is the same Python code with either.
_SAFE_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SAFE_BASE):  # type: ignore[misc]
    """SafeLoader that refuses a mapping with the same key twice (openfisca habit)."""


def _construct_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"重复的键 {key!r}（第 {seen[key] + 1} 行已出现）", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return dict(yaml.SafeLoader.construct_mapping(loader, node, deep=deep))


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; a missing file, a syntax error or a duplicate key is an XjmaError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise XjmaError(f"找不到规则文件：{path}") from None
    except IsADirectoryError:
        raise XjmaError(f"规则文件路径是一个文件夹，不是文件：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise XjmaError(f"无法读取规则文件 {path}：{exc.__class__.__name__}") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        detail = getattr(exc, "problem", None) or str(exc)
        raise RulesError([f"{where}: YAML 语法错误：{detail}"], f" {path} ") from None


def rules_kind(path: Path) -> str:
    """Which rules file `path` is, by what it holds: "medical" (the 一单结算 column map: `columns`),
    "materials" (申领材料: `materials`), else "plans". A file that cannot be read is told by its name, so
    that its own loader says what is wrong with it."""
    try:
        data = read_yaml(path)
    except XjmaError:
        data = None
    if isinstance(data, dict):
        if "columns" in data and "versions" not in data:
            return "medical"
        if "materials" in data and "versions" not in data:
            return "materials"
        return "plans"
    for kind in ("medical", "materials"):
        if path.name.startswith(kind):
            return kind
    return "plans"


def default_rules_path() -> Path:
    return RULES_DIR / "plans.yaml"


def load_yaml(path: Path | str, parse: Callable[[object, str], T]) -> T:
    """`parse(data, source)` of a YAML file. Kept per (file, modification time, size): a caller in one
    process (tests, a long-running program) sees an edited file at once, and the same file is parsed once."""
    target = Path(path).resolve()
    try:
        stat = target.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (0, 0)  # read_yaml says what is wrong with it
    return _parsed(str(target), stamp, parse)  # type: ignore[no-any-return]


@lru_cache(maxsize=16)
def _parsed(path: str, stamp: tuple[int, int], parse: Callable[[object, str], Any]) -> Any:
    return parse(read_yaml(Path(path)), f" {path} ")


def load_rules(path: Path | str | None = None) -> Rules:
    """Load and validate plans.yaml (default: the packaged one)."""
    return load_yaml(path or default_rules_path(), parse_rules)
