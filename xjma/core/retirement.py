"""Statutory retirement date of a man under the 2025 gradual delayed-retirement law (rules.md §1).

《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》 (2024): from 2025-01 the
retirement age of men rises from 60 by one month every four months of birth, up to 63. The
numbers (60 years, law start 1965-01, 4 months per step, 36 months at most) come from
rules.common.retirement in plans.yaml. Women retire before 60 in every category, so plan 5's
exception (rules.md §1) only ever asks for the men's date.
"""

from __future__ import annotations

import calendar
import datetime as dt

from xjma.core.rules import Retirement


def delay_months(birth: dt.date, law: Retirement) -> int:
    """min(n // months_per_step + 1, max_delay_months), n = months from the law's start to the birth month.

    Born before the start month: no delay. 1965-01 -> 1, 1965-05 -> 2, 1970-05 (n = 64) -> 17.
    """
    start_year, start_month = law.law_start
    n = (birth.year - start_year) * 12 + (birth.month - start_month)
    if n < 0:
        return 0
    return min(n // law.months_per_step + 1, law.max_delay_months)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the last day of a shorter month (08-31 + 6 -> 02-28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def statutory_retirement_date(birth: dt.date, law: Retirement) -> dt.date:
    """Birth date moved by base years + delay months (day clamped): 1970-05-20 -> 2031-10-20."""
    return add_months(birth, law.base_years * 12 + delay_months(birth, law))
