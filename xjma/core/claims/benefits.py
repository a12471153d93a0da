"""The one dispatch from a benefit's terms type to what the claims rules do with it: check a claim's
inputs, compute it, the most one share can pay (`plans`), what the period can still pay (`member show`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from xjma.core.benefit_terms import (
    AccidentTerms,
    Benefit,
    DisabilityTerms,
    IllnessTerms,
    InpatientTerms,
    MedicalTerms,
    SuddenDeathTerms,
)
from xjma.core.claims import accident, accident_share, illness, inpatient
from xjma.core.claims.explain import ZERO, Context, Draft
from xjma.core.claims.model import Claim, ClaimResult, Entry
from xjma.core.claims.state import per_share_total, total


@dataclass(frozen=True)
class BenefitRules:
    check: Callable[[Claim], None]
    compute: Callable[[Context, Sequence[Entry], Claim, Draft], ClaimResult]
    maximum: Callable[[Benefit], Decimal]  # the most one share pays for one event
    left: Callable[[Context, str, Benefit, Sequence[Entry]], Decimal]  # what the period can still pay


def _no_check(claim: Claim) -> None:
    return None


def _accident_max(t: Benefit) -> Decimal:
    assert isinstance(t, AccidentTerms)
    return t.total_cap if not t.accident_caps_stack else t.total_cap + t.life_cap


def _illness_left(ctx: Context, name: str, terms: Benefit, earlier: Sequence[Entry]) -> Decimal:
    assert isinstance(terms, IllnessTerms)
    left = ZERO
    for lot in illness.fold(ctx, earlier):
        if illness.lot_exhausted(ctx.plan, lot) or not lot.open_for(name):
            continue
        amount = terms.amounts[-1]
        if ctx.plan.share_total_cap is not None:
            amount = min(amount, ctx.plan.share_total_cap - lot.paid_per_share)
        left += max(ZERO, amount) * lot.shares
    return left


def _disability_left(ctx: Context, name: str, terms: Benefit, earlier: Sequence[Entry]) -> Decimal:
    assert isinstance(terms, DisabilityTerms)
    return max(ZERO, terms.cap - per_share_total(earlier, name)) * ctx.enrollment.shares


def _medical_left(ctx: Context, name: str, terms: Benefit, earlier: Sequence[Entry]) -> Decimal:
    assert isinstance(terms, MedicalTerms)
    return max(ZERO, terms.cap * ctx.enrollment.shares - total(earlier, name))


def _major_left(ctx: Context, name: str, terms: Benefit, earlier: Sequence[Entry]) -> Decimal:
    assert isinstance(terms, InpatientTerms)
    return max(ZERO, terms.major_cap - inpatient.major_paid(earlier))


def _accident_left(ctx: Context, name: str, terms: Benefit, earlier: Sequence[Entry]) -> Decimal:
    assert isinstance(terms, AccidentTerms)
    return max(ZERO, terms.total_cap - total(earlier, "accident"))


def _sudden_left(ctx: Context, name: str, terms: Benefit, earlier: Sequence[Entry]) -> Decimal:
    assert isinstance(terms, SuddenDeathTerms)
    return terms.amount * ctx.enrollment.shares


def _field(name: str) -> Callable[[Benefit], Decimal]:
    def read(terms: Benefit) -> Decimal:
        value = getattr(terms, name)
        assert isinstance(value, Decimal)
        return value

    return read


def _largest_amount(t: Benefit) -> Decimal:
    assert isinstance(t, IllnessTerms)
    return max(t.amounts)


_RULES: dict[type, BenefitRules] = {
    InpatientTerms: BenefitRules(inpatient.check_inputs, inpatient.compute, _field("major_cap"), _major_left),
    AccidentTerms: BenefitRules(accident.check_inputs, accident.compute, _accident_max, _accident_left),
    IllnessTerms: BenefitRules(_no_check, illness.compute, _largest_amount, _illness_left),
    DisabilityTerms: BenefitRules(
        accident_share.check_inputs, accident_share.compute, _field("cap"), _disability_left
    ),
    MedicalTerms: BenefitRules(
        accident_share.check_inputs, accident_share.compute, _field("cap"), _medical_left
    ),
    SuddenDeathTerms: BenefitRules(
        accident_share.check_inputs, accident_share.compute, _field("amount"), _sudden_left
    ),
}


def benefit_rules(terms: Benefit) -> BenefitRules:
    return _RULES[type(terms)]


def benefit_maximum(terms: Benefit) -> Decimal:
    """The most one share of a benefit can pay for one event (the figure shown in `plans`)."""
    return benefit_rules(terms).maximum(terms)
