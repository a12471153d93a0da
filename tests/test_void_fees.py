"""`fees summary` after voids and ID corrections (office.md §3): the figures net of refunds, the same on
both backends, and on SQLite the same from the fee totals cache as counted afresh from the enrollments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import make_id, member, write_roster
from history_helpers import SCHOOL, A, B, enroll, school_roster, x

NOVEMBER = ["fees", "summary", "--month", "2026-11", "--json"]


def counted_afresh(target: str, lo: dt.date, hi: dt.date) -> dict[str, object]:
    """The fees of [lo, hi) counted from the enrollments (never from the SQLite fee totals)."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.fees import _counted, net_of_refunds

    with open_ledger(target, mode="read") as ledger, ledger.connect() as conn:
        figures = net_of_refunds(conn, _counted(conn, lo, hi, ()), lo, hi, ())
    return {
        "total": f"{figures.total:.2f}",
        "members": figures.members,
        "by_unit": sorted((u.unit, u.members, f"{u.fee:.2f}") for u in figures.by_unit),
        "by_plan": sorted((p.plan, p.members, p.shares, f"{p.fee:.2f}") for p in figures.by_plan),
    }


def summary(target: str) -> dict[str, object]:
    doc = x(*NOVEMBER, "--db", target)[1]
    return {
        "total": doc["total"],
        "members": doc["members"],
        "by_unit": sorted((u["unit"], u["members"], u["fee"]) for u in doc["by_unit"]),
        "by_plan": sorted((p["plan"], p["members"], p["shares"], p["fee"]) for p in doc["by_plan"]),
    }


def test_a_void_without_a_refund_date_nets_the_month_it_was_made_in(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    assert summary(ledger_target)["total"] == "260.00"
    code, doc, out = x("void", "--id", A, "--plan", "critical-illness", "--reason", "误录", "--db", ledger_target,
                       "--json", today="2026-11-25")  # fmt: skip
    assert code == 0 and doc["refund_on"] == "2026-11-25", out
    shown = summary(ledger_target)
    # paid and refunded in November: the month is net; members and shares stay as paid
    assert shown["total"] == "220.00" and shown["members"] == 2
    assert ("critical-illness", 1, 1, "0.00") in shown["by_plan"]
    assert shown == counted_afresh(ledger_target, dt.date(2026, 11, 1), dt.date(2026, 12, 1))


def test_a_void_with_a_refund_date_leaves_the_paid_month_as_paid(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    code, _, out = x("void", "--batch", "1", "--reason", "重复", "--refund-on", "2026-12-05", "--db",
                     ledger_target, today="2026-11-25")  # fmt: skip
    assert code == 0, out
    shown = summary(ledger_target)
    assert shown["total"] == "260.00" and shown["members"] == 2
    assert shown == counted_afresh(ledger_target, dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    december = x("fees", "summary", "--month", "2026-12", "--json", "--db", ledger_target)[1]
    assert december["total"] == "-260.00"


def test_an_id_correction_onto_a_member_of_the_same_month_counts_one_member(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))  # A and B, paid in November
    typo = make_id("19900716", 11, female=True)  # B's number mistyped in a roster for the next period
    later = write_roster(tmp_path / "next.xlsx", [member(SCHOOL, "乌鲁木齐市", "李芳", typo, 住院=1)])
    code, doc, out = x("enroll", str(later), "--start", "2027-12-01", "--db", ledger_target, "--json")
    assert code == 0 and doc["batch"] == 2, out
    assert summary(ledger_target)["members"] == 3
    code, _, out = x("member", "correct", typo, "--new-id", B, "--reason", "号码录错", "--db", ledger_target)
    assert code == 0, out
    shown = summary(ledger_target)
    assert shown["members"] == 2 and shown["total"] == "370.00"
    assert ("inpatient-accident", 2, 3, "330.00") in shown["by_plan"]
    assert shown == counted_afresh(ledger_target, dt.date(2026, 11, 1), dt.date(2026, 12, 1))
