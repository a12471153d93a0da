"""`xjma db init|check|migrate|copy|grant|roles`: the ledger database itself (SQLite file or shared
PostgreSQL) and who may use it (office.md §9)."""

from __future__ import annotations

from typing import Any

import typer

from xjma.commands.common import DbOpt, JsonOpt, command, emit_json, ledger_target, out
from xjma.commands.operator import OperatorOpt, actor

db_app = typer.Typer(
    help="台账数据库（SQLite 文件或共用的 PostgreSQL）：新建、检查、升级结构、整体迁移、按地州市授权。",
    no_args_is_help=True,
)

BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


def _failed(subcommand: str) -> dict[str, Any]:
    from xjma.commands.documents import failed_db_document

    return failed_db_document(subcommand)


@db_app.command(
    "init", help="新建台账（SQLite 文件，或在 PostgreSQL 数据库中建表）并升级到当前结构；已存在则只检查。"
)
@command(failure=lambda options, message: _failed("init"))
def init(db: str = DbOpt, as_json: bool = JsonOpt) -> int:
    from xjma.commands.documents import init_document
    from xjma.jobs.db import init_ledger

    doc = init_document(init_ledger(ledger_target(db, writes=True)))
    if as_json:
        emit_json(doc)
        return 0
    verb = "已新建" if doc["created"] else "已存在，结构已是最新"
    out.print(
        f"台账 {doc['db']}（{BACKEND_NAMES[doc['backend']]}）{verb}，结构版本 {doc['schema_version']}。"
    )
    _print_figures(doc["tables"])
    return 0


@db_app.command("check", help="检查台账能否连接、结构版本是否最新，列出各表行数和金额合计；不做任何修改。")
@command(failure=lambda options, message: _failed("check"))
def check(db: str = DbOpt, as_json: bool = JsonOpt) -> int:
    from xjma.commands.documents import check_document
    from xjma.jobs.db import check_ledger

    result = check_ledger(ledger_target(db, writes=False))
    doc, code = check_document(result), result.exit_code
    if as_json:
        emit_json(doc)
        return int(code)
    out.print(f"台账 {doc['db']}：连接正常（{doc['server']}）。")
    if doc["up_to_date"]:
        out.print(f"结构版本 {doc['schema_version']}，是最新的。")
        _print_figures(doc["tables"])
        if doc.get("overlap_guard") == "lock":
            out.print(
                "[yellow]数据库中没有“同一人同一险种保障期间不重叠”约束（btree_gist 扩展未能启用）：登记时改为逐批加锁核对，"
                "多个办事处同时登记会排队。管理员可按 docs/shared-ledger.md 补建该约束。[/yellow]"
            )
    elif doc["schema_version"] == 0:
        out.print("[yellow]这个数据库里还没有台账的表；请运行 xjma db init 建立。[/yellow]")
    else:
        out.print(
            f"[yellow]结构版本 {doc['schema_version']}，当前程序需要 {doc['expected_version']}；"
            "请运行 xjma db migrate 升级（升级前请先备份）。[/yellow]"
        )
    return int(code)


@db_app.command("migrate", help="把台账结构升级到当前版本（在一个事务中完成，失败则保持原样）。")
@command(failure=lambda options, message: _failed("migrate"))
def migrate(db: str = DbOpt, as_json: bool = JsonOpt, operator: str = OperatorOpt) -> int:
    from xjma.commands.documents import migrate_document
    from xjma.jobs.db import migrate_ledger

    doc = migrate_document(migrate_ledger(ledger_target(db, writes=True), actor(operator)))
    if as_json:
        emit_json(doc)
    elif doc["migrated"]:
        out.print(f"台账 {doc['db']} 已从结构版本 {doc['from_version']} 升级到 {doc['schema_version']}。")
    else:
        out.print(f"台账 {doc['db']} 的结构版本 {doc['schema_version']} 已是最新，无需升级。")
    return 0


@db_app.command(
    "copy",
    help="把整个台账（如某个 SQLite 文件）复制到另一个空台账（如共用的 PostgreSQL），"
    "在一个事务中完成，并逐表核对行数和金额合计；不一致则全部撤销。",
)
@command(failure=lambda options, message: _failed("copy"))
def copy(
    source: str = typer.Option(
        ..., "--from", help="源台账：SQLite 文件路径、sqlite:///路径 或 postgresql://…"
    ),
    target: str = typer.Option(..., "--to", help="目标台账（必须为空）：postgresql://… 或 SQLite 文件路径"),
    as_json: bool = JsonOpt,
    operator: str = OperatorOpt,
) -> int:
    from xjma.commands.documents import copy_document
    from xjma.jobs.db import copy_ledger

    doc = copy_document(
        copy_ledger(
            ledger_target(source, writes=False) or source,
            ledger_target(target, writes=True) or target,
            actor(operator),
        )
    )
    if as_json:
        emit_json(doc)
        return 0
    _print_comparison(doc)
    out.print(f"已把台账 {doc['from']} 复制到 {doc['to']}，逐表核对行数和金额合计一致。")
    return 0


