"""A batch's bulk write for a role under row-level security (office.md §9).

PostgreSQL refuses `COPY … FROM` into a table with row-level security for a role the policies apply to,
so the rows are copied into temporary tables (which have none) and inserted from there: the policies'
WITH CHECK then judge every row, and a row of another prefecture fails the whole batch. Members: new ones
are inserted by `xjma_add_members` (as the owner: see access.ADD_MEMBERS), known ones are left as they
are; after the
enrollments, the members the role now sees take the roster's name, as in the owner's path."""

from __future__ import annotations

from typing import Any

MEMBER_COLUMNS = ("id_number", "name", "gender", "birth")
_MEMBERS = "xjma_roster_members"
_ENROLLMENTS = "xjma_roster_enrollments"


def row_security_active(cur: Any, table: str = "enrollments") -> bool:
    cur.execute("SELECT row_security_active(%s)", (table,))
    return bool(cur.fetchone()[0])


def record_under_policies(
    cur: Any, people: list[tuple[Any, ...]], columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Members and enrollments of one batch through temporary tables, in the caller's transaction."""
    if people:
        unique: dict[str, tuple[Any, ...]] = {}
        for person in people:  # the last name of a repeated ID, gender and birth from its first row
            seen = unique.get(person[0])
            unique[person[0]] = person if seen is None else (seen[0], person[1], *seen[2:])
        cur.execute(f"CREATE TEMPORARY TABLE {_MEMBERS} (LIKE members) ON COMMIT DROP")
        _copy_rows(cur, _MEMBERS, list(MEMBER_COLUMNS), list(unique.values()))
        columns_of = list(zip(*unique.values(), strict=True))
        cur.execute(
            "SELECT xjma_add_members(%s::text[], %s::text[], %s::text[], %s::date[])",
            [list(c) for c in columns_of],
        )
    if rows:
        listed = ", ".join(f'"{c}"' for c in columns)
        cur.execute(  # the columns' types only (LIKE would copy the NOT NULL of the id)
            f"CREATE TEMPORARY TABLE {_ENROLLMENTS} ON COMMIT DROP AS SELECT {listed} FROM enrollments WITH NO DATA"
        )
        _copy_rows(cur, _ENROLLMENTS, columns, rows)
        cur.execute(f"INSERT INTO enrollments ({listed}) SELECT {listed} FROM {_ENROLLMENTS}")
        cur.execute(f"DROP TABLE {_ENROLLMENTS}")
    if people:
        cur.execute(
            f"UPDATE members m SET name = t.name FROM {_MEMBERS} t "
            "WHERE m.id_number = t.id_number AND m.name IS DISTINCT FROM t.name"
        )
        cur.execute(f"DROP TABLE {_MEMBERS}")  # record_batch may run again in this transaction


def _copy_rows(cur: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from psycopg import sql

    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with cur.copy(stmt) as copy:
        for row in rows:
            copy.write_row(row)
