"""`xjma enroll` end to end: fees to the fen, all-or-nothing recording, re-runs, refusals, dry runs.

The roster helpers here are shared with test_fees.py and test_member.py.
"""

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ENROLL_KEYS
from typer.testing import CliRunner

from xjma.cli import app
from xjma.core.idnumber import check_char
from xjma.io.ledger import open_ledger
from xjma.io.ledger.batches import count_rows

XJMA = str(Path(sys.executable).parent / "xjma")
HEADERS = [
    "工作单位",
    "所属地州市",
    "姓名",
    "性别",
    "身份证号码",
    "联系电话",
    "用工形式",
    "是否工会会员",
    "是否续保",
    "上期保障止期",
    "上期份数",
    "住院+意外（份）",
    "重大疾病（份）",
    "新就业形态意外（份）",
    "女职工特殊疾病（份）",
    "短期意外（份）",
    "短期意外档次（元/份）",
    "短期意外保障止期",
]
PLAN_COLUMNS = {
    "inpatient-accident": "住院+意外（份）",
    "critical-illness": "重大疾病（份）",
    "gig-accident": "新就业形态意外（份）",
    "female-illness": "女职工特殊疾病（份）",
    "short-accident": "短期意外（份）",
}


def pid(birth: str, seq: str) -> str:
    """A valid 18-digit ID (Urumqi region code); an odd sequence digit is a man, even a woman."""
    first17 = "650102" + birth + seq
    return first17 + check_char(first17)


def person(name, id_number, unit="甲公司", prefecture="巴州", employment="正式职工", **extra):
    female = int(id_number[16]) % 2 == 0
    row = {
        "工作单位": unit,
        "所属地州市": prefecture,
        "姓名": name,
        "性别": "女" if female else "男",
        "身份证号码": id_number,
        "联系电话": "13800138000",
        "用工形式": employment,
    }
    for key, value in extra.items():
        row[PLAN_COLUMNS.get(key, key)] = value
    return row


def write_roster(path: Path, rows: list[dict]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h) for h in HEADERS])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a text cell, even "=1+1" or an ID number
    book.save(path)
    return path


def run(args: list[str], db: Path, today: str = "2026-11-20"):
    """CliRunner; returns (exit code, parsed JSON or None, output)."""
    result = CliRunner().invoke(app, [*args, "--db", str(db)], env={"XJMA_TODAY": today, "XJMA_DB": ""})
    doc = None
    if "--json" in args and result.stdout.strip():
        doc = json.loads(result.stdout)
    return result.exit_code, doc, result.output


def enroll(roster: Path, db: Path, *extra: str, start: str = "2026-12-01", today: str = "2026-11-20"):
    return run(["enroll", str(roster), "--start", start, "--json", *extra], db, today)


def counts(db: Path) -> dict[str, int]:
    with open_ledger(str(db)) as ledger, ledger.connect() as conn:
        return count_rows(conn)


ZHANG = pid("19850101", "123")  # man
LI = pid("19900202", "124")  # woman
WANG = pid("19950303", "135")  # man, gig worker
ZHAO = pid("19880404", "146")  # woman


def mixed_roster(tmp_path: Path) -> Path:
    return write_roster(
        tmp_path / "名册.xlsx",
        [
            person(
                "张三",
                ZHANG,
                **{
                    "inpatient-accident": 1,
                    "critical-illness": 2,
                    "short-accident": 1,
                    "短期意外档次（元/份）": "15",
                    "短期意外保障止期": "2027-02-28",
                },
            ),
            person("李四", LI, **{"inpatient-accident": 1, "critical-illness": 4, "female-illness": 3}),
            person(
                "王五",
                WANG,
                unit="乙快递站",
                prefecture="伊犁",
                employment="新就业形态劳动者",
                **{"是否工会会员": "是", "gig-accident": 2},
            ),
            person(
                "赵六",
                ZHAO,
                unit="丙医院",
                prefecture="",
                **{
                    "female-illness": 1,
                    "short-accident": 2,
                    "短期意外档次（元/份）": "5",
                    "短期意外保障止期": "2027-01-31",
                },
            ),
        ],
    )


