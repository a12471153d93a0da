"""Administrative region codes (GB/T 2260) of ID numbers, historic codes included.

The table is package data (xjma/data/cn_regions.tsv, built by tools/make_regions.py from
python-stdnum's loc.dat). It holds every six-digit code that ever existed, because an ID keeps the
code of the office that issued it even after the region was merged or renamed. An unknown code is a
warning only (roster.md `id-region-unknown`): a missing code in our table must never refuse a member.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def _regions() -> dict[str, str]:
    """code -> newest name; read once, on first use (not at import: `xjma --help` stays fast)."""
    text = resources.files("xjma").joinpath("data/cn_regions.tsv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.partition("\t")
            table[code] = name
    return table


@functools.cache
def _provinces() -> frozenset[str]:
    return frozenset(code[:2] for code in _regions())


def province_known(code2: str) -> bool:
    """The first two digits name a province-level region (11 北京 ... 65 新疆, 71/81/82/83)."""
    return code2 in _provinces()


def region_known(code6: str) -> bool:
    """The six-digit code is, or once was, a region code."""
    return code6 in _regions()


_FLAGS: dict[str, tuple[bool, bool]] = {}  # code6 -> region_flags(code6), memoised
_FLAGS_KEPT = 100_000


def region_flags(code6: str) -> tuple[bool, bool]:
    """(region_known(code6), province_known(code6[:2])) in one call, for the check_id hot path."""
    try:
        return _FLAGS[code6]
    except KeyError:
        if len(_FLAGS) >= _FLAGS_KEPT:
            _FLAGS.clear()
        found = _FLAGS[code6] = (code6 in _regions(), code6[:2] in _provinces())
        return found


def region_name(code6: str) -> str | None:
    """The newest name of the region (650102 -> 天山区), None when unknown."""
    return _regions().get(code6)
