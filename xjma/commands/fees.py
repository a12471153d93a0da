"""`xjma fees summary`: fees received in a month or a year (cli.md `fees summary`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    LAST_YEAR,
    DbOpt,
    JsonOpt,
    MaskOpt,
    OutputOpt,
    command,
    emit_json,
    err,
    ledger_target,
    out,
    today,
)
from xjma.errors import XjmaError

fees_app = typer.Typer(help="会费相关命令", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(fees_app, name="fees")


@fees_app.command(
    "summary",
    help="按缴费日期汇总某月或某年收到的会费：按地州市、单位、险种（按年时逐月）；生成带图表的工作簿。",
)
@command()
def summary(
    month: str = typer.Option(None, "--month", help="月份，如 2026-12"),
    year: str = typer.Option(None, "--year", help="年份，如 2026"),
    db: str = DbOpt,
    output: Path = OutputOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> int:
    from xjma.commands.documents import fees_document
    from xjma.jobs.fees import fees_summary, parse_period

    _refuse_far_years(month, year)
    result = fees_summary(parse_period(month, year), ledger_target(db, writes=False), output, today())
    doc, report = fees_document(result), result.report
    if as_json:
        emit_json(doc)
        err.print(f"缴费汇总：{report}", markup=False)
        return 0
    _render(doc)
    out.print(f"缴费汇总：{report}", markup=False)
    return 0


def _refuse_far_years(month: str | None, year: str | None) -> None:
    """A year past LAST_YEAR has no next year to end its period on: said as a bad option."""
    for name, value in (("--month", month), ("--year", year)):
        digits = (value or "").strip()[:4]
        if digits.isdigit() and len(digits) == 4 and int(digits) > LAST_YEAR:
            raise XjmaError(f"{name} 超出可用的日期范围：{value!r}，请写 {LAST_YEAR} 年以前的年份或月份")


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
