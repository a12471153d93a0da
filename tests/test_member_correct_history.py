"""`member correct --new-id` (office.md §3) as history: the log entry names every enrollment and claim that
moved, the member's recorded phone goes along, the old number's details stay. Both backends."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from conftest import make_id, member, write_roster
from history_helpers import SCHOOL, A, C, enroll, school_roster, x

OTHER = "乌鲁木齐第二中学"
CLAIM = ["claim", "calc", "--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind", "life",
         "--grade", "10", "--event-date", "2027-02-01"]  # fmt: skip


def test_an_id_correction_lists_what_moved_and_takes_the_phone_along(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    assert x(*CLAIM, "--id", A, "--record", "--db", ledger_target, today="2027-03-01")[0] == 0
    before = x("member", "show", A, "--db", ledger_target, "--json")[1]
    new = make_id("19800502", 10, female=False)
    code, _, out = x("member", "correct", A, "--new-id", new, "--reason", "录错", "--db", ledger_target)
    assert code == 0, out
    entry = x("log", "--kind", "member-correct", "--db", ledger_target, "--json")[1]["entries"][0]
    assert len(entry["refs"]["enrollments"]) == len(before["enrollments"]) == 2
    assert len(entry["refs"]["claims"]) == 1
    target = tmp_path / "续保.xlsx"
    code, _, out = x(
        "template", "roster", "--renewal", "--unit", SCHOOL, "-o", str(target), "--db", ledger_target
    )
    assert code == 0, out
    sheet = openpyxl.load_workbook(target)["参保人员名册"]
    rows = list(sheet.iter_rows(values_only=True))
    head = next(r for r in rows if r and "身份证号码" in r)
    ids = {
        r[head.index("身份证号码")]: r[head.index("联系电话")]
        for r in rows[rows.index(head) + 1 :]
        if r[0] or r[1]
    }
    assert ids.get(new) == "13912345678" and A not in ids


def test_an_id_correction_keeps_the_members_earlier_corrections(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    enroll(
        ledger_target, write_roster(tmp_path / "二中.xlsx", [member(OTHER, "乌鲁木齐市", "张强", C, 住院=1)])
    )
    code, _, out = x("member", "correct", A, "--unit", OTHER, "--name", "王玮", "--reason", "调动",
                     "--db", ledger_target, today="2026-12-05")  # fmt: skip
    assert code == 0, out
    new = make_id("19800502", 10, female=False)
    code, _, out = x("member", "correct", A, "--new-id", new, "--reason", "号码错", "--db", ledger_target,
                     today="2026-12-06")  # fmt: skip
    assert code == 0, out
    shown = x("member", "show", new, "--db", ledger_target, "--json", today="2026-12-06")[1]
    assert shown["name"] == "王玮" and {e["unit"] for e in shown["enrollments"]} == {OTHER}
    assert [(h["field"], h["after"]) for h in shown["history"]] == [
        ("name", "王玮"), ("unit", OTHER), ("id_number", new)]  # fmt: skip
    unit = x("unit", "show", OTHER, "--db", ledger_target, "--json", today="2026-12-06")[1]
    assert unit["members"] == 2
    assert x("unit", "show", SCHOOL, "--db", ledger_target, "--json", today="2026-12-06")[1]["members"] == 1
    due = x("renewals", "due", "--before", "2027-12-31", "--db", ledger_target, "--json", today="2027-11-01")
    assert {u["unit"]: u["members_due"] for u in due[1]["units"]} == {SCHOOL: 1, OTHER: 2}


def test_the_log_of_a_corrected_number_holds_what_was_recorded_under_the_old_one(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    void = ("void", "--id", A, "--plan", "住院+意外", "--reason", "登记错误", "--db", ledger_target)
    assert x(*void)[0] == 0
    assert x("member", "correct", A, "--name", "王玮", "--reason", "户籍为准", "--db", ledger_target)[0] == 0
    new = make_id("19800502", 10, female=False)
    assert x("member", "correct", A, "--new-id", new, "--reason", "号码错", "--db", ledger_target)[0] == 0
    # The old number enrolled again later (another person's): not the corrected member's.
    again = write_roster(tmp_path / "再.xlsx", [member(SCHOOL, "乌鲁木齐市", "王伟", A, 住院=1)])
    assert x("enroll", str(again), "--start", "2026-12-01", "--db", ledger_target)[0] == 0
    assert x(*void)[0] == 0
    entries = x("log", "--member", new, "--db", ledger_target, "--json")[1]["entries"]
    assert [(e["kind"], e["reason"]) for e in entries] == [
        ("enroll", None), ("void", "登记错误"), ("member-correct", "户籍为准"), ("member-correct", "号码错")]  # fmt: skip
