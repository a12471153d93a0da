"""`xjma validate`: check a roster before submission and write the report workbook (cli.md `validate`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    EndOpt,
    JsonOpt,
    MaskOpt,
    PrefectureOpt,
    RulesOpt,
    SheetOpt,
    StartOpt,
    UnitOpt,
    command,
    emit_json,
    end_date,
    err,
    ledger_target,
    out,
    start_date,
    start_or_none,
    today,
)

SHOWN_PROBLEMS = 20


def register(app: typer.Typer) -> None:
    app.command(
        "validate",
        help="提交前检查参保人员名册：逐行列出问题，并生成检查结果工作簿（问题行、问题清单、汇总）。"
        "退出码：0 没有错误，1 有错误行，2 无法检查。",
    )(validate)


def _failed(options: dict[str, Any], _message: str) -> dict[str, Any]:
    """The exit-2 document: nothing read, `report` null."""
    from xjma.commands.documents import EmptyValidation, validation_document

    start = start_or_none(options["start"])
    return validation_document(EmptyValidation(options["file"], options["sheet"], start), None)


@command(failure=_failed)
def validate(
    file: Path = typer.Argument(..., readable=False, help="参保人员名册（.xlsx/.xlsm/.xls/.ods/.csv）"),
    start: str = StartOpt,
    unit: str = UnitOpt,
    prefecture: str = PrefectureOpt,
    end: str = EndOpt,
    sheet: str = SheetOpt,
    db: str = typer.Option(
        None,
        "--db",
        help="台账数据库（SQLite 文件路径、sqlite:///路径 或 postgresql://…），用于核对已参保和续保；"
        "默认 $XJMA_DB，否则用户数据目录下的 xjma.db；台账不存在时不核对",
    ),
    rules: Path = RulesOpt,
    output: Path = typer.Option(
        None, "-o", "--output", help="检查结果工作簿路径（默认：名册旁的 <文件名>_检查结果.xlsx）"
    ),
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> int:
    from xjma.commands.documents import validation_document
    from xjma.io.ledger import default_target
    from xjma.jobs.validate import open_ledger_view, validate_file, write_validation_report

    day = start_date(start)
    end_day = end_date(end)
    # cli.md: --db defaults to $XJMA_DB, else xjma.db in the user data folder, for validate too:
    # a clerk who enrolled with the default ledger is warned about members already enrolled.
    ledger, note = open_ledger_view(ledger_target(db, writes=False) or default_target())
    outcome = validate_file(
        file,
        start=day,
        unit=unit,
        prefecture=prefecture,
        end=end_day,
        sheet=sheet,
        rules=rules,
        ledger=ledger,
    )
    report = write_validation_report(outcome, file, output, today())
    doc = validation_document(outcome, report)
    err.print(note, style="dim", markup=False)
    if as_json:
        emit_json(doc)
    else:
        contacts = outcome.prefectures.contact_lines(outcome.prefectures_seen())
        _render(doc, outcome.counts(), contacts)
    return 1 if outcome.errors else 0


def _render(doc: dict[str, Any], counts: dict[str, int], contacts: list[str]) -> None:
    from rich.table import Table

    from xjma.core.messages import TITLES
    from xjma.core.privacy import mask_text

    head = (
        f"{doc['file']}（工作表 {doc['sheet'] or 'CSV'}），保障起始日 {doc['start']}：共 {doc['rows']} 行，"
        f"可参保 {doc['valid_rows']} 行；错误 {doc['errors']} 个，警告 {doc['warnings']} 个"
    )
    out.print(head, markup=False)
    if not doc["problems"]:
        out.print("[green]没有发现问题，名册可以提交。[/green]")
    else:
        severity = {p["code"]: p["severity"] for p in doc["problems"]}
        table = Table(title="问题统计")
        for col in ("代码", "说明", "级别", "数量"):
            table.add_column(col)
        for code, count in sorted(counts.items(), key=lambda kv: (severity[kv[0]] != "error", kv[0])):
            level = "[red]错误[/red]" if severity[code] == "error" else "[yellow]警告[/yellow]"
            table.add_row(code, TITLES.get(code, code), level, str(count))
        out.print(table)
        shown = Table(
            title=f"前 {min(SHOWN_PROBLEMS, len(doc['problems']))} 个问题（共 {len(doc['problems'])} 个）"
        )
        for col in ("行", "列", "说明"):
            shown.add_column(col, overflow="fold")
        for p in doc["problems"][:SHOWN_PROBLEMS]:
            style = "red" if p["severity"] == "error" else "yellow"
            shown.add_row(str(p["row"]), p["column"], mask_text(p["message"]), style=style)
        out.print(shown)
    out.print(f"检查结果已写入：{doc['report']}", markup=False)
    if doc["problems"]:
        out.print("有疑问请联系：", markup=False)
        for line in contacts:
            out.print(f"  {line}", markup=False)
