"""`xjma template roster|claims`: canonical headers, text ID columns, drop-down lists, the extra sheets."""

from __future__ import annotations

import openpyxl
from typer.testing import CliRunner

from xjma.cli import app
from xjma.core.columns import CLAIMS_FIELDS, ROSTER_FIELDS


def _headers(sheet, row: int) -> list[str]:
    return [c.value for c in sheet[row] if c.value is not None]


def _validations(sheet) -> dict[str, str]:
    """Column letter -> the list formula of its drop-down."""
    found = {}
    for dv in sheet.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = dv.formula1
    return found


def _options(book, formula: str) -> list[str]:
    sheet_name, cells = formula.split("!")
    return [c.value for row in book[sheet_name][cells.replace("$", "")] for c in row]


def test_the_roster_template_has_the_canonical_headers_and_a_text_id_column(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["template", "roster"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "参保人员名册模板.xlsx")
    assert book.sheetnames == ["参保人员名册", "填表说明", "险种及会费", "选项"]
    assert book["选项"].sheet_state == "hidden"
    sheet = book["参保人员名册"]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "序号")
    assert _headers(sheet, header_row) == [f.header for f in ROSTER_FIELDS]
    letter = {f.name: openpyxl.utils.get_column_letter(i + 1) for i, f in enumerate(ROSTER_FIELDS)}
    assert sheet.column_dimensions[letter["id_number"]].number_format == "@"
    assert sheet.column_dimensions[letter["phone"]].number_format == "@"
    lists = _validations(sheet)
    assert _options(book, lists[letter["gender"]]) == ["男", "女"]
    assert _options(book, lists[letter["employment"]]) == [
        "正式职工",
        "合同制职工",
        "临时职工",
        "新就业形态劳动者",
    ]
    assert _options(book, lists[letter["renewal"]]) == ["是", "否"]
    assert _options(book, lists[letter["shares:critical-illness"]]) == ["0", "1", "2", "3", "4"]
    assert _options(book, lists[letter["shares:short-accident"]]) == ["0", "1", "2", "3", "4"]
    assert _options(book, lists[letter["short_tier"]]) == ["5", "10", "15"]
    assert "巴州" in _options(book, lists[letter["prefecture"]])
    notes = "".join(str(c.value) for row in book["填表说明"].iter_rows() for c in row if c.value)
    assert "文本" in notes and "工会" in notes
    plans = [
        row[-1] for row in book["险种及会费"].iter_rows(values_only=True)
    ]  # codes in the last 代码 column
    assert "代码" in plans and "inpatient-accident" in plans and "short-accident" in plans


def test_the_claims_template_has_its_lists(tmp_path):
    target = tmp_path / "claims.xlsx"
    result = CliRunner().invoke(app, ["template", "claims", "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    sheet = book["理赔明细"]
    assert _headers(sheet, 1) == [f.header for f in CLAIMS_FIELDS]
    letter = {f.name: openpyxl.utils.get_column_letter(i + 1) for i, f in enumerate(CLAIMS_FIELDS)}
    assert sheet.column_dimensions[letter["id_number"]].number_format == "@"
    lists = _validations(sheet)
    assert "重大疾病" in _options(book, lists[letter["plan"]])
    assert "意外医疗" in _options(book, lists[letter["benefit"]])
    assert _options(book, lists[letter["care"]]) == ["门诊", "住院"]
    assert _options(book, lists[letter["accident_kind"]]) == ["生活", "工作"]
    exclusions = _options(book, lists[letter["exclusion"]])
    assert "应当由第三人负担" in exclusions and "误诊" in exclusions
    assert _options(book, lists[letter["death"]]) == ["是", "否"]


def test_a_filled_in_roster_template_validates(tmp_path):
    target = tmp_path / "t.xlsx"
    assert CliRunner().invoke(app, ["template", "roster", "-o", str(target)]).exit_code == 0
    book = openpyxl.load_workbook(target)
    sheet = book["参保人员名册"]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "序号")
    sheet["B2"] = "新疆天山建设集团有限公司"
    values = {
        "姓名": "张伟",
        "身份证号码": "650102198506151013",
        "联系电话": "13912345678",
        "用工形式": "正式职工",
        "住院+意外（份）": 1,
    }
    for col, f in enumerate(ROSTER_FIELDS, start=1):
        if f.header in values:
            sheet.cell(header_row + 1, col, values[f.header])
    book.save(target)
    result = CliRunner().invoke(
        app, ["validate", str(target), "--start", "2026-12-01", "-o", str(tmp_path / "r.xlsx")]
    )
    assert result.exit_code == 0, result.output


def test_a_template_in_a_missing_folder_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["template", "roster", "-o", str(tmp_path / "nope" / "t.xlsx")])
    assert result.exit_code == 2


OLD_ROSTER_NOTES = (
    "1. 本表由基层工会统一填写，互助保障只接受单位工会统一组织参加，不接受个人参加。",
    "2. 第2、3行填写单位名称和所属地州市，对全表各行有效；某一行的“工作单位”“所属地州市”另有填写时以该行为准。",
    "3. 身份证号码请填写18位号码，列已设为“文本”格式，请勿改为数字格式（数字格式会损坏号码的后几位）。",
    "4. 性别、年龄须与身份证号码一致；年龄按保障起始日计算周岁，须在16至60周岁之间（短期意外按国家政策延迟退休的，以实际退休年龄为准）。",
    "5. 用工形式填写：正式职工、合同制职工、临时职工（聘用期限须超过12个月）或新就业形态劳动者（须为工会会员）。",
    "6. 各险种填写参加份数，不参加的留空或填0；最多份数见“险种及会费”工作表。",
    "7. 参加重大疾病的，须同时参加住院+意外；女职工特殊疾病只限女职工；新就业形态劳动者只能参加新就业形态意外。",
    "8. 参加短期意外的，须填写档次（5、10、15元/份）和保障止期；15元档经审批最多可参加4份，须在“加购审批”列填“是”。",
    "9. 续保的，请在“是否续保”列填“是”，并填写上期保障止期；续保无观察期。",
    "10. 填好后可先用 xjma validate 检查，按检查结果修改后再提交。",
)


def test_the_roster_instructions_are_generated_from_the_rules_and_read_as_before():
    import dataclasses
    import datetime as dt

    from xjma.io.rules_file import load_rules
    from xjma.io.template_xlsx import roster_notes

    rules = load_rules()
    version = rules.version_on(dt.date(2026, 12, 1))
    assert roster_notes(rules, version) == OLD_ROSTER_NOTES
    common = dataclasses.replace(rules.common, age_max=65, temp_min_term_months=6)
    notes = "".join(roster_notes(dataclasses.replace(rules, common=common), version))
    assert "须在16至65周岁之间" in notes and "聘用期限须超过6个月" in notes
