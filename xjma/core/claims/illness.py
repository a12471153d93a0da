"""Plans 2 and 4 (rules.md §4, §6): a state machine per share lot.

Each lot (renewed shares, new shares) is in a phase by the day index (renewed lots always the last
phase); the phase decides the amount per share and what cover ends after a payment (ends: none | self |
all); the plan's share_total_cap limits what one share receives in the period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from xjma.core.benefit_terms import IllnessTerms
from xjma.core.claims.explain import ZERO, Context, Draft, benefit_name, yuan
from xjma.core.claims.model import Claim, ClaimResult, Entry, LotEffect
from xjma.core.rules import Plan

LONG_NAMES = {
    "severe": "重度疾病",
    "mild": "轻度疾病",
    "sudden-death": "急性疾病猝死",
    "in-situ": "原位癌",
    "malignant": "恶性肿瘤",
}
CATEGORY_LABEL = {"severe": "重度疾病", "mild": "轻度疾病", "female": "女职工特殊疾病"}


@dataclass
class LotState:
    shares: int
    renewed: bool
    paid_per_share: Decimal = ZERO
    ended_all: bool = False
    ended: set[str] = field(default_factory=set)

    def open_for(self, benefit: str) -> bool:
        return not self.ended_all and benefit not in self.ended

    def key(self) -> str:
        return "renewed" if self.renewed else "new"


def fold(ctx: Context, earlier: Sequence[Entry], day: dt.date | None = None) -> list[LotState]:
    """The lots of the enrollment after the earlier claims of this period: every amount paid counts;
    a cover ends for claims dated on or after the claim that ended it (all of them when `day` is None)."""
    lots = [LotState(lot.shares, lot.renewed) for lot in ctx.enrollment.lots]
    for claim, result in earlier:
        ends_now = day is None or claim.event_date <= day
        for effect in result.effects.lots:
            for lot in lots:
                if lot.key() == effect.lot:
                    lot.paid_per_share += effect.per_share
                    if ends_now and effect.ends == "all":
                        lot.ended_all = True
                    elif ends_now and effect.ends == "self":
                        lot.ended.add(claim.benefit)
    return lots


def lot_exhausted(plan: Plan, lot: LotState) -> bool:
    return lot.ended_all or (plan.share_total_cap is not None and lot.paid_per_share >= plan.share_total_cap)


def check_disease(ctx: Context, claim: Claim, terms: IllnessTerms, draft: Draft) -> None:
    """An unknown disease name is a warning; the declared benefit decides (rules.md §4)."""
    if not claim.disease or terms.category is None or ctx.diseases is None:
        return
    found = ctx.diseases.find(claim.disease, terms.category)
    label = CATEGORY_LABEL.get(terms.category, terms.category)
    if found is None:
        draft.warnings.append("disease-unknown")
        draft.step(f"疾病名称“{claim.disease}”不在{label}目录中，请核对；按申报的给付项目计算")
    else:
        alias = "" if found.name == claim.disease else f"（{found.name}）"
        draft.step(f"疾病“{claim.disease}”{alias}属于{label}目录")


def compute(ctx: Context, earlier: Sequence[Entry], claim: Claim, draft: Draft) -> ClaimResult:
    terms = ctx.plan.benefits[claim.benefit]
    assert isinstance(terms, IllnessTerms)
    check_disease(ctx, claim, terms, draft)
    lots = fold(ctx, earlier, claim.event_date)
    effects: list[LotEffect] = []
    payout = ZERO
    for lot in lots:
        pay, ends = _lot(ctx, terms, claim, lot, draft, len(lots) > 1)
        payout += pay * lot.shares
        if pay > 0 or ends != "none":
            effects.append(LotEffect(lot.key(), pay, ends))
            lot.paid_per_share += pay
            lot.ended_all = lot.ended_all or ends == "all"
            if ends == "self":
                lot.ended.add(claim.benefit)
    draft.effect(lots=tuple(effects), death=claim.benefit == "sudden-death" and payout > 0)
    if all(lot_exhausted(ctx.plan, lot) for lot in lots):
        draft.step(f"此后本保障期内{ctx.plan.short_name}保障终止")
    return draft.finish(claim, payout)


def _lot(
    ctx: Context, terms: IllnessTerms, claim: Claim, lot: LotState, draft: Draft, several: bool
) -> tuple[Decimal, str]:
    """Per-share amount paid on one lot, and what cover it ends."""
    who = ("续保份额" if lot.renewed else "新增份额") + f"{lot.shares}份" if several else f"{lot.shares}份"
    name = LONG_NAMES.get(claim.benefit, benefit_name(claim.benefit))
    if not lot.open_for(claim.benefit):
        draft.step(f"{who}：本保障期内{name}保障已终止，不予给付")
        draft.reason("cover-ended")
        return ZERO, "none"
    phase_i = len(ctx.plan.phases) - 1 if lot.renewed else ctx.plan.phase_index(draft.day_index)
    phase = ctx.plan.phases[phase_i]
    amount = terms.amounts[phase_i]
    where = "续保份额无观察期" if lot.renewed else f"确诊日为保障期第{draft.day_index}天"
    if not lot.renewed and phase_i == len(ctx.plan.phases) - 1:
        where += f"，已过{ctx.plan.observation_days}天观察期"
    if amount == 0:
        draft.step(f"{who}：{where}，在观察期内（{phase.label}），不予给付")
        draft.reason("observation")
        return ZERO, "none"
    pay = amount
    cap = ctx.plan.share_total_cap
    if cap is not None and lot.paid_per_share + amount > cap:
        pay = max(ZERO, cap - lot.paid_per_share)
        draft.reason("capped")
    if phase.condolence:
        draft.reason("condolence")
    line = f"{who}：{where}，{name}{phase.label} {yuan(amount)}/份"
    if pay < amount:
        line += f"，每份累计最高 {yuan(cap or ZERO)}，已付 {yuan(lot.paid_per_share)}/份，只付 {yuan(pay)}/份"
    draft.step(f"{line} × {lot.shares}份 = {yuan(pay * lot.shares)}")
    return pay, terms.ends[phase_i]
