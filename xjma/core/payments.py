"""Who a payment batch pays and how much (office.md §5 `claim pay`): the rules, pure.

- A case is paid to the member, or, for a death (an accidental death, a death after a disability
  claim, a sudden death: `core.claims.engine.is_death`), to the 直系亲属 named in the claims file
  (收款人, 与会员关系). A death case with no named payee is left out of the batch with a warning, so is a
  case without 开户行 or 收款账号, and a case approved at 0.00 (nothing to transfer).
- An account is digits; spaces between groups of digits are dropped. Any other account refuses the
  whole batch (bad input: the clerk corrects the file, nothing is recorded).
- The batch lists its cases by 地州市, unit, then case number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from xjma.core.claims.engine import is_death
from xjma.core.claims.model import Claim

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PayCandidate:
    """An approved, unpaid case not in an unconfirmed batch, as the ledger holds it."""

    case: int
    claim: Claim
    member: str  # the member's name ("" when the ledger has none)
    amount: Decimal  # the payout of its latest approved event
    approved_at: dt.datetime
    prefecture: str
    unit: str
    payee: str | None
    relation: str | None
    bank: str | None
    account: str | None


@dataclass(frozen=True)
class PayItem:
    """One line of the bank transfer list (and one 给付通知)."""

    candidate: PayCandidate
    payee: str
    relation: str  # 本人 for the member
    bank: str
    account: str  # digits only, whole (masked everywhere but the bank file)

    @property
    def case(self) -> int:
        return self.candidate.case

    @property
    def amount(self) -> Decimal:
        return self.candidate.amount


@dataclass(frozen=True)
class PayPlan:
    items: tuple[PayItem, ...]
    left_out: tuple[tuple[int, str], ...]  # (case, why): warnings
    bad_accounts: tuple[int, ...]  # cases whose account is not digits: the batch is refused

    @property
    def amount(self) -> Decimal:
        return sum((i.amount for i in self.items), ZERO)


SELF = "本人"


def account_digits(value: str | None) -> str | None:
    """The account without the spaces between its groups; None when it holds anything but digits."""
    text = "".join((value or "").split())
    return text if text.isdigit() and text.isascii() else None


def plan_payments(candidates: Sequence[PayCandidate]) -> PayPlan:
    """The batch: each case paid to its payee, or left out (with why), or refused for its account."""
    items: list[PayItem] = []
    left_out: list[tuple[int, str]] = []
    bad: list[int] = []
    for c in sorted(candidates, key=lambda c: (c.prefecture, c.unit, c.case)):
        why = _left_out_because(c)
        if why is not None:
            left_out.append((c.case, why))
            continue
        account = account_digits(c.account)
        if account is None:
            bad.append(c.case)
            continue
        payee, relation = _payee(c)
        items.append(PayItem(c, payee, relation, (c.bank or "").strip(), account))
    return PayPlan(tuple(items), tuple(left_out), tuple(bad))


def _left_out_because(c: PayCandidate) -> str | None:
    if c.amount <= 0:
        return "审批给付金额为 0，无需转账"
    if is_death(c.claim) and not (c.payee or "").strip():
        return "身故案件须由直系亲属领取，理赔明细表未填写收款人（与会员关系）"
    if not (c.bank or "").strip():
        return "未填写开户行"
    if not "".join((c.account or "").split()):
        return "未填写收款账号"
    return None


def _payee(c: PayCandidate) -> tuple[str, str]:
    """The member, or for a death the named relative."""
    if is_death(c.claim):
        return (c.payee or "").strip(), (c.relation or "").strip() or "直系亲属"
    return c.member or (c.payee or "").strip(), SELF