def test_a_mixed_roster_is_charged_to_the_fen_by_plan_and_by_unit(tmp_path):
    code, doc, _ = enroll(mixed_roster(tmp_path), tmp_path / "l.db", "--paid-on", "2026-11-25")
    assert code == 0
    assert set(doc) == ENROLL_KEYS
    assert (doc["enrolled"], doc["already_recorded"], doc["refused"], doc["dry_run"]) == (4, 0, 0, False)
    assert doc["paid_on"] == "2026-11-25" and doc["start"] == "2026-12-01"
    # 张三 110 + 80 + 15 = 205; 李四 110 + 160 + 75 = 345; 王五 50; 赵六 25 + 10 = 35
    assert doc["fees"]["total"] == "635.00"
    assert doc["fees"]["by_plan"] == {
        "inpatient-accident": {"members": 2, "shares": 2, "fee": "220.00"},
        "critical-illness": {"members": 2, "shares": 6, "fee": "240.00"},
        "gig-accident": {"members": 1, "shares": 2, "fee": "50.00"},
        "female-illness": {"members": 2, "shares": 4, "fee": "100.00"},
        "short-accident": {"members": 2, "shares": 3, "fee": "25.00"},
    }
    assert doc["fees"]["by_unit"] == {
        "甲公司": {"members": 2, "fee": "550.00"},
        "乙快递站": {"members": 1, "fee": "50.00"},
        "丙医院": {"members": 1, "fee": "35.00"},
    }
    zhang = doc["members"][0]
    assert set(zhang) == {"row", "id_number", "name", "unit", "fee", "plans"}
    assert (zhang["row"], zhang["fee"]) == (2, "205.00")
    assert zhang["plans"]["short-accident"] == {
        "shares": 1,
        "fee": "15.00",
        "start": "2026-12-01",
        "end": "2027-02-28",
        "observation_end": None,
        "renewed_shares": 0,
    }
    assert zhang["plans"]["critical-illness"]["observation_end"] == "2027-01-30"
    assert zhang["plans"]["inpatient-accident"]["end"] == "2027-11-30"
    assert Path(doc["report"]).name == "名册_参保结果.xlsx"


def test_the_workbook_has_the_three_sheets_and_the_notice_in_capital_numerals(tmp_path):
    _, doc, _ = enroll(mixed_roster(tmp_path), tmp_path / "l.db")
    book = openpyxl.load_workbook(doc["report"])
    assert book.sheetnames == ["参保名单", "单位汇总", "缴费通知"]
    notice = [c for row in book["缴费通知"].iter_rows(values_only=True) for c in row if c is not None]
    assert "伍佰伍拾元整" in notice and "伍拾元整" in notice and "叁拾伍元整" in notice
    rows = book["参保名单"].iter_rows(min_row=4, values_only=True)  # under the title block and header
    ids = [row[2] for row in rows if row[0] != "合计"]
    assert ids == [ZHANG, LI, WANG, ZHAO]


def test_re_running_a_roster_records_nothing_new_and_exits_0(tmp_path):
    roster, db = mixed_roster(tmp_path), tmp_path / "l.db"
    enroll(roster, db)
    before = counts(db)
    code, doc, _ = enroll(roster, db)
    assert code == 0
    assert (doc["enrolled"], doc["already_recorded"], doc["fees"]["total"]) == (0, 4, "0.00")
    assert doc["report"] is None
    assert counts(db) == before


def test_the_same_member_from_another_unit_is_already_enrolled_and_nothing_is_recorded(tmp_path):
    db = tmp_path / "l.db"
    enroll(write_roster(tmp_path / "a.xlsx", [person("张三", ZHANG, **{"inpatient-accident": 1})]), db)
    other = write_roster(
        tmp_path / "b.xlsx",
        [
            person("张三", ZHANG, unit="丁公司", **{"inpatient-accident": 1}),
            person("李四", LI, unit="丁公司", **{"inpatient-accident": 1}),
        ],
    )
    before = counts(db)
    code, doc, _ = enroll(other, db)
    assert code == 1
    assert [p["code"] for p in doc["problems"] if p["severity"] == "error"] == ["already-enrolled"]
    assert (doc["enrolled"], doc["refused"], doc["report"]) == (0, 1, None)
    assert counts(db) == before


