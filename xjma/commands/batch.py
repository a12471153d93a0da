"""`xjma batch list|show|report` (office.md §2)."""

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
    emit_json,
    out,
    parse_date_option,
    today,
)

batch_app = typer.Typer(help="登记批次：列表、明细、补打参保结果", no_args_is_help=True)
STATUS = {"recorded": "已登记", "voided": "已作废", "partly voided": "部分作废"}


def register(app: typer.Typer) -> None:
    app.add_typer(batch_app, name="batch")


@batch_app.command("list", help="列出登记批次：批号、登记时间、经办人、文件、单位、人数、会费、状态。")
@command(failure=lambda options, message: {"batches": []})
def list_(
    unit: str = typer.Option(None, "--unit", help="只列该单位（代码、名称、别名或统一社会信用代码）的批次"),
    prefecture: str = typer.Option(None, "--prefecture", help="只列该地州市的批次"),
    since: str = typer.Option(None, "--since", help="只列该日期及以后登记的批次"),
    db: str = DbOpt,
    as_json: bool = JsonOpt,
) -> None:
    from xjma.jobs.batches import batch_list

    day = parse_date_option(since, "--since") if since else None
    found = batch_list(db, unit=unit, prefecture=prefecture, since=day)
    if as_json:
        emit_json({"batches": [summary_doc(s) for s in found]})
        return
    from xjma.commands.screen import fitting_table

    heads = ("批号", "登记时间", "经办人", "文件", "单位", "人数", "会费（元）", "状态")
    rows = []
    for s in found:
        d = summary_doc(s)
        rows.append((d["batch"], d["recorded_at"].replace("T", " ")[:16], d["operator"], d["file"],
                     "、".join(d["units"]), d["members"], d["fee"], STATUS.get(d["status"], d["status"])))  # fmt: skip
    table = fitting_table("登记批次", heads, rows, out.width, right=(0, 5, 6))
    out.print(table if found else "台账中没有符合条件的登记批次。")


@batch_app.command("show", help="显示一个批次的人员、会费及作废记录。")
@command(failure=lambda options, message: no_batch_doc(options["batch"]))
def show(
    batch: int = typer.Argument(..., metavar="N", help="批号"),
    db: str = DbOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> None:
    from xjma.jobs.batches import batch_show

    doc = detail_doc(batch_show(db, batch))
    if as_json:
        emit_json(doc)
        return
    _render_detail(doc)


@batch_app.command("report", help="从台账重新生成该批次的参保结果工作簿（标明“补打”及打印日期）。")
@command()
def report(
    batch: int = typer.Argument(..., metavar="N", help="批号"),
    output: Path = OutputOpt,
    db: str = DbOpt,
    rules: Path = RulesOpt,
) -> None:
    from xjma.jobs.batches import batch_report

    path, summary = batch_report(db, batch, output=output, rules_path=rules, printed_on=today())
    out.print(f"第 {batch} 批（{summary.file}）的参保结果已补打：{path}")


def summary_doc(s: Any) -> dict[str, Any]:
    from xjma.io.ledger.batch_history import money

    return {
        "batch": s.batch,
        "recorded_at": s.recorded_at.replace(microsecond=0).isoformat(),
        "operator": s.operator,
        "file": s.file,
        "sha256": s.sha256,
        "units": s.units,
        "members": s.members,
        "fee": money(s.fee_fen),
        "status": s.status,
    }


def no_batch_doc(batch: int) -> dict[str, Any]:
    """The exit-2 document of `batch show` (office.md §2 keys): the batch asked for, nothing found."""
    return {
        "batch": batch, "recorded_at": None, "operator": None, "file": None, "sha256": None, "units": [],
        "members": [], "fee": "0.00", "status": None, "voids": [],
    }  # fmt: skip


def detail_doc(detail: Any) -> dict[str, Any]:
    from xjma.io.ledger.batch_history import money

    doc = summary_doc(detail.summary)
    doc["members"] = [
        {
            "id_number": m.id_number,
            "name": m.name,
            "unit": m.unit,
            "plans": {
                r.plan: {
                    "shares": r.shares,
                    "fee": money(r.fee_fen),
                    "status": "voided" if r.voided else "recorded",
                }
                for r in m.plans
            },
        }
        for m in detail.members
    ]
    doc["voids"] = [
        {
            "change": v.change,
            "at": v.at.replace(microsecond=0).isoformat(),
            "operator": v.operator,
            "reason": v.reason,
            "refund": money(v.refund_fen),
        }
        for v in detail.voids
    ]
    return doc


def _render_detail(doc: dict[str, Any]) -> None:
    from xjma.commands.screen import fitting_table
    from xjma.core.columns import PLAN_SHORT
    from xjma.core.privacy import mask_id

    out.print(
        f"第 {doc['batch']} 批：{doc['file']}，{doc['recorded_at'].replace('T', ' ')} 由 {doc['operator']} 登记；"
        f"{len(doc['members'])} 人，会费 {doc['fee']} 元，{STATUS.get(doc['status'], doc['status'])}。"
    )
    rows = []
    for m in doc["members"]:
        plans = "；".join(
            f"{PLAN_SHORT.get(p, p)} {v['shares']} 份 {v['fee']} 元"
            + ("（已作废）" if v["status"] == "voided" else "")
            for p, v in m["plans"].items()
        )
        rows.append((m["name"], mask_id(m["id_number"]), m["unit"], plans))
    out.print(
        fitting_table("人员", ("姓名", "身份证号码", "工作单位", "险种（份数，会费）"), rows, out.width)
    )
    for v in doc["voids"]:
        out.print(
            f"作废（批改 {v['change']}）：{v['at'][:10]} {v['operator']}，原因：{v['reason']}，退费 {v['refund']} 元"
        )
