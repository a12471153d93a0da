"""Chinese capital numerals for amounts (PBOC 《支付结算办法》 附件一; cli.md enroll 缴费通知)."""

from decimal import Decimal

import pytest

from xjma.core.capital import capital_amount

VECTORS = [
    ("0.00", "零元整", "zero is 零元整"),
    ("0.05", "伍分", "only fen: no 元 and no leading 零"),
    ("0.50", "伍角", "only jiao: no 元 and no 整 after 角"),
    ("10.00", "壹拾元整", "ten is written 壹拾 at the head"),
    ("101.00", "壹佰零壹元整", "a zero between digits is 零"),
    ("1035.00", "壹仟零叁拾伍元整", "a zero hundreds digit is 零"),
    ("10000.00", "壹万元整", "trailing zeros are not written"),
    ("12345.00", "壹万贰仟叁佰肆拾伍元整", "no zero anywhere"),
    ("20000.50", "贰万元零伍角", "zero 元 digits before a 角 write the optional 零 after 元"),
    ("100010.05", "壹拾万零壹拾元零伍分", "zero 角 before 分 takes 零"),
    ("105000.00", "壹拾万零伍仟元整", "a zero 万 digit before 仟 writes the optional 零"),
    ("1000000.00", "壹佰万元整", "a million"),
    ("100000000.00", "壹亿元整", "an empty 万 group is not named"),
    ("100000001.00", "壹亿零壹元整", "one 零 across an empty 万 group"),
    ("1010101.01", "壹佰零壹万零壹佰零壹元零壹分", "zeros in every group"),
    ("12345678.90", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角", "no 整 after 角"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分", "PBOC example 1680.32 with the optional 零"),
    ("107000.53", "壹拾万柒仟元零伍角叁分", "PBOC example 107000.53 writes the optional 零 once, at 元"),
    ("107000.00", "壹拾万零柒仟元整", "an optional 零 at 万 alone is written"),
    ("107001.00", "壹拾万零柒仟零壹元整", "an optional 零 at 万 stays when the 元 零 is required"),
    ("107000.05", "壹拾万零柒仟元零伍分", "a required 零 before 分 keeps the optional 零 at 万"),
    ("6007.14", "陆仟零柒元壹角肆分", "PBOC example: several zeros make one 零"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分", "PBOC example 16409.02"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分", "the largest amount"),
    ("0.005", "壹分", "half a fen rounds up"),
    ("0.004", "零元整", "less than half a fen rounds down"),
    ("110", "壹佰壹拾元整", "an integer Decimal"),
]


@pytest.mark.parametrize(("amount", "capital", "name"), VECTORS, ids=[v[2] for v in VECTORS])
def test_capital_amount(amount, capital, name):
    assert capital_amount(Decimal(amount)) == capital


@pytest.mark.parametrize(
    "amount",
    ["-0.01", "1000000000000.00", "999999999999.995", "NaN", "Infinity"],
    ids=["negative", "one trillion", "rounds up to one trillion", "not a number", "infinite"],
)
def test_amounts_outside_the_range_are_refused(amount):
    with pytest.raises(ValueError):
        capital_amount(Decimal(amount))
