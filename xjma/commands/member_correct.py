"""`xjma member correct` (office.md §3): correct a member's details, or the ID number."""

from __future__ import annotations

from pathlib import Path

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    MaskOpt,
    RulesOpt,
    command,
    emit_json,
    out,
    today,
)
from xjma.commands.operator import OperatorOpt, actor


def register(app: typer.Typer) -> None:
    from xjma.commands.member import member_app

    member_app.command(
        "correct", help="批改会员信息（姓名、电话、单位、地州市、用工形式）或身份证号码，须写明原因。"
    )(correct)


@command(failure=lambda options, message: {"id_number": None, "change": None, "changes": []})
def correct(
    id_number: str = typer.Argument(..., metavar="ID", help="会员现在的身份证号码"),
    name: str = typer.Option(None, "--name", help="正确的姓名"),
    phone: str = typer.Option(None, "--phone", help="正确的联系电话"),
    unit: str = typer.Option(None, "--unit", help="正确的工作单位（当前参保自批改之日起记到该单位）"),
    prefecture: str = typer.Option(None, "--prefecture", help="正确的所属地州市"),
    employment: str = typer.Option(None, "--employment", help="正确的用工形式"),
    new_id: str = typer.Option(None, "--new-id", help="正确的身份证号码（参保和理赔记录一并转到新号码）"),
    reason: str = typer.Option(None, "--reason", help="批改原因（必填）"),
    operator: str = OperatorOpt,
    db: str = DbOpt,
    rules: Path = RulesOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> None:
    from xjma.core.privacy import mask_id
    from xjma.jobs.corrections import FIELD_LABELS, clean_details, correct_details, correct_id
    from xjma.jobs.member import normalise_id

    number = normalise_id(id_number)
    details = {"name": name, "phone": phone, "unit": unit, "prefecture": prefecture, "employment": employment}
    if new_id is not None:
        if any(v is not None for v in details.values()):
            raise_mixed()
        result = correct_id(db, number, new_id, reason or "", actor(operator), rules, today())
    else:
        result = correct_details(db, number, clean_details(details), reason or "", actor(operator))
    if as_json:
        changes = [{"field": f, "before": b, "after": a} for f, b, a in result.edits]
        emit_json({"id_number": result.id_number, "change": result.change, "changes": changes})
        return
    listed = "、".join(FIELD_LABELS.get(f, f) for f, _, _ in result.edits)
    out.print(f"已批改 {mask_id(result.id_number)} 的{listed}（批改编号 {result.change}）。")


def raise_mixed() -> None:
    from xjma.errors import XjmaError

    raise XjmaError("--new-id 要单独批改，不能与其他项目同时使用")
