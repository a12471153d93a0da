"""Terminal tables at 80 columns: wrapped or listed, never an amount or instruction behind "…"."""

from rich.console import Console
from rich.table import Table
from terminal80 import hidden_behind_ellipsis, too_wide

from xjma.commands.screen import fitting_table, key_values, list_form, min_width, numbered

PLAN_ROWS = [
    ["住院+意外", "110.00 元/份", "1", "30 天（续保无观察期）", "在职职工，年龄 16–60 周岁", "住院：8000.00 元\n意外：40000.00 元"],
    ["重大疾病", "40.00 元/份", "4", "60 天", "须同时参加住院+意外", "重度：100000.00 元\n轻度：30000.00 元"],
]  # fmt: skip
HEADERS = ["险种", "会费", "最多份数", "观察期", "参加对象", "保障（每份）"]


def _render(renderable, width=80):
    console = Console(width=width, record=True, color_system=None)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def test_a_table_that_fits_wraps_its_texts_and_hides_nothing():
    text = _render(fitting_table("险种", HEADERS, PLAN_ROWS, 80))
    assert hidden_behind_ellipsis(text) == [] and too_wide(text) == []
    assert "40000.00" in text and "100000.00" in text


def test_the_same_rows_in_a_plain_rich_table_are_cut_which_is_what_this_prevents():
    table = Table()
    for head in HEADERS:
        table.add_column(head, no_wrap=True)
    for row in PLAN_ROWS:
        table.add_row(*row)
    assert hidden_behind_ellipsis(_render(table)) != []


def test_a_table_too_wide_for_the_terminal_becomes_a_list_of_records():
    rows = [
        [f"{n}", "650104199310100012", "乌鲁木齐市某某公司", "id-checksum", "身份证号码最后一位校验码不对"]
        for n in (2, 3)
    ]
    rendered = fitting_table("有错误的行", ["行号", "身份证号码", "工作单位", "代码", "问题"], rows, 40)
    text = _render(rendered, 40)
    assert "1. 行号：2" in text and "身份证号码：650104199310100012" in text
    assert hidden_behind_ellipsis(text) == []


def test_an_amount_or_code_sets_the_narrowest_its_column_may_be():
    assert min_width("受限额 12345.67 元") == 8
    assert min_width("意外：40000.00") == 14
    assert min_width("outside-period") == 14
    assert min_width("是") == 2


def test_a_record_is_shown_as_name_value_lines():
    text = _render(key_values("参保人", [("姓名", "张三"), ("身份证号码", "650104********0012")]))
    assert "姓名：张三" in text and "身份证号码：650104********0012" in text
    assert _render(list_form("", ["a"], [["1"]])).strip() == "1. a：1"


def test_numbered_steps_wrap_under_their_own_text():
    step = "基本统筹段（本地就医）：统筹段个人自付 2880元 × 60% = 1728元，最高不超过统筹基金支付 16320元 × 20% = 3264元"
    text = _render(numbered([step, "本次给付 1728元"]), 60)
    lines = text.splitlines()
    assert lines[0].startswith("  1. 基本统筹段") and lines[1].startswith("     ")
    assert any(line.startswith("  2. 本次给付 1728元") for line in lines)
    assert hidden_behind_ellipsis(text) == [] and "16320元" in text.replace("\n", "")
