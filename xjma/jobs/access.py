"""`xjma db grant` and `xjma db roles` (office.md §9), and the enroll's refusal of rows of another
prefecture (`prefecture-not-permitted`) for a role that row-level security limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xjma.errors import XjmaError

SQLITE_ONLY = (
    "SQLite 台账是一个办事处自己的文件，由文件权限（只有本人可读写，0600）决定谁能使用，没有数据库账号；"
    "按地州市分权限请使用共用的 PostgreSQL 台账（docs/shared-ledger.md）"
)


@dataclass(frozen=True)
class GrantResult:
    ledger: str
    role: str
    prefecture: str | None
    office: bool
    read_only: bool
    created: bool
    password_set: bool


@dataclass
class RolesResult:
    ledger: str
    roles: list[Any] = field(default_factory=list)  # io.ledger.access_grants.GrantedRole


def _require_postgres(target: str | None) -> None:
    from xjma.io.ledger import resolve_url

    if resolve_url(target).drivername == "sqlite":
        raise XjmaError(SQLITE_ONLY)


def resolve_prefecture(text: str) -> str:
    """The short name of a prefecture as rosters give it (rules/prefectures.yaml)."""
    from xjma.io.prefectures import load_prefectures

    short = load_prefectures().resolve(text.strip())
    if short is None:
        raise XjmaError(f"地州市“{text}”不认识：请用 rules/prefectures.yaml 中的名称，如 乌鲁木齐、哈密")
    return short


def grant_access(
    target: str | None,
    role: str,
    *,
    prefecture: str | None,
    office: bool,
    read_only: bool,
    password: str | None,
    actor: Any,
) -> GrantResult:
    """Create or update a prefecture or office role (run by the ledger's owner), in one transaction
    with its log entry (kind db-grant)."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.access import require_owner
    from xjma.io.ledger.access_grants import Grant, check_role_name, grant_role, scram_verifier
    from xjma.io.ledger.log import LogEntry, write_log

    if office == (prefecture is not None):
        raise XjmaError("请给出 --prefecture 地州市 或 --office 之一（二者只能选一个）")
    _require_postgres(target)
    check_role_name(role)
    if password is not None and not password:
        raise XjmaError("标准输入中没有读到密码（--password-stdin）")
    short = resolve_prefecture(prefecture) if prefecture is not None else None
    grant = Grant(role, short, read_only)
    verifier = scram_verifier(password) if password else None
    with open_ledger(target, mode="write") as ledger, ledger.begin() as conn:
        scope = require_owner(conn, "授权数据库账号（xjma db grant）")
        created = grant_role(conn, grant, verifier, scope.role, actor.at)
        kind = "办事处（全部数据）" if short is None else short
        summary = f"授权数据库账号 {role}：{kind}{'，只读' if read_only else ''}"
        refs = {"role": role, "prefecture": short, "office": short is None, "read_only": read_only}
        write_log(conn, actor, LogEntry("db-grant", summary, refs=refs))
        shown = ledger.display
    return GrantResult(shown, role, short, short is None, read_only, created, verifier is not None)


def list_access(target: str | None) -> RolesResult:
    """The granted roles (all of them for the owner; a granted role sees its own)."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.access import has_access_table
    from xjma.io.ledger.access_grants import granted_roles

    _require_postgres(target)
    with open_ledger(target, mode="read") as ledger:
        if not ledger.exists:
            raise XjmaError(f"台账 {ledger.display} 还不存在，请先运行 xjma db init")
        with ledger.connect() as conn:
            if not has_access_table(conn):
                raise XjmaError("台账还没有权限设置（结构版本较旧），请先运行 xjma db migrate")
            return RolesResult(ledger.display, granted_roles(conn))


def refuse_other_prefectures(view: Any, check: Any) -> None:
    """For a role limited to some prefectures, each roster row of another prefecture gets the error
    `prefecture-not-permitted` (the database would refuse the whole batch otherwise)."""
    if not view.exists or view.backend != "postgresql":
        return
    from xjma.core.messages import message
    from xjma.core.problems import Problem
    from xjma.io.ledger.access import session_scope

    with view.connect() as conn:
        scope = session_scope(conn)
    if scope is None or not scope.limited:
        return
    allowed = "、".join(scope.prefectures) or "任何地州市"
    for row in check.rows:
        if row.prefecture in scope.prefectures:
            continue
        text = message("prefecture-not-permitted", value=row.prefecture, role=scope.role, allowed=allowed)
        check.problems.append(Problem(row.row, "所属地州市", "prefecture-not-permitted", "error", text))
        check.error_rows.add(row.row)


def not_permitted_sentence(id_number: str, view: Any) -> str | None:
    """ "无权查看" for a limited role that finds nothing of a member (the database shows it nothing)."""
    if not view.exists or view.backend != "postgresql":
        return None
    from xjma.core.privacy import mask_id
    from xjma.io.ledger.access import session_scope

    with view.connect() as conn:
        scope = session_scope(conn)
    if scope is None or not scope.limited:
        return None
    mine = "、".join(scope.prefectures) or "任何地州市"
    return f"无权查看：数据库账号 {scope.role} 只能查看{mine}的会员，台账中没有它可以查看的 {mask_id(id_number)} 的记录"
