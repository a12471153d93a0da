"""`xjma db init|check|migrate|copy`: set up, inspect, upgrade and move the ledger (SQLite or PostgreSQL).

The ledger's tables and migrations live in xjma/io/ledger/schema.py; this job only drives them. `copy`
moves a whole ledger (typically one clerk's SQLite file into the office's shared PostgreSQL database)
in one transaction and proves the move by comparing row counts and totals table by table: a mismatch
rolls everything back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.money import fmt_money, from_fen
from xjma.errors import XjmaError
from xjma.jobs.db_results import (
    CheckResult,
    CopyResult,
    InitResult,
    LedgerFigures,
    MigrateResult,
    TableComparison,
    TableFigures,
)

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import URL, Connection

    from xjma.io.ledger.db import Ledger

# Totals compared by `copy` and shown by `check`, per table: key in the report -> column (fen or count).
SUMS: dict[str, dict[str, str]] = {
    "enrollments": {"shares": "shares", "fee": "fee_fen"},
    "claims": {"payout": "payout_fen"},
}
MONEY_KEYS = {"fee", "payout"}
TABLE_NAMES = {"members": "人员", "batches": "登记批次", "enrollments": "参保记录", "claims": "理赔记录"}
SUM_NAMES = {"shares": "份数合计", "fee": "会费合计（元）", "payout": "给付合计（元）"}
COPY_CHUNK = 5000


def ledger_tables() -> list[Table]:
    """Every ledger table, parents before children (enrollments point at members and batches); a table
    added by a later migration comes after, in foreign-key order. The version table is not copied."""
    from xjma.io.ledger.metadata import metadata
    from xjma.io.ledger.schema import LEDGER_TABLES

    extra = [t for t in metadata.sorted_tables if t not in LEDGER_TABLES and t.name != "schema_version"]
    return [*LEDGER_TABLES, *extra]


def ledger_figures(conn: Connection) -> LedgerFigures:
    """Rows and totals per table."""
    from sqlalchemy import func, select

    figures: LedgerFigures = {}
    for table in ledger_tables():
        sums = {k: c for k, c in SUMS.get(table.name, {}).items() if c in table.c}
        cols = [func.count().label("n")] + [
            func.coalesce(func.sum(table.c[c]), 0).label(k) for k, c in sums.items()
        ]
        found = conn.execute(select(*cols).select_from(table)).one()._mapping
        figures[table.name] = TableFigures(
            int(found["n"]),
            {k: from_fen(int(found[k])) if k in MONEY_KEYS else int(found[k]) for k in sums},
        )
    return figures


def _server(conn: Connection) -> str:
    info = conn.dialect.server_version_info or ()
    name = "PostgreSQL" if conn.dialect.name == "postgresql" else "SQLite"
    return f"{name} {'.'.join(str(p) for p in info)}".strip()


def _missing_sqlite(url: URL) -> bool:
    return url.drivername == "sqlite" and not Path(str(url.database)).is_file()


def _look(target: str | None) -> tuple[URL, int | None]:
    """(address, schema version or None when the SQLite file does not exist), read only."""
    from xjma.io.ledger import open_ledger

    with open_ledger(target, mode="read", any_version=True) as ledger:
        return ledger.url, ledger.version


def _refuse_newer(ledger_shown: str, version: int) -> None:
    from xjma.io.ledger.schema import SCHEMA_VERSION

    if version > SCHEMA_VERSION:
        raise XjmaError(
            f"台账 {ledger_shown} 由更新版本的 xjma 创建（结构版本 {version}），请升级 xjma 后再使用"
        )


def _no_file(url: URL) -> XjmaError:
    return XjmaError(f"台账文件 {url.database} 不存在；新建台账请运行 xjma db init")


def init_ledger(target: str | None) -> InitResult:
    """Create the ledger (SQLite file or the tables in a PostgreSQL database); an existing one is only
    checked (an older one is refused: `db migrate` changes the schema of an existing ledger)."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.address import shown_url
    from xjma.io.ledger.schema import SCHEMA_VERSION

    url, before = _look(target)
    _refuse_newer(shown_url(url), before or 0)
    with open_ledger(target, mode="write") as ledger, ledger.connect() as conn:
        return InitResult(ledger.display, ledger.backend, not before, SCHEMA_VERSION, ledger_figures(conn))


