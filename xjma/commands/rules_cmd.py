"""`xjma plans` and `xjma rules check`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    JsonOpt,
    RulesOpt,
    command,
    date_or_none,
    emit_json,
    out,
    parse_date_option,
    today,
)
from xjma.errors import RulesError

rules_app = typer.Typer(help="规则文件（rules/plans.yaml）相关命令", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("plans", help="列出某日生效的互助保障险种：会费、最多份数、观察期、参加对象、保障金额。")(
        plans
    )
    app.add_typer(rules_app, name="rules")


def _no_plans(options: dict[str, Any], _message: str) -> dict[str, Any]:
    """The exit-2 document of `plans` (cli.md keys): no plan in force; --on None when it is the mistake."""
    on = date_or_none(options["on"], today)
    return {"on": on.isoformat() if on else None, "version": None, "plans": []}


@command(failure=_no_plans)
def plans(
    on: str = typer.Option(None, "--on", help="查询日期（默认今天），如 2026-12-01"),
    rules: Path = RulesOpt,
    as_json: bool = JsonOpt,
) -> None:
    from xjma.io.rules_file import load_rules
    from xjma.jobs.plans import benefit_label, plans_document

    day = parse_date_option(on, "--on") if on else today()
    doc = plans_document(load_rules(rules), day)
    if as_json:
        emit_json(doc)
        return
    rows = []
    for p in doc["plans"]:
        fee = (
            f"{p['fee']} 元/份"
            if p["fee"]
            else "\n".join(
                f"{t['tier']}元档 {t['fee']} 元/份，最多{t['max_shares']}份"
                + (f"（审批后{t['max_shares_with_approval']}份）" if t["max_shares_with_approval"] else "")
                for t in p["tiers"]
            )
        )
        obs = f"{p['observation_days']} 天（续保无）" if p["observation_days"] else "无"
        benefits = "\n".join(f"{benefit_label(b)}：{m} 元" for b, m in p["benefits"].items())
        eligibility = "\n".join(p["eligibility"])
        rows.append([p["name"], fee, str(p["max_shares"]), obs, eligibility, benefits, p["code"]])
    title = f"{doc['on']} 生效的互助保障险种（{doc['version']}）"
    headers = ("险种", "会费", "最多份数", "观察期", "参加对象", "保障（每份最高）", "代码")
    from xjma.commands.screen import fitting_table

    out.print(fitting_table(title, headers, rows, out.width, show_lines=True))


@rules_app.command("check", help="检查规则文件；有错误时逐条列出键路径，退出码 2。")
@command()
def check(path: Path = typer.Argument(None, help="规则文件（默认：随程序提供的 rules/plans.yaml）")) -> None:
    from xjma.io.rules_file import default_rules_path, load_rules, rules_kind

    target = path or default_rules_path()
    kind = rules_kind(target)  # by what the file holds, whatever it is called
    if kind == "medical":  # the 一单结算 column map (office.md §8)
        from xjma.commands.medical import check_map

        return check_map(target)
    if kind == "materials":  # 申领材料 (office.md §5)
        return _check_materials(target)
    try:
        rules = load_rules(target)
    except RulesError as exc:
        out.print(f"[red]规则文件 {target} 有 {len(exc.problems)} 处错误：[/red]")
        for problem in exc.problems:
            out.print(f"  - {problem}", markup=False)
        raise typer.Exit(2) from None
    names = "、".join(
        f"{v.name}（{v.effective.isoformat()} 起，{len(v.plans)} 个险种）" for v in rules.versions
    )
    out.print(f"规则文件 {target} 检查通过：{names}")
    if path is None:  # a bare `rules check` checks every packaged rules file
        from xjma.commands.medical import check_map

        check_map(None)
        _check_materials(None)


def _check_materials(path: Path | None) -> None:
    """`rules check rules/materials.yaml`: the 申领材料 file (office.md §5); None: the packaged one."""
    from xjma.io.materials_file import default_materials_path, load_materials

    target = path or default_materials_path()
    try:
        found = load_materials(target)
    except RulesError as exc:
        out.print(f"[red]规则文件 {target} 有 {len(exc.problems)} 处错误：[/red]")
        for problem in exc.problems:
            out.print(f"  - {problem}", markup=False)
        raise typer.Exit(2) from None
    out.print(
        f"规则文件 {target} 检查通过：申领材料 {len(found.materials)} 种，{len(found.required)} 个给付项目"
    )
