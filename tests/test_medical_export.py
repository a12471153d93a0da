"""`xjma medical export` (office.md §8): every member plan 1 covers on a date, with what the 大额 cap still
allows, for the hospital side of 一单结算 — the whole list, or only who changed since a date."""

from __future__ import annotations

import csv
from pathlib import Path

from history_helpers import SCHOOL, A, B, C, enroll, figures, school_roster, x
from medical_support import EVERY_CLASS, medical_import, small_ledger, write_settlements

HEADERS = [
    "身份证号码",
    "姓名",
    "保障起始日",
    "保障止期",
    "观察期止",
    "大额补助剩余额度",
    "所属地州市",
    "工作单位",
    "状态",
]


def _export(target: str, out: Path, *extra: str, today: str = "2026-11-20") -> list[list[str]]:
    code, _, text = x("medical", "export", "--db", target, "-o", str(out), *extra, today=today)
    assert code == 0, text
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == HEADERS
    return rows[1:]


def test_the_full_list_names_every_member_covered_on_the_date(ledger_target: str, tmp_path: Path) -> None:
    small_ledger(ledger_target, tmp_path)
    before = figures(ledger_target)
    rows = _export(ledger_target, tmp_path / "名单.csv", "--on", "2027-05-01")
    assert rows == [
        [A, "王伟", "2026-12-01", "2027-11-30", "2026-12-31", "8000.00", "乌鲁木齐市", SCHOOL, "在保"],
        [B, "李芳", "2026-12-01", "2027-11-30", "2026-12-31", "8000.00", "乌鲁木齐市", SCHOOL, "在保"],
    ]  # C's enrollment is voided: not covered
    assert _export(ledger_target, tmp_path / "前.csv", "--on", "2026-11-30") == []
    assert _export(ledger_target, tmp_path / "巴州.csv", "--on", "2027-05-01", "--prefecture", "巴州") == []
    assert (
        len(_export(ledger_target, tmp_path / "乌.csv", "--on", "2027-05-01", "--prefecture", "乌鲁木齐"))
        == 2
    )
    assert figures(ledger_target) == before  # a read command


def test_the_major_room_left_counts_the_paid_stays(ledger_target: str, tmp_path: Path) -> None:
    small_ledger(ledger_target, tmp_path)
    medical_import(ledger_target, write_settlements(tmp_path / "结算.csv", EVERY_CLASS), "--record")
    rows = _export(ledger_target, tmp_path / "名单.csv", "--on", "2027-05-01")
    assert [(r[0], r[5]) for r in rows] == [(A, "8000.00"), (B, "500.00")]


def test_a_renewal_has_no_observation_end(tmp_path: Path) -> None:
    target = str(tmp_path / "ledger.db")
    enroll(target, school_roster(tmp_path))
    code, _, out = x(
        "enroll", str(school_roster(tmp_path, "续保.xlsx")), "--start", "2027-12-01", "--db", target
    )
    assert code == 0, out
    rows = _export(target, tmp_path / "名单.csv", "--on", "2027-12-05")
    assert [(r[0], r[2], r[4]) for r in rows] == [(A, "2027-12-01", ""), (B, "2027-12-01", "")]


def test_changed_since_lists_only_who_changed_each_in_force_or_voided(
    ledger_target: str, tmp_path: Path
) -> None:
    small_ledger(ledger_target, tmp_path)  # enrolled and C voided now
    later = "2030-06-01"
    code, _, out = x("member", "correct", A, "--name", "王玮", "--reason", "户籍为准", "--db", ledger_target,
                     today=later)  # fmt: skip
    assert code == 0, out
    rows = _export(
        ledger_target, tmp_path / "变动.csv", "--on", "2027-05-01", "--changed-since", "2030-01-01"
    )
    assert [(r[0], r[1], r[8]) for r in rows] == [(A, "王玮", "在保")]
    rows = _export(
        ledger_target, tmp_path / "全部.csv", "--on", "2027-05-01", "--changed-since", "2000-01-01"
    )
    assert [(r[0], r[8], r[5]) for r in rows] == [(A, "在保", "8000.00"), (B, "在保", "8000.00"),
                                                   (C, "已作废", "0.00")]  # fmt: skip
    # The full list shows the corrected name too.
    assert _export(ledger_target, tmp_path / "名单.csv", "--on", "2027-05-01")[0][1] == "王玮"


def test_a_unit_correction_moves_only_the_cover_recorded_before_it(
    ledger_target: str, tmp_path: Path
) -> None:
    from conftest import member, write_roster
    from history_helpers import TIANSHAN

    small_ledger(ledger_target, tmp_path)
    code, _, out = x("member", "correct", A, "--unit", TIANSHAN, "--reason", "调动", "--db", ledger_target,
                     today="2026-12-05")  # fmt: skip
    assert code == 0, out
    again = write_roster(tmp_path / "续.xlsx", [member(SCHOOL, "乌鲁木齐市", "王伟", A, 住院=1)])
    code, _, out = x("enroll", str(again), "--start", "2027-12-01", "--db", ledger_target, today="2027-11-20")
    assert code == 0, out
    then = _export(ledger_target, tmp_path / "然.csv", "--on", "2027-05-01", today="2027-12-15")
    now = _export(ledger_target, tmp_path / "今.csv", "--on", "2027-12-15", today="2027-12-15")
    assert [(r[0], r[7]) for r in then if r[0] == A] == [(A, TIANSHAN)]
    assert [(r[0], r[7]) for r in now if r[0] == A] == [(A, SCHOOL)]


def test_the_xlsx_holds_id_numbers_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = str(tmp_path / "ledger.db")
    small_ledger(target, tmp_path)
    out = tmp_path / "名单.xlsx"
    code, _, text = x("medical", "export", "--on", "2027-05-01", "--db", target, "-o", str(out))
    assert code == 0, text
    sheet = load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADERS
    assert values[1][0] == A and sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"
    assert values[1][2].date().isoformat() == "2026-12-01" and values[1][5] == 8000


def test_bad_export_requests_are_one_sentence_and_exit_2(tmp_path: Path) -> None:
    target = str(tmp_path / "ledger.db")
    small_ledger(target, tmp_path)
    for args, said in (
        (["--on", "2027-05-01", "-o", str(tmp_path / "名单.txt")], ".csv 或 .xlsx"),
        (["-o", str(tmp_path / "名单.csv")], "--on"),
        (["--on", "明天", "-o", str(tmp_path / "名单.csv")], "不是有效日期"),
        (["--on", "2027-05-01", "--prefecture", "火星", "-o", str(tmp_path / "名单.csv")], "地州市"),
    ):
        code, _, out = x("medical", "export", "--db", target, *args)
        assert code == 2 and said in out, out
    code, _, out = x("medical", "export", "--db", str(tmp_path / "none.db"), "--on", "2027-05-01",
                     "-o", str(tmp_path / "名单.csv"))  # fmt: skip
    assert code == 2 and "还不存在" in out and not (tmp_path / "none.db").exists()
