"""未登记人员 (documents.md, `enroll --skip-invalid`): the refused rows with their problems, so the clerk
can fix them and send them again. One line per refused row: 行号, 姓名, 身份证号码, 工作单位, 问题 (each
problem's Chinese title and message, wrapped), then the codes in a last 代码 column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xjma.core.labels import SEVERITY_LABELS, label
from xjma.core.problems import Problem
from xjma.io.sheet_layout import Heading, Styles
from xjma.io.sheet_table import Column, Table, write_table

SHEET = "未登记人员"
COLUMNS = (
    Column("行号", "int", 8),
    Column("姓名", "text", 16),
    Column("身份证号码", "id"),
    Column("工作单位", "text", 24),
    Column("问题", "wrap", 60),
    Column("代码", "id", 30),
)


@dataclass(frozen=True)
class RefusedRow:
    row: int  # the roster's Excel row number
    name: str
    id_number: str
    unit: str
    problems: Sequence[Problem]


def problem_text(problems: Sequence[Problem]) -> str:
    """ "【错误】身份证号码校验码不对：…" a line per problem."""
    return "\n".join(
        f"【{SEVERITY_LABELS.get(p.severity, p.severity)}】{label(p.code)}：{p.message}" for p in problems
    )


def write_refused_sheet(book: Any, styles: Styles, rows: Sequence[RefusedRow], heading: Heading) -> Table:
    ws = book.add_worksheet(SHEET)
    values = (
        (
            r.row,
            r.name,
            r.id_number,
            r.unit,
            problem_text(r.problems),
            "；".join(dict.fromkeys(p.code for p in r.problems)),
        )
        for r in rows
    )
    return write_table(ws, styles, COLUMNS, values, heading=heading, freeze_cols=2, total_label=None)
