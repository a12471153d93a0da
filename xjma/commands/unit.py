"""`xjma unit list|show|rename|alias|merge` (office.md §1)."""

from __future__ import annotations

from typing import Any

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    command,
    emit_json,
    out,
    parse_date_option,
    today,
)
from xjma.commands.operator import OperatorOpt, actor

unit_app = typer.Typer(help="会员单位登记簿：列表、详情、改名、别名、合并", no_args_is_help=True)
ReasonOpt = typer.Option(None, "--reason", help="原因（必填）")


def register(app: typer.Typer) -> None:
    app.add_typer(unit_app, name="unit")


@unit_app.command(
    "list",
    help="列出台账中的会员单位：代码、名称、地州市、统一社会信用代码、会员人数（参保未到期、未作废的人数）。",
)
@command(failure=lambda options, message: {"units": []})
def list_(
    prefecture: str = typer.Option(None, "--prefecture", help="只列该地州市的单位"),
    db: str = DbOpt,
    as_json: bool = JsonOpt,
) -> None:
    from xjma.jobs.units import unit_list

    found = unit_list(db, prefecture, today())
    docs = [
        {"code": s.code, "name": s.name, "prefecture": s.prefecture, "uscc": s.uscc, "members": n}
        for s, n in found
    ]
    if as_json:
        emit_json({"units": docs})
        return
    from xjma.commands.screen import fitting_table

    heads = ("代码", "名称", "地州市", "统一社会信用代码", "会员人数")
    rows = [(d["code"], d["name"], d["prefecture"] or "未填写", d["uscc"] or "", d["members"]) for d in docs]
    out.print(
        fitting_table("会员单位", heads, rows, out.width, right=(4,)) if docs else "台账中没有会员单位。"
    )


@unit_app.command("show", help="显示一个单位：现有会员（按险种）、各保障期、已缴会费、已付理赔。")
@command(failure=lambda options, message: no_unit_doc())
def show(
    unit: str = typer.Argument(..., metavar="UNIT", help="单位代码、名称、别名或统一社会信用代码"),
    as_of: str = typer.Option(None, "--as-of", help="按该日期统计在保会员（默认：今天）"),
    db: str = DbOpt,
    as_json: bool = JsonOpt,
) -> None:
    from xjma.jobs.units import unit_show

    day = parse_date_option(as_of, "--as-of") if as_of else today()
    report = unit_show(db, unit, day)
    doc = show_doc(report)
    if as_json:
        emit_json(doc)
        return
    _render_show(doc)


def no_unit_doc() -> dict[str, Any]:
    """The exit-2 document of `unit show` (office.md §1 keys): no unit found."""
    return {
        "code": None, "name": None, "prefecture": None, "uscc": None, "aliases": [], "members": 0, "plans": {},
        "periods": [], "fees_paid": "0.00", "claims_paid": "0.00",
    }  # fmt: skip


def show_doc(r: Any) -> dict[str, Any]:
    from xjma.core.money import fmt_money

    u = r.unit
    return {
        "code": u.code,
        "name": u.name,
        "prefecture": u.prefecture,
        "uscc": u.uscc,
        "aliases": r.aliases,
        "members": r.members,
        "plans": r.plans,
        "periods": [
            {
                "start": p["start"].isoformat(),
                "end": p["end"].isoformat(),
                "members": p["members"],
                "fee": fmt_money(p["fee"]),
            }
            for p in r.periods
        ],
        "fees_paid": fmt_money(r.fees_paid),
        "claims_paid": fmt_money(r.claims_paid),
    }


def _render_show(doc: dict[str, Any]) -> None:
    from xjma.commands.screen import fitting_table
    from xjma.core.columns import PLAN_SHORT

    aliases = f"；别名：{'、'.join(doc['aliases'])}" if doc["aliases"] else ""
    out.print(f"[bold]{doc['name']}[/bold]（{doc['code']}，{doc['prefecture'] or '未填写'}）{aliases}")
    out.print(
        f"在保会员 {doc['members']} 人；已缴会费 {doc['fees_paid']} 元（扣除退费）；已付理赔 {doc['claims_paid']} 元。"
    )
    if doc["plans"]:
        rows = [(PLAN_SHORT.get(p, p), v["members"], v["shares"]) for p, v in doc["plans"].items()]
        out.print(fitting_table("在保（按险种）", ("险种", "人数", "份数"), rows, out.width, right=(1, 2)))
    spans = [(p["start"], p["end"], p["members"], p["fee"]) for p in doc["periods"]]
    heads = ("起始日", "止期", "人数", "会费（元）")
    out.print(fitting_table("保障期", heads, spans, out.width, right=(2, 3)))


@unit_app.command("rename", help="单位改名（原名称保留为别名，历史记录不变）。")
@command()
def rename(
    unit: str = typer.Argument(..., metavar="UNIT", help="单位代码、名称、别名或统一社会信用代码"),
    new_name: str = typer.Argument(..., metavar="NEW_NAME", help="新名称"),
    reason: str = ReasonOpt,
    operator: str = OperatorOpt,
    db: str = DbOpt,
) -> None:
    from xjma.jobs.units import unit_rename

    after = unit_rename(db, unit, new_name, reason or "", actor(operator))
    out.print(f"单位 {after.code} 已改名为“{after.name}”。")


@unit_app.command("alias", help="为单位登记别名：名册中写这个名称的，都算作该单位。")
@command()
def alias(
    unit: str = typer.Argument(..., metavar="UNIT", help="单位代码、名称、别名或统一社会信用代码"),
    alias_name: str = typer.Argument(..., metavar="ALIAS", help="别名"),
    operator: str = OperatorOpt,
    db: str = DbOpt,
) -> None:
    from xjma.jobs.units import unit_alias

    after = unit_alias(db, unit, alias_name, actor(operator))
    out.print(f"单位 {after.code}（{after.name}）的别名：{'、'.join(after.aliases)}。")


@unit_app.command("merge", help="把一个单位并入另一个（此后其历史显示在后者名下，日志保留二者）。")
@command()
def merge(
    source: str = typer.Argument(..., metavar="FROM", help="被合并的单位"),
    into: str = typer.Argument(..., metavar="INTO", help="并入的单位"),
    reason: str = ReasonOpt,
    operator: str = OperatorOpt,
    db: str = DbOpt,
) -> None:
    from xjma.jobs.units import unit_merge

    after, target = unit_merge(db, source, into, reason or "", actor(operator))
    out.print(f"单位 {after.code}（{after.name}）已并入 {target.code}（{target.name}）。")
