"""Statutory retirement date of men under the 2025 delayed-retirement law (rules.md §1)."""

import datetime as dt

import pytest

from xjma.core.retirement import add_months, delay_months, statutory_retirement_date
from xjma.core.rules import Retirement
from xjma.io.rules_file import load_rules

LAW = Retirement(base_years=60, law_start=(1965, 1), months_per_step=4, max_delay_months=36)

VECTORS = [
    ("1964-12-31", 0, "2024-12-31", "born the month before the law's start: no delay"),
    ("1965-01-15", 1, "2025-02-15", "born in the law's first month: one month"),
    ("1965-04-30", 1, "2025-05-30", "the fourth month of birth still gets one month"),
    ("1965-05-01", 2, "2025-07-01", "the fifth month of birth gets two months"),
    ("1965-12-10", 3, "2026-03-10", "born December 1965: three months (rules.md check vector)"),
    ("1970-05-20", 17, "2031-10-20", "born May 1970: n = 64, seventeen months (rules.md example)"),
    ("1976-08-15", 35, "2039-07-15", "born August 1976: n = 139, one month short of the cap"),
    ("1976-09-30", 36, "2039-09-30", "born September 1976: n = 140 reaches the 36-month cap"),
    ("1976-12-01", 36, "2039-12-01", "born after the cap month: still 36 months"),
    ("1980-03-04", 36, "2043-03-04", "born 1980: capped at 36 months, retires at 63"),
    ("1965-11-30", 3, "2026-02-28", "a 30th landing in a common February is clamped to the 28th"),
    ("1967-06-30", 8, "2028-02-29", "a 30th landing in a leap February is clamped to the 29th"),
    ("1966-10-31", 6, "2027-04-30", "a 31st landing in a 30-day month is clamped to the 30th"),
    ("1967-07-31", 8, "2028-03-31", "a 31st landing in a 31-day month keeps its day"),
    ("1964-02-29", 0, "2024-02-29", "a 29 February birth without delay retires on 29 February"),
]


@pytest.mark.parametrize(("birth", "delay", "retires", "name"), VECTORS, ids=[v[3] for v in VECTORS])
def test_statutory_retirement_date(birth, delay, retires, name):
    born = dt.date.fromisoformat(birth)
    assert delay_months(born, LAW) == delay
    assert statutory_retirement_date(born, LAW) == dt.date.fromisoformat(retires)


def test_the_shipped_rules_carry_the_same_law():
    law = load_rules().common.retirement
    assert law == LAW
    assert statutory_retirement_date(dt.date(1970, 5, 20), law) == dt.date(2031, 10, 20)


def test_the_law_numbers_come_from_the_rules_not_from_code():
    faster = Retirement(base_years=60, law_start=(1965, 1), months_per_step=2, max_delay_months=12)
    assert statutory_retirement_date(dt.date(1970, 5, 20), faster) == dt.date(2031, 5, 20)


@pytest.mark.parametrize(
    ("day", "months", "moved"),
    [
        ("2025-12-15", 1, "2026-01-15"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-01-31", 13, "2026-02-28"),
        ("2025-03-31", 0, "2025-03-31"),
    ],
    ids=[
        "across the year end",
        "into a leap February",
        "more than a year into a common February",
        "zero months",
    ],
)
def test_add_months(day, months, moved):
    assert add_months(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(moved)
