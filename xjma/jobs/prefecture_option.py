"""A `--prefecture` option in any spelling rules/prefectures.yaml accepts, to the short form the ledger
records (prefectures.md); an unknown one is a bad option (exit 2)."""

from __future__ import annotations

from xjma.errors import XjmaError


def prefecture_option(value: str) -> str:
    """The short form of a --prefecture value (乌鲁木齐 → 乌鲁木齐市, 巴音郭楞 → 巴州)."""
    from xjma.io.prefectures import load_prefectures

    found = load_prefectures().resolve(value)
    if found is None:
        raise XjmaError(f"--prefecture 不是已知的地州市：{value}")
    return found
