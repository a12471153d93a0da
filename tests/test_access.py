"""Row-level security per prefecture (office.md §9), proved with direct SQL as each role: what each one
reads and writes, and the ways around the policy that the database refuses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from access_support import H1, HAMI, U1, URUMQI, Office, connect, make_office

pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def office(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    yield from make_office(pg_url, tmp_path_factory.mktemp("access"))


def _one(url: str, sql: str, *args: object) -> object:
    with connect(url) as conn:
        return conn.execute(sql, args or None).fetchone()[0]


def _refused(url: str, sql: str, *args: object) -> str:
    """The database's refusal of a statement (its SQLSTATE); the transaction is rolled back."""
    import psycopg

    with connect(url) as conn:
        with pytest.raises(psycopg.Error) as raised:
            conn.execute(sql, args or None)
        conn.rollback()
    return str(raised.value.sqlstate)


def test_every_ledger_table_holding_prefecture_data_has_a_policy(office: Office) -> None:
    """A table added to the ledger's metadata, or to the database by any migration, without a decision
    here fails this test: it must get a policy (POLICIES) or be declared shared (SHARED)."""
    from xjma.io.ledger.access import ACCESS_ROLES, POLICIES, SHARED
    from xjma.io.ledger.schema import metadata

    assert set(metadata.tables) == set(POLICIES) | SHARED
    with connect(office.owner) as conn:
        tables = dict(
            conn.execute(
                "SELECT c.relname, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            ).fetchall()
        )
        with_policy = {r[0] for r in conn.execute("SELECT DISTINCT tablename FROM pg_policies").fetchall()}
    assert set(tables) - SHARED == set(POLICIES) | {ACCESS_ROLES}
    for table in set(tables) - SHARED:
        assert tables[table] and table in with_policy, table


def test_a_prefecture_role_reads_only_its_prefecture(office: Office) -> None:
    for url, mine, other in ((office.hami, HAMI, URUMQI), (office.urumqi, URUMQI, HAMI)):
        assert _one(url, "SELECT array_agg(DISTINCT prefecture) FROM enrollments") == [mine]
        assert _one(url, "SELECT count(*) FROM members") == 2
        assert _one(url, "SELECT array_agg(DISTINCT prefecture) FROM batches") == [mine]
        assert _one(url, "SELECT array_agg(DISTINCT prefecture) FROM units") == [mine]
        assert _one(url, "SELECT count(*) FROM enrollments WHERE prefecture = %s", other) == 0
        # The log: its own enroll only (not the owner's grants nor the other prefecture's enroll).
        assert _one(url, "SELECT array_agg(kind) FROM log_entries") == ["enroll"]
    assert _one(office.hami, "SELECT count(*) FROM members WHERE id_number = %s", U1) == 0
    assert _one(office.owner, "SELECT count(*) FROM members") == 4


def test_the_read_only_office_role_reads_everything_and_writes_nothing(office: Office) -> None:
    assert _one(office.audit, "SELECT count(*) FROM members") == 4
    assert _one(office.audit, "SELECT count(DISTINCT prefecture) FROM enrollments") == 2
    assert _refused(office.audit, "UPDATE members SET name = 'x' WHERE id_number = %s", H1) == "42501"
    assert (
        _refused(office.audit, "INSERT INTO members (id_number, name) VALUES ('650102199001010011', 'x')")
        == "42501"
    )
    assert (
        _refused(office.audit, "SELECT xjma_add_members(ARRAY['650102199001010011'], ARRAY['x'], NULL, NULL)")
        == "42501"
    )


def test_a_row_of_another_prefecture_is_refused_on_insert(office: Office) -> None:
    copy = (
        'INSERT INTO enrollments (id_number, plan, unit, prefecture, start, "end", shares, renewed_shares, '
        "fee_fen, observation_days, first_start, rules_version, batch_id, paid_on, name) "
        'SELECT id_number, plan, unit, %s, start + 400, "end" + 400, shares, 0, fee_fen, 0, first_start, '
        "rules_version, batch_id, paid_on, name FROM enrollments LIMIT 1"
    )
    assert _refused(office.hami, copy, URUMQI) == "42501"  # new row violates row-level security policy
    assert _refused(office.hami, "INSERT INTO units (code, name, prefecture, created_at) VALUES "
                    "('6501-09999', 'x', %s, now())", URUMQI) == "42501"  # fmt: skip
    assert _refused(office.hami, "INSERT INTO log_entries (at, operator, xjma_version, kind, summary, prefecture) "
                    "VALUES (now(), 'x', 'x', 'enroll', 'x', %s)", URUMQI) == "42501"  # fmt: skip
    # Its own prefecture's rows it may write (rolled back here).
    with connect(office.hami) as conn:
        conn.execute(copy, (HAMI,))
        conn.rollback()


def test_another_prefectures_rows_cannot_be_changed_or_deleted(office: Office) -> None:
    with connect(office.hami) as conn:
        assert conn.execute("UPDATE members SET name = 'x' WHERE id_number = %s", (U1,)).rowcount == 0
        assert (
            conn.execute("UPDATE enrollments SET shares = 9 WHERE prefecture = %s", (URUMQI,)).rowcount == 0
        )
        # Moving its own row to the other prefecture is refused too (WITH CHECK).
        import psycopg

        with pytest.raises(psycopg.Error):
            conn.execute("UPDATE enrollments SET prefecture = %s", (URUMQI,))
        conn.rollback()
    assert _refused(office.hami, "DELETE FROM enrollments") == "42501"  # append-only: no DELETE at all
    assert _refused(office.hami, "TRUNCATE enrollments") == "42501"
    assert _one(office.owner, "SELECT count(*) FROM enrollments WHERE prefecture = %s", URUMQI) == 2


def test_set_role_to_the_owner_or_another_prefecture_is_refused(office: Office) -> None:
    owner = _one(office.owner, "SELECT current_user")
    assert _refused(office.hami, f'SET ROLE "{owner}"') == "42501"
    assert _refused(office.hami, f'SET ROLE "{office.roles["urumqi"]}"') == "42501"
    assert _refused(office.hami, f'SET SESSION AUTHORIZATION "{owner}"') == "42501"


def test_switching_row_security_off_or_the_policy_away_is_refused(office: Office) -> None:
    import psycopg

    with connect(office.hami) as conn:
        conn.execute("SET row_security = off")
        with pytest.raises(psycopg.Error, match="row-level security"):
            conn.execute("SELECT count(*) FROM enrollments")
        conn.rollback()
    assert _refused(office.hami, "ALTER TABLE enrollments DISABLE ROW LEVEL SECURITY") == "42501"
    assert _refused(office.hami, "DROP POLICY xjma_prefecture ON enrollments") == "42501"
    assert _refused(office.hami, "UPDATE access_roles SET office = true") == "42501"
    assert _refused(office.hami, "INSERT INTO access_roles (role, office, granted_at, granted_by) "
                    "VALUES (current_user, true, now(), 'x')") == "42501"  # fmt: skip


def test_a_role_reads_only_its_own_settings(office: Office) -> None:
    assert _one(office.hami, "SELECT array_agg(role) FROM access_roles") == [office.roles["hami"]]
    assert _one(office.owner, "SELECT count(*) FROM access_roles") == 3


def test_another_roles_name_without_its_password_cannot_connect(office: Office) -> None:
    import psycopg

    for url in (
        office.as_role(office.roles["urumqi"], None),  # a crafted --db URL: the name, no password
        office.as_role(office.roles["urumqi"], "hami-pw"),
        office.as_role(_one(office.owner, "SELECT current_user"), "hami-pw"),  # type: ignore[arg-type]
    ):
        with pytest.raises(psycopg.OperationalError):
            connect(url).close()


def test_the_log_records_the_session_role_not_one_the_client_names(office: Office, tmp_path: Path) -> None:
    from access_support import URUMQI as _U  # noqa: F401  (the roster helpers)
    from history_helpers import x

    code, doc, out = x("log", "--db", office.hami, "--json")
    assert code == 0, out
    assert {e["db_role"] for e in doc["entries"]} == {office.roles["hami"]}
    with connect(office.hami) as conn:
        # A client that asks for another role in its session settings is refused before anything runs.
        import psycopg

        with pytest.raises(psycopg.Error):
            conn.execute(f"SET role = '{office.roles['urumqi']}'")
        conn.rollback()
        assert conn.execute("SELECT session_user").fetchone()[0] == office.roles["hami"]