def _roster_with_a_bad_row(tmp_path: Path) -> Path:
    bad = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")
    return write_roster(
        tmp_path / "r.xlsx",
        [person("张三", bad, **{"inpatient-accident": 1}), person("李四", LI, **{"inpatient-accident": 1})],
    )


def test_an_error_row_without_skip_invalid_records_nothing_and_exits_1(tmp_path):
    db = tmp_path / "l.db"
    code, doc, _ = enroll(_roster_with_a_bad_row(tmp_path), db)
    assert code == 1
    assert (doc["enrolled"], doc["refused"], doc["members"]) == (0, 1, [])
    assert counts(db)["enrollments"] == 0


def test_skip_invalid_records_the_valid_rows_lists_the_refused_and_exits_0(tmp_path):
    db = tmp_path / "l.db"
    code, doc, _ = enroll(_roster_with_a_bad_row(tmp_path), db, "--skip-invalid")
    assert code == 0
    assert (doc["enrolled"], doc["refused"]) == (1, 1)
    assert [p["row"] for p in doc["problems"] if p["severity"] == "error"] == [2]
    assert [m["id_number"] for m in doc["members"]] == [LI]
    assert counts(db)["enrollments"] == 1


def test_a_dry_run_gives_the_same_document_and_workbook_but_writes_nothing(tmp_path):
    roster, db = mixed_roster(tmp_path), tmp_path / "l.db"
    code, dry, _ = enroll(roster, db, "--dry-run", "-o", str(tmp_path / "dry.xlsx"))
    assert code == 0 and dry["dry_run"] is True
    assert not db.exists()  # a dry run does not even create the ledger
    assert openpyxl.load_workbook(tmp_path / "dry.xlsx").sheetnames == ["参保名单", "单位汇总", "缴费通知"]
    enroll(
        write_roster(
            tmp_path / "x.xlsx", [person("钱七", pid("19700101", "155"), **{"inpatient-accident": 1})]
        ),
        db,
    )
    before = counts(db)
    _, again, _ = enroll(roster, db, "--dry-run")
    assert counts(db) == before
    _, real, _ = enroll(roster, db)
    assert {k: v for k, v in again.items() if k not in ("dry_run", "report", "batch")} == {
        k: v for k, v in real.items() if k not in ("dry_run", "report", "batch")
    }
    assert again["batch"] is None and real["batch"] is not None  # office.md §2


def test_an_enroll_interrupted_half_way_leaves_the_ledger_unchanged(tmp_path, monkeypatch):
    import xjma.io.ledger.batches as led

    db = tmp_path / "l.db"
    enroll(
        write_roster(
            tmp_path / "a.xlsx", [person("钱七", pid("19700101", "155"), **{"inpatient-accident": 1})]
        ),
        db,
    )
    before = counts(db)
    real = led._enrollment_row
    calls = []

    def breaks_on_the_third_row(*args):
        calls.append(args)
        values = list(real(*args))
        if len(calls) == 3:
            # NOT NULL: the database fails half-way through the executemany
            values[led.ENROLLMENT_COLUMNS.index("shares")] = None
        return tuple(values)

    monkeypatch.setattr(led, "_enrollment_row", breaks_on_the_third_row)
    code, _, output = enroll(mixed_roster(tmp_path), db)
    assert code == 2
    assert len(calls) > 3
    assert counts(db) == before


