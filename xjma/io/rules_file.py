"""Read rules/plans.yaml (and the other rules files) with a YAML loader that rejects duplicate keys."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from xjma.core.rules import Rules, parse_rules
from xjma.errors import RulesError, XjmaError

# xjma/rules is a link to the top-level rules/ folder, so the packaged rules are the edited ones.
RULES_DIR = Path(__file__).parent.parent / "rules"


class _UniqueKeyLoader(yaml.SafeLoader):
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


def default_rules_path() -> Path:
    return RULES_DIR / "plans.yaml"


def load_rules(path: Path | str | None = None) -> Rules:
    """Load and validate plans.yaml (default: the packaged one)."""
    target = Path(path) if path else default_rules_path()
    return _load_cached(str(target.resolve()))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Rules:
    return parse_rules(read_yaml(Path(path)), source=f" {path} ")
