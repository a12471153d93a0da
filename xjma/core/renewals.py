"""Renewals (续保, office.md §4): who is due, the fee due, who lapsed, who the rules would refuse, and the
renewal ratio. Pure: the ledger's periods, the rules and "today" are passed in.

Whether a later period continues an earlier one is decided by xjma/core/renewal.is_continuous (the one
renewal-continuity decision); this module only applies it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from xjma.core.enrollment import plan_fee
from xjma.core.idnumber import age_on
from xjma.core.model import add_years
from xjma.core.renewal import is_continuous
from xjma.core.retirement import statutory_retirement_date
from xjma.core.rules import Rules

LAPSE_LOOKBACK_YEARS = 1  # a lapse is listed for a year after E; older ones are history, not work to do


@dataclass(frozen=True, slots=True)
class LastPeriod:
    """A member's latest period of one plan with no following enrollment of that plan (from the ledger).
    `unit`, `prefecture` and `code` are the member's current unit (the ledger's one lookup), not the
    period's; phone, 用工形式, 聘用期限 and 是否工会会员 as last recorded (the renewal roster)."""

    id_number: str
    name: str
    plan: str
    end: dt.date
    shares: int
    tier: str | None
    unit: str
    prefecture: str
    birth: dt.date | None = None
    female: bool | None = None
    code: str = ""  # the unit's register code ("" for a unit recorded without the register)
    phone: str = ""
    employment: str | None = None
    term_months: int | None = None
    union_member: bool | None = None
    start: dt.date | None = None  # the period's S (the renewal roster: plan 5's length)


@dataclass(frozen=True)
class DueMember:
    period: LastPeriod
    lapsed: bool
    refusal: str | None  # None: renewable; "age" | "retired": the rules on E+1 would refuse
    fee: Decimal  # fee due at the rules in force on E+1; 0 when refused or lapsed


@dataclass(frozen=True)
class PlanCount:
    members: int
    shares: int


@dataclass(frozen=True)
class UnitDue:
    unit: str
    code: str
    prefecture: str
    members_due: int
    not_renewable: int
    fee_due: Decimal
    earliest_end: dt.date
    plans: dict[str, PlanCount]
    contact: str = ""  # 经办人 and phone from the unit register (the workbook's line per unit)
    phone: str = ""


@dataclass(frozen=True)
class RenewalsDue:
    before: dt.date
    units: tuple[UnitDue, ...]
    members: tuple[DueMember, ...]  # the due ones
    lapsed_units: int
    lapsed_members: int
    members_due: int
    fee_due: Decimal
    lapsed: tuple[DueMember, ...] = ()  # the lapsed periods (fee 0), listed in the workbook's 会员名单


def is_lapsed(end: dt.date, today: dt.date, grace_days: int) -> bool:
    """Ended before today and no longer renewable: a renewal starting today would not be continuous."""
    return end < today and not is_continuous(end, today, grace_days)


def refusal_on(period: LastPeriod, rules: Rules) -> str | None:
    """What the rules in force on E+1 would refuse of a renewal (rules.md §1): "age" (outside 16–60 周岁,
    plan 5 of a man up to his statutory retirement date), "retired" (a man past that date), else None."""
    if period.birth is None:
        return None
    day = period.end + dt.timedelta(days=1)
    common = rules.common
    age = age_on(period.birth, day)
    if age < common.age_min:
        return "age"
    if age <= common.age_max:
        return None  # past a man's retirement date at 60: a note for the clerk (likely-retired), no refusal
    found = rules.plan_on(period.plan, day)
    if period.female is not False or found is None or not found[1].eligibility.delayed_retirement:
        return "age"
    return "retired" if day >= statutory_retirement_date(period.birth, common.retirement) else None


def fee_due(period: LastPeriod, rules: Rules) -> Decimal:
    """The same shares at the rules in force on E+1 (0 when no version there has the plan or the tier)."""
    found = rules.plan_on(period.plan, period.end + dt.timedelta(days=1))
    if found is None:
        return Decimal("0.00")
    plan = found[1]
    if plan.fee is None and plan.tier(period.tier or "") is None:
        return Decimal("0.00")
    return plan_fee(plan, period.tier, period.shares).quantize(Decimal("0.01"), ROUND_HALF_UP)


ZERO = Decimal("0.00")


