"""The payment rules of core/payments.py and the account mask of core/privacy.py, both sides of each rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xjma.core.claims.model import Claim
from xjma.core.payments import PayCandidate, account_digits, plan_payments
from xjma.core.privacy import mask_account


def case(
    n: int, *, benefit: str = "inpatient", death: bool = False, amount: str = "100.00", **kw: object
) -> PayCandidate:
    claim = Claim("inpatient-accident", benefit, dt.date(2026, 12, 1), "650102198005011012", death=death)
    values = {"payee": None, "relation": None, "bank": "工商银行", "account": "6222000011112222", **kw}
    return PayCandidate(n, claim, "王伟", Decimal(amount), dt.datetime(2026, 12, 2), str(kw.get("prefecture", "乌鲁木齐市")),
                        "一中", values["payee"], values["relation"], values["bank"], values["account"])  # type: ignore[arg-type]  # fmt: skip


def test_a_living_member_is_paid_as_himself_whatever_payee_the_file_names():
    (item,) = plan_payments([case(1, payee="张三", relation="配偶")]).items
    assert (item.payee, item.relation) == ("王伟", "本人")


@pytest.mark.parametrize("kw", [{"benefit": "accident", "death": True}, {"benefit": "sudden-death"}])
def test_a_death_is_paid_to_the_named_relative(kw):
    (item,) = plan_payments([case(1, payee="王强", relation="儿子", **kw)]).items
    assert (item.payee, item.relation) == ("王强", "儿子")


def test_a_death_without_a_named_payee_is_left_out_with_why():
    plan = plan_payments([case(1, benefit="sudden-death"), case(2)])
    assert [i.case for i in plan.items] == [2]
    assert plan.left_out[0][0] == 1 and "收款人" in plan.left_out[0][1]


@pytest.mark.parametrize(
    ("kw", "why"),
    [
        ({"amount": "0.00"}, "为 0"),
        ({"bank": " "}, "开户行"),
        ({"account": None}, "收款账号"),
        ({"account": "  "}, "收款账号"),
    ],
)
def test_a_case_with_nothing_to_transfer_or_no_bank_details_is_left_out(kw, why):
    plan = plan_payments([case(1, **kw)])
    assert plan.items == () and why in plan.left_out[0][1] and plan.bad_accounts == ()


def test_spaces_between_the_groups_of_an_account_are_dropped_anything_else_refuses_it():
    assert account_digits("6222 0000 1111") == "622200001111"
    assert (
        account_digits("6222-0000") is None
        and account_digits("62２2") is None
        and account_digits("6222x") is None
    )
    plan = plan_payments([case(1, account="6222-0000-1111"), case(2)])
    assert plan.bad_accounts == (1,) and [i.case for i in plan.items] == [2]


def test_the_batch_is_ordered_by_prefecture_unit_and_case_and_adds_up():
    plan = plan_payments([case(3, amount="0.50"), case(1, prefecture="巴州"), case(2, amount="12.25")])
    assert [i.case for i in plan.items] == [2, 3, 1]  # 乌鲁木齐市 sorts before 巴州; then by case
    assert plan.amount == Decimal("112.75")


def test_an_account_is_masked_to_its_last_four_digits():
    assert mask_account("6222020200112233445") == "****3445"
    assert mask_account("6222 0202 0011 9988") == "****9988"
    assert mask_account("1234") == "****" and mask_account(None) == "****"
