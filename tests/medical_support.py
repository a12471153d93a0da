"""Shared by the 一单结算 tests (office.md §8): settlement files of the platform and a small ledger in which
every class of record has a member.

The ledger (history_helpers): A and B of 一中 (乌鲁木齐市) and C of 天山 (巴州) hold 住院+意外 from
2026-12-01 (new: 30 days of observation, to 2026-12-31); C's enrollment is voided; D was never enrolled.
Under 第四期 a local stay pays 60% of 统筹段个人自付 (at most 20% of 统筹基金支付) plus 50% of
大额段个人自付 up to 8,000.00 a period: 1000 / 5000 / 0 pays 600.00; 1000 / 5000 / 15000 pays 8,100.00,
and a second such stay in the period only 1,100.00 (500.00 of 大额 left).
"""

from __future__ import annotations

import csv
from pathlib import Path

from history_helpers import A, B, C, D, enroll, school_roster, tianshan_roster, x

HEADERS = [
    "结算编号", "身份证号码", "姓名", "入院日期", "出院日期", "就医地", "病因",
    "统筹段个人自付", "统筹基金支付", "大额段个人自付", "互助金支付",
]  # fmt: skip


def stay(no: str, who: str, admitted: str, paid: str, major: str = "0", **over: str) -> list[str]:
    """One settlement record: 1000 / 5000 / `major`, local, illness, discharged 9 days later."""
    day = int(admitted[-2:])
    values = {
        "结算编号": no, "身份证号码": who, "姓名": "会员", "入院日期": admitted,
        "出院日期": f"{admitted[:-2]}{day + 9:02d}", "就医地": "本地", "病因": "疾病",
        "统筹段个人自付": "1000", "统筹基金支付": "5000", "大额段个人自付": major, "互助金支付": paid,
    }  # fmt: skip
    values.update(over)
    return [values[h] for h in HEADERS]


# Every class once (and the duplicate of S1), in file order; rows 2..9 of the file.
EVERY_CLASS = [
    stay("S1", A, "2027-02-01", "600.00"),  # agree
    stay("S2", B, "2027-02-01", "499.00"),  # differ
    stay("S3", A, "2026-12-10", "600.00"),  # observation (day 10 of a new enrollment)
    stay("S4", C, "2027-02-01", "600.00"),  # voided
    stay("S5", D, "2027-02-01", "600.00"),  # not-enrolled
    stay("S6", B, "2027-03-01", "8100.00", "15000", 病因="意外"),  # agree: 600 + 7,500 大额
    stay("S7", B, "2027-04-01", "8100.00", "15000", 病因="意外"),  # over-cap: 500.00 of 大额 left
    stay("S1", A, "2027-02-01", "600.00"),  # duplicate of row 2
]
CLASSES = ["agree", "differ", "observation", "voided", "not-enrolled", "agree", "over-cap", "duplicate"]
BAD_ROWS = [
    stay("S9", "650102198005011013", "2027-02-01", "600.00"),  # check digit wrong
    stay("S10", A, "2027-02-01", "600.00", 出院日期="2027-01-20"),  # discharged before admitted
    stay("S11", A, "2027-02-01", "6OO.00"),  # not an amount
]


def write_settlements(path: Path, rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
    """The platform's file: CSV in UTF-8 with BOM, or xlsx with every cell as text."""
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows(rows)
        return path
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def small_ledger(target: str, tmp_path: Path) -> None:
    enroll(target, school_roster(tmp_path))
    enroll(target, tianshan_roster(tmp_path))
    code, _, out = x("void", "--id", C, "--plan", "住院+意外", "--reason", "登记错误", "--db", target)
    assert code == 0, out


def medical_import(target: str, file: Path, *extra: str) -> tuple[int, dict, str]:
    return x("medical", "import", str(file), "--db", target, "--json", *extra)
