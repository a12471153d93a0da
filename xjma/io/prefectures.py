"""Read rules/prefectures.yaml (the 地州市 unions and on-site contacts)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from xjma.core.prefectures import Prefectures, parse_prefectures
from xjma.io.rules_file import RULES_DIR, read_yaml


def default_prefectures_path() -> Path:
    return RULES_DIR / "prefectures.yaml"


def load_prefectures(path: Path | str | None = None) -> Prefectures:
    """Load and validate prefectures.yaml (default: the packaged one); errors name the key path."""
    target = Path(path) if path else default_prefectures_path()
    return _load_cached(str(target.resolve()))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> Prefectures:
    return parse_prefectures(read_yaml(Path(path)), source=f" {path} ")