def check_ledger(target: str | None) -> CheckResult:
    """Reachable, which schema version, rows and totals; changes nothing (read mode)."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.schema import SCHEMA_VERSION

    with open_ledger(target, mode="read", any_version=True) as ledger:
        if ledger.version is None:
            raise _no_file(ledger.url)
        _refuse_newer(ledger.display, ledger.version)
        with ledger.connect() as conn:
            current = ledger.version == SCHEMA_VERSION
            return CheckResult(
                ledger.display,
                ledger.backend,
                _server(conn),
                ledger.version,
                SCHEMA_VERSION,
                ledger_figures(conn) if current else {},
                _overlap_guard(conn) if current else None,
            )


def _overlap_guard(conn: Any) -> str:
    """How the ledger keeps two batches from giving a member one plan for overlapping periods:
    "constraint" (PostgreSQL exclusion constraint), "lock" (PostgreSQL without it: writers take turns and
    each batch is checked), "sqlite" (SQLite serialises writers; each batch is checked)."""
    if conn.dialect.name != "postgresql":
        return "sqlite"
    from xjma.io.ledger.batches_postgres import has_overlap_constraint

    return "constraint" if has_overlap_constraint(conn) else "lock"


def migrate_ledger(target: str | None, actor: Any = None) -> MigrateResult:
    """Apply the migrations the ledger has not seen yet, in one locked transaction; a migration done is
    logged (kind db-migrate) with its operator (`actor`, a core.actor.Actor) right after."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.schema import SCHEMA_VERSION

    url, before = _look(target)
    if before is None:
        raise _no_file(url)
    with open_ledger(target, mode="migrate") as ledger:
        result = MigrateResult(ledger.display, ledger.backend, ledger.version or 0, SCHEMA_VERSION)
        if actor is not None and (ledger.version or 0) < SCHEMA_VERSION:
            from xjma.io.ledger.log import LogEntry, write_log

            with ledger.begin() as conn:
                summary = f"台账结构由版本 {ledger.version or 0} 升级到 {SCHEMA_VERSION}"
                refs = {"from_version": ledger.version or 0, "to_version": SCHEMA_VERSION}
                write_log(conn, actor, LogEntry("db-migrate", summary, refs=refs))
        return result


# ---------------------------------------------------------------- copy


def copy_ledger(source: str, target: str, actor: Any = None) -> CopyResult:
    """Copy every ledger table from `source` into the empty ledger `target` in one transaction, then
    compare rows and totals per table; any difference rolls the copy back (nothing is left half-done)."""
    from xjma.io.ledger import open_ledger, resolve_url
    from xjma.io.ledger.claim_totals import refresh_claim_totals
    from xjma.io.ledger.cover_totals import refresh_cover_totals
    from xjma.io.ledger.fee_totals import refresh_fee_totals

    src_url, dst_url = resolve_url(source), resolve_url(target)
    if src_url.render_as_string(hide_password=False) == dst_url.render_as_string(hide_password=False):
        raise XjmaError("源台账和目标台账是同一个，无需复制")
    if _missing_sqlite(src_url):
        raise XjmaError(f"源台账文件 {src_url.database} 不存在")
    with (
        open_ledger(source, mode="read") as src,
        open_ledger(target, mode="write") as dst,
        src.connect() as rconn,
        _snapshot(rconn),
        dst.begin() as wconn,
    ):
        _require_empty(dst, wconn)
        before = ledger_figures(rconn)
        for table in ledger_tables():
            _copy_table(rconn, wconn, table)
        _reset_sequences(wconn)
        refresh_fee_totals(wconn)  # a SQLite target counts its fee totals in the same transaction
        refresh_cover_totals(wconn)  # … and its cover totals
        refresh_claim_totals(wconn)  # … and its claim totals
        result = _comparison(src.display, dst.display, before, ledger_figures(wconn))
        if not result.match:
            raise XjmaError(
                "复制后核对不一致（行数或金额合计不同），已撤销，目标台账未写入任何数据："
                + _mismatch_text(result)
            )
        if actor is not None:  # the copy's own entry in the target's log, after the comparison
            from xjma.io.ledger.log import LogEntry, write_log

            write_log(
                wconn,
                actor,
                LogEntry("db-copy", f"从 {src.display} 复制整个台账", refs={"from": src.display}),
            )
    return result


def _require_empty(dst: Ledger, wconn: Connection) -> None:
    already = {name: f.rows for name, f in ledger_figures(wconn).items() if f.rows}
    if already:
        listed = "、".join(f"{TABLE_NAMES.get(name, name)} {n} 行" for name, n in already.items())
        raise XjmaError(f"目标台账 {dst.display} 已有数据（{listed}）；为避免重复，只能复制到空台账")


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


def _comparison(source: str, target: str, before: LedgerFigures, after: LedgerFigures) -> CopyResult:
    return CopyResult(
        source, target, [TableComparison(name, f, after.get(name)) for name, f in before.items()]
    )


def describe_figures(figures: TableFigures | None) -> str:
    """ "3 行，份数合计 3，会费合计（元） 260.00" """
    if figures is None:
        return "0 行"
    parts = [f"{figures.rows} 行"]
    parts += [
        f"{SUM_NAMES.get(k, k)} {fmt_money(v) if isinstance(v, Decimal) else v}"
        for k, v in figures.sums.items()
    ]
    return "，".join(parts)


def _mismatch_text(result: CopyResult) -> str:
    return "；".join(
        f"{TABLE_NAMES.get(t.table, t.table)}：源 {describe_figures(t.source)}，"
        f"目标 {describe_figures(t.target)}"
        for t in result.tables
        if not t.match
    )
