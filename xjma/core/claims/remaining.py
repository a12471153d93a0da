"""What each benefit can still pay a member this period once observation is over (cli.md `member show`).

Per-share maximum × shares − what was paid, 0 where the cover ended. The inpatient figure is what the
大额 segment can still pay (the basic segment has no period limit); the plan 1 accident figure is what
the period's accident cap leaves."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from xjma.core.claims.explain import ZERO, Context
from xjma.core.claims.illness import fold, lot_exhausted
from xjma.core.claims.model import Entry, claim_from_inputs, result_from_document
from xjma.core.claims.state import all_ended, death_paid, money_effect, total
from xjma.core.model import Enrollment
from xjma.core.money import round_fen, to_money
from xjma.core.rules import (
    AccidentTerms,
    DisabilityTerms,
    IllnessTerms,
    InpatientTerms,
    MedicalTerms,
    Plan,
    Rules,
    SuddenDeathTerms,
)


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
    ended = all_ended(earlier) or death_paid(earlier)
    return {name: ZERO if ended else round_fen(_left(ctx, name, earlier)) for name in terms_plan.benefits}


def _entries(paid: list[dict[str, Any]], plan: str) -> list[Entry]:
    out: list[Entry] = []
    for item in paid:
        if item.get("plan") not in (None, plan):
            continue
        inputs, result = _json(item.get("inputs")), _json(item.get("result"))
        if not inputs:
            continue
        claim = claim_from_inputs(inputs)
        document = dict(result)
        if item.get("payout") is not None:
            document["payout"] = str(to_money(item["payout"]))
        out.append((claim, result_from_document(claim, document)))
    return out


def _json(value: object) -> dict[str, Any]:
    if isinstance(value, str):
        loaded = json.loads(value) if value else {}
        return loaded if isinstance(loaded, dict) else {}
    return dict(value) if isinstance(value, dict) else {}


def _left(ctx: Context, name: str, earlier: Sequence[Entry]) -> Decimal:
    terms = ctx.plan.benefits[name]
    shares = ctx.enrollment.shares
    if isinstance(terms, InpatientTerms):
        return max(ZERO, terms.major_cap - total(earlier, "inpatient", "major"))
    if isinstance(terms, AccidentTerms):
        return max(ZERO, terms.total_cap - total(earlier, "accident"))
    if isinstance(terms, IllnessTerms):
        return _illness_left(ctx, name, terms, earlier)
    if isinstance(terms, DisabilityTerms):
        per_share = sum((money_effect(r.effects, "per_share") for c, r in earlier if c.benefit == name), ZERO)
        return max(ZERO, terms.cap - per_share) * shares
    if isinstance(terms, MedicalTerms):
        return max(ZERO, terms.cap * shares - total(earlier, name))
    assert isinstance(terms, SuddenDeathTerms)
    return terms.amount * shares


def _illness_left(ctx: Context, name: str, terms: IllnessTerms, earlier: Sequence[Entry]) -> Decimal:
    left = ZERO
    for lot in fold(ctx, earlier):
        if lot_exhausted(ctx.plan, lot) or not lot.open_for(name):
            continue
        amount = terms.amounts[-1]
        if ctx.plan.share_total_cap is not None:
            amount = min(amount, ctx.plan.share_total_cap - lot.paid_per_share)
        left += max(ZERO, amount) * lot.shares
    return left
