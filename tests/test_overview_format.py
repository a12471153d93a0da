"""The overview's pure rules (core/overview, office.md §7): the brochure's sentence (YAML cases named as
sentences, both sides of each boundary), the earned fee rounded once per figure, the ratios."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from xjma.core.overview import (
    Figures,
    count_text,
    earned_fee,
    money_text,
    ratio,
    round_fen_fraction,
    sentence,
    window_label,
)
from xjma.core.renewals import Ratio

CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "overview_sentence.yaml").read_text(encoding="utf-8")
)


def _figures(case: dict) -> Figures:
    return Figures(
        units=case["units"],
        members=case["members"],
        enrollments=0,
        fees=Decimal("0.00"),
        earned_fees=Decimal("0.00"),
        beneficiary_cases=case["cases"],
        beneficiary_members=0,
        payouts=Decimal(case["payouts"]),
        renewal=Ratio(0, 0),
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_sentence(case: dict) -> None:
    lo = case.get("from", dt.date(2026, 1, 1))
    hi = case.get("to", dt.date(2026, 12, 31))
    label = window_label(lo, hi, bool(case.get("cumulative")))
    assert sentence(_figures(case), label) == case["sentence"]


def test_the_boundaries_one_by_one() -> None:
    assert (count_text(9999), count_text(10000)) == ("9999", "1.00万")
    assert (money_text(Decimal("99999.99")), money_text(Decimal("100000"))) == ("99999.99元", "10.0万元")
    assert money_text(Decimal("7700")) == "7700.00元"


def test_earned_fee_is_rounded_once_not_per_part() -> None:
    # Two enrollments each earning half a fen: exactly 1 fen in all (rounding each would give 2).
    assert earned_fee([(1, 2), (1, 2)]) == Decimal("0.01")
    # 11000 fen over 365 days, 31 of them in the window: 934.246… fen -> 9.34 元.
    assert earned_fee([(11000 * 31, 365)]) == Decimal("9.34")
    # Half a fen rounds up; just under does not.
    assert round_fen_fraction(Fraction(5, 2)) == Decimal("0.03")
    assert round_fen_fraction(Fraction(249, 100)) == Decimal("0.02")
    assert earned_fee([]) == Decimal("0.00")


def test_ratios_have_four_places_and_none_without_denominator() -> None:
    assert ratio(Decimal("1250.00"), Decimal("339.20")) == Decimal("3.6851")
    assert ratio(Decimal("2"), Decimal("3")) == Decimal("0.6667")
    assert ratio(Decimal("1"), Decimal("0.00")) is None


def test_units_are_named_units_and_rows_without_one_count_none() -> None:
    from xjma.core.overview import CoverGroup, LedgerFigures, overview
    from xjma.core.renewals import RenewalRatios

    cover = [
        CoverGroup("巴州", "inpatient-accident", "某单位", 365, 2, 11000 * 365 * 2),
        CoverGroup("巴州", "critical-illness", "某单位", 365, 1, 4000 * 365),
        CoverGroup("巴州", "inpatient-accident", "", 365, 1, 11000 * 365),  # no unit written
    ]
    ledger = LedgerFigures(cover=cover, members={}, cases=(), case_members={}, fees={})
    none = RenewalRatios(Ratio(0, 0), {}, {})
    window = (dt.date(2026, 1, 1), dt.date(2026, 12, 31), False)
    result = overview(ledger, none, window, ["巴州"], ["inpatient-accident"], "未填写")
    assert (result.total.units, result.total.enrollments, result.total.earned_fees) == (
        1,
        4,
        Decimal("370.00"),
    )
    assert [(name, f.units) for name, f in result.by_plan] == [
        ("inpatient-accident", 1),
        ("critical-illness", 1),
    ]
