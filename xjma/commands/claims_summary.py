"""`xjma claims summary`: the cases approved (or paid) in a month or a year (office.md §6)."""

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

claims_app = typer.Typer(help="理赔汇总命令", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(claims_app, name="claims")


def _failed(options: dict[str, Any], _message: str) -> dict[str, Any]:
    from xjma.commands.documents.claims_summary import failed_claims_summary_document
    from xjma.errors import XjmaError
    from xjma.jobs.claims_summary import parse_state

    try:
        state: str | None = parse_state(options["state"])
    except XjmaError:
        state = None
    return failed_claims_summary_document(period_label_or_none(options["month"], options["year"]), state)


@claims_app.command(
    "summary",
    help="汇总某月或某年审批（或支付）的理赔案件：按地州市、单位、险种和给付项目（按年时逐月），"
    "含拒付和未结案件数；生成带图表的工作簿。",
)
@command(failure=_failed)
def summary(
    month: str = MonthOpt,
    year: str = YearOpt,
    state: str = typer.Option(
        None, "--state", help="approved（默认：按审批月份，含已支付）或 paid（按支付日期，只计已支付）"
    ),
    db: str = DbOpt,
    output: Path = OutputOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> int:
    from xjma.commands.documents.claims_summary import claims_summary_document
    from xjma.jobs.claims_summary import claims_summary, parse_state

    period, chosen = month_or_year(month, year), parse_state(state)
    result = claims_summary(period, chosen, ledger_target(db, writes=False), output, today())
    return show_document(claims_summary_document(result), _render, f"赔付汇总：{result.report}", as_json)


def _render(doc: dict[str, Any]) -> None:
    from xjma.commands.screen import fitting_table
    from xjma.core.labels import label

    basis = "按审批月份，含已支付" if doc["state"] == "approved" else "按支付日期"
    out.print(
        f"[bold]{doc['period']} 赔付（{basis}）：{doc['cases']} 人次，{doc['members']} 人，"
        f"金额 {doc['amount']} 元；拒付 {doc['rejected']} 件，未结 {doc['open']} 件[/bold]"
    )
    heads: tuple[str, ...] = ("所属地州市", "人次", "人数", "金额（元）")
    rows: list[tuple[Any, ...]] = [
        (p["prefecture"], p["cases"], p["members"], p["amount"]) for p in doc["by_prefecture"]
    ]
    if rows:
        out.print(fitting_table("按地州市", heads, rows, out.width, right=(1, 2, 3)))
    heads = ("险种", "给付项目", "人次", "人数", "金额（元）")
    rows = [
        (label(p["plan"]), label(p["benefit"]), p["cases"], p["members"], p["amount"]) for p in doc["by_plan"]
    ]
    if rows:
        out.print(fitting_table("按险种和给付项目", heads, rows, out.width, right=(2, 3, 4)))
    if len(doc["by_month"]) > 1:
        rows = [(m["month"], m["cases"], m["amount"]) for m in doc["by_month"]]
        out.print(fitting_table("逐月", ("月份", "人次", "金额（元）"), rows, out.width, right=(1, 2)))
    if doc["by_unit"]:
        out.print(f"共 {len(doc['by_unit'])} 个单位，明细见工作簿“按单位”表。")
