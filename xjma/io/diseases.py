"""Load rules/diseases.yaml (the disease lists of plans 2 and 4) with the duplicate-key-safe reader."""

from __future__ import annotations

from pathlib import Path

from xjma.core.diseases import Diseases, parse_diseases
from xjma.io.rules_file import RULES_DIR, load_yaml


def default_diseases_path() -> Path:
    return RULES_DIR / "diseases.yaml"


def load_diseases(path: Path | str | None = None) -> Diseases:
    """The disease lists (default: the packaged rules/diseases.yaml)."""
    return load_yaml(path or default_diseases_path(), parse_diseases)
