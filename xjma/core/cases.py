"""Claims as cases (office.md §5): the states, the one transition table, and a case as its events show it.

A case's state is the state of its latest event; its amount is the payout of its latest `approved`
event (None before approval); only `approved` and `paid` cases count against the caps. Everything is
decided here, from events passed in: no ledger, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

STATES = ("submitted", "returned", "approved", "rejected", "paid", "voided")
COUNTING = ("approved", "paid")  # the states whose amount counts against the caps
ACTIONS = ("submit", "record", "approve", "return", "reject", "pay", "void")

STATE_LABELS = {
    "submitted": "已受理",
    "returned": "退回补件",
    "approved": "已审批",
    "rejected": "拒付",
    "paid": "已支付",
    "voided": "已作废",
}
ACTION_LABELS = {
    "submit": "提交",
    "record": "记入台账",
    "approve": "审批",
    "return": "退回",
    "reject": "拒付",
    "pay": "支付",
    "void": "作废",
}

# (state now, action) -> the state after it; None = a case not recorded yet. Nothing else is allowed.
TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, "submit"): "submitted",
    (None, "record"): "approved",  # claim calc --record: the office settles a computed file
    ("returned", "submit"): "submitted",  # re-submitted with what was missing
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "returned",
    ("submitted", "reject"): "rejected",
    ("approved", "pay"): "paid",
    ("approved", "void"): "voided",
}

# What a refused action is told, by the state the case is in.
_WHY = {
    "submitted": "待审批的案件只能审批、退回或拒付",
    "returned": "退回补件的案件须补齐材料后重新提交（xjma claim submit）",
    "approved": "已审批的案件只能支付，或在支付前作废（xjma claim void）",
    "rejected": "已拒付的案件不再变更",
    "paid": "已支付的案件不再变更",
    "voided": "已作废的案件不再变更",
}


@dataclass(frozen=True)
class Refusal:
    """A transition the table does not allow, in one Chinese sentence."""

    message: str


def transition(current: str | None, action: str, case: int | None = None) -> str | Refusal:
    """The state after `action` on a case in state `current` (None: not recorded yet), or a Refusal."""
    after = TRANSITIONS.get((current, action))
    if after is not None:
        return after
    which = f"第 {case} 号案件" if case is not None else "该案件"
    if current is None:
        return Refusal(f"{which}不存在，不能{ACTION_LABELS.get(action, action)}")
    state = STATE_LABELS.get(current, current)
    return Refusal(f"{which}{state}，不能{ACTION_LABELS.get(action, action)}：{_WHY.get(current, '')}")


def paid_note(paid_on: dt.date) -> str:
    """The note of a `paid` event: the date the bank paid (claim pay --confirm --paid-on)."""
    return f"支付日期 {paid_on.isoformat()}"


def counts_against_caps(state: str) -> bool:
    return state in COUNTING


@dataclass(frozen=True)
class CaseEvent:
    """One transition as recorded (case_events)."""

    id: int
    state: str
    at: dt.datetime
    operator: str
    note: str | None = None
    payout: Decimal | None = None  # submitted: provisional; approved: fixed
    paid_on: dt.date | None = None
    payment_batch: int | None = None
    submission: int | None = None  # submitted: the submission it came in
    # submitted: the materials handed in with it; approved: the materials waived (--waive)
    materials: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CaseFacts:
    """What a case was recorded with, besides its claim (case_details; empty for a case of schema v4),
    and the member's name as the claims file gave it (kept with the claim's inputs)."""

    name: str = ""
    submission: int | None = None
    prefecture: str = ""
    unit: str = ""
    payee: str | None = None
    payee_relation: str | None = None
    bank: str | None = None
    account: str | None = None
    materials: tuple[str, ...] = ()
    payer: str | None = None  # None: the office; "一单结算": a record of the medical-insurance platform
    settlement_no: str | None = None  # 结算编号 of a platform record (unique)
    payment_batch: int | None = None  # the payment batch it was put in (payment_items), confirmed or not


@dataclass(frozen=True)
class CaseView:
    """A case as its events make it."""

    case: int
    state: str
    amount: Decimal | None  # latest approved payout; None while never approved
    provisional: Decimal | None  # latest submitted payout
    submission: int | None
    payment_batch: int | None
    materials: tuple[str, ...]  # handed in (the latest submission's)
    history: tuple[CaseEvent, ...]
    waived: tuple[str, ...] = ()  # materials an approval waived

    @property
    def payout(self) -> Decimal:
        """The amount to show: fixed once approved, else the provisional one."""
        if self.amount is not None:
            return self.amount
        return self.provisional if self.provisional is not None else Decimal("0.00")

    @property
    def counts(self) -> bool:
        return counts_against_caps(self.state)


def case_view(case: int, events: Sequence[CaseEvent], facts: CaseFacts | None = None) -> CaseView:
    """The case from its events (any order; the highest id is the latest) and its recorded facts."""
    if not events:
        raise ValueError(f"case {case} has no events")
    ordered = sorted(events, key=lambda e: e.id)
    facts = facts or CaseFacts()
    approved = [e for e in ordered if e.state == "approved"]
    submitted = [e for e in ordered if e.state == "submitted"]
    paid = [e for e in ordered if e.state == "paid"]
    last_submitted = submitted[-1] if submitted else None
    materials = facts.materials
    if last_submitted is not None and last_submitted.materials is not None:
        materials = last_submitted.materials
    submission = facts.submission
    if last_submitted is not None and last_submitted.submission is not None:
        submission = last_submitted.submission
    return CaseView(
        case=case,
        state=ordered[-1].state,
        amount=approved[-1].payout if approved else None,
        provisional=last_submitted.payout if last_submitted else None,
        submission=submission,
        payment_batch=paid[-1].payment_batch if paid else facts.payment_batch,
        materials=tuple(materials),
        history=tuple(ordered),
        waived=tuple(sorted({m for e in approved for m in e.materials or ()})),
    )


def amount_change_note(before: Decimal | None, after: Decimal) -> str | None:
    """What an approval says when the recomputed amount differs from the submitted one."""
    if before is None or before == after:
        return None
    return f"审批时按台账重新计算，金额由 {before:,.2f} 元改为 {after:,.2f} 元"
