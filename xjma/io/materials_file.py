"""Read rules/materials.yaml (申领材料 per plan and benefit, office.md §5); errors name the key path."""

from __future__ import annotations

from pathlib import Path

from xjma.core.materials import MaterialRules, MaterialsInvalid, parse_materials
from xjma.errors import RulesError
from xjma.io.rules_file import RULES_DIR, load_yaml


def default_materials_path() -> Path:
    return RULES_DIR / "materials.yaml"


def _parse(data: object, source: str) -> MaterialRules:
    try:
        return parse_materials(data)
    except MaterialsInvalid as exc:
        raise RulesError(exc.problems, source) from None


def load_materials(path: Path | str | None = None) -> MaterialRules:
    """Load and validate materials.yaml (default: the packaged one)."""
    return load_yaml(path or default_materials_path(), _parse)
