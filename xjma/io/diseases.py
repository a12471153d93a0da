"""Load rules/diseases.yaml (the disease lists of plans 2 and 4) with the duplicate-key-safe reader."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from xjma.core.diseases import Diseases, parse_diseases
from xjma.io.rules_file import RULES_DIR, read_yaml


def default_diseases_path() -> Path:
    return RULES_DIR / "diseases.yaml"


def load_diseases(path: Path | str | None = None) -> Diseases:
    """The disease lists (default: the packaged rules/diseases.yaml)."""
    target = Path(path) if path else default_diseases_path()
    return _load_cached(str(target.resolve()))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> Diseases:
    return parse_diseases(read_yaml(Path(path)), source=f" {path} ")
