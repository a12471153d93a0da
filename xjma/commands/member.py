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


@member_app.command("show", help="显示会员的参保记录、观察期止日、已付理赔，以及各险种还能给付的金额。")
@command()
def show(
    id_number: str = typer.Argument(..., metavar="ID", help="身份证号码"),
    db: str = DbOpt,
    rules: Path = RulesOpt,
    as_json: bool = JsonOpt,
) -> int:
    from xjma.commands.documents_ledger import member_document
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
        _render(doc)
    return 0


def _render(doc: dict[str, Any]) -> None:
    """Enrollments, claims paid and what can still be paid: tables that wrap (or become lists) at 80
    columns, plans and benefits in Chinese (commands/screens.member_screen)."""
    from xjma.commands.screens import member_screen
    from xjma.core.privacy import mask_id

    out.print(member_screen(doc, mask_id(doc["id_number"]), out.width))