def _print_figures(tables: dict[str, dict[str, Any]]) -> None:
    from rich.table import Table

    from xjma.jobs.db import TABLE_NAMES

    table = Table(title="各表行数与合计", title_justify="left")
    for col, justify in (("表", "left"), ("行数", "right"), ("合计", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for name, figures in tables.items():
        table.add_row(TABLE_NAMES.get(name, name), str(figures["rows"]), _sums_text(figures))
    out.print(table)


def _print_comparison(doc: dict[str, Any]) -> None:
    from rich.table import Table

    from xjma.jobs.db import SUM_NAMES, TABLE_NAMES

    table = Table(title="复制核对（源台账 → 目标台账）", title_justify="left")
    for col, justify in (
        ("表", "left"),
        ("源行数", "right"),
        ("目标行数", "right"),
        ("合计（源 → 目标）", "left"),
        ("核对", "center"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for t in doc["tables"]:
        sums = "；".join(
            f"{SUM_NAMES.get(k, k)} {t['source'][k]} → {t['target'].get(k)}"
            for k in t["source"]
            if k != "rows"
        )
        mark = "[green]一致[/green]" if t["match"] else "[red]不一致[/red]"
        table.add_row(
            TABLE_NAMES.get(t["table"], t["table"]),
            str(t["source"]["rows"]),
            str(t["target"].get("rows")),
            sums,
            mark,
        )
    out.print(table)


def _sums_text(figures: dict[str, Any]) -> str:
    from xjma.jobs.db import SUM_NAMES

    return "；".join(f"{SUM_NAMES.get(k, k)} {v}" for k, v in figures.items() if k != "rows")


@db_app.command(
    "grant",
    help="（台账所有者运行）建立或更新一个数据库账号：--prefecture 只能查看和登记该地州市的数据，"
    "--office 办事处全部数据；--read-only 只能查看。",
)
@command(failure=lambda options, message: _failed("grant"))
def grant(
    role: str = typer.Option(..., "--role", help="数据库账号名（小写字母、数字、下划线）"),
    prefecture: str = typer.Option(None, "--prefecture", help="该账号所属的地州市"),
    office: bool = typer.Option(False, "--office", help="办事处账号：全部地州市的数据"),
    read_only: bool = typer.Option(False, "--read-only", help="只读：只能查看，不能登记或修改"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="从标准输入读一行作为该账号的密码（不出现在命令行和服务器日志中）"
    ),
    db: str = DbOpt,
    as_json: bool = JsonOpt,
    operator: str = OperatorOpt,
) -> int:
    import sys

    from xjma.commands.documents.access import grant_document
    from xjma.jobs.access import grant_access

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    result = grant_access(
        ledger_target(db, writes=True),
        role,
        prefecture=prefecture,
        office=office,
        read_only=read_only,
        password=password,
        actor=actor(operator),
    )
    doc = grant_document(result)
    if as_json:
        emit_json(doc)
        return 0
    scope = "办事处全部数据" if doc["office"] else f"{doc['prefecture']}的数据"
    verb = "已建立" if doc["created"] else "已更新"
    out.print(f"数据库账号 {doc['role']} {verb}：{scope}，{'只读' if doc['read_only'] else '可查看和登记'}。")
    if doc["created"] and not doc["password_set"]:
        out.print(
            "[yellow]该账号还没有密码，不能登录：请用 --password-stdin 设置，或由服务器管理员设置。[/yellow]"
        )
    return 0


@db_app.command("roles", help="列出 xjma db grant 授权过的数据库账号：地州市或办事处、是否只读。")
@command(failure=lambda options, message: _failed("roles"))
def roles(db: str = DbOpt, as_json: bool = JsonOpt) -> int:
    from xjma.commands.documents.access import roles_document
    from xjma.commands.screen import fitting_table
    from xjma.jobs.access import list_access

    doc = roles_document(list_access(ledger_target(db, writes=False)))
    if as_json:
        emit_json(doc)
        return 0
    if not doc["roles"]:
        out.print("还没有授权任何数据库账号（xjma db grant）。")
        return 0
    rows = [
        [
            r["role"],
            "办事处（全部）" if r["office"] else r["prefecture"],
            "只读" if r["read_only"] else "查看和登记",
            {True: "可以", False: "不能", None: "账号已不存在"}[r["login"]],
            r["granted_at"].replace("T", " "),
        ]
        for r in doc["roles"]
    ]
    out.print(fitting_table("数据库账号", ["账号", "范围", "权限", "登录", "授权时间"], rows, out.width))
    return 0
