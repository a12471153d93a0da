"""Plans 3 and 5 (rules.md §5, §7): disability, accident medical and sudden death, per share.

- disability: grade ratio × amount per share, cumulative <= cap per share, one accident by difference;
  reaching the cap ends what `cap_ends` says (rules.md §9: plan 3 the disability cover, plan 5 nothing);
  accidental death as grade 1 when configured.
- medical: max(0, expense − deductible left for this accident) × rate, cumulative <= cap × shares; the
  deductible once per accident, outpatient costs of one accident summed, inpatient the first stay only.
- sudden death: amount per share. One death pays once.
"""

from __future__ import annotations

from collections.abc import Sequence

from xjma.core.benefit_terms import DisabilityTerms, MedicalTerms, SuddenDeathTerms
from xjma.core.claims.accident import check_grade, grade_ratio
from xjma.core.claims.explain import ZERO, Context, Draft, Invalid, pct, yuan
from xjma.core.claims.model import Claim, ClaimResult, Entry
from xjma.core.claims.state import per_share_total, same_accident, total
from xjma.core.money import round_fen
from xjma.core.rules import Plan


def check_inputs(claim: Claim) -> None:
    if claim.benefit == "disability":
        check_grade(claim)
    elif claim.benefit == "medical":
        missing = [label for label, v in (("医疗费用", claim.expense), ("就诊类型", claim.care)) if v is None]
        if missing:
            raise Invalid(f"意外医疗给付缺少：{'、'.join(missing)}")
        assert claim.expense is not None
        if claim.expense < 0:
            raise Invalid("医疗费用不能为负数")


def compute(ctx: Context, earlier: Sequence[Entry], claim: Claim, draft: Draft) -> ClaimResult:
    terms = ctx.plan.benefits[claim.benefit]
    if isinstance(terms, DisabilityTerms):
        return _disability(ctx, terms, earlier, claim, draft)
    if isinstance(terms, MedicalTerms):
        return _medical(ctx, terms, earlier, claim, draft)
    assert isinstance(terms, SuddenDeathTerms)
    shares = ctx.enrollment.shares
    payout = terms.amount * shares
    draft.step(f"急性疾病猝死身故互助金 {yuan(terms.amount)}/份 × {shares}份 = {yuan(payout)}")
    draft.effect(death=True)
    return draft.finish(claim, payout)


def disability_cap_reached(plan: Plan, earlier: Sequence[Entry]) -> DisabilityTerms | None:
    """The disability terms when the earlier claims reached the per-share cap, else None."""
    terms = next((t for t in plan.benefits.values() if isinstance(t, DisabilityTerms)), None)
    if terms is None or per_share_total(earlier, "disability") < terms.cap:
        return None
    return terms


def cap_ended(plan: Plan, earlier: Sequence[Entry], benefit: str) -> bool:
    """Whether the disability cap ended the cover of `benefit` (rules.md §9; cap_ends: benefit | plan |
    none): plan 3 ends its disability / accidental-death cover, plan 5 nothing (capped instead)."""
    terms = disability_cap_reached(plan, earlier)
    if terms is None:
        return False
    return terms.cap_ends == "plan" or (terms.cap_ends == "benefit" and benefit == "disability")


def _disability(
    ctx: Context, terms: DisabilityTerms, earlier: Sequence[Entry], claim: Claim, draft: Draft
) -> ClaimResult:
    shares = ctx.enrollment.shares
    if claim.death and not terms.accident_death_covered:
        draft.step("本险种规则不保障意外身故，不予给付")
        draft.reason("excluded")
        return draft.finish(claim, ZERO)
    ratio = grade_ratio(ctx, claim, draft)
    entitled = ratio * terms.amount
    draft.step(f"伤残互助金 {yuan(terms.amount)}/份 × {pct(ratio)} = {yuan(entitled)}/份")
    same = sum((r.effects.per_share for _, r in same_accident(earlier, claim.ref, "disability")), ZERO)
    per_share = max(ZERO, entitled - same)
    if same > 0:
        draft.step(f"同一事故（事故编号 {claim.ref}）已给付 {yuan(same)}/份，只补差额 {yuan(per_share)}/份")
    cumulative = per_share_total(earlier, "disability")
    room = max(ZERO, terms.cap - cumulative)
    if room < per_share:
        draft.step(f"每份累计最高 {yuan(terms.cap)}，已付 {yuan(cumulative)}/份，尚余 {yuan(room)}/份")
        per_share = room
    if per_share < entitled:
        draft.reason("capped")
    payout = per_share * shares
    draft.step(f"{yuan(per_share)}/份 × {shares}份 = {yuan(payout)}")
    draft.effect(per_share=round_fen(per_share), death=bool(claim.death and per_share > 0))
    if cumulative < terms.cap <= cumulative + per_share and terms.cap_ends != "none":
        what = "全部保障" if terms.cap_ends == "plan" else "该份伤残和意外身故保障"
        draft.step(f"每份累计已达 {yuan(terms.cap)}，此后本保障期内{ctx.plan.short_name}{what}终止")
    return draft.finish(claim, payout)


def _medical(
    ctx: Context, terms: MedicalTerms, earlier: Sequence[Entry], claim: Claim, draft: Draft
) -> ClaimResult:
    assert claim.expense is not None
    same = same_accident(earlier, claim.ref, "medical")
    care = "住院" if claim.care == "inpatient" else "门诊"
    if claim.care == "inpatient" and any(r.effects.stay for _, r in same):
        draft.step(f"同一事故（事故编号 {claim.ref}）的住院费用只计首次住院，本次住院不予给付")
        draft.reason("first-stay-only")
        return draft.finish(claim, ZERO)
    used = sum((r.effects.deductible_used for _, r in same), ZERO)
    left = max(ZERO, terms.deductible - used)
    draft.effect(stay=claim.care == "inpatient", deductible_used=min(claim.expense, left))
    step = f"{care}医疗费用（合规自付）{yuan(claim.expense)}，本次事故免赔额 {yuan(terms.deductible)}"
    if used > 0:
        step += f"，已扣 {yuan(used)}，尚余 {yuan(left)}"
    draft.step(step)
    if claim.expense <= left:
        draft.step("费用未超过免赔额，不予给付")
        draft.reason("below-deductible")
        return draft.finish(claim, ZERO)
    payable = (claim.expense - left) * terms.rate
    draft.step(f"（{yuan(claim.expense)} − {yuan(left)}）× {pct(terms.rate)} = {yuan(payable)}")
    cap = terms.cap * ctx.enrollment.shares
    paid = total(earlier, "medical")
    room = max(ZERO, cap - paid)
    pay = min(payable, room)
    if pay < payable:
        draft.step(
            f"意外医疗每份每期最高 {yuan(terms.cap)} × {ctx.enrollment.shares}份 = {yuan(cap)}，"
            f"已付 {yuan(paid)}，尚余 {yuan(room)}"
        )
        draft.reason("capped")
    return draft.finish(claim, pay)
