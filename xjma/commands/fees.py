"""`xjma fees summary`: fees received in a month or a year (cli.md `fees summary`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    MaskOpt,
    OutputOpt,
    command,
    ledger_target,
    out,
    show_document,
    today,
)
from xjma.commands.periods import MonthOpt, YearOpt, month_or_year, period_label_or_none

fees_app = typer.Typer(help="会费相关命令", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(fees_app, name="fees")


def _failed(options: dict[str, Any], _message: str) -> dict[str, Any]:
    from xjma.commands.documents import failed_fees_document

    return failed_fees_document(period_label_or_none(options["month"], options["year"]))


@fees_app.command(
    "summary",
    help="按缴费日期汇总某月或某年收到的会费：按地州市、单位、险种（按年时逐月）；生成带图表的工作簿。",
)
@command(failure=_failed)
def summary(
    month: str = MonthOpt,
    year: str = YearOpt,
    db: str = DbOpt,
    output: Path = OutputOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> int:
    from xjma.commands.documents import fees_document
    from xjma.jobs.fees import fees_summary

    result = fees_summary(month_or_year(month, year), ledger_target(db, writes=False), output, today())
    return show_document(fees_document(result), _render, f"缴费汇总：{result.report}", as_json)


def _render(doc: dict[str, Any]) -> None:
    from rich.table import Table

    from xjma.core.columns import PLAN_SHORT

    out.print(f"[bold]{doc['period']} 会费合计 {doc['total']} 元，{doc['members']} 人[/bold]")
    sections: tuple[tuple[str, tuple[str, ...], list[tuple[Any, ...]]], ...] = (
        (
            "按地州市",
            ("所属地州市", "人数", "份数", "会费（元）"),
            [(p["prefecture"], p["members"], p["shares"], p["fee"]) for p in doc["by_prefecture"]],
        ),
        (
            "按险种",
            ("险种", "人数", "份数", "会费（元）"),
            [
                (PLAN_SHORT.get(p["plan"], p["plan"]), p["members"], p["shares"], p["fee"])
                for p in doc["by_plan"]
            ],
        ),
    )
    if len(doc["by_month"]) > 1:
        sections += (
            (
                "逐月",
                ("月份", "人数", "会费（元）"),
                [(m["month"], m["members"], m["fee"]) for m in doc["by_month"]],
            ),
        )
    for title, head, rows in sections:
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        for i, col in enumerate(head):
            table.add_column(col, justify="left" if i == 0 else "right")
        for row in rows:
            table.add_row(*(str(v) for v in row))
        out.print(table)
    if doc["by_unit"]:
        out.print(f"共 {len(doc['by_unit'])} 个单位，明细见工作簿“按单位”表。")
