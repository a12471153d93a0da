"""How the blank templates print (documents.md "Templates"): the form on A4 landscape one page wide with
its header row repeated and the 填报人 / 联系电话 / 单位盖章 / 日期 line in every page's footer (a "联系电话："
cell above the header would be read back as the file-level phone of every row, roster.md); 填表说明
wrapped paragraphs that print whole; 险种及会费 a printable table with the codes last."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from xjma.core.labels import label
from xjma.io.sheet_blocks import SIGN_FILER, write_paragraphs
from xjma.io.sheet_layout import Heading, Styles, page_setup, write_title_block
from xjma.io.sheet_table import Column, write_table

NOTES_WIDTH = 100


def form_layout(ws: Any, title: str, header_row: int, width: float) -> None:
    """The blank form: landscape A4 one page wide, header row repeated, signature line in the footer,
    header row and first column (工作单位 or 身份证号码) frozen."""
    page_setup(ws, title, width, header_rows=(header_row, header_row), sign=SIGN_FILER)
    ws.freeze_panes(header_row + 1, 1)


def write_notes(ws: Any, styles: Styles, heading: Heading, notes: Sequence[str]) -> None:
    """填表说明: one wrapped paragraph a row, each row tall enough for its lines."""
    ws.set_column(0, 0, NOTES_WIDTH)
    r = write_title_block(ws, styles, heading, 0)
    write_paragraphs(ws, styles, r + 1, notes, 0, NOTES_WIDTH)
    page_setup(ws, heading.title, NOTES_WIDTH)


def write_plans(ws: Any, styles: Styles, doc: dict[str, Any], issuer: str, made_on: dt.date) -> None:
    """险种及会费: the plans in force, fee, shares, observation, who may join, benefits; codes last."""
    columns = (
        Column("险种", "text", 24),
        Column("会费（元/份）", "wrap", 22),
        Column("最多份数", "int", 8),
        Column("观察期（天）", "int", 8),
        Column("参加对象", "wrap", 40),
        Column("每份最高保障（元）", "wrap", 24),
        Column("代码", "id"),
    )
    rows = []
    for p in doc["plans"]:
        fee = p["fee"] or "\n".join(f"{t['tier']}元档 {t['fee']}" for t in p["tiers"] or ())
        benefits = "\n".join(f"{label(b)} {m}" for b, m in p["benefits"].items())
        rows.append((p["name"], fee, p["max_shares"], p["observation_days"], "\n".join(p["eligibility"]),
                     benefits, p["code"]))  # fmt: skip
    heading = Heading(f"{doc['on']} 生效的互助保障险种（{doc['version']}）", issuer, made_on)
    write_table(ws, styles, columns, rows, heading=heading, total_label=None)
