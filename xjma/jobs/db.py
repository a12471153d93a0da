"""`xjma db init|check|migrate|copy`: set up, inspect, upgrade and move the ledger (SQLite or PostgreSQL).

The ledger's tables and migrations live in xjma/io/ledger/schema.py; this job only drives them. `copy`
moves a whole ledger (typically one clerk's SQLite file into the office's shared PostgreSQL database)
in one transaction and proves the move by comparing row counts and totals table by table: a mismatch
rolls everything back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.money import fmt_money, from_fen
from xjma.errors import XjmaError

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import URL, Connection, Engine

# Totals compared by `copy` and shown by `check`, per table: key in the report -> column (fen or count).
SUMS: dict[str, dict[str, str]] = {
    "enrollments": {"shares": "shares", "fee": "fee_fen"},
    "claims": {"payout": "payout_fen"},
}
MONEY_KEYS = {"fee", "payout"}
TABLE_NAMES = {"members": "人员", "batches": "登记批次", "enrollments": "参保记录", "claims": "理赔记录"}
SUM_NAMES = {"shares": "份数合计", "fee": "会费合计（元）", "payout": "给付合计（元）"}
COPY_CHUNK = 5000
CONNECT_TIMEOUT_S = 10


def ledger_tables() -> list[Table]:
    """Every ledger table, parents before children (enrollments point at members and batches); a table
    added by a later migration comes after, in foreign-key order. The version table is not copied."""
    from xjma.io.ledger.schema import LEDGER_TABLES, metadata

    extra = [t for t in metadata.sorted_tables if t not in LEDGER_TABLES and t.name != "schema_version"]
    return [*LEDGER_TABLES, *extra]


def ledger_figures(conn: Connection) -> dict[str, dict[str, Any]]:
    """Rows and totals per table: {"enrollments": {"rows": 3, "shares": 4, "fee": "300.00"}, ...}."""
    from sqlalchemy import func, select

    figures: dict[str, dict[str, Any]] = {}
    for table in ledger_tables():
        sums = {k: c for k, c in SUMS.get(table.name, {}).items() if c in table.c}
        cols = [func.count().label("n")] + [
            func.coalesce(func.sum(table.c[c]), 0).label(k) for k, c in sums.items()
        ]
        found = conn.execute(select(*cols).select_from(table)).one()._mapping
        figures[table.name] = {"rows": int(found["n"])}
        for key in sums:
            value = int(found[key])
            figures[table.name][key] = fmt_money(from_fen(value)) if key in MONEY_KEYS else value
    return figures


def _backend(url: URL) -> str:
    return "postgresql" if url.drivername.startswith("postgresql") else "sqlite"


def _plain_engine(url: URL) -> Engine:
    """An engine that neither creates nor migrates anything (for looking before touching)."""
    from sqlalchemy import create_engine

    args = {"connect_timeout": CONNECT_TIMEOUT_S} if _backend(url) == "postgresql" else {}
    try:
        return create_engine(url, connect_args=args)
    except ImportError:
        raise XjmaError("连接 PostgreSQL 需要 psycopg 3：请安装 xjma[pg]") from None


def _missing_sqlite(url: URL) -> bool:
    return _backend(url) == "sqlite" and not Path(str(url.database)).is_file()


def _found_version(conn: Connection) -> int:
    """The schema version recorded in the ledger, 0 when it has none (read only: creates nothing)."""
    from sqlalchemy import inspect, select

    from xjma.io.ledger.schema import schema_version

    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(schema_version.c.version)).scalar() or 0)


def _server(conn: Connection) -> str:
    info = conn.dialect.server_version_info or ()
    name = "PostgreSQL" if conn.dialect.name == "postgresql" else "SQLite"
    return f"{name} {'.'.join(str(p) for p in info)}".strip()


def _look(target: str | None) -> tuple[URL, int | None, str]:
    """(address, schema version or None when the SQLite file does not exist, server) without writing."""
    from xjma.io.ledger.db import Ledger, resolve_url

    url = resolve_url(target)
    if _missing_sqlite(url):
        return url, None, ""
    with Ledger(_plain_engine(url), url) as ledger, ledger.connect() as conn:
        return url, _found_version(conn), _server(conn)


def _refuse_newer(url: URL, version: int) -> None:
    from xjma.io.ledger.db import shown_url
    from xjma.io.ledger.schema import SCHEMA_VERSION

    if version > SCHEMA_VERSION:
        raise XjmaError(
            f"台账 {shown_url(url)} 由更新版本的 xjma 创建（结构版本 {version}），请升级 xjma 后再使用"
        )


def init_ledger(target: str | None) -> dict[str, Any]:
    """Create the ledger (SQLite file or the tables in a PostgreSQL database) and bring it up to date."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.schema import SCHEMA_VERSION

    url, before, _ = _look(target)
    _refuse_newer(url, before or 0)
    with open_ledger(target, create=True) as ledger, ledger.connect() as conn:
        figures = ledger_figures(conn)
        return {
            "db": ledger.display,
            "backend": _backend(url),
            "created": not before,
            "schema_version": SCHEMA_VERSION,
            "tables": figures,
        }


