"""The counting rules of core/claims_summary.py: distinct members per group, ordering, zero months."""

from __future__ import annotations

from decimal import Decimal

from xjma.core.claims_summary import UNFILLED, CaseLine, summarise

MONTHS = ["2026-01", "2026-02", "2026-03"]


def line(member: str, plan: str = "inpatient-accident", benefit: str = "inpatient", prefecture: str = "巴州",
         unit: str = "一中", month: str = "2026-01", fen: int = 10_000) -> CaseLine:  # fmt: skip
    return CaseLine(member, plan, benefit, prefecture, unit, month, fen)


def test_a_member_with_two_cases_counts_twice_as_cases_once_as_a_member():
    f = summarise([line("A"), line("A", month="2026-02"), line("B")], MONTHS, 0, 0)
    assert (f.cases, f.members, f.amount) == (3, 2, Decimal("300.00"))
    (pref,) = f.by_prefecture
    assert (pref.cases, pref.members) == (3, 2)


def test_a_member_in_two_prefectures_counts_in_each_and_once_in_the_total():
    f = summarise([line("A"), line("A", prefecture="昌吉州")], MONTHS, 0, 0)
    assert f.members == 1 and [g.members for g in f.by_prefecture] == [1, 1]


def test_groups_are_ordered_by_amount_and_unfilled_comes_after_an_equal_amount():
    f = summarise(
        [line("A", prefecture=""), line("B", prefecture="阿勒泰地区"), line("C", fen=5)], MONTHS, 0, 0
    )
    assert [g.key[0] for g in f.by_prefecture] == ["阿勒泰地区", UNFILLED, "巴州"]


def test_plans_come_in_their_fixed_order_and_benefits_in_theirs():
    lines = [line("A", "critical-illness", "severe"), line("B", benefit="accident"), line("C")]
    f = summarise(lines, MONTHS, 0, 0)
    assert [g.key for g in f.by_plan] == [
        ("inpatient-accident", "inpatient"),
        ("inpatient-accident", "accident"),
        ("critical-illness", "severe"),
    ]


def test_every_month_of_the_period_is_listed_with_zeros():
    f = summarise([line("A", month="2026-02", fen=123)], MONTHS, 4, 5)
    assert [(g.key[0], g.cases, g.amount) for g in f.by_month] == [
        ("2026-01", 0, Decimal("0.00")),
        ("2026-02", 1, Decimal("1.23")),
        ("2026-03", 0, Decimal("0.00")),
    ]
    assert (f.rejected, f.open) == (4, 5)
