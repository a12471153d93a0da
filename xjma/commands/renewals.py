"""`xjma renewals due` (office.md §4): the members due for renewal by a date, per unit; a read command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    MaskOpt,
    OutputOpt,
    RulesOpt,
    command,
    date_or_none,
    ledger_target,
    out,
    parse_date_option,
    show_document,
    today,
)

renewals_app = typer.Typer(help="续保相关命令", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(renewals_app, name="renewals")


def _failed(options: dict[str, Any], _message: str) -> dict[str, Any]:
    from xjma.commands.documents.renewals import failed_renewals_due_document

    before = options["before"]  # None: --before was not given (a usage error)
    return failed_renewals_due_document(date_or_none(before, today) if before else None)


@renewals_app.command(
    "due",
    help="列出保障止期在某日及以前、尚未续保的会员（按单位），应缴会费，以及已脱保的单位和会员；生成工作簿。",
)
@command(failure=_failed)
def due(
    before: str = typer.Option(..., "--before", help="截止日期，如 2027-01-31：保障止期在此日及以前的会员"),
    prefecture: str = typer.Option(None, "--prefecture", help="只列出这个地州市"),
    unit: str = typer.Option(None, "--unit", help="只列出这个工作单位"),
    db: str = DbOpt,
    rules: Path = RulesOpt,
    output: Path = OutputOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> int:
    from xjma.commands.documents import renewals_due_document
    from xjma.jobs.renewals import due_renewals

    run = due_renewals(
        parse_date_option(before, "--before"),
        db=ledger_target(db, writes=False),
        rules_path=rules,
        today=today(),
        prefecture=prefecture,
        unit=unit,
        output=output,
    )
    lapsed = run.result.lapsed_members
    return show_document(
        renewals_due_document(run.result),
        lambda doc: _render(doc, lapsed),
        f"续保提醒：{run.report}",
        as_json,
    )


def _render(doc: dict[str, Any], lapsed_members: int) -> None:
    from xjma.commands.screen import fitting_table

    out.print(
        f"[bold]{doc['before']} 前到期待续保：{len(doc['units'])} 个单位，{doc['members_due']} 人，"
        f"应缴会费 {doc['fee_due']} 元；已脱保 {doc['lapsed_units']} 个单位、{lapsed_members} 人[/bold]"
    )
    if not doc["units"]:
        return
    heads = ("工作单位", "所属地州市", "应续保人数", "不可续保人数", "应缴会费（元）", "最早保障止期")
    rows = [
        (u["unit"], u["prefecture"], u["members_due"], u["not_renewable"], u["fee_due"], u["earliest_end"])
        for u in doc["units"][:50]
    ]
    out.print(fitting_table("按单位", heads, rows, out.width, right=(2, 3, 4)))
    if len(doc["units"]) > 50:
        out.print(f"共 {len(doc['units'])} 个单位，其余见工作簿。")
