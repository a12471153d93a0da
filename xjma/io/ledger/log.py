"""The log of writes (office.md §0): one entry per command that wrote, written in that command's
transaction; read back page by page (keyset on id), never all at once."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.engine import Connection

from xjma.core.actor import Actor
from xjma.io.ledger.history_tables import log_entries, log_subjects

PAGE = 1000


@dataclass
class LogEntry:
    kind: str
    summary: str
    reason: str | None = None
    file: str | None = None
    sha256: str | None = None
    refs: dict[str, Any] = field(default_factory=dict)
    batch_id: int | None = None
    members: Iterable[str] = ()
    units: Iterable[str] = ()  # unit codes


def db_role(conn: Connection) -> str | None:
    """PostgreSQL: the role the session logged in as (`session_user`: SET ROLE does not change it),
    which the client cannot choose; SQLite: None."""
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.exec_driver_sql("SELECT session_user").scalar())


def write_log(conn: Connection, actor: Actor, entry: LogEntry) -> int:
    """Insert the entry (and its subjects) in the caller's transaction; returns its id."""
    key = conn.execute(
        log_entries.insert().values(
            at=actor.at,
            operator=actor.operator,
            db_role=db_role(conn),
            xjma_version=actor.version,
            kind=entry.kind,
            summary=entry.summary,
            reason=entry.reason,
            file=entry.file,
            sha256=entry.sha256,
            refs=json.dumps(entry.refs, ensure_ascii=False, sort_keys=True),
            batch_id=entry.batch_id,
        )
    ).inserted_primary_key
    assert key is not None
    entry_id = int(key[0])
    subjects = {("member", m) for m in entry.members} | {("unit", u) for u in entry.units}
    if subjects:
        conn.execute(
            log_subjects.insert(),
            [{"entry_id": entry_id, "subject": s, "value": v} for s, v in sorted(subjects)],
        )
    return entry_id


@dataclass(frozen=True)
class LogFilter:
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive: the whole day
    operator: str | None = None
    kind: str | None = None
    member: str | None = None
    unit: str | None = None  # a unit code
    # The member's former numbers, each with the log entry of the ID correction that moved it: entries
    # naming a former number up to that one are the member's too (io.ledger.changes.former_numbers).
    former: tuple[tuple[str, int], ...] = ()


def _conditions(f: LogFilter) -> list[Any]:
    c = log_entries.c
    where: list[Any] = []
    if f.since:
        where.append(c.at >= dt.datetime.combine(f.since, dt.time()))
    if f.until:
        where.append(c.at < dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time()))
    if f.operator:
        where.append(c.operator == f.operator)
    if f.kind:
        where.append(c.kind == f.kind)
    if f.member:
        where.append(or_(_about("member", f.member), *(_named_up_to(n, last) for n, last in f.former)))
    if f.unit:
        where.append(_about("unit", f.unit))
    return where


def _named_up_to(number: str, last: int) -> Any:
    """Entries up to `last` naming `number` (a former number of the member: its ID correction's entry)."""
    s = log_subjects.c
    named = exists().where(s.entry_id == log_entries.c.id, s.subject == "member", s.value == number)
    return and_(log_entries.c.id <= last, named)


def _about(subject: str, value: str) -> Any:
    """Entries naming the member or unit, and the entries of the batches that enrolled them (an enroll
    or a batch void of 100,000 members does not list each one)."""
    s = log_subjects.c
    named = exists().where(s.entry_id == log_entries.c.id, s.subject == subject, s.value == value)
    if subject != "member":
        from xjma.io.ledger.history_tables import batch_units, units

        coded = select(batch_units.c.batch_id).join(units, units.c.id == batch_units.c.unit_id)
        return or_(named, log_entries.c.batch_id.in_(coded.where(units.c.code == value)))
    from xjma.io.ledger.schema import enrollments

    batches = select(enrollments.c.batch_id).where(enrollments.c.id_number == value)
    return or_(named, log_entries.c.batch_id.in_(batches))


def read_log(conn: Connection, f: LogFilter, page: int = PAGE) -> Iterator[LogRecord]:
    """The matching entries, oldest first, fetched `page` at a time by id (keyset paging)."""
    after = 0
    where = _conditions(f)
    while True:
        query = (
            select(log_entries).where(log_entries.c.id > after, *where).order_by(log_entries.c.id).limit(page)
        )
        rows = conn.execute(query).all()
        for r in rows:
            yield _entry(r)
        if len(rows) < page:
            return
        after = rows[-1].id


@dataclass(frozen=True)
class LogRecord:
    id: int
    at: dt.datetime
    operator: str
    db_role: str | None
    kind: str
    summary: str
    reason: str | None
    file: str | None
    sha256: str | None
    refs: dict[str, Any]


def _entry(r: Any) -> LogRecord:
    return LogRecord(
        int(r.id),
        r.at.replace(microsecond=0),
        r.operator,
        r.db_role,
        r.kind,
        r.summary,
        r.reason,
        r.file,
        r.sha256,
        json.loads(r.refs or "{}"),
    )


def file_digest(path: Any) -> str:
    """The SHA-256 of a file a write read (its name and digest go into the log entry)."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
