"""Where and by when a unit pays its fees (rules/office.yaml), as the 缴费通知 prints them (documents.md).

The office sets the payee and its account; until it does, the file holds the placeholder PLACEHOLDER,
which the notice prints as it stands. 缴费期限 is `payment_days` after the notice's date, that day counted
as the first (15 days: a notice of 2026-12-01 is due by 2026-12-15).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xjma.core.schema_reader import KeyPathReader
from xjma.errors import RulesError

PLACEHOLDER = "（待办事处设置）"


@dataclass(frozen=True)
class Payee:
    name: str  # 收款单位
    bank: str  # 开户银行
    account: str  # 账号 (text: leading zeros and spaces kept)

    @property
    def is_set(self) -> bool:
        """False while any value is still the office's placeholder."""
        return PLACEHOLDER not in (self.name, self.bank, self.account)


@dataclass(frozen=True)
class PaymentTerms:
    payee: Payee
    payment_days: int

    def deadline(self, notice_date: dt.date) -> dt.date:
        """缴费期限: the last day to pay, `payment_days` days counting the notice's date as day 1."""
        return notice_date + dt.timedelta(days=self.payment_days - 1)


def parse_payment_terms(data: object, source: str = "") -> PaymentTerms:
    """Validate parsed office.yaml; every problem names its key path (like plans.yaml)."""
    r = KeyPathReader()
    top = r.mapping(data, "", required=("schema", "payee", "payment_days")) or {}
    if top and top.get("schema") != 1:
        r.error("schema", f"应为 1：{top.get('schema')!r}")
    raw = r.mapping(top.get("payee"), "payee", required=("name", "bank", "account")) if top else None
    payee = raw or {}
    account = payee.get("account")
    if isinstance(account, (int, float)) and not isinstance(account, bool):
        r.error("payee.account", "账号请写成带引号的字符串，以免丢失开头的 0 或被截断")
        account = str(account)
    terms = PaymentTerms(
        payee=Payee(
            name=r.text(payee.get("name"), "payee.name") if raw else "",
            bank=r.text(payee.get("bank"), "payee.bank") if raw else "",
            account=r.text(account, "payee.account") if raw else "",
        ),
        payment_days=r.count(top.get("payment_days"), "payment_days", minimum=1) if top else 1,
    )
    if r.problems:
        raise RulesError(r.problems, source)
    return terms
