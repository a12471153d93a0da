"""SQLAlchemy engines for the ledger: SQLite (WAL, busy timeout, foreign keys; read-only through a
`file:…?mode=ro` URI) and PostgreSQL through psycopg 3 (read-only sessions in read mode)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from xjma.errors import XjmaError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

BUSY_TIMEOUT_MS = 30000
CONNECT_TIMEOUT_S = 10  # a firewalled host would otherwise hang for minutes before the error message


def engine_for(url: URL, read_only: bool) -> Engine:
    """The engine for a ledger address: read-only (SQLite `mode=ro`, PostgreSQL read-only sessions) or not."""
    return _sqlite_engine(url, read_only) if url.drivername == "sqlite" else _postgres_engine(url, read_only)


def _postgres_engine(url: URL, read_only: bool) -> Engine:
    from sqlalchemy import create_engine

    args: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT_S}
    if read_only and "options" not in url.query:
        args["options"] = "-c default_transaction_read_only=on"  # a read command cannot write by mistake
    try:
        return create_engine(url, pool_pre_ping=True, connect_args=args)
    except ImportError:
        raise XjmaError("连接 PostgreSQL 需要 psycopg 3：请安装 xjma[pg]") from None


def _sqlite_engine(url: URL, read_only: bool) -> Engine:
    import sqlite3

    from sqlalchemy import create_engine, event

    timeout = BUSY_TIMEOUT_MS / 1000
    if read_only:
        uri = _read_only_uri(Path(str(url.database)))
        engine = create_engine(
            url, creator=lambda: sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
        )
    else:
        engine = create_engine(url, connect_args={"timeout": timeout})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_conn.cursor()
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")  # a header write: never from a read command
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _read_only_uri(path: Path) -> str:
    """`file:…?mode=ro`. In a folder we cannot write, SQLite cannot make the WAL index (-shm) a read needs;
    when none exists, no other program has the ledger open in WAL mode, and `immutable=1` reads the file
    as it is (the only way to read a WAL ledger on a read-only share)."""
    uri = path.absolute().as_uri() + "?mode=ro"
    shm = path.with_name(path.name + "-shm")
    if not os.access(path.parent, os.W_OK) and not shm.exists():
        uri += "&immutable=1"
    return uri
