"""The rows of a unit's renewal roster (office.md §4 `template roster --renewal`): each member's last
periods, as the canonical roster's fields, and the notes a clerk must look at. Pure.

Who may renew is not decided here: each pre-filled row is put to the roster check itself
(core/checks.check_roster, the one age and retirement decision), and its age and retirement findings
become the row's notes — so the note the clerk reads is what `validate` of the file will say."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from xjma.core.model import RosterRow, add_years
from xjma.core.prefectures import Prefectures
from xjma.core.renewals import LastPeriod
from xjma.core.retirement import add_months
from xjma.core.rules import Rules

GIG_PLAN = "gig-accident"
CLAIM_ENDS_COVER = ("critical-illness", "female-illness")  # plans 2 and 4: a paid claim ends the cover
SHORT_TERM = "short-accident"  # plan 5: its own E, kept at the same length from the new S
AGE_FINDINGS = ("age-out-of-range", "likely-retired")  # the roster check's findings noted in 备注
DEFAULT_EMPLOYMENT = "正式职工"  # a member recorded before the ledger kept 用工形式


@dataclass(frozen=True)
class RenewalRow:
    values: dict[str, object]  # roster field name -> value
    notes: tuple[str, ...]


def default_start(periods: Sequence[LastPeriod]) -> dt.date | None:
    """The day after the unit's most common E of plans 1–4 (the latest of the most common ones)."""
    ends = Counter(p.end for p in periods if p.plan != SHORT_TERM) or Counter(p.end for p in periods)
    if not ends:
        return None
    top = max(ends.values())
    return max(e for e, n in ends.items() if n == top) + dt.timedelta(days=1)


def current(period: LastPeriod, start: dt.date) -> bool:
    """A plan-5 period is carried into the roster when it ended within the year before S (it has its own
    E, so a short period long past is not this unit's current cover); plans 1–4 always."""
    return period.plan != SHORT_TERM or period.end >= add_years(start, -1)


def renewal_rows(
    periods: Sequence[LastPeriod],
    start: dt.date,
    rules: Rules,
    claimed: set[tuple[str, str]],
    prefectures: Prefectures,
) -> list[RenewalRow]:
    """One row per member (ID order); `claimed` holds (ID, plan) whose last period's cover a claim ended."""
    from xjma.core.checks import check_roster

    by_member: dict[str, list[LastPeriod]] = {}
    for p in periods:
        if current(p, start):
            by_member.setdefault(p.id_number, []).append(p)
    members = [mine for _, mine in sorted(by_member.items())]
    values = [_values(mine, start, rules) for mine in members]
    rows = [_roster_row(n, mine) for n, mine in enumerate(members)]
    found: dict[int, list[str]] = {}
    for problem in check_roster(rows, rules, start, prefectures=prefectures).problems:
        if problem.code in AGE_FINDINGS:
            found.setdefault(problem.row, []).append(problem.message)
    return [
        RenewalRow(v, tuple(found.get(n, []) + _notes(mine, claimed)))
        for n, (v, mine) in enumerate(zip(values, members, strict=True))
    ]


def _values(mine: list[LastPeriod], start: dt.date, rules: Rules) -> dict[str, object]:
    first = mine[0]
    gig = any(p.plan == GIG_PLAN for p in mine)
    long_term = [p for p in mine if p.plan != SHORT_TERM] or mine
    union = first.union_member if first.union_member is not None else (True if gig else None)
    values: dict[str, object] = {
        "unit": first.unit,
        "prefecture": first.prefecture,
        "name": first.name,
        "id_number": first.id_number,
        "phone": first.phone,
        "employment": first.employment or ("新就业形态劳动者" if gig else DEFAULT_EMPLOYMENT),
        "term_months": first.term_months,
        "union_member": "" if union is None else "是" if union else "否",
        "renewal": "是",
        "prev_end": max(p.end for p in long_term),
        "prev_shares": previous_shares(long_term),
    }
    for p in mine:
        values[f"shares:{p.plan}"] = p.shares
        if p.plan == SHORT_TERM:
            values["short_tier"] = p.tier or ""
            values["short_end"] = short_end(p, start)
            if needs_approval(p, start, rules):
                values["approval"] = "是"
    return values


def previous_shares(long_term: Sequence[LastPeriod]) -> int | None:
    """上期份数, one whole number the roster applies to every plan of the row (roster.md): the shares
    of the last periods when they all hold the same number; blank (= all current shares, which the
    untouched row's shares are) when they differ, as the column cannot say a number per plan."""
    counts = {p.shares for p in long_term}
    return counts.pop() if len(counts) == 1 else None


def needs_approval(period: LastPeriod, start: dt.date, rules: Rules) -> bool:
    """The plan-5 shares carried over need 加购审批 under the tier of the version in force on the new S."""
    found = rules.plan_on(period.plan, start)
    tier = found[1].tier(period.tier) if found is not None and period.tier else None
    return tier is not None and tier.needs_approval(period.shares)


def short_end(period: LastPeriod, start: dt.date) -> dt.date:
    """Plan 5's next E: the last period's length again from the new S (its own E, rules.md §7) — in
    whole months when the last period was whole months (2026-12-01…2027-02-28 from 2027-12-01 gives
    2028-02-29), else in days."""
    if period.start is None:
        return start
    months = whole_months(period.start, period.end)
    if months is None:
        return start + (period.end - period.start)
    return months_after(start, months) - dt.timedelta(days=1)


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; a day the month lacks counts as the 1st of the next month, as
    rules.md §0 counts 29 February (so E, the day before, is that month's last day)."""
    moved = add_months(day, months)
    return moved if moved.day == day.day else moved + dt.timedelta(days=1)


def whole_months(start: dt.date, end: dt.date) -> int | None:
    """n when S…E (both inclusive) is n whole months (E = the day before S moved by n months), else None."""
    after = end + dt.timedelta(days=1)
    n = (after.year - start.year) * 12 + after.month - start.month
    return next((m for m in (n, n - 1) if m >= 1 and months_after(start, m) == after), None)


def _roster_row(n: int, mine: list[LastPeriod]) -> RosterRow:
    """The pre-filled row as `validate` will read it (only what the age decision looks at matters)."""
    first = mine[0]
    shares = {p.plan: p.shares for p in mine if p.shares}
    return RosterRow(
        row=n,
        name=first.name,
        id_number=first.id_number,
        unit=first.unit,
        prefecture=first.prefecture,
        phone=first.phone,
        renewal=True,
        shares=shares,
        birth=first.birth,
        female=first.female,
    )


def _notes(mine: list[LastPeriod], claimed: set[tuple[str, str]]) -> list[str]:
    notes: list[str] = []
    if any((p.id_number, p.plan) in claimed and p.plan in CLAIM_ENDS_COVER for p in mine):
        notes.append("上期已理赔，保障已终止：可续保，已赔疾病继续除外")
    if any(p.plan == GIG_PLAN for p in mine):
        notes.append("新就业形态劳动者：请确认是否工会会员")
    return notes
