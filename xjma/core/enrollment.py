"""What enrolling a valid roster row records, per plan: period, lots, observation, renewal, fee (rules.md §0–§1).

Pure: the ledger history and the rules are passed in. Renewal is decided by the ledger when it holds the
member's history in the plan, else by the roster's 是否续保 + 上期保障止期 (+ 上期份数) (roster.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from xjma.core.model import Enrollment, RosterRow, default_end, observation_end
from xjma.core.rules import Plan, Rules, Version

SHORT_PLAN = "short-accident"


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


def is_continuous(previous_end: dt.date, start: dt.date, grace_days: int) -> bool:
    """Renewal (续保): S_new <= E_prev + 1 day + renewal_grace_days (rules.md §0)."""
    return start <= previous_end + dt.timedelta(days=1 + grace_days)


def previous_in_plan(history: Iterable[Enrollment], plan: str, start: dt.date) -> Enrollment | None:
    """The member's latest recorded enrollment in `plan` that ended before S, if any."""
    earlier = [e for e in history if e.plan == plan and e.end < start]
    return max(earlier, key=lambda e: (e.end, e.start)) if earlier else None


def has_history(history: Iterable[Enrollment], plan: str, start: dt.date) -> bool:
    """Whether the ledger knows the member in `plan` before S: then it, not the roster, decides renewal."""
    return any(e.plan == plan and e.start < start for e in history)


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
    history: list[Enrollment],
    end: dt.date | None = None,
) -> NewEnrollment:
    """The enrollment of a valid row in one plan; `history` is the member's ledger enrollments."""
    return Planner(start, rules, end).enrollment(row, plan_code, history)


class Planner:
    """Enrollments of the rows of one batch (start S, optional --end). What depends only on the plan, its
    tier and shares (the rules version, E, the observation end, the fee) is worked out once per batch:
    a 100,000-row roster repeats a handful of combinations."""

    def __init__(self, start: dt.date, rules: Rules, end: dt.date | None = None) -> None:
        self.start, self.rules, self.end = start, rules, end
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

    def enrollment(self, row: RosterRow, plan_code: str, history: list[Enrollment]) -> NewEnrollment:
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
        if history or row.renewal:
            renewed, first_start, source = _renewal(row, plan_code, start, self.rules, history, shares)
        else:  # a new member without 是否续保: most rows of a roster
            renewed, first_start, source = 0, start, None
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

    def row(self, row: RosterRow, history: list[Enrollment], skip: Iterable[str] = ()) -> list[NewEnrollment]:
        """Every enrollment of a valid row, in the row's plan order, leaving out the plans in `skip`
        (already recorded identically)."""
        return [self.enrollment(row, code, history) for code in row.shares if code not in skip]


def _renewal(
    row: RosterRow, plan: str, start: dt.date, rules: Rules, history: list[Enrollment], shares: int
) -> tuple[int, dt.date, str | None]:
    """(renewed shares, first_start, source). Shares above the previous period's are a new lot."""
    grace = rules.common.renewal_grace_days
    if history and has_history(history, plan, start):  # most members are new: skip the scan
        prev = previous_in_plan(history, plan, start)
        if prev is not None and is_continuous(prev.end, start, grace):
            return min(shares, prev.shares), prev.first_start or prev.start, "ledger"
        return 0, start, None
    if row.renewal and row.prev_end is not None and is_continuous(row.prev_end, start, grace):
        previous_shares = row.prev_shares if row.prev_shares is not None else shares
        # The roster does not say when the member first joined: the ledger's history starts at S.
        return min(shares, max(previous_shares, 0)), start, "roster"
    return 0, start, None


def compute_row(
    row: RosterRow,
    start: dt.date,
    rules: Rules,
    history: list[Enrollment],
    skip: Iterable[str] = (),
    end: dt.date | None = None,
) -> list[NewEnrollment]:
    """Every enrollment of a valid row (Planner.row for a single row)."""
    return Planner(start, rules, end).row(row, history, set(skip))


@dataclass
class FeeTotals:
    """Fees of one enrollment run: total, by plan (members, shares, fee), by unit (members, fee)."""

    total: Decimal
    by_plan: dict[str, tuple[int, int, Decimal]]
    by_unit: dict[str, tuple[int, Decimal]]


def summarise_fees(items: Iterable[NewEnrollment]) -> FeeTotals:
    """Members are counted once per plan and once per unit, whatever their number of plans."""
    total = Decimal("0.00")
    plan_members: dict[str, set[str]] = {}
    plan_shares: dict[str, int] = {}
    plan_fee_sum: dict[str, Decimal] = {}
    unit_members: dict[str, set[str]] = {}
    unit_fee: dict[str, Decimal] = {}
    for item in items:
        e = item.enrollment
        total += item.fee
        plan_members.setdefault(e.plan, set()).add(e.id_number)
        plan_shares[e.plan] = plan_shares.get(e.plan, 0) + e.shares
        plan_fee_sum[e.plan] = plan_fee_sum.get(e.plan, Decimal("0.00")) + item.fee
        unit_members.setdefault(e.unit, set()).add(e.id_number)
        unit_fee[e.unit] = unit_fee.get(e.unit, Decimal("0.00")) + item.fee
    return FeeTotals(
        total=total,
        by_plan={p: (len(plan_members[p]), plan_shares[p], plan_fee_sum[p]) for p in plan_members},
        by_unit={u: (len(unit_members[u]), unit_fee[u]) for u in unit_members},
    )