def test_a_workbook_that_cannot_be_written_after_the_commit_is_said_and_leaves_no_file(tmp_path, monkeypatch):
    import xjma.io.enroll_xlsx as writer

    def fails(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "write_enroll_file", fails)
    db = tmp_path / "l.db"
    code, _, output = enroll(mixed_roster(tmp_path), db)
    assert code == 2, output
    assert "已登记到台账" in output and "参保结果工作簿未能写入" in output and "Traceback" not in output
    assert counts(db)["batches"] == 1  # written after the commit: the batch is recorded
    assert not (tmp_path / "名册_参保结果.xlsx").exists()
    assert not list(tmp_path.glob(".*.tmp.xlsx")), "the temporary workbook is removed"


def test_the_roster_sheet_lists_each_member_with_shares_fee_period_and_observation(tmp_path):
    _, doc, _ = enroll(mixed_roster(tmp_path), tmp_path / "l.db")
    sheet = openpyxl.load_workbook(doc["report"])["参保名单"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))  # the header under the title block
    head = rows[0]
    by_id = {r[2]: dict(zip(head, r, strict=True)) for r in rows[1:] if r[0] != "合计"}
    assert set(by_id) == {m["id_number"] for m in doc["members"]}
    for member in doc["members"]:
        line = by_id[member["id_number"]]
        assert (line["行号"], line["姓名"], line["工作单位"]) == (
            member["row"],
            member["name"],
            member["unit"],
        )
        assert f"{line['会费合计']:.2f}" == member["fee"]
        assert line["保障期"].startswith(doc["start"] + " 至 ")
        ends = {held["observation_end"] for held in member["plans"].values()} - {None}
        observed = line["观察期止"]
        if len(ends) == 1:
            assert observed.date().isoformat() == ends.pop()
        else:
            assert observed is None if not ends else all(day in observed for day in ends)
        renewed = any(held["renewed_shares"] for held in member["plans"].values())
        assert bool(line["续保"]) == renewed
        for plan, held in member["plans"].items():
            name = {"inpatient-accident": "住院+意外", "critical-illness": "重大疾病"}.get(plan)
            if name is None:
                continue
            assert f"{name} {held['shares']}份" in line["险种及份数"]
            assert held["end"] in line["保障期"]
    assert len(head) <= 14


def test_the_batch_and_members_are_recorded_with_the_fee_in_fen(tmp_path):
    from sqlalchemy import select

    from xjma.io.ledger.schema import batches, enrollments, members

    db = tmp_path / "l.db"
    enroll(mixed_roster(tmp_path), db, "--paid-on", "2026-11-25")
    with open_ledger(str(db)) as ledger, ledger.connect() as conn:
        batch = conn.execute(select(batches)).one()
        fees = conn.execute(select(enrollments.c.fee_fen, enrollments.c.rules_version)).all()
        people = conn.execute(select(members.c.id_number, members.c.gender)).all()
    assert (batch.file_name, batch.rows, batch.paid_on.isoformat(), len(batch.sha256)) == (
        "名册.xlsx",
        4,
        "2026-11-25",
        64,
    )
    assert sum(f for f, _ in fees) == 63500
    assert {v for _, v in fees} == {"第四期"}
    assert dict(people)[LI] == "女"


def test_rich_output_never_shows_a_full_id_number(tmp_path):
    code, _, output = run(["enroll", str(mixed_roster(tmp_path)), "--start", "2026-12-01"], tmp_path / "l.db")
    assert code == 0
    assert "635.00" in output
    assert all(i not in output for i in (ZHANG, LI, WANG, ZHAO))


