"""`xjma db grant` and `db roles` in the database (office.md §9): create or update a role, give it the
table privileges its kind needs, record its settings in `access_roles`; list the granted roles.

A prefecture or office role reads every ledger table (row-level security then limits the rows) and,
unless read-only, may INSERT and UPDATE (never DELETE: the ledger is append-only). A role that would
not be limited (superuser, BYPASSRLS, the owner or a member of it) is refused. A new role is created
LOGIN; its password is set only when one is given (`--password-stdin`), as a SCRAM-SHA-256 verifier
made here, so the password itself never reaches the server (nor its statement log)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from xjma.errors import XjmaError
from xjma.io.ledger.access import ACCESS_ROLES, ADD_MEMBERS_SIGNATURE, SHARED

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class Grant:
    role: str
    prefecture: str | None  # None for an office role
    read_only: bool

    @property
    def office(self) -> bool:
        return self.prefecture is None


@dataclass(frozen=True)
class GrantedRole:
    role: str
    prefecture: str | None
    office: bool
    read_only: bool
    login: bool | None  # None: the role no longer exists in the server
    granted_at: dt.datetime
    granted_by: str


def check_role_name(role: str) -> str:
    if not ROLE_NAME.match(role):
        raise XjmaError(
            f"数据库账号名“{role}”不合适：请用小写英文字母、数字和下划线（以字母或下划线开头，最长 63 个字符）"
        )
    return role


def grant_role(conn: Connection, grant: Grant, verifier: str | None, owner: str, at: dt.datetime) -> bool:
    """Create (True) or update (False) the role, in the caller's transaction."""
    role = check_role_name(grant.role)
    found = conn.exec_driver_sql(
        "SELECT rolsuper OR rolbypassrls, pg_has_role(oid, %(owner)s, 'USAGE') FROM pg_roles "
        "WHERE rolname = %(role)s",
        {"role": role, "owner": owner},
    ).first()
    if role == owner or (found is not None and (found[0] or found[1])):
        raise XjmaError(
            f"数据库账号 {role} 是台账所有者、超级用户或有 BYPASSRLS，不受行级安全限制，不能作为地州市或办事处账号"
        )
    password = f" PASSWORD '{verifier}'" if verifier else ""
    with _role_privilege(owner):
        if found is None:
            conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN{password}')
        elif verifier:
            conn.exec_driver_sql(f'ALTER ROLE "{role}"{password}')
    _table_privileges(conn, role, grant.read_only)
    conn.exec_driver_sql(
        f"INSERT INTO {ACCESS_ROLES} (role, prefecture, office, read_only, granted_at, granted_by) "
        "VALUES (%(role)s, %(p)s, %(o)s, %(r)s, %(at)s, current_user) ON CONFLICT (role) DO UPDATE SET "
        "prefecture = excluded.prefecture, office = excluded.office, read_only = excluded.read_only, "
        "granted_at = excluded.granted_at, granted_by = excluded.granted_by",
        {"role": role, "p": grant.prefecture, "o": grant.office, "r": grant.read_only, "at": at},
    )
    return found is None


class _role_privilege:
    """CREATE/ALTER ROLE refused for want of CREATEROLE: one sentence saying what the DBA must do."""

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if exc is not None and getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":
            raise XjmaError(
                f"台账所有者账号 {self.owner} 没有建立数据库账号的权限：请服务器管理员以 postgres 身份执行 "
                f"ALTER ROLE {self.owner} CREATEROLE; 后再运行"
            ) from None
        return None


def ledger_tables(conn: Connection) -> list[str]:
    """The ledger's tables in this database (metadata's and access_roles)."""
    import xjma.io.ledger.schema  # noqa: F401  (every table joins the metadata)
    from xjma.io.ledger.metadata import metadata

    names = sorted({*metadata.tables, ACCESS_ROLES})
    found = conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(%(n)s)",
        {"n": names},
    ).scalars()
    return sorted(found)


def _table_privileges(conn: Connection, role: str, read_only: bool) -> None:
    tables = ledger_tables(conn)
    listed = ", ".join(tables)
    conn.exec_driver_sql(f'REVOKE ALL ON {listed} FROM "{role}"')
    conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{_schema(conn)}" TO "{role}"')
    conn.exec_driver_sql(f'GRANT SELECT ON {listed} TO "{role}"')
    conn.exec_driver_sql(f'REVOKE ALL ON FUNCTION {ADD_MEMBERS_SIGNATURE} FROM "{role}"')
    if read_only:
        conn.exec_driver_sql(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{_schema(conn)}" FROM "{role}"')
        return
    conn.exec_driver_sql(f'GRANT EXECUTE ON FUNCTION {ADD_MEMBERS_SIGNATURE} TO "{role}"')
    written = ", ".join(t for t in tables if t not in SHARED and t != ACCESS_ROLES)
    conn.exec_driver_sql(f'GRANT INSERT, UPDATE ON {written} TO "{role}"')
    conn.exec_driver_sql(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{_schema(conn)}" TO "{role}"')


def _schema(conn: Connection) -> str:
    return str(conn.exec_driver_sql("SELECT current_schema()").scalar())


def granted_roles(conn: Connection) -> list[GrantedRole]:
    """The roles of access_roles (all for the owner; a granted role sees its own), by name."""
    rows = conn.exec_driver_sql(
        f"SELECT a.role, a.prefecture, a.office, a.read_only, r.rolcanlogin, a.granted_at, a.granted_by "
        f"FROM {ACCESS_ROLES} a LEFT JOIN pg_roles r ON r.rolname = a.role ORDER BY a.role"
    ).all()
    return [GrantedRole(*(tuple(r))) for r in rows]


def scram_verifier(password: str, salt: bytes | None = None, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802, 7677)."""
    import base64
    import hashlib
    import hmac
    import os
    import unicodedata

    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", unicodedata.normalize("NFKC", password).encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    stored = hashlib.sha256(client_key).digest()
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored)}:{b64(server_key)}"
