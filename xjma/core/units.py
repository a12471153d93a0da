"""The register of member units (会员单位, office.md §1): codes, the USCC check, matching and closeness.

Pure: the register is handed in as `RegisteredUnit` values; nothing here reads the ledger.
A unit's code is its prefecture's 4-digit region code (GB/T 2260), `-`, a 5-digit sequence number
(`6528-00042`); a unit without prefecture gets `0000-…`. The region codes are package constant data
(the national standard, not an office rule).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from xjma.core.uscc import compact, uscc_error

REGION_CODES: dict[str, str] = {
    "乌鲁木齐市": "6501",
    "克拉玛依市": "6502",
    "吐鲁番市": "6504",
    "哈密市": "6505",
    "昌吉州": "6523",
    "博州": "6527",
    "巴州": "6528",
    "阿克苏地区": "6529",
    "克州": "6530",
    "喀什地区": "6531",
    "和田地区": "6532",
    "伊犁州": "6540",
    "塔城地区": "6542",
    "阿勒泰地区": "6543",
    "区直": "6500",
}
NO_REGION = "0000"
_CODE = re.compile(r"^\d{4}-\d{5}$")


def region_code(prefecture: str) -> str:
    """The 4-digit code of a prefecture's short name; 0000 for none or one not in the table."""
    return REGION_CODES.get(prefecture.strip(), NO_REGION) if prefecture else NO_REGION


def unit_code(prefecture: str, sequence: int) -> str:
    """`6528-00042`: the prefecture's region code and the unit's sequence number within it."""
    return f"{region_code(prefecture)}-{sequence:05d}"


def looks_like_code(text: str) -> bool:
    return bool(_CODE.match(text.strip()))


# ---------------------------------------------------------------- 统一社会信用代码 (GB 32100-2015)


def compact_uscc(text: str) -> str:
    return compact(text or "")


def uscc_valid(text: str) -> bool:
    """18 characters of the code's alphabet whose last one is the check character (core/uscc)."""
    return uscc_error(text or "") is None


# ---------------------------------------------------------------- names

_BRACKETS = re.compile(r"[\s\u3000()（）\[\]【】〔〕<>《》]")
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "分公司", "集团")
CLOSE_DISTANCE = 2
CLOSE_MIN_LENGTH = 6


def clean_name(name: str) -> str:
    """A unit name as registered: outer spaces removed, inner runs of spaces kept as one."""
    return re.sub(r"\s+", " ", (name or "").replace("\u3000", " ")).strip()


def name_key(name: str) -> str:
    """The name without spaces, brackets and the suffixes 有限公司, 有限责任公司, 股份有限公司, 集团, 分公司
    (taken off the end for as long as one is there)."""
    key = _BRACKETS.sub("", name or "")
    stripped = True
    while stripped:
        stripped = False
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key, stripped = key[: -len(suffix)], True
    return key


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def names_close(a: str, b: str) -> bool:
    """office.md §1: equal after name_key, or (both 6 characters or more) an edit distance ≤ 2."""
    if a == b:
        return False  # the same name is a match, not a near miss
    ka, kb = name_key(a), name_key(b)
    if ka and ka == kb:
        return True
    if min(len(a), len(b)) < CLOSE_MIN_LENGTH:
        return False
    return edit_distance(a, b, CLOSE_DISTANCE) <= CLOSE_DISTANCE


# ---------------------------------------------------------------- matching a roster's unit


@dataclass(frozen=True)
class RegisteredUnit:
    """A unit of the register as matching sees it: its current name and every alias (former names too)."""

    id: int
    code: str
    name: str
    prefecture: str
    uscc: str | None = None
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class UnitMatch:
    """How a roster's unit was found: `by` is "uscc", "name" or "new"; `unit` is None for a new one;
    `similar` a registered unit of the prefecture whose name is close to a new one's."""

    by: str
    unit: RegisteredUnit | None = None
    similar: RegisteredUnit | None = None


class UnitIndex:
    """The register indexed for matching many roster units: by USCC, by (prefecture, name or alias)."""

    def __init__(self, units: Iterable[RegisteredUnit]) -> None:
        self.units = list(units)
        self.by_uscc = {u.uscc: u for u in self.units if u.uscc}
        self.by_name: dict[tuple[str, str], RegisteredUnit] = {}
        for u in self.units:
            for name in u.names():
                self.by_name.setdefault((u.prefecture, name), u)

    def match(self, name: str, prefecture: str, uscc: str | None = None) -> UnitMatch:
        """office.md §1: by USCC when given, else by exact name or alias within the prefecture, else new
        (with the closest-looking registered unit of the prefecture, if any)."""
        if uscc:
            found = self.by_uscc.get(compact_uscc(uscc))
            if found is not None:
                return UnitMatch("uscc", found)
        name = clean_name(name)
        found = self.by_name.get((prefecture, name))
        if found is not None:
            return UnitMatch("name", found)
        return UnitMatch("new", None, self.similar_to(name, prefecture))

    def add(self, unit: RegisteredUnit) -> None:
        """A unit just registered (or, for a dry run, that would be): the batch's later units see it."""
        self.units.append(unit)
        self.by_name[(unit.prefecture, unit.name)] = unit
        if unit.uscc:
            self.by_uscc[unit.uscc] = unit

    def similar_to(self, name: str, prefecture: str) -> RegisteredUnit | None:
        if not name:
            return None
        for u in self.units:
            if u.prefecture == prefecture and any(names_close(name, n) for n in u.names()):
                return u
        return None


@dataclass(frozen=True)
class UnitResolution:
    """Which registered unit (one standing on its own: merges followed) each roster row's unit is, as
    enroll's matching finds it (`rows`: row -> unit id; a new unit is absent), and which each recorded
    enrollment's (unit text, 地州市) is, through the batches that recorded it (`recorded`: several ids when
    the same text went to several units)."""

    rows: Mapping[int, int] = field(default_factory=dict)
    recorded: Mapping[tuple[str, str], frozenset[int]] = field(default_factory=dict)


def same_unit(
    units: UnitResolution | None, row: int, row_unit: str, recorded_unit: str, recorded_prefecture: str
) -> bool:
    """Whether a roster row's unit is the unit of a recorded enrollment (office.md §1: by USCC, else by
    exact name or alias, merges followed); the unit texts compared only when either side is not in the
    register (no ledger register, or a unit that would be new)."""
    if units is not None:
        mine = units.rows.get(row)
        theirs = units.recorded.get((recorded_unit, recorded_prefecture))
        if mine is not None and theirs:
            return mine in theirs
    return recorded_unit == row_unit


def similar_message(name: str, unit: RegisteredUnit) -> str:
    """The warning `unit-similar` (office.md §1)."""
    return (
        f"工作单位“{name}”与台账中的“{unit.name}”（{unit.code}）相近：是同一单位请用台账中的名称，"
        f"或登记为别名：xjma unit alias {unit.code} {name}"
    )


def next_sequence(codes: Sequence[str], prefecture: str) -> int:
    """The next sequence number of the prefecture's region code, after every code already given."""
    prefix = region_code(prefecture) + "-"
    taken = [int(c[len(prefix) :]) for c in codes if c.startswith(prefix)]
    return max(taken, default=0) + 1
