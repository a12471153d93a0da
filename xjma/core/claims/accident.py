"""Plan 1 意外 benefit (rules.md §3): grade ratio × the kind's maximum, one accident paid by difference,
within the period caps (all accidents <= total_cap, life accidents among them <= life_cap)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from xjma.core.benefit_terms import AccidentTerms
from xjma.core.claims.explain import ZERO, Context, Draft, Invalid, pct, yuan
from xjma.core.claims.model import Claim, ClaimResult, Entry
from xjma.core.claims.state import same_accident
from xjma.core.vocab import KIND_LABEL


def check_inputs(claim: Claim) -> None:
    if claim.accident_kind is None:
        raise Invalid("意外给付缺少意外类型（生活 / 工作）")
    check_grade(claim)


def check_grade(claim: Claim) -> None:
    if not claim.death and claim.grade is None:
        raise Invalid("伤残给付缺少伤残等级（1–10）或“是否身故”")
    if claim.grade is not None and not 1 <= claim.grade <= 10:
        raise Invalid(f"伤残等级应为 1–10，而不是 {claim.grade}")


def grade_ratio(ctx: Context, claim: Claim, draft: Draft) -> Decimal:
    """Accidental death pays 100%; a grade pays its ratio of the table (rules.md §0)."""
    if claim.death:
        draft.step("意外身故，按 100% 给付")
        return Decimal("1")
    assert claim.grade is not None
    ratio = ctx.rules.common.grade_ratios[claim.grade]
    draft.step(f"伤残等级 {claim.grade} 级，给付比例 {pct(ratio)}")
    return ratio


def compute(ctx: Context, earlier: Sequence[Entry], claim: Claim, draft: Draft) -> ClaimResult:
    terms = ctx.plan.benefits["accident"]
    assert isinstance(terms, AccidentTerms)
    ratio = grade_ratio(ctx, claim, draft)
    kind = claim.accident_kind or "life"
    maximum = terms.work_max if kind == "work" else terms.life_max
    amount = ratio * maximum
    draft.step(f"{KIND_LABEL.get(kind, kind)}最高 {yuan(maximum)} × {pct(ratio)} = {yuan(amount)}")
    pay = _difference(earlier, claim, amount, draft)
    pay = _caps(terms, earlier, kind, pay, draft)
    if pay < amount:
        draft.reason("capped")
    if claim.death and pay > 0:
        draft.effect(death=True)
    return draft.finish(claim, pay)


def _difference(earlier: Sequence[Entry], claim: Claim, amount: Decimal, draft: Draft) -> Decimal:
    before = sum((r.payout for _, r in same_accident(earlier, claim.ref, "accident")), ZERO)
    if before == 0:
        return amount
    pay = max(ZERO, amount - before)
    draft.step(f"同一事故（事故编号 {claim.ref}）已给付 {yuan(before)}，只补差额 {yuan(pay)}")
    return pay


def _caps(terms: AccidentTerms, earlier: Sequence[Entry], kind: str, pay: Decimal, draft: Draft) -> Decimal:
    paid = [(c, r) for c, r in earlier if c.benefit == "accident"]
    life_paid = sum((r.payout for c, r in paid if c.accident_kind != "work"), ZERO)
    all_paid = sum((r.payout for _, r in paid), ZERO)
    if terms.accident_caps_stack:
        rooms = (
            [("生活意外", terms.life_cap - life_paid)]
            if kind == "life"
            else [("工作意外", terms.total_cap - (all_paid - life_paid))]
        )
    else:
        rooms = [("意外合计", terms.total_cap - all_paid)]
        if kind == "life":
            rooms.append(("其中生活意外", terms.life_cap - life_paid))
    for label, room in rooms:
        room = max(ZERO, room)
        if room < pay:
            draft.step(f"本保障期{label}限额尚余 {yuan(room)}，给付以此为限")
            pay = room
    return pay
