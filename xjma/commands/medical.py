"""`xjma medical export` and `xjma medical import`: the 一单结算 exchange with the medical-insurance
platform (office.md §8)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    MaskOpt,
    RulesOpt,
    command,
    emit_json,
    err,
    ledger_target,
    out,
    parse_date_option,
    today,
)
from xjma.commands.operator import OperatorOpt
from xjma.errors import XjmaError

medical_app = typer.Typer(
    help="与医保平台的一单结算数据交换：导出参保名单、导入并核对结算记录", no_args_is_help=True
)
SHOWN = 20  # records listed on the terminal besides the agreeing ones (the workbook has them all)


def register(app: typer.Typer) -> None:
    app.add_typer(medical_app, name="medical")


@medical_app.command(
    "export", help="导出某日住院+意外在保会员名单（CSV 为带 BOM 的 UTF-8，或 xlsx），供医院端一单结算。"
)
@command()
def export(
    on: str = typer.Option(None, "--on", help="在保日期，如 2026-12-01（必填）"),
    prefecture: str = typer.Option(None, "--prefecture", help="只导出该地州市的会员"),
    changed_since: str = typer.Option(None, "--changed-since", help="只导出自该日起保障或资料有变动的会员"),
    output: Path = typer.Option(None, "-o", "--output", help="输出文件：.csv 或 .xlsx（必填）"),
    db: str = DbOpt,
    rules: Path = RulesOpt,
) -> int:
    from xjma.io.rules_file import load_rules
    from xjma.jobs.medical_export import export_covered

    if on is None or output is None:
        raise XjmaError("请用 --on 给出在保日期，用 -o 给出输出文件（.csv 或 .xlsx）")
    day = parse_date_option(on, "--on")
    since = parse_date_option(changed_since, "--changed-since") if changed_since else None
    area = _prefecture(prefecture) if prefecture else None
    result = export_covered(
        ledger_target(db, writes=False),
        output,
        on=day,
        rules=load_rules(rules),
        prefecture=area,
        changed_since=since,
    )
    what = f"自 {since.isoformat()} 起有变动的" if since else ""
    where = f"{area}" if area else ""
    out.print(f"已导出{where} {day.isoformat()} {what}住院+意外会员 {result.rows} 人：{result.path}")
    return 0


def _prefecture(value: str) -> str:
    from xjma.io.prefectures import load_prefectures

    found = load_prefectures().resolve(value)
    if found is None:
        raise XjmaError(f"--prefecture 不是已知的地州市：{value}")
    return found


def _import_failed(_options: dict[str, Any], _message: str) -> dict[str, Any]:
    from xjma.commands.documents.medical import medical_import_document

    return medical_import_document(None)


@medical_app.command(
    "import", help="导入医保平台的一单结算记录，逐条按住院+意外计算并核对；--record 只记录一致的记录。"
)
@command(failure=_import_failed)
def import_(
    file: Path = typer.Argument(..., readable=False, help="医保平台导出的结算记录（.xlsx/.xls/.csv）"),
    record: bool = typer.Option(False, "--record", help="把核对一致的记录记入台账，作为一单结算已支付案件"),
    output: Path = typer.Option(None, "-o", "--output", help="对账工作簿（.xlsx）"),
    column_map: Path = typer.Option(
        None, "--map", help="一单结算列名对照（默认：随程序提供的 rules/medical.yaml）"
    ),
    operator: str = OperatorOpt,
    db: str = DbOpt,
    rules: Path = RulesOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> int:
    from xjma.commands.operator import actor
    from xjma.io.diseases import load_diseases
    from xjma.io.medical_map import load_medical_map
    from xjma.io.rules_file import load_rules
    from xjma.jobs.medical import import_settlements

    run = import_settlements(
        file,
        ledger_target(db, writes=record),
        rules=load_rules(rules),
        mapping=load_medical_map(column_map),
        diseases=load_diseases(),
        record=record,
        output=output,
        actor=actor(operator) if record else None,
        today=today(),
    )
    _notes(run)
    if as_json:
        from xjma.commands.documents.medical import medical_import_document

        emit_json(medical_import_document(run))
    else:
        _render(run)
    return 1 if run.errors else 0


def _notes(run: Any) -> None:
    from xjma.core.privacy import mask_text

    for bad in run.errors:
        err.print(
            f"[red]无法读取[/red]（第 {bad.row} 行）：{mask_text(bad.message)}，未记录",
            markup=True,
            soft_wrap=True,
        )
    if run.recorded is not None:
        err.print(f"已记入台账一单结算已支付案件 {run.recorded} 笔。")
    if run.report is not None:
        err.print(f"对账结果已写入 {run.report}")


def _render(run: Any) -> None:
    from xjma.commands.screen import fitting_table
    from xjma.core.medical import CLASS_LABELS, CLASSES
    from xjma.core.money import fmt_money
    from xjma.core.privacy import mask_id

    rows = []
    for cls in CLASSES:
        mine = [i for i in run.items if i.cls == cls]
        platform = sum((i.settlement.platform for i in mine), Decimal("0.00"))
        xjma = sum((i.xjma for i in mine), Decimal("0.00"))
        rows.append((CLASS_LABELS[cls], len(mine), fmt_money(platform), fmt_money(xjma)))
    heads = ("类别", "记录数", "平台支付（元）", "xjma 计算（元）")
    out.print(fitting_table(f"一单结算核对：{run.file.name}", heads, rows, out.width, right=(1, 2, 3)))
    others = [i for i in run.items if i.cls != "agree"]
    listed = [
        (i.settlement.row, i.settlement.settlement_no, mask_id(i.settlement.id_number), CLASS_LABELS[i.cls],
         fmt_money(i.settlement.platform), fmt_money(i.xjma))
        for i in others[:SHOWN]
    ]  # fmt: skip
    if listed:
        columns = ("行", "结算编号", "身份证号码", "类别", "平台（元）", "xjma（元）")
        out.print(fitting_table("需核对的记录", columns, listed, out.width, right=(4, 5)))
    if len(others) > SHOWN:
        out.print(f"另有 {len(others) - SHOWN} 条需核对的记录未列出，请用 -o 写出对账工作簿查看。")
    out.print(
        f"共 {len(run.items)} 条：平台支付 {fmt_money(run.amount_platform)} 元，xjma 计算 {fmt_money(run.amount_xjma)} 元。"
    )


def check_map(path: Path | None) -> None:
    """`xjma rules check rules/medical.yaml` (and the packaged map with a bare `rules check`): every
    problem with its key path, exit 2."""
    from xjma.errors import RulesError
    from xjma.io.medical_map import default_medical_map_path, load_medical_map

    target = path or default_medical_map_path()
    try:
        found = load_medical_map(target)
    except RulesError as exc:
        out.print(f"[red]一单结算列名对照 {target} 有 {len(exc.problems)} 处错误：[/red]")
        for problem in exc.problems:
            out.print(f"  - {problem}", markup=False)
        raise typer.Exit(2) from None
    out.print(f"一单结算列名对照 {target} 检查通过：{len(found.columns)} 列")
