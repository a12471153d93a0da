"""rules/office.yaml: the payee of the 缴费通知 and the payment days, validated with key paths."""

import datetime as dt

import pytest

from xjma.core.payment_terms import PLACEHOLDER, parse_payment_terms
from xjma.errors import RulesError
from xjma.io.office_file import load_payment_terms

GOOD = {"schema": 1, "payee": {"name": "甲", "bank": "乙", "account": "0029"}, "payment_days": 15}


def test_the_packaged_file_holds_clear_placeholders_until_the_office_sets_them():
    terms = load_payment_terms()
    assert (terms.payee.name, terms.payee.bank, terms.payee.account) == (PLACEHOLDER,) * 3
    assert not terms.payee.is_set
    assert terms.payment_days == 15


def test_a_payee_the_office_filled_in_is_set():
    assert parse_payment_terms(GOOD).payee.is_set


@pytest.mark.parametrize(
    ("days", "notice", "deadline"),
    [(15, "2026-12-01", "2026-12-15"), (1, "2026-12-01", "2026-12-01"), (15, "2026-12-20", "2027-01-03")],
)
def test_the_deadline_is_payment_days_counting_the_notice_date_as_the_first(days, notice, deadline):
    terms = parse_payment_terms({**GOOD, "payment_days": days})
    assert terms.deadline(dt.date.fromisoformat(notice)) == dt.date.fromisoformat(deadline)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"payment_days": 0}, "payment_days: 不能小于 1"),
        ({"payment_days": "15"}, "payment_days: 应为整数"),
        ({"payee": {"name": "甲", "bank": "乙"}}, "payee.account: 缺少"),
        ({"payee": {"name": "甲", "bank": "", "account": "1"}}, "payee.bank: 应为非空文本"),
        (
            {"payee": {"name": "甲", "bank": "乙", "account": 6222000012345}},
            "payee.account: 账号请写成带引号",
        ),
        ({"payee": {"name": "甲", "bank": "乙", "account": "1", "iban": "x"}}, "payee.iban: 未知的键"),
        ({"schema": 2}, "schema: 应为 1"),
        ({"extra": 1}, "extra: 未知的键"),
    ],
)
def test_a_wrong_value_is_named_by_its_key_path(change, path):
    with pytest.raises(RulesError) as err:
        parse_payment_terms({**GOOD, **change})
    assert any(p.startswith(path) for p in err.value.problems), err.value.problems


def test_a_missing_block_is_named():
    with pytest.raises(RulesError) as err:
        parse_payment_terms({"schema": 1, "payment_days": 15})
    assert "payee: 缺少" in err.value.problems
