"""The claim totals a SQLite ledger keeps for `claims summary` (schema v9, io/ledger/claim_totals.py):
after every kind of case event, and after an ID number is corrected, they give exactly the figures
counted from the cases (io/ledger/claims_summary + core summarise); a ledger whose totals lag is
counted from the cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from case_fixtures import Step, add_case, at
from conftest import make_id
from history_helpers import A, B, C, x
from test_cases_cli import approve, claim, claims_file, stay, submit
from test_claims_summary import decided, paid

from xjma.core.claims_summary import ClaimsFigures, summarise
from xjma.io.ledger import open_ledger
from xjma.io.ledger.claim_totals import claim_totals_current, read_claim_figures, refresh_claim_totals
from xjma.io.ledger.claims_summary import case_lines, rejected_and_open

D = make_id("19700101", 14, female=False)
YEAR = [f"2026-{m:02d}" for m in range(1, 13)]
PERIODS = [("2026", YEAR, dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
           ("2026-05", ["2026-05"], dt.date(2026, 5, 1), dt.date(2026, 6, 1)),
           ("2026-03", ["2026-03"], dt.date(2026, 3, 1), dt.date(2026, 4, 1))]  # fmt: skip


def counted(db: str, state: str, lo: dt.date, hi: dt.date, months: list[str]) -> ClaimsFigures:
    with open_ledger(db, mode="read") as ledger, ledger.connect() as conn:
        return summarise(case_lines(conn, lo, hi, state), months, *rejected_and_open(conn, lo, hi))


def kept(db: str, state: str, label: str, months: list[str]) -> ClaimsFigures:
    with open_ledger(db, mode="read") as ledger, ledger.connect() as conn:
        assert claim_totals_current(conn)
        return read_claim_figures(conn, state, label, months)


def current(db: str) -> bool:
    with open_ledger(db, mode="read") as ledger, ledger.connect() as conn:
        return claim_totals_current(conn)


def refresh(db: str, moved: tuple[str, ...] = ()) -> None:
    """What a writing transaction does after it appends case events (cases.append_events)."""
    with open_ledger(db, mode="write") as ledger, ledger.begin() as conn:
        refresh_claim_totals(conn, moved)


def assert_agree(db: str) -> None:
    for state in ("approved", "paid"):
        for label, months, lo, hi in PERIODS:
            assert kept(db, state, label, months) == counted(db, state, lo, hi, months), (state, label)


# (member, amount, event date, steps, the case's other columns)
CASES = [
    (A, "1000.00", "2026-03-01", decided("2026-03-05", "approved", at("2026-03-10")), {}),
    (A, "500.00", "2026-03-02", [*decided("2026-03-05", "approved", at("2026-03-20")), paid("2026-05-29")], {}),
    (B, "20000.00", "2026-04-20", [*decided("2026-04-25", "approved", at("2026-05-05")), paid("2026-05-30")],
     {"plan": "critical-illness", "benefit": "severe"}),
    (C, "3000.00", "2026-05-01", decided("2026-05-02", "approved", at("2026-05-31", 23)),
     {"benefit": "accident", "prefecture": "", "unit": ""}),
    (D, "400.00", "2026-05-01", [*decided("2026-05-02", "approved", at("2026-05-03")), Step("voided", at("2026-05-04"))], {}),
    (D, "0.00", "2026-05-10", decided("2026-05-15", "rejected", at("2026-05-20")), {}),
    (D, "120.00", "2026-05-20", [Step("submitted", at("2026-05-21"))], {}),
    (D, "130.00", "2026-05-21", decided("2026-05-22", "returned", at("2026-05-25")), {}),
]  # fmt: skip


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    """Cases of every path written straight into the case tables (the totals lag behind them): approved,
    paid, voided, rejected, open, returned, two of one member in one unit, 地州市 and unit left blank."""
    db = str(tmp_path / "ledger.db")
    x("db", "init", "--db", db)
    for number, amount, event_date, steps, more in CASES:
        add_case(db, number, amount=amount, event_date=event_date, steps=steps, **more)
    return db


def test_the_totals_filled_at_once_give_the_figures_counted_from_the_cases(ledger):
    assert not current(ledger)  # written around the recording transactions: the totals lag
    refresh(ledger)
    assert current(ledger)
    assert kept(ledger, "approved", "2026", YEAR).members == 3  # A (twice), B, C; D's one was voided
    assert_agree(ledger)


def test_the_totals_follow_a_void_a_payment_and_new_cases_after_the_first_fill(ledger):
    refresh(ledger)
    add_case(ledger, D, amount="60.00", event_date="2026-05-02", steps=decided("2026-05-03", "approved", at("2026-05-06")))  # fmt: skip
    add_case(ledger, D, amount="80.00", event_date="2026-05-03", unit="红星农场", prefecture="伊犁州",
             steps=decided("2026-05-04", "approved", at("2026-05-07")))  # fmt: skip
    refresh(ledger)
    with (
        open_ledger(ledger, mode="write") as opened,
        opened.begin() as conn,
    ):  # voided: A's first, D's 红星农场 one
        conn.exec_driver_sql(
            "INSERT INTO case_events (claim_id, state, at, operator, paid_on) VALUES "
            "(1, 'voided', '2026-05-07 10:00:00.000000', '测试', NULL), "
            "(10, 'voided', '2026-05-08 10:00:00.000000', '测试', NULL), "
            "(4, 'paid', '2026-06-02 10:00:00.000000', '测试', '2026-05-31'), "
            "(7, 'approved', '2026-05-08 10:00:00.000000', '测试', NULL)"
        )
    assert not current(ledger)
    before = counted(ledger, "approved", dt.date(2026, 5, 1), dt.date(2026, 6, 1), ["2026-05"])
    assert "红星农场" not in {g.key[0] for g in before.by_unit}
    refresh(ledger)
    assert kept(ledger, "approved", "2026-05", ["2026-05"]) == before
    assert_agree(ledger)


def test_a_corrected_id_number_moves_its_cases_in_the_totals(ledger):
    from xjma.io.ledger.changes import move_member

    add_case(ledger, D, amount="60.00", event_date="2026-03-02", steps=decided("2026-03-03", "approved", at("2026-03-06")))  # fmt: skip
    refresh(ledger)
    assert kept(ledger, "approved", "2026", YEAR).members == 4
    with open_ledger(ledger, mode="write") as opened, opened.begin() as conn:
        move_member(conn, D, A, None, None)  # D's cases join A's: A and D now one member
    assert current(ledger)
    assert kept(ledger, "approved", "2026", YEAR).members == 3
    assert_agree(ledger)


def test_cases_moved_through_the_commands_keep_the_totals_current(tmp_path):
    db = str(tmp_path / "ledger.db")
    submit(db, claims_file(tmp_path / "c.csv", stay("2027-03-01"), stay("2027-04-01", major="100", number=B)))
    assert current(db)
    code, _, out = approve(db, "1")
    assert code == 0, out
    code, _, out = claim("reject", "2", "--reason", "不在保障范围", "--db", db, "--json")
    assert code == 0, out
    assert current(db)
    for args in (["-o", str(tmp_path / "bank.xlsx")], ["--confirm", "1", "--paid-on", "2027-08-02"]):
        code, _, out = claim("pay", *args, "--db", db, "--json")  # the approved case paid
        assert code == 0, out
    assert current(db)
    paid_months = [f"2027-{m:02d}" for m in range(1, 13)]
    assert kept(db, "paid", "2027", paid_months).cases == 1
    assert kept(db, "paid", "2027", paid_months) == counted(db, "paid", dt.date(2027, 1, 1), dt.date(2028, 1, 1), paid_months)  # fmt: skip
    code, doc, out = x("claims", "summary", "--year", "2027", "--db", db, "--json", "-o", str(tmp_path / "s.xlsx"),
                       today="2027-08-01")  # fmt: skip
    assert code == 0, out
    assert (doc["cases"], doc["rejected"], doc["open"]) == (1, 1, 0)
    months = [f"2027-{m:02d}" for m in range(1, 13)]
    assert kept(db, "approved", "2027", months) == counted(db, "approved", dt.date(2027, 1, 1), dt.date(2028, 1, 1), months)  # fmt: skip


def test_a_copy_into_a_sqlite_file_counts_its_claim_totals(ledger, tmp_path):
    target = str(tmp_path / "copy.db")
    code, _, out = x("db", "copy", "--from", ledger, "--to", target)
    assert code == 0, out
    assert current(target)
    assert kept(target, "approved", "2026", YEAR) == counted(ledger, "approved", dt.date(2026, 1, 1), dt.date(2027, 1, 1), YEAR)  # fmt: skip
    assert_agree(target)


def test_a_returned_case_corrected_and_submitted_again_stays_one_open_case_then_one_approved(tmp_path):
    db = str(tmp_path / "ledger.db")
    submit(db, claims_file(tmp_path / "a.csv", stay("2027-03-01", major="12000")))
    code, _, out = claim("return", "1", "--reason", "金额有误请更正", "--db", db, "--json")
    assert code == 0, out
    submit(db, claims_file(tmp_path / "b.csv", stay("2027-03-01", major="11000")))
    assert current(db)

    def summary() -> dict:
        code, doc, out = x("claims", "summary", "--year", "2027", "--db", db, "--json", "-o",
                           str(tmp_path / "s.xlsx"), today="2027-08-01")  # fmt: skip
        assert code == 0, out
        return doc

    assert summary()["open"] == 1
    code, _, out = approve(db, "1")
    assert code == 0, out
    doc = summary()
    assert (doc["cases"], doc["open"], doc["amount"]) == (1, 0, "5500.00")
    months = [f"2027-{m:02d}" for m in range(1, 13)]
    assert kept(db, "approved", "2027", months) == counted(db, "approved", dt.date(2027, 1, 1), dt.date(2028, 1, 1), months)  # fmt: skip
