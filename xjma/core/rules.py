"""The rules model: effective-dated plan terms (rules.md §0–§8), as frozen dataclasses.

Built from plans.yaml by xjma/core/rules_parser.py (`parse_rules`); the terms of each benefit are in
xjma/core/benefit_terms.py. Lookup: the version in force on D is the newest whose `effective` <= D
(openfisca style).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from xjma.core.benefit_terms import Benefit

PLAN_CODES = ("inpatient-accident", "critical-illness", "gig-accident", "female-illness", "short-accident")
WHO = ("employee", "gig-union-member")


@dataclass(frozen=True)
class Phase:
    until_day: int | None
    label: str
    condolence: bool


@dataclass(frozen=True)
class Exclusion:
    number: int
    code: str
    label: str
    plans: tuple[str, ...] | None  # None = every plan using the list


@dataclass(frozen=True)
class Tier:
    tier: str
    fee: Decimal
    max_shares: int
    max_shares_with_approval: int | None
    max_days: int | None

    def limit(self, approved: bool) -> int:
        """The most shares a member may hold in this tier, with or without 加购审批 (rules.md §1)."""
        if approved and self.max_shares_with_approval:
            return self.max_shares_with_approval
        return self.max_shares

    def needs_approval(self, shares: int) -> bool:
        """More shares than the tier allows without approval, and the tier grants more with it."""
        return shares > self.limit(False) and self.limit(True) > self.limit(False)


@dataclass(frozen=True)
class Eligibility:
    who: str  # employee | gig-union-member
    female_only: bool
    requires: str | None  # plan code that must also cover S
    delayed_retirement: bool  # plan 5: the upper age follows the statutory retirement date


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    short_name: str
    fee: Decimal | None  # None: by tier
    max_shares: int
    observation_days: int
    eligibility: Eligibility
    benefits: dict[str, Benefit]
    phases: tuple[Phase, ...] = ()
    share_total_cap: Decimal | None = None
    in_situ_ends_cover: bool = True
    short_term: bool = False
    tiers: tuple[Tier, ...] = ()

    def tier(self, name: str) -> Tier | None:
        return next((t for t in self.tiers if t.tier == name), None)

    def phase_index(self, day: int) -> int:
        """Index of the phase a day index falls in (rules.md §4, §6); renewed shares use the last."""
        for i, phase in enumerate(self.phases):
            if phase.until_day is None or day <= phase.until_day:
                return i
        return len(self.phases) - 1


@dataclass(frozen=True)
class Version:
    name: str
    effective: dt.date
    reference: str
    plans: dict[str, Plan]

    @property
    def short_term_plans(self) -> frozenset[str]:
        """The plans whose end date is given per enrollment (plans.yaml `short_term: true`)."""
        return frozenset(code for code, plan in self.plans.items() if plan.short_term)


@dataclass(frozen=True)
class Retirement:
    base_years: int
    law_start: tuple[int, int]  # (year, month)
    months_per_step: int
    max_delay_months: int


@dataclass(frozen=True)
class Common:
    renewal_grace_days: int
    observation_for_accidents: bool
    age_min: int
    age_max: int
    employee_types: tuple[str, ...]
    gig_type: str
    temp_min_term_months: int
    suicide_window_years: int
    retirement: Retirement
    grade_ratios: dict[int, Decimal]
    exclusions: dict[str, tuple[Exclusion, ...]]


@dataclass(frozen=True)
class Rules:
    common: Common
    versions: tuple[Version, ...]
    source: str = field(default="", compare=False)

    def version_on(self, day: dt.date) -> Version | None:
        """The version in force on `day`: the newest with effective <= day."""
        found = None
        for version in self.versions:
            if version.effective <= day:
                found = version
        return found

    def plan_on(self, code: str, day: dt.date) -> tuple[Version, Plan] | None:
        version = self.version_on(day)
        if version is None or code not in version.plans:
            return None
        return version, version.plans[code]

    def plan_label(self, code: str, on: dt.date | None = None, *, short: bool = True) -> str:
        """A plan's name from plans.yaml (`short_name`, or `name` with short=False): the version in force
        on `on` when it holds the plan, else the newest version that does; the code when none does."""
        found = self.plan_on(code, on) if on is not None else None
        plan = found[1] if found else None
        if plan is None:
            plan = next((v.plans[code] for v in reversed(self.versions) if code in v.plans), None)
        if plan is None:
            return code
        return plan.short_name if short else plan.name

    def exclusions_for(self, plan: str, benefit: str) -> tuple[Exclusion, ...]:
        """List 一 for the plan 1 inpatient benefit, list 二 (filtered by plan) for every other."""
        if plan == "inpatient-accident" and benefit == "inpatient":
            return self.common.exclusions["inpatient"]
        return tuple(e for e in self.common.exclusions["general"] if e.plans is None or plan in e.plans)
