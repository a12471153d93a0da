"""`xjma report overview` (office.md §7): the figures the office reports upward (开展概况); a read command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    OutputOpt,
    command,
    ledger_target,
    out,
    show_document,
    today,
)
from xjma.commands.periods import window_of

report_app = typer.Typer(help="统计报表", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


def _failed(options: dict[str, Any], message: str) -> dict[str, Any]:
    from xjma.commands.documents.overview import failed_overview_document

    return failed_overview_document(message)


@report_app.command(
    "overview",
    help="开展概况：会员单位、会员、参保人次、会费、已赚会费、受益人次、赔付、赔付率、续保率，"
    "按地州市和险种；生成带图表的工作簿。默认本年度。",
)
@command(failure=_failed)
def overview(
    year: str = typer.Option(None, "--year", help="年度，如 2026（默认：今年）"),
    date_from: str = typer.Option(None, "--from", help="起始日期，如 2026-01-01（与 --to 同用）"),
    date_to: str = typer.Option(None, "--to", help="截止日期（含），如 2026-06-30"),
    cumulative: bool = typer.Option(False, "--cumulative", help="累计：从台账最早的保障期起至截止日期"),
    db: str = DbOpt,
    output: Path = OutputOpt,
    as_json: bool = JsonOpt,
) -> int:
    from xjma.commands.documents.overview import overview_document
    from xjma.jobs.overview import Window, report_overview

    lo, hi = window_of(year, date_from, date_to, today())
    run = report_overview(
        Window(lo, hi, cumulative), db=ledger_target(db, writes=False), output=output, made_on=today()
    )
    return show_document(overview_document(run.result), _render, f"开展概况：{run.report}", as_json)


def _render(doc: dict[str, Any]) -> None:
    from xjma.commands.screen import fitting_table, key_values
    from xjma.core.labels import label

    out.print(f"[bold]{doc['sentence']}[/bold]")
    out.print(key_values(f"开展概况（{doc['from']} 至 {doc['to']}）", _pairs(doc)))
    heads = ("", "单位", "会员", "人次", "已赚会费", "受益人次", "赔付", "赔付率", "续保率")
    for title, rows in (
        ("按地州市", [(r["prefecture"], *_cells(r)) for r in doc["by_prefecture"]]),
        ("按险种", [(label(r["plan"]), *_cells(r)) for r in doc["by_plan"]]),
    ):
        out.print(fitting_table(title, (title[1:], *heads[1:]), rows, out.width, right=range(1, 9)))


def _pairs(doc: dict[str, Any]) -> list[tuple[str, object]]:
    return [
        ("会员单位", f"{doc['units']} 家"),
        ("会员", f"{doc['members']} 人"),
        ("参保人次", doc["enrollments"]),
        ("会费（扣除退费）", f"{doc['fees']} 元"),
        ("已赚会费", f"{doc['earned_fees']} 元"),
        ("受益人次", doc["beneficiary_cases"]),
        ("受益会员", f"{doc['beneficiary_members']} 人"),
        ("赔付", f"{doc['payouts']} 元"),
        ("赔付率", _percent(doc["loss_ratio"])),
        ("续保率", _percent(doc["renewal_ratio"])),
    ]


def _cells(r: dict[str, Any]) -> tuple[object, ...]:
    return (
        r["units"],
        r["members"],
        r["enrollments"],
        r["earned_fees"],
        r["beneficiary_cases"],
        r["payouts"],
        _percent(r["loss_ratio"]),
        _percent(r["renewal_ratio"]),
    )


def _percent(ratio: str | None) -> str:
    """ "0.6123" -> "61.23%"; no denominator -> "—"."""
    if ratio is None:
        return "—"
    from decimal import Decimal

    return f"{Decimal(ratio) * 100:.2f}%"
