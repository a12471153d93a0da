"""`xjma claims summary` (office.md §6) on both backends, against a small ledger computed by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from case_fixtures import Step, add_case, at
from conftest import make_id
from history_helpers import A, B, C, figures, x

D = make_id("19700101", 14, female=False)
UNIT_A, UNIT_C = "乌鲁木齐第一中学", "新疆天山建设集团有限公司"


def decided(submitted: str, state: str, when: dt.datetime, **kw: object) -> list[Step]:
    return [Step("submitted", at(submitted)), Step(state, when, **kw)]  # type: ignore[arg-type]


def paid(day: str) -> Step:
    """Paid on `day`, confirmed two days later: the month is that of the paid date."""
    return Step("paid", at(day) + dt.timedelta(days=2), paid_on=dt.date.fromisoformat(day), batch=1)


@pytest.fixture
def ledger(ledger_target: str) -> str:
    """2026, approved (paid included): 4 cases, 3 members (A, B, C), 24,500.00 — 乌鲁木齐市 3 cases,
    2 members, 21,500.00; 巴州 1, 1, 3,000.00; March 2 cases 1,500.00, May 2 cases 23,000.00. Paid in
    2026: A's 500.00 (April 29, confirmed May 1) and B's 20,000.00 (May 30, confirmed June 1). Left out: one approved in 2025 and one in 2027, one
    voided. Rejected in 2026: 1; open (submitted or returned) in 2026: 2."""
    db = ledger_target
    x("db", "init", "--db", db)
    add_case(
        db,
        A,
        amount="1000.00",
        event_date="2026-03-01",
        steps=decided("2026-03-05", "approved", at("2026-03-10")),
    )
    add_case(db, A, amount="500.00", event_date="2026-03-02",
             steps=[*decided("2026-03-05", "approved", at("2026-03-20")), paid("2026-04-29")])  # fmt: skip
    add_case(db, B, amount="20000.00", plan="critical-illness", benefit="severe", event_date="2026-04-20",
             steps=[*decided("2026-04-25", "approved", at("2026-05-05")), paid("2026-05-30")])  # fmt: skip
    add_case(db, C, amount="3000.00", benefit="accident", event_date="2026-05-01", prefecture="巴州", unit=UNIT_C,
             steps=decided("2026-05-02", "approved", at("2026-05-31", 23)))  # fmt: skip
    add_case(db, C, amount="700.00", event_date="2026-12-20", prefecture="巴州", unit=UNIT_C,
             steps=decided("2026-12-25", "approved", dt.datetime(2027, 1, 1, 0, 0)))  # fmt: skip
    add_case(
        db,
        A,
        amount="800.00",
        event_date="2025-12-01",
        steps=decided("2025-12-05", "approved", at("2025-12-31", 23)),
    )
    add_case(db, D, amount="400.00", event_date="2026-07-01",
             steps=[*decided("2026-07-02", "approved", at("2026-08-01")), Step("voided", at("2026-08-02"))])  # fmt: skip
    add_case(
        db,
        D,
        amount="0.00",
        event_date="2026-05-10",
        steps=decided("2026-05-15", "rejected", at("2026-06-01")),
    )
    add_case(db, D, amount="120.00", event_date="2026-06-20", steps=[Step("submitted", at("2026-07-01"))])
    add_case(
        db,
        D,
        amount="130.00",
        event_date="2026-06-21",
        steps=decided("2026-06-25", "returned", at("2026-07-05")),
    )
    return db


def summary(db: str, *args: str, tmp: Path) -> dict:
    code, doc, out = x("claims", "summary", "--db", db, "--json", "-o", str(tmp / "s.xlsx"), *args)
    assert code == 0, out
    return doc


def test_a_year_by_month_of_approval_counts_approved_and_paid_cases(ledger, tmp_path):
    doc = summary(ledger, "--year", "2026", tmp=tmp_path)
    assert set(doc) == {"period", "state", "cases", "members", "amount", "rejected", "open", "by_prefecture",
                        "by_unit", "by_plan", "by_month"}  # fmt: skip
    assert (doc["period"], doc["state"]) == ("2026", "approved")
    assert (doc["cases"], doc["members"], doc["amount"]) == (4, 3, "24500.00")
    assert (doc["rejected"], doc["open"]) == (1, 2)
    assert doc["by_prefecture"] == [
        {"prefecture": "乌鲁木齐市", "cases": 3, "members": 2, "amount": "21500.00"},
        {"prefecture": "巴州", "cases": 1, "members": 1, "amount": "3000.00"},
    ]
    assert doc["by_unit"] == [
        {"unit": UNIT_A, "prefecture": "乌鲁木齐市", "cases": 3, "members": 2, "amount": "21500.00"},
        {"unit": UNIT_C, "prefecture": "巴州", "cases": 1, "members": 1, "amount": "3000.00"},
    ]
    assert doc["by_plan"] == [
        {"plan": "inpatient-accident", "benefit": "inpatient", "cases": 2, "members": 1, "amount": "1500.00"},
        {"plan": "inpatient-accident", "benefit": "accident", "cases": 1, "members": 1, "amount": "3000.00"},
        {"plan": "critical-illness", "benefit": "severe", "cases": 1, "members": 1, "amount": "20000.00"},
    ]
    months = {m["month"]: (m["cases"], m["amount"]) for m in doc["by_month"]}
    assert len(doc["by_month"]) == 12 and months["2026-01"] == (0, "0.00")
    assert months["2026-03"] == (2, "1500.00") and months["2026-05"] == (2, "23000.00")


def test_by_payment_only_paid_cases_count_in_the_month_of_their_paid_date(ledger, tmp_path):
    doc = summary(ledger, "--year", "2026", "--state", "paid", tmp=tmp_path)
    assert (doc["state"], doc["cases"], doc["members"], doc["amount"]) == ("paid", 2, 2, "20500.00")
    months = {m["month"]: (m["cases"], m["amount"]) for m in doc["by_month"]}
    assert months["2026-04"] == (1, "500.00") and months["2026-05"] == (1, "20000.00")
    assert months["2026-06"] == (0, "0.00")
    assert months["2026-03"] == (0, "0.00")


def test_a_month_counts_up_to_its_last_second_and_not_past_it(ledger, tmp_path):
    doc = summary(ledger, "--month", "2026-05", tmp=tmp_path)
    assert (doc["period"], doc["cases"], doc["amount"]) == ("2026-05", 2, "23000.00")
    assert doc["by_month"] == [{"month": "2026-05", "cases": 2, "amount": "23000.00"}]
    assert (doc["rejected"], doc["open"]) == (0, 0)
    assert summary(ledger, "--month", "2027-01", tmp=tmp_path)["amount"] == "700.00"
    assert summary(ledger, "--month", "2025-12", tmp=tmp_path)["amount"] == "800.00"


def test_rejected_and_open_cases_count_in_the_period_of_their_latest_event(ledger, tmp_path):
    assert (summary(ledger, "--month", "2026-06", tmp=tmp_path)["rejected"]) == 1
    assert summary(ledger, "--month", "2026-07", tmp=tmp_path)["open"] == 2
    assert summary(ledger, "--month", "2026-03", tmp=tmp_path)["open"] == 0  # submitted, then approved
    assert summary(ledger, "--month", "2026-08", tmp=tmp_path)["cases"] == 0  # the voided case


def test_the_summary_reads_only(ledger, tmp_path):
    before = figures(ledger)
    summary(ledger, "--year", "2026", tmp=tmp_path)
    assert figures(ledger) == before


def test_a_ledger_that_does_not_exist_reads_as_zeros_and_is_not_created(tmp_path):
    db = tmp_path / "none.db"
    doc = summary(str(db), "--year", "2026", tmp=tmp_path)
    assert (doc["cases"], doc["amount"], doc["by_prefecture"]) == (0, "0.00", [])
    assert not db.exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--year", "2026", "--state", "open"], "--state 只能是"),
        (["--year", "2026", "--month", "2026-01"], "--month YYYY-MM 或 --year YYYY"),
        (["--month", "2026-13"], "--month 应写成"),
        ([], "--month YYYY-MM 或 --year YYYY"),
    ],
)
def test_bad_options_are_refused_in_one_sentence(tmp_path, args, said):
    code, _, out = x("claims", "summary", "--db", str(tmp_path / "none.db"), *args)
    assert code == 2 and said in out


def test_the_terminal_summary_names_the_basis_and_the_figures(ledger, tmp_path):
    code, _, out = x("claims", "summary", "--db", ledger, "--year", "2026", "-o", str(tmp_path / "s.xlsx"))
    assert code == 0
    assert "按审批月份，含已支付" in out and "4 人次" in out and "24500.00" in out and "重大疾病" in out


def test_the_summary_at_80_columns_hides_nothing(ledger, tmp_path):
    from terminal80 import at_80_columns, hidden_behind_ellipsis, too_wide

    result = at_80_columns(
        ["claims", "summary", "--year", "2026", "--db", ledger, "-o", str(tmp_path / "s.xlsx")]
    )
    assert result.exit_code == 0, result.output
    assert hidden_behind_ellipsis(result.stdout) == [] and too_wide(result.stdout) == []
