"""`xjma log`: who wrote what, when and why (office.md §0). Streams: 100,000 entries are never held at
once, in the JSON document or on the terminal."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from xjma.commands.common import DbOpt, JsonOpt, command, document_started, out, parse_date_option


def register(app: typer.Typer) -> None:
    app.command("log", help="列出台账的写入记录（谁、何时、做了什么、原因）。")(log)


@command(failure=lambda options, message: {"entries": []})
def log(
    since: str = typer.Option(None, "--since", help="起始日期（含）"),
    until: str = typer.Option(None, "--until", help="截止日期（含）"),
    operator: str = typer.Option(None, "--operator", help="只列该经办人的记录"),
    kind: str = typer.Option(None, "--kind", help="只列该类记录，如 enroll、void、member-correct"),
    member: str = typer.Option(None, "--member", help="只列涉及该身份证号码的记录"),
    unit: str = typer.Option(None, "--unit", help="只列涉及该单位的记录"),
    db: str = DbOpt,
    as_json: bool = JsonOpt,
) -> None:
    from xjma.io.ledger.log import LogFilter
    from xjma.jobs.log import log_entries
    from xjma.jobs.member import normalise_id

    f = LogFilter(
        since=parse_date_option(since, "--since") if since else None,
        until=parse_date_option(until, "--until") if until else None,
        operator=operator,
        kind=kind,
        member=normalise_id(member) if member else None,
        unit=unit,
    )
    entries = log_entries(db, f)
    first = next(entries, None)  # a bad filter or ledger fails here, before any output
    if as_json:
        _stream_json(first, entries)
    else:
        _stream_text(first, entries)


def entry_doc(e: Any) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "operator": e.operator,
        "db_role": e.db_role,
        "kind": e.kind,
        "summary": e.summary,
        "reason": e.reason,
        "file": e.file,
        "sha256": e.sha256,
        "refs": e.refs,
    }


def _stream_json(first: Any, rest: Any) -> None:
    """{"entries": [...]} written entry by entry (one JSON document, as --json promises)."""
    document_started()  # a failure from here on cannot print a second document
    write = sys.stdout.write
    write('{"entries": [')
    if first is not None:
        write(json.dumps(entry_doc(first), ensure_ascii=False))
        for e in rest:
            write(", " + json.dumps(entry_doc(e), ensure_ascii=False))
    write("]}\n")
    sys.stdout.flush()


def _stream_text(first: Any, rest: Any) -> None:
    if first is None:
        out.print("没有符合条件的台账记录。")
        return
    _line(first)
    for e in rest:
        _line(e)


def _line(e: Any) -> None:
    role = f"（数据库角色 {e.db_role}）" if e.db_role else ""
    reason = f"；原因：{e.reason}" if e.reason else ""
    file = f"；文件 {e.file}" if e.file else ""
    out.print(
        f"{e.id:>6}  {e.at.isoformat(sep=' ')}  {e.operator}{role}  {e.kind}  {e.summary}{reason}{file}",
        markup=False,
        highlight=False,
    )
