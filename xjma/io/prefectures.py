"""Read rules/prefectures.yaml (the 地州市 unions and on-site contacts)."""

from __future__ import annotations

from pathlib import Path

from xjma.core.prefectures import Prefectures, parse_prefectures
from xjma.io.rules_file import RULES_DIR, load_yaml


def default_prefectures_path() -> Path:
    return RULES_DIR / "prefectures.yaml"


def load_prefectures(path: Path | str | None = None) -> Prefectures:
    """Load and validate prefectures.yaml (default: the packaged one); errors name the key path."""
    return load_yaml(path or default_prefectures_path(), parse_prefectures)
