"""`xjma member show`: one member as the ledger knows them (cli.md `member show`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import DbOpt, JsonOpt, RulesOpt, command, emit_json, err, ledger_target, out, today

member_app = typer.Typer(help="会员查询命令", no_args_is_help=True)
NOT_FOUND = "台账中没有该身份证号码的记录"


def register(app: typer.Typer) -> None:
    app.add_typer(member_app, name="member")


def _failed(options: dict[str, Any], _message: str) -> dict[str, Any]:
    from xjma.commands.documents import failed_member_document
    from xjma.errors import XjmaError
    from xjma.jobs.member import normalise_id

    try:
        number: str | None = normalise_id(options["id_number"] or "")
    except XjmaError:
        number = None
    return failed_member_document(number)


@member_app.command("show", help="显示会员的参保记录、观察期止日、已付理赔，以及各险种还能给付的金额。")
@command(failure=_failed)
def show(
    id_number: str = typer.Argument(..., metavar="ID", help="身份证号码"),
    db: str = DbOpt,
    rules: Path = RulesOpt,
    as_json: bool = JsonOpt,
) -> int:
    from xjma.commands.documents import member_document
    from xjma.jobs.member import member_show

    result = member_show(id_number, db=ledger_target(db, writes=False), rules_path=rules, today=today())
    doc = member_document(result)
    for note in result.notes:
        err.print(note)
    if as_json:
        emit_json(doc)
    if not result.found:
        # Not a failure to run, but the question has no answer: exit 1 (cli.md: done, with a problem).
        err.print(NOT_FOUND)
        return 1
    if not as_json:
        _render(doc, result)
    return 0


def _render(doc: dict[str, Any], report: Any) -> None:
    """Enrollments, claims paid and what can still be paid: tables that wrap (or become lists) at 80
    columns, plans and benefits in Chinese (commands/screens.member_screen); then voids and corrections."""
    from xjma.commands.screens import member_screen
    from xjma.core.privacy import mask_id

    out.print(member_screen(doc, mask_id(doc["id_number"]), out.width))
    _render_voids(report)
    _render_history(doc.get("history", []))


def _render_voids(report: Any) -> None:
    """One line per voided enrollment: when, who, why (a table cell would cut them short)."""
    from xjma.core.columns import PLAN_SHORT

    for item in report.enrollments:
        if item.voided is not None:
            e, v = item.enrollment, item.voided
            out.print(
                f"已作废：{PLAN_SHORT.get(e.plan, e.plan)} {e.start.isoformat()} 起的参保记录，"
                f"{v.at.date().isoformat()} 由 {v.operator} 作废，原因：{v.reason}",
                markup=False,
            )


FIELD_NAMES = {
    "name": "姓名",
    "phone": "联系电话",
    "unit": "工作单位",
    "prefecture": "所属地州市",
    "employment": "用工形式",
    "id_number": "身份证号码",
}


def _render_history(history: list[dict[str, Any]]) -> None:
    """The corrections (批改): before -> after, when, who, why. ID numbers and phones masked."""
    if not history:
        return
    from xjma.commands.screen import fitting_table
    from xjma.core.privacy import mask_id, mask_phone

    def shown(field: str, value: str | None) -> str:
        if not value:
            return ""
        return mask_id(value) if field == "id_number" else mask_phone(value) if field == "phone" else value

    rows = [
        (
            h["at"][:10],
            h["operator"],
            FIELD_NAMES.get(h["field"], h["field"]),
            shown(h["field"], h["before"]),
            shown(h["field"], h["after"]),
            h["reason"],
        )  # fmt: skip
        for h in history
    ]
    heads = ("日期", "经办人", "项目", "原值", "新值", "原因")
    out.print(fitting_table("批改记录", heads, rows, out.width))
