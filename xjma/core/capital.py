"""Amounts in Chinese capital numerals (中文大写金额) for the payment notice (cli.md enroll, 缴费通知).

Rules of the People's Bank 《支付结算办法》 附件一《正确填写票据和结算凭证的基本规定》:
- 元, not 圆; 壹拾 at the head (壹拾万, not 拾万).
- "整" after 元 when there is neither 角 nor 分. The rules let 整 be left out after 角; we leave it out
  (12345678.90 -> …捌元玖角), and never write it after 分.
- One 零 for each run of zeros that stands between two non-zero digits, across 亿/万/元 groups and into
  角/分. Where the rules make 零 optional (a run ending at the 万位 before a non-zero 仟位, or at the 元位
  before a non-zero 角位: 1680.32, 105000.00) we write it, but only once (cli.md): when both the 万 and
  the 元 position could take it, it is written at the 元 position, as in the People's Bank example
  107000.53 -> 壹拾万柒仟元零伍角叁分. A zero 角 before a non-zero 分 always takes 零.
"""

from __future__ import annotations

from decimal import Decimal

from xjma.core.money import to_fen

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP = ("", "拾", "佰", "仟")  # place inside a group of four integer digits
_GROUPS = ("元", "万", "亿")  # indexed by (position - 2) // 4
_LIMIT_FEN = 10**14  # 1e12 yuan: the 亿 group holds four digits at most


def _place(position: int) -> str:
    """Unit written after a non-zero digit; position 0 = 分, 1 = 角, 2 = 元, 3 = 拾 …"""
    if position < 2:
        return "分" if position == 0 else "角"
    return _IN_GROUP[(position - 2) % 4]


def capital_amount(amount: Decimal) -> str:
    """壹仟零叁拾伍元整 for 1035.00; rounded half-up to the fen first. Negative or >= 1e12: ValueError."""
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"金额必须是非负数：{amount}")
    fen = to_fen(amount)
    if fen >= _LIMIT_FEN:
        raise ValueError(f"金额过大（须小于一万亿元）：{amount}")
    if fen == 0:
        return "零元整"
    digits = str(fen).rjust(3, "0")
    skip_wan = _optional_zero_at(digits, 2) and _optional_zero_at(digits, 6)
    parts: list[str] = []
    zero_pending = started = group_used = False
    for i, char in enumerate(digits):
        position = len(digits) - 1 - i
        if char != "0":
            zero = zero_pending and not (skip_wan and position == 5)
            parts.append(("零" if zero else "") + _DIGITS[int(char)] + _place(position))
            zero_pending, started, group_used = False, True, True
        elif started:
            zero_pending = True  # written only if a non-zero digit follows
        if position == 2 and fen >= 100:  # 元 closes any non-zero integer part (20000.50 -> 贰万元零伍角)
            parts.append("元")
        elif position > 2 and (position - 2) % 4 == 0:  # end of the 亿 or 万 group: named if used
            if group_used:
                parts.append(_GROUPS[(position - 2) // 4])
            group_used = False
    if fen % 100 == 0:
        parts.append("整")
    return "".join(parts)


def _optional_zero_at(digits: str, position: int) -> bool:
    """Whether a run of zeros ends at `position` (元位 2 or 万位 6) before a non-zero digit just below
    it, with a non-zero digit above the run: the People's Bank makes that 零 optional."""
    index = len(digits) - 1 - position
    if index <= 0 or digits[index] != "0" or digits[index + 1] == "0":
        return False
    return any(d != "0" for d in digits[:index])
