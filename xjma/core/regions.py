"""Administrative region codes (GB/T 2260) of ID numbers, historic codes included: the table as data.

The table is package data (xjma/data/cn_regions.tsv, built by tools/make_regions.py from
python-stdnum's loc.dat), read at the edge by xjma/io/regions.py and passed in. It holds every six-digit
code that ever existed, because an ID keeps the code of the office that issued it even after the region
was merged or renamed. An unknown code is a warning only (roster.md `id-region-unknown`): a missing code
in our table must never refuse a member.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Regions:
    names: Mapping[str, str]  # six-digit code -> newest name
    provinces: frozenset[str] = field(default=frozenset())  # two-digit province-level codes

    def region_known(self, code6: str) -> bool:
        """The six-digit code is, or once was, a region code."""
        return code6 in self.names

    def province_known(self, code2: str) -> bool:
        """The first two digits name a province-level region (11 北京 ... 65 新疆, 71/81/82/83)."""
        return code2[:2] in self.provinces

    def known(self, number: str) -> bool:
        """Both the region (first 6 characters of an ID) and its province are known."""
        return number[:6] in self.names and number[:2] in self.provinces

    def region_name(self, code6: str) -> str | None:
        """The newest name of the region (650102 -> 天山区), None when unknown."""
        return self.names.get(code6)


def parse_regions(text: str) -> Regions:
    """The table from its TSV text: `code<TAB>name` lines, `#` comments."""
    names: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.partition("\t")
            names[code] = name
    return Regions(names, frozenset(code[:2] for code in names))