@pytest.mark.parametrize(("skip", "expected"), [((), 1), (("--skip-invalid",), 0)])
def test_exit_codes_through_the_installed_command(tmp_path, skip, expected):
    roster = _roster_with_a_bad_row(tmp_path)
    result = subprocess.run(
        [
            XJMA,
            "enroll",
            str(roster),
            "--start",
            "2026-12-01",
            "--db",
            str(tmp_path / "l.db"),
            "--json",
            *skip,
        ],
        capture_output=True,
        text=True,
        env={"XJMA_TODAY": "2026-11-20", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == expected, result.stderr
    assert set(json.loads(result.stdout)) == ENROLL_KEYS


def test_an_unsupported_database_address_exits_2_without_the_password(tmp_path):
    roster = mixed_roster(tmp_path)
    result = CliRunner().invoke(
        app, ["enroll", str(roster), "--start", "2026-12-01", "--db", "mysql://clerk:s3cret@host/db"]
    )
    assert result.exit_code == 2
    assert "s3cret" not in result.output and "不支持" in result.output


def test_a_refused_batch_does_not_create_the_ledger(tmp_path):
    db = tmp_path / "l.db"
    code, _, _ = enroll(_roster_with_a_bad_row(tmp_path), db)
    assert code == 1
    assert not db.exists()


def test_the_report_never_overwrites_the_roster(tmp_path):
    roster = mixed_roster(tmp_path)
    code, _, output = run(
        ["enroll", str(roster), "--start", "2026-12-01", "-o", str(roster)], tmp_path / "l.db"
    )
    assert code == 2 and "名册文件本身" in output
    assert not (tmp_path / "l.db").exists()


def test_roster_values_that_look_like_formulas_are_written_as_text(tmp_path):
    roster = write_roster(
        tmp_path / "r.xlsx", [person("张三", ZHANG, unit="=1+1", **{"inpatient-accident": 1})]
    )
    code, doc, _ = enroll(roster, tmp_path / "l.db")
    assert code == 0
    book = openpyxl.load_workbook(doc["report"])
    cell = book["参保名单"]["D4"]  # the first member, under the title block and header
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)


# ---------------------------------------------------------------- file-level errors count members, not the header


def _roster_with_file_lines(path: Path, lines: list[str], rows: list[dict], extra: dict[str, object]) -> Path:
    """write_roster's layout with `lines` (KEY：VALUE) above the header and `extra` columns (header: value
    on every row)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for line in lines:
        sheet.append([line])
    sheet.append([*HEADERS, *extra])
    for row in rows:
        sheet.append([*(row.get(h) for h in HEADERS), *extra.values()])
    book.save(path)
    return path


def test_an_unknown_plan_like_column_refuses_every_member_and_counts_no_header_row(ledger_target, tmp_path):
    rows = [
        person(n, i, **{"inpatient-accident": 1}) for n, i in (("张三", ZHANG), ("李四", LI), ("王五", WANG))
    ]
    roster = _roster_with_file_lines(tmp_path / "r.xlsx", [], rows, {"大病保障（份）": 1})
    code, doc, out = run(
        ["enroll", str(roster), "--start", "2026-12-01", "--json", "--skip-invalid"], ledger_target
    )
    assert code == 0, out
    assert (doc["enrolled"], doc["already_recorded"], doc["refused"]) == (0, 0, 3)
    assert [(p["row"], p["code"]) for p in doc["problems"]] == [(1, "column-unknown")]


@pytest.mark.parametrize(
    ("own_code", "expected"),
    [("", (0, 1)), ("91350100M000100Y43", (1, 0))],  # takes the wrong file-level code / has its own valid one
)
def test_a_wrong_file_level_credit_code_is_on_its_line_and_blocks_the_rows_that_take_it(
    ledger_target, tmp_path, own_code, expected
):
    roster = _roster_with_file_lines(
        tmp_path / "r.xlsx",
        ["统一社会信用代码：91350100M000100Y44"],
        [person("张三", ZHANG, **{"inpatient-accident": 1})],
        {"统一社会信用代码": own_code} if own_code else {},
    )
    wanted = [(1, "统一社会信用代码", "uscc-invalid")]
    code, doc, out = run(["validate", str(roster), "--start", "2026-12-01", "--json"], ledger_target)
    assert code == 1, out
    assert [(p["row"], p["column"], p["code"]) for p in doc["problems"]] == wanted
    assert (doc["rows"], doc["valid_rows"], doc["errors"]) == (1, expected[0], 1)
    code, doc, out = run(
        ["enroll", str(roster), "--start", "2026-12-01", "--json", "--skip-invalid"], ledger_target
    )
    assert code == 0, out
    assert (doc["enrolled"], doc["refused"]) == expected
    assert [(p["row"], p["column"], p["code"]) for p in doc["problems"]] == wanted
