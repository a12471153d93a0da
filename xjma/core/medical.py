"""一单结算 (office.md §8): a settlement record of the medical-insurance platform read as a plan 1 inpatient
claim, and the one rule that classes what xjma computed against what the platform paid. Pure.

Each record is exactly one class, decided in this order: `duplicate` (its 结算编号 seen before in the
file or already recorded), `not-enrolled` (no recorded plan 1 enrollment covers the admission date),
`voided` (only a voided one would), then by the amounts: `agree` (to the fen), `observation` (xjma pays
nothing: admitted in the observation period), `over-cap` (xjma cut the stay at the 大额 cap while the
platform paid it uncut: computed alone, or not cut at the cap at all, the stay pays what the platform
paid), else `differ`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from xjma.core.benefit_terms import InpatientTerms
from xjma.core.claims.engine import compute_claim
from xjma.core.claims.explain import Context, Invalid
from xjma.core.claims.model import Claim, ClaimResult
from xjma.core.claims.parse import parse_claim
from xjma.core.money import round_fen
from xjma.core.normalize import parse_date
from xjma.core.rules import Rules
from xjma.core.text import clean_text

PLAN = "inpatient-accident"
BENEFIT = "inpatient"
CLASSES = ("agree", "differ", "not-enrolled", "voided", "observation", "over-cap", "duplicate")
CLASS_LABELS = {
    "agree": "一致",
    "differ": "金额不一致",
    "not-enrolled": "未参保",
    "voided": "参保已作废",
    "observation": "观察期内",
    "over-cap": "超出大额限额",
    "duplicate": "重复结算",
}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Settlement:
    """One record of the platform's file, read: the claim xjma computes and what the platform paid."""

    row: int
    settlement_no: str
    name: str
    admitted: dt.date
    discharged: dt.date
    claim: Claim
    platform: Decimal  # 互助金支付

    @property
    def id_number(self) -> str:
        return self.claim.id_number or ""


@dataclass(frozen=True)
class Reconciled:
    """A settlement with its class, xjma's amount and how xjma got it."""

    settlement: Settlement
    cls: str
    xjma: Decimal
    steps: tuple[str, ...]
    result: ClaimResult | None = None  # None: not computed (duplicate, not enrolled, voided)


Headers = Mapping[str, str]  # field -> the header shown in messages


def read_settlement(
    values: Mapping[str, object],
    row: int,
    rules: Rules,
    is_remote: Callable[[str], bool | None],
    headers: Headers,
) -> Settlement:
    """A record of the file as a plan 1 inpatient claim (the admission date is its 出险日期, as in a claims
    file). Raises Invalid (one Chinese sentence) for a record that cannot be read."""
    number = clean_text(values.get("settlement_no"))
    if not number:
        raise Invalid(f"缺少{headers['settlement_no']}")
    admitted = _day(values, "admitted", headers)
    discharged = _day(values, "discharged", headers)
    if discharged < admitted:
        raise Invalid(
            f"{headers['discharged']} {discharged.isoformat()} 早于{headers['admitted']} {admitted.isoformat()}"
        )
    place = clean_text(values.get("place"))
    remote = is_remote(place)
    if remote is None:
        raise Invalid(
            f"{headers['place']}“{place}”无法识别，应为本地或异地（见 rules/medical.yaml 的 places）"
        )
    if not clean_text(values.get("id_number")):
        raise Invalid(f"没有填写{headers['id_number']}，请按身份证原件填写18位号码")
    claim, _ = parse_claim(_claim_row(values, admitted, remote), row, rules)
    return Settlement(
        row=row,
        settlement_no=number,
        name=clean_text(values.get("name")),
        admitted=admitted,
        discharged=discharged,
        claim=claim,
        platform=_amount(values.get("mutual_paid"), headers["mutual_paid"]),
    )


def _claim_row(values: Mapping[str, object], admitted: dt.date, remote: bool) -> dict[str, object]:
    """The record as a claims-file row (roster.md "Claims file"), read by core/claims/parse."""
    return {
        "id_number": values.get("id_number"),
        "plan": PLAN,
        "benefit": BENEFIT,
        "event_date": admitted,
        "pooled_self_pay": values.get("pooled_self_pay"),
        "pooled_fund_paid": values.get("pooled_fund_paid"),
        "major_self_pay": values.get("major_self_pay"),
        "remote": "是" if remote else "否",
        "cause": values.get("cause"),
    }


def _day(values: Mapping[str, object], key: str, headers: Headers) -> dt.date:
    raw = values.get(key)
    if raw is None or clean_text(raw) == "":
        raise Invalid(f"缺少{headers[key]}")
    found = parse_date(raw)
    if found is None:
        raise Invalid(f"{headers[key]}“{clean_text(raw)}”不是有效日期，请写成 2026-12-01 的形式")
    return found


def _amount(raw: object, header: str) -> Decimal:
    """What the platform paid: a non-negative amount, rounded half-up to the fen."""
    text = clean_text(raw)
    if raw is None or text == "":
        raise Invalid(f"缺少{header}")
    if isinstance(raw, bool):
        raise Invalid(f"{header}“{text}”不是金额")
    try:
        amount = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(text.replace(",", ""))
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
        return round_fen(amount)
    except InvalidOperation:
        raise Invalid(f"{header}“{text}”不是有效金额") from None


def classify(platform: Decimal, result: ClaimResult, uncut: Sequence[ClaimResult]) -> str:
    """The class of a computed record: `uncut` is the same stay as the platform may have paid it
    (as_platform_pays; empty when not needed: xjma paid at least what the platform paid)."""
    if result.payout == platform:
        return "agree"
    if "observation" in result.reasons:
        return "observation"
    if result.payout < platform and any(u.payout == platform for u in uncut):
        return "over-cap"
    return "differ"


def needs_uncut(platform: Decimal, result: ClaimResult) -> bool:
    """Whether classify needs the stay as the platform pays it: xjma capped it below what the platform
    paid."""
    return result.payout < platform and "capped" in result.reasons and "observation" not in result.reasons


def as_platform_pays(ctx: Context, claim: Claim) -> tuple[ClaimResult, ClaimResult]:
    """The stay computed as the platform, which knows nothing of the period's other stays, may pay it:
    with nothing paid before it in the period (cut at the 大额 cap on its own), and not cut at the 大额
    cap at all (a cap no larger than its own 大额段个人自付 never cuts: the rates are at most 100%).
    Raises Invalid as compute_claim."""
    terms = ctx.plan.benefits[BENEFIT]
    assert isinstance(terms, InpatientTerms)
    never_cuts = replace(terms, major_cap=max(claim.major_self_pay or ZERO, ZERO))
    uncapped = replace(ctx, plan=replace(ctx.plan, benefits={**ctx.plan.benefits, BENEFIT: never_cuts}))
    return compute_claim(ctx, [], claim), compute_claim(uncapped, [], claim)


def uncomputed(s: Settlement, cls: str, step: str) -> Reconciled:
    """A duplicate, not-enrolled or voided record: xjma pays nothing, for the reason in `step`."""
    return Reconciled(s, cls, ZERO, (step,))
