"""`xjma report overview` (office.md §7) against a small ledger computed by hand, on both backends.

The ledger (enrollments through the real `xjma enroll` and `xjma void`, cases written as case_tables.py
says by tests/overview_fixtures.py):

- 乌鲁木齐第一中学 (乌鲁木齐市), S 2026-12-01, E 2027-11-30 (365 days), paid 2026-11-20:
  A 住院+意外 110.00 + 重大疾病 40.00, B 住院+意外 110.00.
- 新疆天山建设集团有限公司 (巴州), S 2027-03-01, E 2028-02-29 (366 days), paid 2027-02-20:
  C 住院+意外 110.00, D 住院+意外 110.00 — D's voided, refunded on 2027-03-10.
- A renews 住院+意外: S 2027-12-01, E 2028-11-30 (366 days), paid 2027-11-25.

The window is 2027 (2027-01-01 … 2027-12-31). Days inside it: the school's 334 (to 2027-11-30), C's 306
(from 2027-03-01), A's renewal 31 (December). Earned fees: Σ fee × days inside ÷ days, exact, rounded
half-up to the fen once per figure (the total, each 地州市, each plan): the sum of the rows may differ from
the total by a fen. Loss ratio = payouts ÷ earned fees as shown, 4 places half-up.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import make_id, member, write_roster
from history_helpers import SCHOOL, TIANSHAN, A, B, C, figures, school_roster, x
from overview_fixtures import Event, insert_case

D = make_id("19750909", 13, female=True)
INPATIENT, CRITICAL = "inpatient-accident", "critical-illness"


def fen(amount: Fraction) -> Decimal:
    """Exact fen -> yuan, half-up to the fen (the rounding the overview promises, stated here again)."""
    return (Decimal(int(amount * 2 + 1) // 2) / 100).quantize(Decimal("0.01"))


def ratio4(a: Decimal, b: Decimal) -> str:
    return str((a / b).quantize(Decimal("0.0001"), ROUND_HALF_UP))


# Earned fen in 2027, by hand (fee in fen × days inside ÷ own days).
A_INP, A_CRIT, B_INP = Fraction(11000 * 334, 365), Fraction(4000 * 334, 365), Fraction(11000 * 334, 365)
C_INP, A_RENEWED = Fraction(11000 * 306, 366), Fraction(11000 * 31, 366)


def build(target: str, tmp_path: Path) -> None:
    def run(*args: str, today: str) -> None:
        code, _, out = x(*args, "--db", target, "--json", today=today)
        assert code == 0, out

    run("enroll", str(school_roster(tmp_path)), "--start", "2026-12-01", "--paid-on", "2026-11-20",
        today="2026-11-20")  # fmt: skip
    tianshan = write_roster(tmp_path / "天山.xlsx", [
        member(TIANSHAN, "巴州", "张强", C, 住院=1), member(TIANSHAN, "巴州", "赵丽", D, 住院=1),
    ])  # fmt: skip
    run("enroll", str(tianshan), "--start", "2027-03-01", "--paid-on", "2027-02-20", today="2027-02-20")
    run("void", "--id", D, "--plan", INPATIENT, "--reason", "重复登记", "--refund-on", "2027-03-10",
        today="2027-03-10")  # fmt: skip
    renewal = write_roster(tmp_path / "一中续保.xlsx", [member(SCHOOL, "乌鲁木齐市", "王伟", A, 住院=1)])
    run("enroll", str(renewal), "--start", "2027-12-01", "--paid-on", "2027-11-25", today="2027-11-25")
    _cases(target)


def _cases(target: str) -> None:
    urumqi, bazhou = {"prefecture": "乌鲁木齐市"}, {"prefecture": "巴州"}
    # Counted in 2027:
    insert_case(target, A, INPATIENT, "2026-12-01", [
        Event("submitted", "2027-03-01 09:00", 60000), Event("approved", "2027-03-05 10:00", 50000),
        Event("paid", "2027-03-20 10:00", paid_on="2027-03-20"),
    ], **urumqi)  # fmt: skip  # 500.00, paid: still counted by its approval
    insert_case(target, C, INPATIENT, "2027-03-01", [
        Event("submitted", "2027-04-01 09:00", 30000), Event("returned", "2027-04-01 12:00"),
        Event("submitted", "2027-04-01 15:00", 30000), Event("approved", "2027-04-02 10:00", 20000),
    ], **bazhou)  # fmt: skip  # 200.00: the approved amount, not the submitted one
    insert_case(target, A, INPATIENT, "2026-12-01", [
        Event("approved", "2026-12-28 10:00", 10000), Event("paid", "2027-01-05 10:00", paid_on="2027-01-05"),
    ], payer="一单结算", **urumqi)  # fmt: skip  # 100.00: 一单结算, by its paid date
    insert_case(target, A, CRITICAL, "2026-12-01", [
        Event("approved", "2027-12-31 23:30", 40000),
    ], **urumqi)  # fmt: skip  # 400.00 on the window's last day
    insert_case(target, C, INPATIENT, "2027-03-01", [
        Event("approved", "2027-07-01 10:00", 5000),
    ], details=False)  # fmt: skip  # 50.00, recorded before schema v5: 地州市 of its enrollment (巴州)
    # Not counted in 2027:
    insert_case(target, A, INPATIENT, "2026-12-01", [Event("approved", "2026-12-15 10:00", 7000)], **urumqi)
    insert_case(target, C, INPATIENT, "2027-03-01", [
        Event("approved", "2027-12-28 10:00", 9000), Event("paid", "2028-01-05 10:00", paid_on="2028-01-05"),
    ], payer="一单结算", **bazhou)  # fmt: skip  # paid in 2028
    insert_case(target, B, INPATIENT, "2026-12-01", [
        Event("approved", "2027-05-01 10:00", 30000), Event("voided", "2027-05-02 10:00"),
    ], **urumqi)  # fmt: skip
    insert_case(target, B, INPATIENT, "2026-12-01", [Event("submitted", "2027-06-01 10:00", 8000)], **urumqi)
    insert_case(target, B, INPATIENT, "2026-12-01", [
        Event("submitted", "2027-06-01 10:00", 8000), Event("rejected", "2027-06-02 10:00"),
    ], **urumqi)  # fmt: skip
    insert_case(target, A, CRITICAL, "2026-12-01", [Event("approved", "2028-01-01 00:10", 1000)], **urumqi)


def overview(target: str, *args: str, today: str = "2028-03-01") -> dict[str, Any]:
    code, doc, out = x("report", "overview", "--db", target, "--json", *args, today=today)
    assert code == 0, out
    return doc


def row(doc: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    return next(r for r in doc[f"by_{kind}"] if r[kind] == name)


@pytest.fixture
def ledger(ledger_target: str, tmp_path: Path) -> str:
    build(ledger_target, tmp_path)
    return ledger_target


def test_every_figure_of_the_year(ledger: str) -> None:
    before = figures(ledger)
    doc = overview(ledger, "--year", "2027")
    assert figures(ledger) == before  # a read command
    earned = fen(A_INP + A_CRIT + B_INP + C_INP + A_RENEWED)
    assert earned == Decimal("339.20")
    assert doc == {**doc, "from": "2027-01-01", "to": "2027-12-31"}
    assert {k: doc[k] for k in ("units", "members", "enrollments", "fees", "earned_fees")} == {
        "units": 2,  # the school and 天山 (D's voided enrollment is left out, C keeps 天山 in)
        "members": 3,  # A, B, C
        "enrollments": 5,  # A ×2 + A's renewal, B, C
        "fees": "220.00",  # paid in 2027: C 110 + D 110 + A's renewal 110, less D's refund 110
        "earned_fees": str(earned),
    }
    assert {k: doc[k] for k in ("beneficiary_cases", "beneficiary_members", "payouts")} == {
        "beneficiary_cases": 5,
        "beneficiary_members": 2,  # A and C
        "payouts": "1250.00",  # 500 + 200 + 100 + 400 + 50
    }
    assert doc["loss_ratio"] == ratio4(Decimal("1250.00"), earned) == "3.6851"
    assert doc["renewal_ratio"] == "0.3333"  # ended in 2027: A 住院, A 重疾, B 住院; A renewed 住院
    assert doc["sentence"] == "2027年发展会员单位2家，发展会员3人，受益会员达5人次，赔付互助金总额1250.00元"


def test_by_prefecture_and_by_plan(ledger: str) -> None:
    doc = overview(ledger, "--year", "2027")
    urumqi, bazhou = row(doc, "prefecture", "乌鲁木齐市"), row(doc, "prefecture", "巴州")
    u_earned, b_earned = fen(A_INP + A_CRIT + B_INP + A_RENEWED), fen(C_INP)
    assert (u_earned, b_earned) == (Decimal("247.23"), Decimal("91.97"))
    assert urumqi == {
        "prefecture": "乌鲁木齐市", "units": 1, "members": 2, "enrollments": 4, "fees": "110.00",
        "earned_fees": str(u_earned), "beneficiary_cases": 3, "beneficiary_members": 1, "payouts": "1000.00",
        "loss_ratio": ratio4(Decimal("1000.00"), u_earned), "renewal_ratio": "0.3333",
    }  # fmt: skip
    assert bazhou == {
        "prefecture": "巴州", "units": 1, "members": 1, "enrollments": 1, "fees": "110.00",
        "earned_fees": str(b_earned), "beneficiary_cases": 2, "beneficiary_members": 1, "payouts": "250.00",
        "loss_ratio": ratio4(Decimal("250.00"), b_earned), "renewal_ratio": None,
    }  # fmt: skip
    from xjma.io.prefectures import load_prefectures

    listed = [r["prefecture"] for r in doc["by_prefecture"]]
    assert listed == [p.short for p in load_prefectures().items]  # every 地州市, zero rows included
    empty = row(doc, "prefecture", "哈密市")
    assert (empty["units"], empty["earned_fees"], empty["loss_ratio"]) == (0, "0.00", None)
    inp, crit = row(doc, "plan", INPATIENT), row(doc, "plan", CRITICAL)
    i_earned, c_earned = fen(A_INP + B_INP + C_INP + A_RENEWED), fen(A_CRIT)
    assert inp == {
        "plan": INPATIENT, "units": 2, "members": 3, "enrollments": 4, "fees": "220.00",
        "earned_fees": str(i_earned), "beneficiary_cases": 4, "beneficiary_members": 2, "payouts": "850.00",
        "loss_ratio": ratio4(Decimal("850.00"), i_earned), "renewal_ratio": "0.5000",
    }  # fmt: skip
    assert crit == {
        "plan": CRITICAL, "units": 1, "members": 1, "enrollments": 1, "fees": "0.00",
        "earned_fees": str(c_earned), "beneficiary_cases": 1, "beneficiary_members": 1, "payouts": "400.00",
        "loss_ratio": ratio4(Decimal("400.00"), c_earned), "renewal_ratio": "0.0000",
    }  # fmt: skip


def test_cumulative_runs_from_the_first_recorded_day(ledger: str) -> None:
    doc = overview(ledger, "--year", "2027", "--cumulative")
    assert (doc["from"], doc["to"]) == ("2026-11-20", "2027-12-31")  # the school's payment date
    assert doc["fees"] == "480.00"  # 150 + 110 + 110 + 110 + 110 paid, less the refund of 110
    assert doc["earned_fees"] == str(fen(Fraction(26000) + C_INP + A_RENEWED))  # the school's fully earned
    assert (doc["beneficiary_cases"], doc["payouts"]) == (6, "1320.00")  # and the case of 2026-12-15
    assert doc["sentence"].startswith("累计发展会员单位2家，发展会员3人，受益会员达6人次")


def test_a_window_by_dates_and_the_default_year(ledger: str) -> None:
    doc = overview(ledger, "--from", "2026-12-01", "--to", "2026-12-31")
    # December 2026: the school only, 31 of 365 days; the case approved on 2026-12-15; paid in November.
    assert doc["earned_fees"] == str(fen(Fraction(26000 * 31, 365)))
    assert (doc["units"], doc["members"], doc["enrollments"], doc["fees"]) == (1, 2, 3, "0.00")
    assert (doc["beneficiary_cases"], doc["payouts"]) == (1, "70.00")
    assert doc["sentence"].startswith("2026-12-01至2026-12-31发展会员单位1家")
    assert overview(ledger, today="2027-06-30")["from"] == "2027-01-01"


@pytest.mark.parametrize(
    "args",
    [
        ("--year", "2027", "--from", "2027-01-01", "--to", "2027-02-01"),
        ("--from", "2027-01-01"),
        ("--from", "2027-03-01", "--to", "2027-01-01"),
        ("--year", "27"),
        ("--from", "2027-02-30", "--to", "2027-03-01"),
    ],
)
def test_bad_windows_are_refused(tmp_path: Path, args: tuple[str, ...]) -> None:
    code, doc, out = x("report", "overview", "--db", str(tmp_path / "l.db"), "--json", *args)
    assert code == 2, out
    assert doc is not None and doc["from"] is None and doc["by_prefecture"] == []


def test_an_empty_ledger_reads_as_zeros(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    doc = overview(str(db), "--year", "2027")
    assert (doc["units"], doc["earned_fees"], doc["loss_ratio"], doc["renewal_ratio"]) == (
        0,
        "0.00",
        None,
        None,
    )
    assert not db.exists()
    assert dt.date.fromisoformat(doc["to"]) == dt.date(2027, 12, 31)


def _cover_state(path: str) -> tuple[int, int, int, int]:
    """(watermark, newest enrollment id, enrollments counted in the totals, enrollments recorded)."""
    import sqlite3

    with sqlite3.connect(path) as con:
        watermark = con.execute("SELECT watermark FROM cover_totals_state").fetchone()[0]
        newest, recorded = con.execute("SELECT max(id), count(*) FROM enrollments").fetchone()
        counted = con.execute("SELECT sum(enrollments) FROM cover_totals").fetchone()[0]
    return watermark, newest, counted, recorded


def test_a_sqlite_ledger_keeps_cover_totals_that_agree_with_its_enrollments(tmp_path: Path) -> None:
    """Enroll and db copy keep the cover totals current (voided enrollments included: the overview takes
    them out); a ledger whose totals lag is counted from the enrollments, with the same figures."""
    import sqlite3

    target = str(tmp_path / "ledger.db")
    build(target, tmp_path)
    watermark, newest, counted, recorded = _cover_state(target)
    assert (watermark, counted) == (newest, recorded) and recorded == 6  # D's voided one counted too
    kept = [
        overview(target, *w) for w in (["--year", "2027"], ["--from", "2027-03-05", "--to", "2027-03-09"])
    ]
    copy = str(tmp_path / "copy.db")
    assert x("db", "copy", "--from", target, "--to", copy)[0] == 0
    assert _cover_state(copy)[:3] == _cover_state(target)[:3]
    with sqlite3.connect(target) as con:
        con.execute("UPDATE cover_totals_state SET watermark = 0")  # as if rows came by other means
    for doc, w in zip(
        kept, (["--year", "2027"], ["--from", "2027-03-05", "--to", "2027-03-09"]), strict=True
    ):
        assert overview(target, *w) == doc
        assert overview(copy, *w) == doc
