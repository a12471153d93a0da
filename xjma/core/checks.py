"""Roster row checks (roster.md "Problem codes", rules.md §0–§1): rows in, problems out.

`check_roster` makes one pass over the rows with everything that does not depend on the row computed
once (the version in force on S, the plans). The ledger history comes in as data: ID number -> the
member's recorded enrollments (the action fetches it once and hands the same mapping to the Planner).
Format problems found while building the rows (xjma/core/rowbuild.py) come in as `prior`; a field whose
cell could not be read (RosterRow.unreadable) is left to that problem, so nothing is reported twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from xjma.core.idnumber import age_on
from xjma.core.messages import message
from xjma.core.model import Enrollment, RosterRow, default_end
from xjma.core.prefectures import Prefectures
from xjma.core.problems import ERROR, WARNING, Problem
from xjma.core.renewal import latest_previous_end, ledger_decides, row_renewed
from xjma.core.retirement import statutory_retirement_date
from xjma.core.rules import PLAN_CODES, Plan, Rules
from xjma.core.units import UnitResolution, same_unit

WARNINGS = frozenset({"no-plan", "id-region-unknown", "age-mismatch", "likely-retired", "renewal-unverified"})
TEMP = "临时职工"


def severity_of(code: str) -> str:
    return WARNING if code in WARNINGS else ERROR


def shares_field(code: str) -> str:
    """The roster field name of a plan's shares column (xjma/core/columns.py)."""
    return f"shares:{code}"


@dataclass
class RosterCheck:
    rows: list[RosterRow]
    problems: list[Problem]
    error_rows: set[int]
    # row -> plan codes whose identical enrollment (same unit, S, E, shares) is already in the ledger
    already_recorded: dict[int, set[str]] = field(default_factory=dict)


def check_roster(
    rows: Sequence[RosterRow],
    rules: Rules,
    start: dt.date,
    *,
    end: dt.date | None = None,
    history: Mapping[str, Sequence[Enrollment]] | None = None,
    prefectures: Prefectures,
    headers: Mapping[str, str] | None = None,
    prior: Iterable[Problem] = (),
    units: UnitResolution | None = None,
) -> RosterCheck:
    """Check every row for enrollment with coverage start S. `history`: ID number -> the member's recorded
    enrollments (all plans); None skips the ledger checks (validate without a ledger). `units`: the
    registered unit of each row and of each recorded enrollment (None: unit texts compared)."""
    checker = _Checker(rules, start, end, prefectures, headers or {}, list(prior))
    checker.history, checker.units = history, units
    checker.duplicates = _duplicates(rows)
    for row in rows:
        checker.check(row)
    problems = sorted(checker.problems, key=lambda p: p.row)  # stable: a row's problems keep their order
    error_rows = {p.row for p in problems if p.severity == ERROR}
    return RosterCheck(list(rows), problems, error_rows, checker.recorded)


def _duplicates(rows: Sequence[RosterRow]) -> dict[str, list[int]]:
    """ID number -> its rows, for the IDs on more than one row."""
    counts = Counter(row.id_number for row in rows)
    twice = {number for number, n in counts.items() if n > 1 and number}
    found: dict[str, list[int]] = {}
    for row in rows if twice else ():
        if row.id_number in twice:
            found.setdefault(row.id_number, []).append(row.row)
    return found


