"""What enrolling a valid roster row records, per plan: period, lots, observation, renewal, fee (rules.md §0–§1).

Pure: the ledger history (ID number -> recorded enrollments, the same mapping the roster check got) and
the rules are passed in. Renewal is decided by xjma/core/renewal.py, as for the roster check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from xjma.core.model import Enrollment, RosterRow, default_end, observation_end
from xjma.core.renewal import renewal_of
from xjma.core.rules import Plan, Rules, Version


@dataclass(frozen=True)
class NewEnrollment:
    """One enrollment to record, with what the ledger stores beside the core Enrollment."""

    row: int
    enrollment: Enrollment
    fee: Decimal
    observation_days: int
    observation_end: dt.date | None  # for the new lot; None when no share is in observation
    rules_version: str
    renewal: str | None  # "ledger" | "roster" | None (a new enrollment)


def member_gender(row: RosterRow) -> str | None:
    """The gender recorded for the member: the one the ID number says (its 17th digit) wins over the
    性别 column, which is only compared with it (gender-mismatch); the column when the ID says nothing."""
    if row.female is not None:
        return "女" if row.female else "男"
    return row.gender


def plan_fee(plan: Plan, tier: str | None, shares: int) -> Decimal:
    """Fee = fee per share × shares; plan 5 by its tier (rules.md §1). Never prorated."""
    if plan.fee is not None:
        return plan.fee * shares
    found = plan.tier(tier or "")
    if found is None:
        raise ValueError(f"no tier {tier!r} in plan {plan.code}")
    return found.fee * shares


def compute_enrollment(
    row: RosterRow,
    plan_code: str,
    start: dt.date,
    rules: Rules,
    history: Sequence[Enrollment],
    end: dt.date | None = None,
) -> NewEnrollment:
    """The enrollment of a valid row in one plan; `history` is the member's ledger enrollments."""
    return Planner(start, rules, end, {row.id_number: history}).enrollment(row, plan_code)


class Planner:
    """Enrollments of the rows of one batch (start S, optional --end). What depends only on the plan, its
    tier and shares (the rules version, E, the observation end, the fee) is worked out once per batch:
    a 100,000-row roster repeats a handful of combinations. `history`: ID number -> the member's recorded
    enrollments (the mapping the roster check got)."""

    def __init__(
        self,
        start: dt.date,
        rules: Rules,
        end: dt.date | None = None,
        history: Mapping[str, Sequence[Enrollment]] | None = None,
    ) -> None:
        self.start, self.rules, self.end = start, rules, end
        self.history: Mapping[str, Sequence[Enrollment]] = history or {}
        self._default_end = default_end(start)
        self._plans: dict[str, tuple[Version, Plan, dt.date | None]] = {}
        self._fees: dict[tuple[str, str | None, int], Decimal] = {}

    def _plan(self, code: str) -> tuple[Version, Plan, dt.date | None]:
        found = self._plans.get(code)
        if found is None:
            in_force = self.rules.plan_on(code, self.start)
            if in_force is None:
                raise ValueError(
                    f"plan {code} is not in force on {self.start}"
                )  # validation refuses such rows
            version, plan = in_force
            found = self._plans[code] = (version, plan, observation_end(self.start, plan.observation_days))
        return found

    def _fee(self, plan: Plan, tier: str | None, shares: int) -> Decimal:
        key = (plan.code, tier, shares)
        fee = self._fees.get(key)
        if fee is None:
            fee = self._fees[key] = plan_fee(plan, tier, shares)
        return fee

    def enrollment(self, row: RosterRow, plan_code: str) -> NewEnrollment:
        version, plan, obs_end = self._plan(plan_code)
        start = self.start
        shares = row.shares[plan_code]
        if plan.short_term:
            stop, tier = row.short_end or self.end, row.short_tier
            if stop is None:
                raise ValueError(
                    f"row {row.row}: no end date for {plan_code}"
                )  # validation refuses such rows
        else:
            stop, tier = self._default_end, None
        history = self.history.get(row.id_number, ())
        found = None
        if history or row.renewal:  # else a new member without 是否续保: most rows of a roster
            found = renewal_of(row, plan_code, shares, start, history, self.rules.common.renewal_grace_days)
        renewed, first_start, source = (
            (found.renewed_shares, found.first_start, found.source) if found else (0, start, None)
        )
        # Positional, in the dataclasses' field order (one batch builds two objects per enrollment).
        enrollment = Enrollment(
            row.id_number, plan_code, start, stop, shares, renewed, row.unit, row.prefecture, tier,
            first_start, row.name,
        )  # fmt: skip
        return NewEnrollment(
            row.row,
            enrollment,
            self._fee(plan, tier, shares),
            plan.observation_days,
            obs_end if shares > renewed else None,
            version.name,
            source,
        )

    def row(self, row: RosterRow, skip: Iterable[str] = ()) -> list[NewEnrollment]:
        """Every enrollment of a valid row, in the row's plan order, leaving out the plans in `skip`
        (already recorded identically)."""
        return [self.enrollment(row, code) for code in row.shares if code not in skip]


def compute_row(
    row: RosterRow,
    start: dt.date,
    rules: Rules,
    history: Sequence[Enrollment],
    skip: Iterable[str] = (),
    end: dt.date | None = None,
) -> list[NewEnrollment]:
    """Every enrollment of a valid row (Planner.row for a single row)."""
    return Planner(start, rules, end, {row.id_number: history}).row(row, set(skip))


@dataclass
class FeeTotals:
    """Fees of one enrollment run: total, by plan (members, shares, fee), by unit (members, fee)."""

    total: Decimal
    by_plan: dict[str, tuple[int, int, Decimal]]
    by_unit: dict[str, tuple[int, Decimal]]


def summarise_fees(items: Iterable[NewEnrollment]) -> FeeTotals:
    """Members are counted once per plan and once per unit, whatever their number of plans.

    The fees are added up per (plan, unit, fee) group, of which a batch has a few hundred, not per
    enrollment: each group's fee is its fee times its count (the same sum, Decimal exact)."""
    plan_members: dict[str, set[str]] = {}
    unit_members: dict[str, set[str]] = {}
    groups: dict[tuple[str, str, Decimal], list[int]] = {}  # (plan, unit, fee) -> [count, shares]
    for item in items:
        e = item.enrollment
        key = (e.plan, e.unit, item.fee)
        group = groups.get(key)
        if group is None:
            group = groups[key] = [0, 0]
            plan_members.setdefault(e.plan, set())
            unit_members.setdefault(e.unit, set())
        group[0] += 1
        group[1] += e.shares
        plan_members[e.plan].add(e.id_number)
        unit_members[e.unit].add(e.id_number)
    total = Decimal("0.00")
    plan_shares: dict[str, int] = {}
    plan_fee: dict[str, Decimal] = {}
    unit_fee: dict[str, Decimal] = {}
    for (plan, unit, fee), (count, shares) in groups.items():
        amount = fee * count
        total += amount
        plan_shares[plan] = plan_shares.get(plan, 0) + shares
        plan_fee[plan] = plan_fee.get(plan, Decimal("0.00")) + amount
        unit_fee[unit] = unit_fee.get(unit, Decimal("0.00")) + amount
    return FeeTotals(
        total=total,
        by_plan={p: (len(plan_members[p]), plan_shares[p], plan_fee[p]) for p in plan_members},
        by_unit={u: (len(unit_members[u]), unit_fee[u]) for u in unit_members},
    )
