"""Shared by the access tests (office.md §9): one PostgreSQL ledger with two prefecture roles and a
read-only office role, each with a password, and a few members enrolled by each prefecture."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from conftest import _drop_database, _with_database, make_id, member, write_roster
from history_helpers import x

HAMI = "哈密市"
URUMQI = "乌鲁木齐市"
H1 = make_id("19800101", 21, female=False)
H2 = make_id("19850202", 22, female=True)
U1 = make_id("19800303", 23, female=False)
U2 = make_id("19900404", 24, female=True)


@dataclass(frozen=True)
class Office:
    owner: str  # URLs, each with its role's password
    hami: str
    urumqi: str
    audit: str  # read-only, the whole office
    roles: dict[str, str]  # hami | urumqi | audit -> role name
    database: str

    def as_role(self, role: str, password: str | None) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(self.owner).set(username=role, password=password)
        return url.render_as_string(hide_password=False)


def grant(owner: str, role: str, prefecture: str | None, read_only: bool, password: str) -> None:
    import datetime as dt

    from xjma.core.actor import Actor
    from xjma.jobs.access import grant_access

    who = Actor("测试员", dt.datetime(2026, 11, 20, 9, 0), "test")
    grant_access(
        owner, role, prefecture=prefecture, office=prefecture is None, read_only=read_only,
        password=password, actor=who,
    )  # fmt: skip


def make_office(pg_url: str, folder: Path) -> Iterator[Office]:
    """The ledger, its roles and its first enrollments; the database and roles dropped afterwards."""
    import psycopg

    name = f"xjma_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    owner = _with_database(pg_url, name)
    tag = name[-8:]
    roles = {"hami": f"t{tag}_hami", "urumqi": f"t{tag}_urumqi", "audit": f"t{tag}_audit"}
    try:
        assert x("db", "init", "--db", owner)[0] == 0
        grant(owner, roles["hami"], HAMI, False, "hami-pw")
        grant(owner, roles["urumqi"], URUMQI, False, "urumqi-pw")
        grant(owner, roles["audit"], None, True, "audit-pw")
        office = Office(owner, "", "", "", roles, name)
        office = Office(
            owner,
            office.as_role(roles["hami"], "hami-pw"),
            office.as_role(roles["urumqi"], "urumqi-pw"),
            office.as_role(roles["audit"], "audit-pw"),
            roles,
            name,
        )
        hami = write_roster(folder / "哈密.xlsx", [
            member("哈密甲公司", HAMI, "张伟", H1), member("哈密甲公司", HAMI, "李娜", H2),
        ])  # fmt: skip
        urumqi = write_roster(folder / "乌鲁木齐.xlsx", [
            member("乌鲁木齐甲公司", URUMQI, "王强", U1), member("乌鲁木齐甲公司", URUMQI, "赵敏", U2),
        ])  # fmt: skip
        for url, roster in ((office.hami, hami), (office.urumqi, urumqi)):
            code, _, out = x("enroll", str(roster), "--start", "2026-12-01", "--db", url, "--json")
            assert code == 0, out
        yield office
    finally:
        _drop_database(pg_url, name)
        with psycopg.connect(pg_url, autocommit=True) as admin:
            for role in roles.values():
                with contextlib.suppress(psycopg.Error):  # a throwaway cluster: a leftover is harmless
                    admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def connect(url: str):  # type: ignore[no-untyped-def]
    """A psycopg connection for direct SQL (not through xjma)."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    given = {"password": u.password} if u.password is not None else {}
    return psycopg.connect(
        host=u.host, port=u.port, dbname=u.database, user=u.username, connect_timeout=10, **given
    )