class _Checker:
    def __init__(
        self,
        rules: Rules,
        start: dt.date,
        end: dt.date | None,
        prefectures: Prefectures,
        headers: Mapping[str, str],
        prior: list[Problem],
    ) -> None:
        self.rules, self.common, self.start, self.end = rules, rules.common, start, end
        self.prefectures, self.headers = prefectures, headers
        self.problems = prior
        version = rules.version_on(start)
        self.plans: dict[str, Plan] = dict(version.plans) if version else {}
        self.default_end = default_end(start)
        self.history: Mapping[str, Sequence[Enrollment]] | None = None
        self.units: UnitResolution | None = None
        self.duplicates: dict[str, list[int]] = {}
        self.recorded: dict[int, set[str]] = {}
        self.names = {code: rules.plan_label(code, start) for code in PLAN_CODES}
        self.known_prefecture: dict[str, bool] = {}

    def add(
        self, row: RosterRow, fld: str, code: str, variant: str | None = None, /, **values: object
    ) -> None:
        column = self.headers.get(fld, "")
        self.problems.append(
            Problem(row.row, column, code, severity_of(code), message(code, variant, **values))
        )

    def check(self, row: RosterRow) -> None:
        if not row.unit:
            self.add(row, "unit", "unit-missing")
        if row.prefecture and not self.prefecture_known(row.prefecture):
            known = "、".join(p.short for p in self.prefectures.items)
            self.add(row, "prefecture", "prefecture-unknown", value=row.prefecture, known=known)
        if row.gender and row.female is not None and (row.gender == "女") != row.female:
            self.add(
                row, "gender", "gender-mismatch", given=row.gender, expected="女性" if row.female else "男性"
            )
        if row.id_number in self.duplicates:
            rows = "、".join(str(n) for n in self.duplicates[row.id_number])
            self.add(row, "id_number", "id-duplicate", rows=rows)
        if row.birth is not None:
            self.check_age(row, row.birth)
        if row.employment == TEMP and "term_months" not in row.unreadable:
            self.check_term(row)
        if row.shares:
            self.check_plans(row)
        elif not any(f.startswith("shares:") for f in row.unreadable):
            self.add(row, "", "no-plan")
        if row.renewal:
            self.check_renewal(row)

    def check_renewal(self, row: RosterRow) -> None:
        """是否续保 = 是 but no plan of the row is a renewal (xjma/core/renewal.py decides)."""
        history, grace = self.enrollments(row), self.common.renewal_grace_days
        if row_renewed(row, self.start, history, grace):
            return
        if ledger_decides(history, self.start):
            self.add(row, "renewal", "renewal-unverified", "ledger")
        else:
            latest = latest_previous_end(self.start, grace)
            self.add(row, "renewal", "renewal-unverified", latest=latest.isoformat())

    def check_term(self, row: RosterRow) -> None:
        """rules.md §1: a 临时职工 needs a term of more than temp_min_term_months (reported once per row)."""
        minimum = self.common.temp_min_term_months
        if row.term_months is None or row.term_months <= minimum:
            term = "未填写聘用期限" if row.term_months is None else f"聘用期限为{row.term_months}个月"
            self.add(row, "term_months", "temp-term-short", min=minimum, term=term)

    def check_age(self, row: RosterRow, birth: dt.date) -> None:
        """rules.md §1: 16–60 周岁 on S; plan 5 follows a man's retirement date; refused whole."""
        age = age_on(birth, self.start)
        if row.age is not None and row.age != age:
            self.add(row, "age", "age-mismatch", given=row.age, age=age)
        c = self.common
        man = row.female is False
        retire = None
        if man and (row.retire_date or age > c.age_max or age >= c.retirement.base_years):
            # before base_years nobody is past the statutory date: skip computing it (hot path)
            retire = row.retire_date or statutory_retirement_date(birth, c.retirement)
        if c.age_min <= age <= c.age_max and (retire is None or self.start < retire):
            return  # nearly every row: none of the branches below applies, skip building their values
        values = {"start": self.start.isoformat(), "age": age, "min": c.age_min, "max": c.age_max}
        delayed = [code for code in row.shares if self.delayed(code)]
        if age < c.age_min or (age > c.age_max and (retire is None or not delayed)):
            self.add(row, "id_number", "age-out-of-range", **values)
        elif age > c.age_max and retire is not None:
            if self.start >= retire:
                self.add(row, "id_number", "age-out-of-range", "retired", retire=retire.isoformat(), **values)
            elif len(delayed) < len(row.shares):
                self.add(
                    row, "id_number", "age-out-of-range", "other-plans", retire=retire.isoformat(), **values
                )
        elif retire is not None and self.start >= retire and len(delayed) < len(row.shares):
            self.add(row, "", "likely-retired", retire=retire.isoformat())

    def delayed(self, code: str) -> bool:
        plan = self.plans.get(code)
        return plan is not None and plan.eligibility.delayed_retirement

    def check_plans(self, row: RosterRow) -> None:
        # 临时职工 with a short term is reported once, as temp-term-short, not per plan
        gig = row.employment == self.common.gig_type
        union_required = False
        for code, shares in row.shares.items():
            plan = self.plans.get(code)
            col = shares_field(code)
            name = self.names[code]
            if plan is None:
                self.add(row, col, "plan-not-in-force", plan=name, start=self.start.isoformat())
                continue
            el = plan.eligibility
            if row.employment is not None:
                if el.who == "employee" and gig:
                    self.add(row, col, "employees-only", plan=name)
                elif el.who == "gig-union-member" and not gig:
                    self.add(row, col, "gig-only", plan=name)
                elif el.who == "gig-union-member" and not row.union_member:
                    union_required = True
            if el.female_only and row.female is False:
                self.add(row, col, "female-only", plan=name)
            if el.requires and el.requires not in row.shares and not self.holds(row, el.requires):
                self.add(row, col, "requires-plan", plan=name, required=self.names[el.requires])
            period_end = self.check_short_term(row, plan, shares) if plan.short_term else self.default_end
            if not plan.tiers and shares > plan.max_shares:
                self.add(row, col, "shares-over-max", plan=name, max=plan.max_shares, shares=shares)
            if period_end is not None and self.history is not None:
                self.check_ledger(row, code, shares, period_end)
        if union_required:  # one problem for the row, however many plans require it
            self.add(row, "union_member", "union-member-required")

    def check_short_term(self, row: RosterRow, plan: Plan, shares: int) -> dt.date | None:
        """Plan 5: tier, shares per tier (approval), end date (rules.md §7); the valid E or None."""
        col = shares_field(plan.code)
        tier = plan.tier(row.short_tier) if row.short_tier else None
        if tier is None:
            tiers = "、".join(t.tier for t in plan.tiers)
            self.add(row, "short_tier", "tier-invalid", value=row.short_tier or "（未填写）", tiers=tiers)
        else:
            limit = tier.limit(row.approval)
            if shares > limit:
                variant = "approval" if tier.max_shares_with_approval else None
                self.add(
                    row,
                    col,
                    "shares-over-max",
                    variant,
                    plan=plan.short_name,
                    tier=tier.tier,
                    max=tier.max_shares,
                    approval=tier.max_shares_with_approval,
                    shares=shares,
                )
        if "short_end" in row.unreadable:
            return None  # end-date-invalid (unparseable) was reported with the row's format problems
        end = row.short_end or self.end
        if end is None:
            self.add(row, "short_end", "end-date-invalid", "missing")
            return None
        if end < self.start:
            self.add(
                row,
                "short_end",
                "end-date-invalid",
                "before",
                end=end.isoformat(),
                start=self.start.isoformat(),
            )
            return None
        if tier is not None and tier.max_days is not None and (end - self.start).days + 1 > tier.max_days:
            latest = self.start + dt.timedelta(days=tier.max_days - 1)
            self.add(
                row,
                "short_end",
                "end-date-invalid",
                "too-long",
                tier=tier.tier,
                max_days=tier.max_days,
                end=end.isoformat(),
                latest=latest.isoformat(),
            )
            return None
        return end

    def check_ledger(self, row: RosterRow, code: str, shares: int, period_end: dt.date) -> None:
        """one per period (rules.md §1): identical -> already_recorded, otherwise already-enrolled."""
        for e in self.enrollments(row):
            if e.plan != code or e.start > period_end or e.end < self.start:
                continue
            same = e.start == self.start and e.end == period_end and e.shares == shares
            if same and same_unit(self.units, row.row, row.unit, e.unit, e.prefecture):
                self.recorded.setdefault(row.row, set()).add(code)
            else:
                self.add(
                    row,
                    shares_field(code),
                    "already-enrolled",
                    plan=self.names[code],
                    unit=e.unit or "（未填单位）",
                    start=e.start.isoformat(),
                    end=e.end.isoformat(),
                    shares=e.shares,
                )
            return

    def enrollments(self, row: RosterRow) -> Sequence[Enrollment]:
        return self.history.get(row.id_number, ()) if self.history and row.birth else ()

    def holds(self, row: RosterRow, code: str) -> bool:
        """An active ledger enrollment of `code` covering S."""
        return any(e.plan == code and e.covers(self.start) for e in self.enrollments(row))

    def prefecture_known(self, text: str) -> bool:
        known = self.known_prefecture.get(text)
        if known is None:
            known = self.known_prefecture[text] = self.prefectures.resolve(text) is not None
        return known
