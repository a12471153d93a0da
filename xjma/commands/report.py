"""`xjma report overview` (office.md §7): the figures the office reports upward (开展概况); a read command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    OutputOpt,
    command,
    emit_json,
    err,
    ledger_target,
    out,
    parse_date_option,
    today,
)
from xjma.errors import XjmaError

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
    doc = overview_document(run.result)
    if as_json:
        emit_json(doc)
        err.print(f"开展概况：{run.report}", markup=False)
        return 0
    _render(doc)
    out.print(f"开展概况：{run.report}", markup=False)
    return 0


def window_of(
    year: str | None, date_from: str | None, date_to: str | None, now: dt.date
) -> tuple[dt.date, dt.date]:
    """--year YYYY, or --from and --to, or neither (the current year); both days included."""
    if year is not None and (date_from is not None or date_to is not None):
        raise XjmaError("--year 与 --from/--to 只能选一种")
    if (date_from is None) != (date_to is None):
        raise XjmaError("--from 与 --to 须同时给出")
    if date_from is not None:
        lo, hi = parse_date_option(date_from, "--from"), parse_date_option(date_to, "--to")
        if lo > hi:
            raise XjmaError(f"--from {lo.isoformat()} 晚于 --to {hi.isoformat()}")
        return lo, hi
    if year is None:
        return dt.date(now.year, 1, 1), dt.date(now.year, 12, 31)
    digits = year.strip()
    if not (digits.isdigit() and len(digits) == 4):
        raise XjmaError(f"--year 应写成 2026 的形式：{year!r}")
    lo = parse_date_option(f"{digits}-01-01", "--year")
    return lo, parse_date_option(f"{digits}-12-31", "--year")


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
