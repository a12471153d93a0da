"""Changes (批改, office.md §3): when a void or an ID-number correction is refused, decided once here.

Pure: the enrollments, the claims recorded against them and the rules' age limits are handed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from xjma.core.idnumber import age_on


@dataclass(frozen=True)
class RecordedEnrollment:
    """An enrollment as the ledger holds it, with its row id and fee."""

    id: int
    id_number: str
    plan: str
    start: dt.date
    end: dt.date
    fee: Decimal
    batch: int


@dataclass(frozen=True)
class RecordedClaim:
    """A recorded claim: against the enrollment of (member, plan) that starts on `period_start`.
    Claims recorded by `claim calc --record` are approved (office.md §5)."""

    id: int
    id_number: str
    plan: str
    period_start: dt.date
    state: str = "approved"


BLOCKING_STATES = frozenset({"approved", "paid"})


def claims_blocking_void(
    enrollments: Iterable[RecordedEnrollment], claims: Iterable[RecordedClaim]
) -> list[RecordedClaim]:
    """The approved or paid claims made against any of these enrollments: while there is one, the
    enrollment cannot be voided (void the claims first)."""
    keys = {(e.id_number, e.plan, e.start) for e in enrollments}
    return [c for c in claims if c.state in BLOCKING_STATES and (c.id_number, c.plan, c.period_start) in keys]


def refund_total(enrollments: Iterable[RecordedEnrollment]) -> Decimal:
    return sum((e.fee for e in enrollments), Decimal("0.00"))


@dataclass(frozen=True)
class AgeLimits:
    """Who may hold a plan on S: the common age range, the female-only flag, and whether the upper age
    follows the statutory retirement date instead (plan 5)."""

    age_min: int
    age_max: int
    female_only: bool
    delayed_retirement: bool = False


def id_move_refusal(
    moving: Sequence[RecordedEnrollment],
    held: Sequence[RecordedEnrollment],
    birth: dt.date,
    female: bool,
    limits: dict[str, AgeLimits],
) -> str | None:
    """Why the enrollments `moving` (of the old ID) cannot move to a new ID born on `birth`, holding
    `held` already: an overlapping enrollment of the same plan, or one the new birth date or gender would
    make ineligible. None when they can move. The sentence names the enrollment."""
    for e in moving:
        clash = next((h for h in held if h.plan == e.plan and h.start <= e.end and e.start <= h.end), None)
        if clash is not None:
            return (
                f"新身份证号码已有{_plan(e.plan)}在 {clash.start.isoformat()} 至 {clash.end.isoformat()} 的参保记录，"
                f"与 {e.start.isoformat()} 起的参保期重叠"
            )
        reason = _ineligible(e, birth, female, limits.get(e.plan))
        if reason is not None:
            return f"按新身份证号码，{e.start.isoformat()} 起的{_plan(e.plan)}参保记录{reason}，请先作废该参保记录"
    return None


def _plan(code: str) -> str:
    """A plan as a clerk reads it in a sentence: its short Chinese name (“女职工特殊疾病”), not its code."""
    from xjma.core.columns import PLAN_SHORT

    return f"“{PLAN_SHORT.get(code, code)}”"


def _ineligible(e: RecordedEnrollment, birth: dt.date, female: bool, limits: AgeLimits | None) -> str | None:
    if limits is None:
        return None
    if limits.female_only and not female:
        return "只限女职工参加，而新号码为男性"
    age = age_on(birth, e.start)
    if age < limits.age_min or (age > limits.age_max and not limits.delayed_retirement):
        return f"在保障起始日的年龄 {age} 周岁不在 {limits.age_min}–{limits.age_max} 周岁之间"
    return None
