"""The rows of a unit's renewal roster (office.md §4 `template roster --renewal`): each member's last
periods, as the canonical roster's fields, and the notes a clerk must look at. Pure."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from xjma.core.idnumber import age_on
from xjma.core.renewals import LastPeriod
from xjma.core.retirement import statutory_retirement_date
from xjma.core.rules import Rules

GIG_PLAN = "gig-accident"
CLAIM_ENDS_COVER = ("critical-illness", "female-illness")  # plans 2 and 4: a paid claim ends the cover
SHORT_TERM = "short-accident"  # plan 5 has its own E and tier: written by the clerk, not pre-filled


@dataclass(frozen=True)
class RenewalRow:
    values: dict[str, object]  # roster field name -> value
    notes: tuple[str, ...]


def default_start(periods: Sequence[LastPeriod]) -> dt.date | None:
    """The day after the unit's most common E (the latest of the most common ones)."""
    ends = Counter(p.end for p in periods if p.plan != SHORT_TERM)
    if not ends:
        return None
    top = max(ends.values())
    return max(e for e, n in ends.items() if n == top) + dt.timedelta(days=1)


def renewal_rows(
    periods: Sequence[LastPeriod], start: dt.date, rules: Rules, claimed: set[tuple[str, str]]
) -> list[RenewalRow]:
    """One row per member (ID order); `claimed` holds (ID, plan) whose last period's cover a claim ended."""
    by_member: dict[str, list[LastPeriod]] = {}
    for p in periods:
        if p.plan != SHORT_TERM:
            by_member.setdefault(p.id_number, []).append(p)
    return [_row(mine, start, rules, claimed) for _, mine in sorted(by_member.items())]


def _row(mine: list[LastPeriod], start: dt.date, rules: Rules, claimed: set[tuple[str, str]]) -> RenewalRow:
    first = mine[0]
    gig = any(p.plan == GIG_PLAN for p in mine)
    values: dict[str, object] = {
        "unit": first.unit,
        "prefecture": first.prefecture,
        "name": first.name,
        "id_number": first.id_number,
        "phone": first.phone,
        "employment": "新就业形态劳动者" if gig else "正式职工",
        "union_member": "是" if gig else "",
        "renewal": "是",
        "prev_end": max(p.end for p in mine),
        "prev_shares": max(p.shares for p in mine) if len(mine) == 1 else None,
    }
    for p in mine:
        values[f"shares:{p.plan}"] = p.shares
    return RenewalRow(values, tuple(_notes(mine, start, rules, claimed, gig)))


def _notes(
    mine: list[LastPeriod], start: dt.date, rules: Rules, claimed: set[tuple[str, str]], gig: bool
) -> list[str]:
    first, common = mine[0], rules.common
    notes: list[str] = []
    if first.birth is not None:
        age = age_on(first.birth, start)
        if age > common.age_max:
            notes.append(
                f"保障起始日时年满{age}周岁，超过{common.age_max}周岁，不能续保（短期意外按退休日期）"
            )
        elif first.female is False and start >= statutory_retirement_date(first.birth, common.retirement):
            notes.append("可能已到法定退休日期，请核对")
    for p in mine:
        if (p.id_number, p.plan) in claimed and p.plan in CLAIM_ENDS_COVER:
            notes.append("上期已理赔，保障已终止：可续保，已赔疾病继续除外")
            break
    if gig:
        notes.append("新就业形态劳动者：请确认是否工会会员")
    return notes
