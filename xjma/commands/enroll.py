"""`xjma enroll`: validate a roster, compute fees, record the enrollments (cli.md `enroll`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    MaskOpt,
    OutputOpt,
    RulesOpt,
    StartOpt,
    date_or_none,
    emit_json,
    err,
    handled,
    json_on_failure,
    json_text,
    masked,
    out,
    parse_date_option,
    start_date,
    today,
)
from xjma.commands.operator import OperatorOpt, actor

SHOWN_PROBLEMS = 30


def register(app: typer.Typer) -> None:
    app.command(
        "enroll",
        help="校验名册、计算会费，并在一个事务中把参保记录登记到台账；生成参保结果工作簿（参保名单、单位汇总、缴费通知）。",
    )(enroll)


@handled
def enroll(
    file: Path = typer.Argument(..., readable=False, help="参保人员名册（.xlsx/.xls/.ods/.csv）"),
    start: str = StartOpt,
    paid_on: str = typer.Option(None, "--paid-on", help="缴费日期（默认：今天），用于按月汇总会费"),
    end: str = typer.Option(None, "--end", help="短期意外保障止期（名册未填写时使用）"),
    unit: str = typer.Option(None, "--unit", help="工作单位（名册未填写时使用）"),
    prefecture: str = typer.Option(None, "--prefecture", help="所属地州市（名册未填写时使用）"),
    sheet: str = typer.Option(None, "--sheet", help="工作表名称（默认：第一个有表头的工作表）"),
    db: str = DbOpt,
    rules: Path = RulesOpt,
    dry_run: bool = typer.Option(False, "--dry-run", help="只计算和生成工作簿，不写入台账"),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="跳过有错误的行，登记其余各行"),
    output: Path = OutputOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
    operator: str = OperatorOpt,
) -> None:
    def failed(_: BaseException) -> dict[str, Any]:
        return empty_document(
            file, date_or_none(start, lambda: start_date(None)), date_or_none(paid_on, today), dry_run
        )

    with masked(mask), json_on_failure(as_json, failed):
        code = _enroll(
            file,
            start,
            paid_on,
            end,
            unit,
            prefecture,
            sheet,
            db,
            rules,
            dry_run,
            skip_invalid,
            output,
            as_json,
            operator,
        )
    raise typer.Exit(code)


def empty_document(file: Path, start: str | None, paid_on: str | None, dry_run: bool) -> dict[str, Any]:
    """The document of a run that could not go on (exit 2): nothing recorded, `report` null."""
    return {
        "file": str(file),
        "start": start,
        "paid_on": paid_on,
        "dry_run": dry_run,
        "enrolled": 0,
        "already_recorded": 0,
        "refused": 0,
        "problems": [],
        "fees": {"total": "0.00", "by_plan": {}, "by_unit": {}},
        "members": [],
        "report": None,
        "batch": None,
    }


def _enroll(
    file: Path,
    start: str | None,
    paid_on: str | None,
    end: str | None,
    unit: str | None,
    prefecture: str | None,
    sheet: str | None,
    db: str | None,
    rules: Path | None,
    dry_run: bool,
    skip_invalid: bool,
    output: Path | None,
    as_json: bool,
    operator: str | None = None,
) -> int:
    from xjma.jobs.enroll import enroll_file

    day = today()
    result = enroll_file(
        file,
        start=start_date(start),
        paid_on=parse_date_option(paid_on, "--paid-on") if paid_on else day,
        now=dt.datetime.now(),
        end=parse_date_option(end, "--end") if end else None,
        unit=unit,
        prefecture=prefecture,
        sheet=sheet,
        db=db,
        rules_path=rules,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        output=output,
        render=json_text if as_json else None,
        actor=actor(operator),
    )
    if as_json:
        emit_json(result.doc, result.rendered)
    else:
        _render(result.doc, result.ledger, skip_invalid)
        for batch in result.recorded_in:
            out.print(f"已在第 {batch} 批登记，可用 xjma batch report {batch} 补打")
    return int(result.exit_code)


def _render(doc: dict[str, Any], ledger: str, skip_invalid: bool) -> None:
    from rich.table import Table

    from xjma.core.privacy import mask_text

    errors = [p for p in doc["problems"] if p["severity"] == "error"]
    if errors:
        table = Table(title="有错误的行（未登记）", title_justify="left")
        for col in ("行", "列", "问题代码", "说明"):
            table.add_column(col)
        for p in errors[:SHOWN_PROBLEMS]:
            table.add_row(str(p["row"]), p["column"], p["code"], mask_text(p["message"]))
        out.print(table)
        if len(errors) > SHOWN_PROBLEMS:
            out.print(
                f"……另有 {len(errors) - SHOWN_PROBLEMS} 个错误，请用 xjma validate 生成检查结果表查看。"
            )
    if doc["refused"] and not skip_invalid:
        out.print(
            f"[red]名册有 {doc['refused']} 行存在错误，本批未登记任何人员。[/red]"
            "请改正后重新运行，或加 --skip-invalid 只登记没有错误的行。"
        )
        return
    _render_fees(doc)
    verb = "将登记（试运行，未写入台账）" if doc["dry_run"] else "已登记"
    out.print(
        f"{verb} {doc['enrolled']} 人；此前已登记、本次未重复登记 {doc['already_recorded']} 人；"
        f"拒绝 {doc['refused']} 人。保障起始日 {doc['start']}，缴费日期 {doc['paid_on']}。"
    )
    if doc["report"]:
        out.print(f"参保结果：{doc['report']}")
    else:
        out.print("没有需要新登记的人员，未生成参保结果工作簿。")
    if doc["enrolled"] and not doc["dry_run"]:
        err.print(f"台账：{ledger}")


def _render_fees(doc: dict[str, Any]) -> None:
    from rich.table import Table

    from xjma.core.vocab import PLAN_SHORT

    fees = doc["fees"]
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
