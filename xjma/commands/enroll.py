"""`xjma enroll`: validate a roster, compute fees, record the enrollments (cli.md `enroll`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    DbOpt,
    EndOpt,
    JsonOpt,
    MaskOpt,
    OutputOpt,
    PrefectureOpt,
    RulesOpt,
    SheetOpt,
    StartOpt,
    UnitOpt,
    command,
    date_or_none,
    emit_json,
    err,
    ledger_target,
    out,
    parse_date_option,
    say_error,
    start_date,
    start_or_none,
    today,
)
from xjma.commands.operator import OperatorOpt

SHOWN_PROBLEMS = 30


def register(app: typer.Typer) -> None:
    app.command(
        "enroll",
        help="校验名册、计算会费，并在一个事务中把参保记录登记到台账；生成参保结果工作簿（参保名单、单位汇总、缴费通知）。",
    )(enroll)


def _failed(options: dict[str, Any], _message: str) -> dict[str, Any]:
    """The exit-2 document: the empty result of the run the options asked for."""
    from xjma.commands.documents import enroll_document
    from xjma.jobs.enroll import EnrollResult

    start = start_or_none(options["start"])
    paid_on = date_or_none(options["paid_on"], today)
    return enroll_document(EnrollResult(options["file"], start, paid_on, options["dry_run"]))


@command(failure=_failed)
def enroll(
    file: Path = typer.Argument(..., readable=False, help="参保人员名册（.xlsx/.xls/.ods/.csv）"),
    start: str = StartOpt,
    paid_on: str = typer.Option(None, "--paid-on", help="缴费日期（默认：今天），用于按月汇总会费"),
    end: str = EndOpt,
    unit: str = UnitOpt,
    prefecture: str = PrefectureOpt,
    sheet: str = SheetOpt,
    db: str = DbOpt,
    rules: Path = RulesOpt,
    dry_run: bool = typer.Option(False, "--dry-run", help="只计算和生成工作簿，不写入台账"),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="跳过有错误的行，登记其余各行"),
    output: Path = OutputOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
    operator: str = OperatorOpt,
) -> int:
    from xjma.commands.documents import enroll_document
    from xjma.commands.operator import actor
    from xjma.jobs.enroll import EnrollRequest, enroll_roster

    who = None if dry_run else actor(operator)
    # the batch's recorded time and the workbook's date: the run's today (XJMA_TODAY pins it), as the log's
    now = who.at if who else dt.datetime.combine(today(), dt.datetime.now().time())
    request = EnrollRequest(
        start=start_date(start),
        paid_on=parse_date_option(paid_on, "--paid-on") if paid_on else today(),
        now=now,
        end=parse_date_option(end, "--end") if end else None,
        unit=unit,
        prefecture=prefecture,
        sheet=sheet,
        db=ledger_target(db, writes=not dry_run),
        rules=rules,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        output=output,
        actor=who,
    )
    result = enroll_roster(file, request)
    if as_json:
        from xjma.jobs.progress import gc_paused

        with gc_paused():  # a document of 100,000 members holds no cycles: as for the batch itself
            emit_json(enroll_document(result))
        for batch in result.recorded_in:  # cli.md: notes go to stderr, the document alone to stdout
            err.print(f"已在第 {batch} 批登记，可用 xjma batch report {batch} 补打", markup=False)
    else:
        _render(result, skip_invalid)
    if result.report_error:
        say_error(result.report_error)
    return result.exit_code


def _render(result: Any, skip_invalid: bool) -> None:
    from xjma.commands.screens import refused_rows
    from xjma.core.privacy import mask_text

    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        shown = [
            {"row": p.row, "column": p.column, "code": p.code, "message": mask_text(p.message)}
            for p in errors[:SHOWN_PROBLEMS]
        ]
        out.print(refused_rows(shown, out.width))  # the problem in Chinese; wraps, never cut at 80 columns
        if len(errors) > SHOWN_PROBLEMS:
            out.print(
                f"……另有 {len(errors) - SHOWN_PROBLEMS} 个错误，请用 xjma validate 生成检查结果表查看。"
            )
    refused = len(result.refused_rows)
    if refused and not skip_invalid:
        out.print(
            f"[red]名册有 {refused} 行存在错误，本批未登记任何人员。[/red]"
            "请改正后重新运行，或加 --skip-invalid 只登记没有错误的行。"
        )
        return
    _render_fees(result.items)
    verb = "将登记（试运行，未写入台账）" if result.dry_run else "已登记"
    out.print(
        f"{verb} {result.enrolled} 人；此前已登记、本次未重复登记 {result.already_recorded} 人；"
        f"拒绝 {refused} 人。保障起始日 {result.start}，缴费日期 {result.paid_on}。"
    )
    if result.report:
        out.print(f"参保结果：{result.report}", markup=False)
    elif not result.report_error:
        out.print("没有需要新登记的人员，未生成参保结果工作簿。")
    for batch in result.recorded_in:
        out.print(f"已在第 {batch} 批登记，可用 xjma batch report {batch} 补打")
    if result.enrolled and not result.dry_run:
        err.print(f"台账：{result.ledger}", markup=False)


def _render_fees(items: list[Any]) -> None:
    from rich.table import Table

    from xjma.commands.documents import fees_of
    from xjma.core.columns import PLAN_SHORT

    fees = fees_of(items)
    if not fees["by_unit"]:
        return
    table = Table(title="会费（按单位）", title_justify="left")
    for col, justify in (("工作单位", "left"), ("人数", "right"), ("会费（元）", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for unit, figures in fees["by_unit"].items():
        table.add_row(unit, str(figures["members"]), figures["fee"])
    table.add_section()
    for plan, figures in fees["by_plan"].items():
        table.add_row(
            f"[dim]{PLAN_SHORT.get(plan, plan)}（{figures['shares']} 份）[/dim]",
            str(figures["members"]),
            figures["fee"],
        )
    table.add_row("[bold]合计[/bold]", "", f"[bold]{fees['total']}[/bold]")
    out.print(table)