class _Fees:
    """fee_due, computed once per (plan, tier, shares, E): a month of ends is a handful of each."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.seen: dict[tuple[str, str | None, int, dt.date], Decimal] = {}

    def of(self, period: LastPeriod) -> Decimal:
        key = (period.plan, period.tier, period.shares, period.end)
        found = self.seen.get(key)
        if found is None:
            found = self.seen[key] = fee_due(period, self.rules)
        return found


def judge(period: LastPeriod, rules: Rules, today: dt.date) -> DueMember:
    lapsed = is_lapsed(period.end, today, rules.common.renewal_grace_days)
    refusal = refusal_on(period, rules)
    fee = Decimal("0.00") if lapsed or refusal else fee_due(period, rules)
    return DueMember(period, lapsed, refusal, fee)


def lapse_horizon(today: dt.date) -> dt.date:
    """The earliest E still reported (as due or lapsed)."""
    return add_years(today, -LAPSE_LOOKBACK_YEARS)


@dataclass
class _Unit:
    members: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    fee: Decimal = Decimal("0.00")
    earliest: dt.date | None = None
    plans: dict[str, list[int]] = field(default_factory=dict)


def renewals_due(
    periods: Iterable[LastPeriod],
    before: dt.date,
    today: dt.date,
    rules: Rules,
    contacts: dict[str, tuple[str, str]] | None = None,
) -> RenewalsDue:
    """Per unit (prefecture, unit, code): members due, the not renewable among them, fee due, earliest E,
    per plan. `contacts`: unit code -> (经办人, phone).

    Lapsed (office.md §4): a period ended before today, within the lapse horizon, and no longer
    renewable (is_lapsed). A member is lapsed when a period of theirs is (a plan-5 lapse of a member
    due in plans 1–4 too: both). A unit is lapsed when it has lapsed members and no member due: none
    of its members whose last period ended by `before` can still renew, so the unit as a whole let its
    cover go (a unit with both is a unit due; its lapsed members are listed under it). Members who
    renewed have no last period here, so a unit whose other members all renewed counts as lapsed too."""
    horizon = lapse_horizon(today)
    units: dict[tuple[str, str, str], _Unit] = {}
    lapsed_by_unit: dict[tuple[str, str, str], set[str]] = {}
    due: list[DueMember] = []
    lapsed: list[DueMember] = []
    grace = rules.common.renewal_grace_days
    fees = _Fees(rules)
    for period in periods:
        if period.end > before or period.end < horizon:
            continue
        key = (period.prefecture, period.unit, period.code)
        if is_lapsed(period.end, today, grace):
            lapsed_by_unit.setdefault(key, set()).add(period.id_number)
            lapsed.append(DueMember(period, True, None, ZERO))
            continue
        refusal = refusal_on(period, rules)
        judged = DueMember(period, False, refusal, ZERO if refusal else fees.of(period))
        due.append(judged)
        _add(units.setdefault(key, _Unit()), judged)
    known = contacts or {}
    rows = tuple(_unit_due(key, u, known.get(key[2], ("", ""))) for key, u in sorted(units.items()))
    lapsed_members = {m for ids in lapsed_by_unit.values() for m in ids}
    return RenewalsDue(
        before=before,
        units=rows,
        members=tuple(due),
        lapsed_units=sum(1 for key in lapsed_by_unit if key not in units),
        lapsed_members=len(lapsed_members),
        members_due=len({m.period.id_number for m in due}),
        fee_due=sum((u.fee_due for u in rows), Decimal("0.00")),
        lapsed=tuple(lapsed),
    )


def _add(unit: _Unit, judged: DueMember) -> None:
    p = judged.period
    unit.members.add(p.id_number)
    if judged.refusal:
        unit.refused.add(p.id_number)
    unit.fee += judged.fee
    unit.earliest = p.end if unit.earliest is None else min(unit.earliest, p.end)
    counts = unit.plans.setdefault(p.plan, [0, 0])
    counts[0] += 1
    counts[1] += p.shares


def _unit_due(key: tuple[str, str, str], u: _Unit, contact: tuple[str, str]) -> UnitDue:
    assert u.earliest is not None
    return UnitDue(
        unit=key[1],
        code=key[2],
        prefecture=key[0],
        members_due=len(u.members),
        not_renewable=len(u.refused),
        fee_due=u.fee,
        earliest_end=u.earliest,
        plans={plan: PlanCount(n, s) for plan, (n, s) in sorted(u.plans.items())},
        contact=contact[0],
        phone=contact[1],
    )


# --- renewal ratio (续保率, office.md §4 and §7) ----------------------------------------------------


@dataclass(frozen=True)
class EndedPeriod:
    """A period that ended in the reporting window, and the start of the member's next period of the
    same plan (None: none recorded)."""

    id_number: str
    plan: str
    prefecture: str
    end: dt.date
    next_start: dt.date | None


@dataclass(frozen=True)
class Ratio:
    renewed: int
    ended: int

    @property
    def ratio(self) -> Decimal | None:
        """renewed ÷ ended to 4 places, half-up; None when nothing ended."""
        if not self.ended:
            return None
        return (Decimal(self.renewed) / Decimal(self.ended)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class RenewalRatios:
    total: Ratio
    by_prefecture: dict[str, Ratio]
    by_plan: dict[str, Ratio]


def renewed(period: EndedPeriod, grace_days: int) -> bool:
    return period.next_start is not None and is_continuous(period.end, period.next_start, grace_days)


def renewal_ratios(periods: Sequence[EndedPeriod], grace_days: int) -> RenewalRatios:
    """Members (per plan) whose period ended in the window, and those of them who renewed it; a member
    counts once per plan (their latest period in the window), overall as member-plan pairs."""
    latest: dict[tuple[str, str], EndedPeriod] = {}
    for p in periods:
        key = (p.id_number, p.plan)
        if key not in latest or p.end > latest[key].end:
            latest[key] = p
    tallies: dict[tuple[str, str], list[int]] = {}
    for p in latest.values():
        hit = renewed(p, grace_days)
        for key in (("", ""), ("prefecture", p.prefecture), ("plan", p.plan)):
            t = tallies.setdefault(key, [0, 0])
            t[0] += hit
            t[1] += 1
    total = tallies.get(("", ""), [0, 0])
    return RenewalRatios(
        total=Ratio(total[0], total[1]),
        by_prefecture={k[1]: Ratio(*v) for k, v in sorted(tallies.items()) if k[0] == "prefecture"},
        by_plan={k[1]: Ratio(*v) for k, v in sorted(tallies.items()) if k[0] == "plan"},
    )
