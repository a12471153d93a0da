"""What each benefit can still pay a member this period once observation is over (cli.md `member show`).

Per-share maximum × shares − what was paid, 0 where the cover ended. The inpatient figure is what the
大额 segment can still pay (the basic segment has no period limit); the plan 1 accident figure is what
the period's accident cap leaves."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from xjma.core.claims.benefits import benefit_rules
from xjma.core.claims.engine import cover_ended
from xjma.core.claims.explain import ZERO, Context
from xjma.core.claims.model import Entry, entry_from_record
from xjma.core.model import Enrollment
from xjma.core.money import round_fen
from xjma.core.rules import Plan, Rules


def compute_remaining(
    enrollment: Enrollment, plan: Plan | str, rules: Rules, paid: list[dict[str, Any]]
) -> dict[str, Decimal]:
    """`paid`: the claims table rows of this member, plan and period (plan, benefit, event_date, payout,
    inputs, result; inputs/result as JSON text or dicts)."""
    found = rules.plan_on(enrollment.plan, enrollment.start)
    if found is None:
        return {}
    version, terms_plan = found
    if isinstance(plan, Plan):
        terms_plan = plan
    ctx = Context(enrollment=enrollment, version=version, plan=terms_plan, rules=rules)
    earlier = sorted(_entries(paid, enrollment.plan), key=lambda e: e[0].event_date)
    return {name: _left(ctx, name, earlier) for name in terms_plan.benefits}


def _left(ctx: Context, name: str, earlier: Sequence[Entry]) -> Decimal:
    """0 where the cover ended (the whole plan, or this benefit by the disability cap)."""
    from xjma.core.claims.accident_share import cap_ended

    if cover_ended(ctx, earlier) or cap_ended(ctx.plan, earlier, name):
        return ZERO
    terms = ctx.plan.benefits[name]
    return round_fen(benefit_rules(terms).left(ctx, name, terms, earlier))


def _entries(paid: list[dict[str, Any]], plan: str) -> list[Entry]:
    out: list[Entry] = []
    for item in paid:
        if item.get("plan") not in (None, plan):
            continue
        entry = entry_from_record(item.get("inputs"), item.get("result"), item.get("payout"))
        if entry is not None:
            out.append(entry)
    return out
