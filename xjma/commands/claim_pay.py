"""`xjma claim pay`: a payment batch of approved, unpaid cases with its bank transfer list and 给付通知;
`--confirm BATCH --paid-on DATE` marks its cases paid (office.md §5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from xjma.commands.claims import claim_app
from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    MaskOpt,
    OutputOpt,
    command,
    emit_json,
    err,
    ledger_target,
    out,
    parse_date_option,
)
from xjma.commands.operator import OperatorOpt, actor
from xjma.errors import XjmaError


def register(app: typer.Typer) -> None:
    """`claim pay` lives on the `claim` group (registered by commands/claims.py)."""
    del app


def _failed(_options: dict[str, Any], _message: str) -> dict[str, Any]:
    from xjma.commands.documents.payments import failed_pay_document

    return failed_pay_document()


@claim_app.command(
    "pay",
    help="生成理赔支付批次：已审批、未支付的案件，写出银行转账清单和每案一页的给付通知；"
    "--confirm 批次号 --paid-on 日期 确认已支付。",
)
@command(failure=_failed)
def pay(
    until: str = typer.Option(None, "--until", help="只支付该日期（含）以前审批的案件"),
    prefecture: str = typer.Option(None, "--prefecture", help="只支付该地州市的案件"),
    output: Path = OutputOpt,
    confirm: int = typer.Option(None, "--confirm", help="确认该批次已支付（与 --paid-on 同用）"),
    paid_on: str = typer.Option(None, "--paid-on", help="支付日期（确认支付时必填），如 2026-12-10"),
    operator: str = OperatorOpt,
    db: str = DbOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> int:
    from xjma.commands.documents.payments import pay_document
    from xjma.jobs import payments

    target = ledger_target(db, writes=True)
    if confirm is not None:
        if until is not None or prefecture is not None or output is not None:
            raise XjmaError("确认支付（--confirm）时不能同时给出 --until、--prefecture 或 -o")
        if paid_on is None:
            raise XjmaError("确认支付须用 --paid-on 写明支付日期，如 --paid-on 2026-12-10")
        result = payments.confirm(target, confirm, parse_date_option(paid_on, "--paid-on"), actor(operator))
    else:
        if paid_on is not None:
            raise XjmaError("--paid-on 只用于确认支付：请同时给出 --confirm 批次号")
        day = parse_date_option(until, "--until") if until is not None else None
        request = payments.PayRequest(until=day, prefecture=prefecture, output=output)
        result = payments.pay(target, request, actor(operator))
    for case, why in result.left_out:
        err.print(f"提示：第 {case} 号案件未列入本批：{why}", markup=False, soft_wrap=True)
    if as_json:
        emit_json(pay_document(result))
        return 0
    _render(result)
    return 0


def _render(result: Any) -> None:
    from xjma.commands.screen import fitting_table
    from xjma.core.money import fmt_money
    from xjma.core.privacy import mask_account

    if result.paid_on is not None:
        out.print(
            f"第 {result.batch} 批理赔支付已确认：{len(result.cases)} 个案件，金额 {fmt_money(result.amount)} 元，"
            f"支付日期 {result.paid_on.isoformat()}。",
            markup=False,
        )
        return
    heads = ("案件", "收款人", "关系", "开户行", "收款账号", "金额（元）")
    rows = [
        (i.case, i.payee, i.relation, i.bank, mask_account(i.account), fmt_money(i.amount))
        for i in result.items
    ]
    out.print(fitting_table(f"理赔支付第 {result.batch} 批", heads, rows, out.width, right=(0, 5)))
    out.print(
        f"共 {len(result.items)} 个案件，金额 {fmt_money(result.amount)} 元（待确认支付）。", markup=False
    )
    out.print(f"银行转账清单：{result.bank_file}", markup=False)
    out.print(f"给付通知：{result.notices}", markup=False)
    out.print(f"银行转账后请运行：xjma claim pay --confirm {result.batch} --paid-on 支付日期", markup=False)
