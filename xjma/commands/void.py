"""`xjma void`: void a batch or one enrollment recorded in error (office.md §3)."""

from __future__ import annotations

from typing import Any

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    MaskOpt,
    command,
    emit_json,
    out,
    parse_date_option,
    today,
)
from xjma.commands.operator import OperatorOpt, actor
from xjma.errors import XjmaError


def register(app: typer.Typer) -> None:
    app.command("void", help="作废登记错误的参保记录：整批（--batch）或一条（--id 与 --plan），须写明原因。")(
        void
    )


@command(failure=lambda options, message: empty_document())
def void(
    batch: int = typer.Option(None, "--batch", help="作废该批次的全部参保记录"),
    id_number: str = typer.Option(None, "--id", help="作废该会员的一条参保记录（与 --plan 同用）"),
    plan: str = typer.Option(None, "--plan", help="险种：代码或中文名"),
    start: str = typer.Option(None, "--start", help="该参保记录的保障起始日（会员在该险种有多条时）"),
    reason: str = typer.Option(None, "--reason", help="作废原因（必填）"),
    refund_on: str = typer.Option(None, "--refund-on", help="退费日期（默认：今天），退费计入该月会费汇总"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示将作废的记录，不写入台账"),
    operator: str = OperatorOpt,
    db: str = DbOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> None:
    from xjma.jobs.voids import void as void_enrollments

    target = _target(batch, id_number, plan, start)
    if not (reason or "").strip():
        raise XjmaError("作废必须用 --reason 写明原因")
    day = parse_date_option(refund_on, "--refund-on") if refund_on else today()
    result = void_enrollments(
        db, target, reason=reason, refund_on=day, actor=actor(operator), dry_run=dry_run
    )
    doc = document(result)
    if as_json:
        emit_json(doc)
        return
    verb = "将作废（试运行，未写入台账）" if result.dry_run else "已作废"
    out.print(f"{verb} {doc['voided']} 条参保记录，退费 {doc['refund']} 元，退费日期 {doc['refund_on']}。")
    if result.change is not None:
        out.print(f"批改编号：{result.change}")


def _target(batch: int | None, id_number: str | None, plan: str | None, start: str | None) -> Any:
    from xjma.core.vocab import parse_plan
    from xjma.jobs.member import normalise_id
    from xjma.jobs.voids import VoidTarget

    if (batch is None) == (id_number is None):
        raise XjmaError("请用 --batch N 作废整批，或用 --id 与 --plan 作废一条参保记录（二者选一）")
    if batch is not None:
        return VoidTarget(batch=batch)
    code = parse_plan(plan or "")
    if code is None and plan and plan.strip():
        raise XjmaError(f"--plan “{plan.strip()}”不是险种：请用险种代码或中文名（如 住院+意外、重大疾病）")
    if code is None:
        raise XjmaError("作废一条参保记录须用 --plan 指明险种（代码或中文名）")
    day = parse_date_option(start, "--start") if start else None
    return VoidTarget(id_number=normalise_id(id_number or ""), plan=code, start=day)


def empty_document() -> dict[str, Any]:
    return {"voided": 0, "refund": "0.00", "refund_on": None, "enrollments": [], "change": None}


def document(result: Any) -> dict[str, Any]:
    """office.md §3 void JSON."""
    from xjma.core.money import fmt_money

    return {
        "voided": len(result.enrollments),
        "refund": fmt_money(result.refund),
        "refund_on": result.refund_on.isoformat(),
        "enrollments": [
            {
                "id_number": e.id_number,
                "plan": e.plan,
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "fee": fmt_money(e.fee),
            }
            for e in result.enrollments
        ],
        "change": result.change,
    }
