"""Rosters as clerks really send them (roster.md "Reading the files clerks really send", issue 14):
nothing in a file is silently ignored. Each test builds its file at run time and asserts codes, rows
and the values read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from xjma.errors import XjmaError
from xjma.jobs.validate import validate_file

START = dt.date(2026, 12, 1)
HEADERS = ["序号", "工作单位", "姓名", "性别", "身份证号码", "联系电话", "用工形式", "住院+意外（份）"]
IDS = ["650102198506151013", "650102199001011028", "65010219880606101X", "65010219920202102X"]


def person(i: int, unit: object = "某公司") -> list[object]:
    gender = "男" if int(IDS[i][16]) % 2 else "女"
    return [i + 1, unit, f"人员{i}", gender, IDS[i], f"1391234567{i}", "正式职工", 1]


def xlsx(path: Path, rows: list[list[object]], merges=(), head: list[list[object]] | None = None) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet("名册")
    for r, row in enumerate([*(head or [HEADERS]), *rows]):
        for c, value in enumerate(row):
            if isinstance(value, str) and value:
                sheet.write_string(r, c, value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
    for first_row, first_col, last_row, last_col, text in merges:
        sheet.merge_range(first_row, first_col, last_row, last_col, text)
    book.close()
    return path


def check(path: Path, **kw: object):
    return validate_file(path, start=START, **kw)


def codes(outcome) -> list[tuple[int, str]]:
    return [(p.row, p.code) for p in outcome.check.problems]


# ---------------------------------------------------------------- columns


def test_an_unknown_plan_like_column_is_an_error_and_no_row_can_be_enrolled(tmp_path):
    path = xlsx(tmp_path / "r.xlsx", [[*person(0), 2], [*person(1), 1]], head=[[*HEADERS, "大病保障（份）"]])
    outcome = check(path)
    assert codes(outcome) == [(1, "column-unknown")]
    assert outcome.problems[0].column == "大病保障（份）" and outcome.problems[0].severity == "error"
    assert outcome.valid_rows == 0 and outcome.check.error_rows >= {2, 3}


def test_another_unknown_column_is_a_warning(tmp_path):
    path = xlsx(tmp_path / "r.xlsx", [[*person(0), "x"]], head=[[*HEADERS, "单位编号"]])
    outcome = check(path)
    assert codes(outcome) == [(1, "column-ignored")] and outcome.valid_rows == 1


@pytest.mark.parametrize(
    ("header", "plan"),
    [("重疾（份）", "critical-illness"), ("重疾险", "critical-illness"), ("女职工特疾", "female-illness")],
)
def test_the_new_plan_aliases_are_read(tmp_path, header, plan):
    path = xlsx(tmp_path / "r.xlsx", [[*person(1), 1]], head=[[*HEADERS, header]])
    outcome = check(path)
    assert [p.code for p in outcome.problems if p.code.startswith("column")] == []
    assert outcome.check.rows[0].shares.get(plan) == 1


@pytest.mark.parametrize(
    ("header", "field", "value"),
    [
        ("所属地州", "prefecture", "巴州"),
        ("手机号码", "phone", "13912345670"),
        ("单位全称", "unit", "某公司"),
    ],
)
def test_the_new_column_aliases_are_read(tmp_path, header, field, value):
    heads = [h for h in HEADERS if h not in ("联系电话", "工作单位")] + [header]
    cells = [c for h, c in zip(HEADERS, person(0), strict=True) if h not in ("联系电话", "工作单位")]
    extra = {"prefecture": "巴州", "phone": "13912345670", "unit": "某公司"}[field]
    rows = [[*cells, extra]]
    if field != "phone":
        heads.append("联系电话")
        rows[0].append("13912345670")
    if field != "unit":
        heads.append("工作单位")
        rows[0].append("某公司")
    outcome = check(xlsx(tmp_path / "r.xlsx", rows, head=[heads]))
    assert getattr(outcome.check.rows[0], field) == value


# ---------------------------------------------------------------- layout


def test_a_unit_merged_down_over_its_rows_counts_for_every_row(tmp_path):
    rows = [person(0, "天山公司"), person(1, None), person(2, None), person(3, "昆仑公司")]
    path = xlsx(tmp_path / "r.xlsx", rows, merges=[(1, 1, 3, 1, "天山公司")])
    outcome = check(path)
    assert [r.unit for r in outcome.check.rows] == ["天山公司", "天山公司", "天山公司", "昆仑公司"]
    assert "unit-missing" not in {p.code for p in outcome.problems}


def test_a_two_row_header_is_read_with_the_row_below(tmp_path):
    upper = ["序号", "基本信息", "", "", "", "", "", "参保份数", ""]
    lower = [
        "",
        "工作单位",
        "姓名",
        "性别",
        "身份证号码",
        "联系电话",
        "用工形式",
        "住院+意外（份）",
        "重大疾病（份）",
    ]
    merges = [(0, 0, 1, 0, "序号"), (0, 1, 0, 6, "基本信息"), (0, 7, 0, 8, "参保份数")]
    path = xlsx(tmp_path / "r.xlsx", [[*person(0), 1], [*person(1), 0]], merges=merges, head=[upper, lower])
    outcome = check(path)
    assert outcome.table.header_row == 2
    assert [r.row for r in outcome.check.rows] == [3, 4]
    assert outcome.check.rows[0].shares == {"inpatient-accident": 1, "critical-illness": 1}
    assert codes(outcome) == []


@pytest.mark.parametrize("word", ["合计", "小 计", "总计", "共计"])
def test_a_totals_row_is_skipped_with_a_warning(tmp_path, word):
    path = xlsx(tmp_path / "r.xlsx", [person(0), person(1), [word, "", "", "", "", "", "", 2]])
    outcome = check(path)
    assert codes(outcome) == [(4, "totals-row-skipped")] and outcome.rows == 2


# ---------------------------------------------------------------- text files


def csv_text(rows: list[list[object]]) -> str:
    return "\n".join(",".join(str(c) for c in row) for row in [HEADERS, *rows]) + "\n"


def test_a_utf8_csv_with_one_gbk_line_names_that_row_only(tmp_path):
    lines = csv_text([person(0), person(1), person(2)]).split("\n")
    data = (
        "\n".join(lines[:2]).encode() + b"\n" + lines[2].encode("gbk") + b"\n" + "\n".join(lines[3:]).encode()
    )
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    outcome = check(path)
    assert codes(outcome) == [(3, "text-encoding")]
    assert [r.name for r in outcome.check.rows] == ["人员0", "人员1", "人员2"]  # the line read as GB18030


def test_excel_text_cells_in_a_csv_are_read_as_the_text_inside(tmp_path):
    row = person(0)
    row[4] = f'="{IDS[0]}"'
    path = tmp_path / "r.csv"
    path.write_text(csv_text([row]), encoding="utf-8")
    outcome = check(path)
    assert codes(outcome) == [] and outcome.check.rows[0].id_number == IDS[0]


def test_a_csv_named_xls_is_read_as_text(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text(csv_text([person(0)]).replace(",", "\t"), encoding="gb18030")
    outcome = check(path)
    assert codes(outcome) == [] and outcome.check.rows[0].id_number == IDS[0]


# ---------------------------------------------------------------- what a file really is


def _encrypt(source: Path, target: Path, password: str) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, target.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return target


def test_a_workbook_encrypted_with_excels_default_password_is_read(tmp_path):
    plain = xlsx(tmp_path / "plain.xlsx", [person(0)])
    outcome = check(_encrypt(plain, tmp_path / "r.xlsx", "VelvetSweatshop"))
    assert codes(outcome) == [] and outcome.check.rows[0].id_number == IDS[0]


def test_a_workbook_with_a_real_password_asks_to_remove_it(tmp_path):
    plain = xlsx(tmp_path / "plain.xlsx", [person(0)])
    with pytest.raises(XjmaError, match="密码"):
        check(_encrypt(plain, tmp_path / "r.xlsx", "secret"))


def test_a_damaged_sheet_says_the_file_is_damaged(tmp_path):
    import zipfile

    good = xlsx(tmp_path / "good.xlsx", [person(0)])
    bad = tmp_path / "r.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle of the sheet data
            out.writestr(name, data)
    with pytest.raises(XjmaError, match="损坏") as caught:
        check(bad)
    assert "表头" not in str(caught.value)


def test_an_empty_template_sheet_placed_first_is_named(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "r.xlsx"))
    book.add_worksheet("Sheet1").write_row(0, 0, HEADERS)
    book.add_worksheet("名单").write_row(0, 0, HEADERS)
    for r in range(2):
        book.get_worksheet_by_name("名单").write_row(r + 1, 0, [str(c) for c in person(r)])
    book.close()
    with pytest.raises(XjmaError, match="工作表“Sheet1”是空的，名册在工作表“名单”中，请用 --sheet 名单"):
        check(tmp_path / "r.xlsx")
    assert [r.row for r in check(tmp_path / "r.xlsx", sheet="名单").check.rows] == [2, 3]


@pytest.mark.parametrize(
    ("first", "said"),
    [
        ("填表说明", "工作表“说明”不是名册（没有找到表头），名册在隐藏的工作表“名单”中，请用 --sheet 名单"),
        (None, "工作表“说明”是空的，名册在隐藏的工作表“名单”中，请用 --sheet 名单"),
    ],
)
def test_a_roster_on_a_hidden_sheet_is_named(tmp_path, first, said):
    book = xlsxwriter.Workbook(str(tmp_path / "r.xlsx"))
    shown = book.add_worksheet("说明")
    if first is not None:
        shown.write_string(0, 0, first)
    hidden = book.add_worksheet("名单")
    hidden.write_row(0, 0, HEADERS)
    hidden.write_row(1, 0, [str(c) for c in person(0)])
    hidden.hide()
    book.close()
    with pytest.raises(XjmaError) as caught:
        check(tmp_path / "r.xlsx")
    assert str(caught.value) == said


def test_plain_number_dates_of_a_1904_workbook_are_read_in_that_system(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.append([*HEADERS, "是否续保", "上期保障止期"])
    serial = (dt.date(2026, 11, 30) - dt.date(1904, 1, 1)).days
    sheet.append([*person(0), "是", serial])  # a plain number, no date format
    book.save(tmp_path / "r.xlsx")
    outcome = check(tmp_path / "r.xlsx")
    assert outcome.check.rows[0].prev_end == dt.date(2026, 11, 30)


def test_one_stray_cell_far_below_the_data_is_read_without_the_empty_rows(tmp_path):
    path = xlsx(tmp_path / "r.xlsx", [person(0)])
    book = openpyxl.load_workbook(path)
    book.active.cell(900_000, 1, "x")
    book.save(path)
    outcome = check(path)
    assert [r.row for r in outcome.check.rows] == [2, 900_000]


# ---------------------------------------------------------------- 统一社会信用代码


@pytest.mark.parametrize(("code", "bad"), [("91350100M000100Y43", False), ("91350100M000100Y44", True)])
def test_the_unified_social_credit_code_check_character_is_checked(tmp_path, code, bad):
    path = xlsx(tmp_path / "r.xlsx", [[*person(0), code]], head=[[*HEADERS, "统一社会信用代码"]])
    found = [(p.row, p.code, p.column) for p in check(path).problems]
    assert found == ([(2, "uscc-invalid", "统一社会信用代码")] if bad else [])


def test_a_credit_code_that_is_not_18_characters_is_said_to_be_malformed(tmp_path):
    path = xlsx(
        tmp_path / "r.xlsx", [[*person(0), "91350100M000100Y4"]], head=[[*HEADERS, "统一社会信用代码"]]
    )
    (problem,) = check(path).problems
    assert problem.code == "uscc-invalid" and "应为18位数字或大写字母" in problem.message
    assert "校验码按前17位应为" not in problem.message  # no check character to name


def test_a_file_level_credit_code_line_is_checked(tmp_path):
    path = xlsx(tmp_path / "r.xlsx", [person(0)], head=[["统一社会信用代码：91350100M000100Y44"], HEADERS])
    outcome = check(path)
    assert codes(outcome) == [(1, "uscc-invalid")]  # on its own line, above the header (row 2)
    assert outcome.valid_rows == 0 and outcome.check.error_rows >= {3}  # the row takes the wrong code


def test_the_check_character_of_gb_32100(tmp_path):
    from xjma.core.uscc import check_character, uscc_error

    assert check_character("91350100M000100Y4") == "3"
    assert uscc_error("91350100M000100Y43") is None and uscc_error("9135 0100-M000100Y43") is None
    assert uscc_error("91350100M000100Y4I") == "3" and uscc_error("123") == "?"


@pytest.mark.parametrize("region", ["330113", "330114", "429004", "229006"])
def test_county_codes_used_since_1984_are_known(region):
    from xjma.io.regions import load_regions

    assert load_regions().region_known(region)


def test_a_problem_on_most_rows_is_summarised_and_its_comments_are_limited(tmp_path, monkeypatch):
    """documents.md 检查结果: one sentence on the verdict sheet; comments on its first cells only."""
    import xjma.io.report_xlsx as report_xlsx
    from xjma.jobs.validate import write_validation_report

    monkeypatch.setattr(report_xlsx, "COMMENTS_PER_PROBLEM", 3)
    rows = []
    for i in range(12):  # every ID with a region code no table knows: id-region-unknown on every row
        first17 = f"659999198506{i + 10:02d}101"
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        number = first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
        rows.append([i + 1, "某公司", f"人员{i}", "男", number, "13912345678", "正式职工", 1])
    rows[5][5] = "123"  # and one error elsewhere
    path = xlsx(tmp_path / "r.xlsx", rows)
    outcome = check(path)
    assert sum(p.code == "id-region-unknown" for p in outcome.problems) == 12
    target = write_validation_report(outcome, path, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[0] == "汇总"
    summary = [str(c.value) for r in book["汇总"].iter_rows() for c in r if c.value is not None]
    assert "有 1 个错误需要改正，12 个提示" in summary
    sentence = next(s for s in summary if s.startswith("身份证号码列 12 行"))
    assert sentence.startswith(
        "身份证号码列 12 行地区码无法识别：例如第 2 行，身份证号码前6位地区码 659999 无法识别"
    )
    assert sentence.endswith("（批注只标出前 3 处，问题列逐行列出）")  # 12 cells, 3 commented
    sheet = book["问题行"]
    # the table starts under the title block: header in row 3, the first problem row in row 4
    commented = [c.row for r in sheet.iter_rows(min_row=4) for c in r if c.comment is not None]
    region_col = 2 + HEADERS.index("身份证号码") + 1
    assert [c for c in commented if sheet.cell(c, region_col).comment is not None] == [4, 5, 6]
    assert [sheet.cell(r, 1).value for r in range(4, 16)] == list(range(2, 14))  # every row listed
    assert all("地区码" in sheet.cell(r, 2).value for r in range(4, 16))  # 问题 names it on every row
    listing = [[c.value for c in r] for r in book["问题清单"].iter_rows(min_row=4)]
    assert [x[5] for x in listing].count("id-region-unknown") == 4  # three lines, then "另有 9 处"
    assert "另有 9 处" in listing[-1][4]


@pytest.mark.parametrize(("limit", "noted"), [(12, False), (11, True)])
def test_the_note_on_comments_only_when_the_problem_has_more_cells_than_are_commented(
    tmp_path, monkeypatch, limit, noted
):
    import xjma.io.report_xlsx as report_xlsx
    from xjma.jobs.validate import write_validation_report

    monkeypatch.setattr(report_xlsx, "COMMENTS_PER_PROBLEM", limit)
    rows = [
        [i + 1, "某公司", f"人员{i}", "男", _unknown_region_id(i), "13912345678", "正式职工", 1]
        for i in range(12)
    ]
    path = xlsx(tmp_path / "r.xlsx", rows)
    book = openpyxl.load_workbook(write_validation_report(check(path), path, tmp_path / "out.xlsx"))
    summary = [str(c.value) for r in book["汇总"].iter_rows() for c in r if c.value is not None]
    sentence = next(s for s in summary if s.startswith("身份证号码列 12 行地区码无法识别："))
    assert ("批注只标出" in sentence) is noted


def _unknown_region_id(i: int) -> str:
    first17 = f"659999198506{i + 10:02d}101"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def test_past_its_first_cells_a_row_with_only_a_whole_column_problem_is_行号_and_问题_alone(
    tmp_path, monkeypatch
):
    """documents.md 检查结果: such a row shows no roster cells, filled or blank."""
    import xjma.io.report_xlsx as report_xlsx
    from xjma.jobs.validate import write_validation_report

    monkeypatch.setattr(report_xlsx, "COMMENTS_PER_PROBLEM", 3)
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    rows = []
    for i in range(12):
        first17 = f"659999198506{i + 10:02d}101"
        number = first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
        rows.append([i + 1, "某公司", f"人员{i}", "男", number, "13912345678", "正式职工", 1])
    rows[8][5] = "123"  # roster row 10 has an error too: its cells stay
    path = xlsx(tmp_path / "r.xlsx", rows)
    sheet = openpyxl.load_workbook(write_validation_report(check(path), path, tmp_path / "out.xlsx"))[
        "问题行"
    ]
    width = 2 + len(HEADERS)
    for r in range(7, 16):  # roster rows 5..13: past the first 3 comments of id-region-unknown
        cells = [sheet.cell(r, c) for c in range(3, width + 1)]
        if sheet.cell(r, 1).value == 10:
            assert cells[HEADERS.index("联系电话")].value == "123" and cells[0].value is not None
            continue
        assert sheet.cell(r, 2).value and "地区码" in sheet.cell(r, 2).value
        assert all(c.value is None and not c.has_style for c in cells), r


@pytest.mark.parametrize("keep", [200_000, 0], ids=["cells kept while read", "second pass"])
def test_the_report_gets_the_cells_of_exactly_the_rows_with_problems(tmp_path, monkeypatch, keep):
    import xjma.jobs.validate as validate

    monkeypatch.setattr(validate, "KEEP_CELLS_ROWS", keep)
    rows = [person(0), person(1), person(2)]
    rows[1][5] = "123"
    outcome = check(xlsx(tmp_path / "r.xlsx", rows))
    assert codes(outcome) == [(3, "phone-invalid")]
    assert outcome.problem_cells == {3: [2, "某公司", "人员1", "女", IDS[1], "123", "正式职工", 1]}


# ---------------------------------------------------------------- memory (issue 23)

_PEAK = """
import datetime as dt, sys
from xjma.jobs.validate import validate_file
validate_file(sys.argv[1], start=dt.date(2026, 12, 1))
status = open("/proc/self/status").read()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def _peak_kb(path: Path) -> int:
    """The peak resident memory (VmHWM, reset by exec) of a fresh process that validates `path`."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1])


def _with_decoys(path: Path, decoys: int) -> Path:
    """`decoys` visible sheets of 20,000 x 10 text cells without a roster header, then the roster."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for n in range(decoys):
        sheet = book.add_worksheet(f"说明{n}")
        for r in range(20_000):
            sheet.write_row(r, 0, [f"备注{n}-{r}-{c}" for c in range(10)])
    roster = book.add_worksheet("名册")
    roster.write_row(0, 0, HEADERS)
    roster.write_row(1, 0, [str(v) for v in person(0)])
    book.close()
    return path


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is read from /proc")
def test_decoy_sheets_before_the_roster_do_not_add_up_in_memory(tmp_path):
    one = _peak_kb(_with_decoys(tmp_path / "one.xlsx", 1))
    six = _peak_kb(_with_decoys(tmp_path / "six.xlsx", 6))
    # each decoy parsed is ~200,000 cells (tens of MB in calamine's grid); one is dropped before the next
    assert six - one < 25_000, (one, six)


def test_a_problem_worded_once_for_many_rows_still_names_each_rows_own_value(tmp_path):
    """The row builder words a problem once per distinct value: a value shared by rows, not a code."""
    rows = [person(0), person(1), person(2)]
    rows[0][5], rows[1][5], rows[2][5] = "777", "888", "777"
    problems = [p for p in check(xlsx(tmp_path / "r.xlsx", rows)).problems if p.code == "phone-invalid"]
    assert [p.row for p in problems] == [2, 3, 4]
    assert "“777”" in problems[0].message and "“888”" in problems[1].message
    assert "777" not in problems[1].message
    assert problems[2].message == problems[0].message and problems[2].column == "联系电话"
