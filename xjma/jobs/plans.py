"""`xjma plans` and `xjma rules check`: the plans in force on a date, as data (cli.md `plans`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from xjma.core.benefit_terms import Benefit
from xjma.core.money import fmt_money
from xjma.core.rules import Plan, Rules
from xjma.core.vocab import BENEFIT_NAMES
from xjma.errors import XjmaError


def describe_eligibility(plan: Plan, rules: Rules) -> list[str]:
    """Who may join, in the clerk's words (rules.md §1)."""
    c = rules.common
    out = []
    if plan.eligibility.who == "employee":
        out.append(f"在职职工（正式职工、合同制职工，聘用期限超过{c.temp_min_term_months}个月的临时职工）")
    else:
        out.append(f"{c.gig_type}，且已加入工会成为工会会员")
    age = f"年龄 {c.age_min}–{c.age_max} 周岁（以保障起始日计算）"
    if plan.eligibility.delayed_retirement:
        age += "；按国家政策延迟退休的，以实际退休年龄为准"
    out.append(age)
    if plan.eligibility.female_only:
        out.append("限女职工")
    if plan.eligibility.requires:
        out.append(f"须同时参加{rules.plan_label(plan.eligibility.requires)}")
    out.append("只接受基层工会统一组织参加，不接受个人参加")
    return out


def benefit_maximum(benefit: Benefit) -> Decimal:
    """The most one share of a benefit can pay for one event (the figure shown in `plans`)."""
    from xjma.core.claims.benefits import benefit_maximum as maximum

    return maximum(benefit)


def plans_document(rules: Rules, on: dt.date) -> dict[str, Any]:
    version = rules.version_on(on)
    if version is None:
        first = rules.versions[0].effective.isoformat()
        raise XjmaError(f"{on.isoformat()} 没有生效的规则版本（最早的版本自 {first} 起生效）")
    plans = []
    for code, plan in version.plans.items():
        tiers = None
        if plan.tiers:
            tiers = [
                {
                    "tier": t.tier,
                    "fee": fmt_money(t.fee),
                    "max_shares": t.max_shares,
                    "max_shares_with_approval": t.max_shares_with_approval,
                    "max_days": t.max_days,
                }
                for t in plan.tiers
            ]
        plans.append(
            {
                "code": code,
                "name": plan.name,
                "fee": fmt_money(plan.fee) if plan.fee is not None else None,
                "tiers": tiers,
                "max_shares": plan.max_shares,
                "observation_days": plan.observation_days,
                "eligibility": describe_eligibility(plan, rules),
                "benefits": {b: fmt_money(benefit_maximum(t)) for b, t in plan.benefits.items()},
            }
        )
    return {"on": on.isoformat(), "version": version.name, "plans": plans}


def benefit_label(code: str) -> str:
    return BENEFIT_NAMES.get(code, code)