def check_ledger(target: str | None) -> tuple[dict[str, Any], int]:
    """Reachable, which schema version, rows and totals; changes nothing. Exit 1 when a migration is due."""
    from xjma.io.ledger.db import shown_url
    from xjma.io.ledger.schema import SCHEMA_VERSION

    url, version, server = _look(target)
    if version is None:
        raise XjmaError(f"台账文件 {url.database} 不存在；新建台账请运行 xjma db init")
    _refuse_newer(url, version)
    doc: dict[str, Any] = {
        "db": shown_url(url),
        "backend": _backend(url),
        "server": server,
        "schema_version": version,
        "expected_version": SCHEMA_VERSION,
        "up_to_date": version == SCHEMA_VERSION,
        "tables": {},
    }
    if doc["up_to_date"]:
        from xjma.io.ledger.db import Ledger

        with Ledger(_plain_engine(url), url) as ledger, ledger.connect() as conn:
            doc["tables"] = ledger_figures(conn)
            doc["overlap_guard"] = _overlap_guard(conn)
    return doc, 0 if doc["up_to_date"] else 1


def _overlap_guard(conn: Any) -> str:
    """How the ledger keeps two batches from giving a member one plan for overlapping periods:
    "constraint" (PostgreSQL exclusion constraint), "lock" (PostgreSQL without it: writers take turns and
    each batch is checked), "sqlite" (SQLite serialises writers; each batch is checked)."""
    if conn.dialect.name != "postgresql":
        return "sqlite"
    from xjma.io.ledger.enrollments import has_overlap_constraint

    return "constraint" if has_overlap_constraint(conn) else "lock"


