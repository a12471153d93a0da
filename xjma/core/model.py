"""Domain records shared by enrollment, the ledger and claims (pure dataclasses)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lot:
    """A share lot of one enrollment: renewed shares never have observation (rules.md §0)."""

    shares: int
    renewed: bool


@dataclass(frozen=True)
class Enrollment:
    """One member's enrollment in one plan for one coverage period [start, end], both inclusive."""

    id_number: str
    plan: str
    start: dt.date
    end: dt.date
    shares: int
    renewed_shares: int  # 0 <= renewed_shares <= shares
    unit: str = ""
    prefecture: str = ""
    tier: str | None = None  # plan 5 tier ("5" | "10" | "15")
    first_start: dt.date | None = None  # start of the first continuous enrollment in the plan (suicide rule)
    name: str = ""

    @property
    def lots(self) -> tuple[Lot, ...]:
        lots = []
        if self.renewed_shares:
            lots.append(Lot(self.renewed_shares, True))
        if self.shares - self.renewed_shares:
            lots.append(Lot(self.shares - self.renewed_shares, False))
        return tuple(lots)

    @property
    def new_shares(self) -> int:
        return self.shares - self.renewed_shares

    def day_index(self, day: dt.date) -> int:
        """d = (day - S).days; S itself is d = 0 (rules.md §0)."""
        return (day - self.start).days

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_end(start: dt.date) -> dt.date:
    """E = the day before S's anniversary (S=2028-02-29 -> E=2029-02-28)."""
    anniversary = add_years(start, 1)
    if start.month == 2 and start.day == 29:
        return anniversary  # 2029-02-28 is already the day before 2029-03-01
    return anniversary - dt.timedelta(days=1)


def observation_end(start: dt.date, observation_days: int) -> dt.date | None:
    """S + observation days: the last day with d <= observation; None when the plan has none."""
    return start + dt.timedelta(days=observation_days) if observation_days else None


@dataclass(slots=True)
class RosterRow:
    """One roster data row after normalisation (roster.md). Values are None/'' when blank."""

    row: int  # Excel row number
    name: str = ""
    id_number: str = ""  # normalised text (NFKC, no spaces, X upper-case); "" when missing
    unit: str = ""  # row cell, else file-level 单位名称, else --unit
    prefecture: str = ""  # short form (巴州, 区直 …) when known, else the text given, "" when none
    gender: str | None = None  # 男 | 女 as written
    ethnicity: str = ""
    age: int | None = None  # the 年龄 column, if given
    occupation: str = ""
    phone: str = ""
    employment: str | None = None  # canonical: 正式职工 | 合同制职工 | 临时职工 | 新就业形态劳动者
    term_months: int | None = None
    union_member: bool = False
    renewal: bool = False
    prev_end: dt.date | None = None
    prev_shares: int | None = None
    shares: dict[str, int] = field(default_factory=dict)  # plan code -> shares > 0 (valid whole numbers only)
    short_tier: str | None = None  # "5" | "10" | "15" as configured
    short_end: dt.date | None = None
    approval: bool = False
    retire_date: dt.date | None = None
    remarks: str = ""
    # derived from a valid ID number (None when the ID is invalid)
    birth: dt.date | None = None
    female: bool | None = None
    # fields whose cell held a value that could not be read: the format problem is reported by
    # xjma/core/rowbuild.py, and the checks leave these fields alone (each problem decided once)
    unreadable: frozenset[str] = frozenset()
