"""Plan 1 住院 benefit (rules.md §2): basic and major segments of one stay, rounded half-up once, at the end
of the claim line (rules.md §0)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from xjma.core.benefit_terms import InpatientTerms
from xjma.core.claims.explain import ZERO, Context, Draft, Invalid, pct, yuan
from xjma.core.claims.model import Claim, ClaimResult, Entry
from xjma.core.money import round_fen


def check_inputs(claim: Claim) -> None:
    missing = [
        label
        for label, value in (
            ("统筹段个人自付", claim.pooled_self_pay),
            ("统筹基金支付", claim.pooled_fund_paid),
            ("病因", claim.cause),
        )
        if value is None
    ]
    if missing:
        raise Invalid(f"住院给付缺少：{'、'.join(missing)}")


def major_paid(earlier: Sequence[Entry]) -> Decimal:
    """The 大额 segment already paid in the period: the rounded amounts (rules.md §9)."""
    return sum((r.effects.major for c, r in earlier if c.benefit == "inpatient"), ZERO)


def in_observation(ctx: Context, claim: Claim, day: int) -> bool:
    """An illness stay admitted at d <= observation on a new enrollment pays nothing; accident stays
    have no observation unless the rules say otherwise."""
    if ctx.enrollment.new_shares == 0 or day > ctx.plan.observation_days:
        return False
    return claim.cause != "accident" or ctx.rules.common.observation_for_accidents


def compute(ctx: Context, earlier: Sequence[Entry], claim: Claim, draft: Draft) -> ClaimResult:
    terms = ctx.plan.benefits["inpatient"]
    assert isinstance(terms, InpatientTerms)
    if in_observation(ctx, claim, draft.day_index):
        draft.step(
            f"疾病住院，入院日为保障期第{draft.day_index}天，在{ctx.plan.observation_days}天观察期内，"
            "不予给付"
        )
        draft.reason("observation")
        return draft.finish(claim, ZERO)
    basic = _basic(terms, claim, draft)
    major = _major(terms, claim, draft, major_paid(earlier))
    draft.effect(major=round_fen(major))
    draft.step(f"基本统筹段 {yuan(basic)} + 大额段 {yuan(major)} = {yuan(basic + major)}")
    return draft.finish(claim, basic + major)


def _basic(terms: InpatientTerms, claim: Claim, draft: Draft) -> Decimal:
    rate = terms.basic_rate_remote if claim.remote else terms.basic_rate
    assert claim.pooled_self_pay is not None and claim.pooled_fund_paid is not None
    by_rate = claim.pooled_self_pay * rate
    cap = claim.pooled_fund_paid * terms.basic_cap_ratio
    where = "异地就医" if claim.remote else "本地就医"
    basic = min(by_rate, cap)
    draft.step(
        f"基本统筹段（{where}）：统筹段个人自付 {yuan(claim.pooled_self_pay)} × {pct(rate)} = {yuan(by_rate)}，"
        f"最高不超过统筹基金支付 {yuan(claim.pooled_fund_paid)} × {pct(terms.basic_cap_ratio)} = {yuan(cap)}，"
        f"取 {yuan(basic)}"
    )
    if cap < by_rate:
        draft.reason("capped")
    return basic


def _major(terms: InpatientTerms, claim: Claim, draft: Draft, paid_before: Decimal) -> Decimal:
    self_pay = claim.major_self_pay or ZERO
    if self_pay == 0:
        return ZERO
    rate = terms.major_rate_remote if claim.remote else terms.major_rate
    by_rate = self_pay * rate
    if terms.major_cap_per == "period":
        room = max(ZERO, terms.major_cap - paid_before)
        limit = f"本保障期大额段限额 {yuan(terms.major_cap)}，已付 {yuan(paid_before)}，尚余 {yuan(room)}"
    else:
        room, limit = terms.major_cap, f"每次住院大额段限额 {yuan(terms.major_cap)}"
    major = min(by_rate, room)
    draft.step(
        f"大额段：大额段个人自付 {yuan(self_pay)} × {pct(rate)} = {yuan(by_rate)}；{limit}；取 {yuan(major)}"
    )
    if major < by_rate:
        draft.reason("capped")
    return major