def migrate_ledger(target: str | None) -> dict[str, Any]:
    """Apply the migrations the ledger has not seen yet (open_ledger does it, in one transaction)."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.schema import SCHEMA_VERSION

    url, before, _ = _look(target)
    if before is None:
        raise XjmaError(f"台账文件 {url.database} 不存在；新建台账请运行 xjma db init")
    _refuse_newer(url, before)
    with open_ledger(target, create=False) as ledger:
        return {
            "db": ledger.display,
            "backend": _backend(url),
            "from_version": before,
            "schema_version": SCHEMA_VERSION,
            "migrated": before != SCHEMA_VERSION,
        }


# ---------------------------------------------------------------- copy


def copy_ledger(source: str, target: str) -> dict[str, Any]:
    """Copy every ledger table from `source` into the empty ledger `target` in one transaction, then
    compare rows and totals per table; any difference rolls the copy back (nothing is left half-done)."""
    from xjma.io.ledger import open_ledger, resolve_url
    from xjma.io.ledger.db import shown_url

    src_url, dst_url = resolve_url(source), resolve_url(target)
    if src_url.render_as_string(hide_password=False) == dst_url.render_as_string(hide_password=False):
        raise XjmaError("源台账和目标台账是同一个，无需复制")
    if _missing_sqlite(src_url):
        raise XjmaError(f"源台账文件 {src_url.database} 不存在")
    _, dst_version, _ = _look(target)
    _refuse_newer(dst_url, dst_version or 0)
    with (
        open_ledger(source, create=False) as src,
        open_ledger(target, create=True) as dst,
        src.connect() as rconn,
        _snapshot(rconn),
        dst.begin() as wconn,
    ):
        already = {name: f["rows"] for name, f in ledger_figures(wconn).items() if f["rows"]}
        if already:
            listed = "、".join(f"{TABLE_NAMES.get(name, name)} {n} 行" for name, n in already.items())
            raise XjmaError(f"目标台账 {dst.display} 已有数据（{listed}）；为避免重复，只能复制到空台账")
        before = ledger_figures(rconn)
        for table in ledger_tables():
            _copy_table(rconn, wconn, table)
        _reset_sequences(wconn)
        after = ledger_figures(wconn)
        doc = _comparison(shown_url(src_url), dst.display, before, after)
        if not doc["match"]:
            raise XjmaError(
                "复制后核对不一致（行数或金额合计不同），已撤销，目标台账未写入任何数据："
                + _mismatch_text(doc)
            )
    return doc


@contextmanager
def _snapshot(conn: Connection) -> Iterator[None]:
    """Read the source as of one moment, so that the totals compared are those of the rows copied."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    else:
        conn.exec_driver_sql("BEGIN")  # SQLite: one read transaction for every SELECT that follows
    yield


def _copy_table(rconn: Connection, wconn: Connection, table: Table) -> None:
    from sqlalchemy import select

    rows = rconn.execution_options(yield_per=COPY_CHUNK).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    if wconn.dialect.name == "postgresql":
        _copy_postgres(wconn, table, rows.partitions())
        return
    names = [c.name for c in table.columns]
    for chunk in rows.partitions():
        wconn.execute(table.insert(), [dict(zip(names, r, strict=True)) for r in chunk])


def _copy_postgres(wconn: Connection, table: Table, chunks: Iterator[Any]) -> None:
    """COPY … FROM STDIN on the transaction's own connection: far faster than INSERTs for big ledgers."""
    import psycopg
    from psycopg import sql

    columns = sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name), columns)
    raw = wconn.connection.driver_connection
    try:
        with raw.cursor() as cur, cur.copy(stmt) as copy:  # type: ignore[union-attr]
            for chunk in chunks:
                for row in chunk:
                    copy.write_row(tuple(row))
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:200]
        raise XjmaError(f"复制表 {table.name} 时出错，已撤销，目标台账未写入任何数据：{first}") from None


def _reset_sequences(wconn: Connection) -> None:
    """Rows keep their ids (enrollments point at their batch); PostgreSQL's id counters must then start
    after the largest id copied, or the next `enroll` would collide with a copied row."""
    if wconn.dialect.name != "postgresql":
        return
    for table in ledger_tables():
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement in (True, "auto"):
            wconn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )


def _comparison(source: str, target: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    tables = []
    for name, figures in before.items():
        found = after.get(name, {})
        tables.append({"table": name, "source": figures, "target": found, "match": figures == found})
    return {"from": source, "to": target, "tables": tables, "match": all(t["match"] for t in tables)}


def describe_figures(figures: dict[str, Any]) -> str:
    """ "3 行，份数合计 3，会费合计（元） 260.00" """
    parts = [f"{figures.get('rows', 0)} 行"]
    parts += [f"{SUM_NAMES.get(k, k)} {v}" for k, v in figures.items() if k != "rows"]
    return "，".join(parts)


def _mismatch_text(doc: dict[str, Any]) -> str:
    return "；".join(
        f"{TABLE_NAMES.get(t['table'], t['table'])}：源 {describe_figures(t['source'])}，"
        f"目标 {describe_figures(t['target'])}"
        for t in doc["tables"]
        if not t["match"]
    )
