"""The ledger: where it lives, how SQLite is set up, migrations, the read-only view, bulk reads."""

import datetime as dt
import os
import stat
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from xjma.core.enrollment import NewEnrollment
from xjma.core.model import Enrollment
from xjma.errors import XjmaError
from xjma.io.ledger import default_target, open_ledger, resolve_url
from xjma.io.ledger.batches import BatchInfo, count_rows, record_batch
from xjma.io.ledger.history import history_for
from xjma.io.ledger.members import MemberInfo
from xjma.io.ledger.schema import SCHEMA_VERSION, enrollments, schema_version

S = dt.date(2026, 12, 1)


def test_a_new_sqlite_ledger_is_private_in_wal_mode_with_foreign_keys(tmp_path):
    path = tmp_path / "l.db"
    with open_ledger(str(path)) as ledger, ledger.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.execute(select(schema_version.c.version)).scalar_one() == SCHEMA_VERSION
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_opening_twice_applies_the_migrations_once(tmp_path):
    target = f"sqlite:///{tmp_path / 'l.db'}"
    open_ledger(target).close()
    with open_ledger(target) as ledger, ledger.connect() as conn:
        assert conn.execute(select(schema_version.c.version)).scalars().all() == [SCHEMA_VERSION]
        assert count_rows(conn) == {"members": 0, "batches": 0, "enrollments": 0, "claims": 0}


def test_a_missing_ledger_opened_without_create_is_an_empty_view_and_no_file(tmp_path):
    path = tmp_path / "none.db"
    ledger = open_ledger(str(path), mode="read")
    assert not ledger.exists
    assert history_for(ledger, ["650102198501011230"]) == {}
    assert not path.exists()
    with pytest.raises(XjmaError), ledger.begin():
        pass


def test_a_ledger_made_by_a_newer_xjma_is_refused(tmp_path):
    target = str(tmp_path / "l.db")
    with open_ledger(target) as ledger, ledger.begin() as conn:
        conn.execute(schema_version.update().values(version=SCHEMA_VERSION + 1))
    with pytest.raises(XjmaError, match="更新版本"):
        open_ledger(target)


def test_the_default_target_is_xjma_db_then_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XJMA_DB", str(tmp_path / "env.db"))
    assert default_target() == str(tmp_path / "env.db")
    monkeypatch.setenv("XJMA_DB", "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_target() == str(tmp_path / "data" / "xjma" / "xjma.db")
    with open_ledger(None) as ledger:
        assert ledger.exists
    assert (tmp_path / "data" / "xjma" / "xjma.db").exists()


def test_postgresql_addresses_use_psycopg_3():
    assert resolve_url("postgresql://u:p@db.example/xjma").drivername == "postgresql+psycopg"


@pytest.mark.parametrize("target", ["mysql://clerk:s3cret@host/db", "sqlite://", "::not a url::/x"])
def test_an_unsupported_address_is_a_chinese_sentence_without_the_password(target):
    with pytest.raises(XjmaError) as caught:
        open_ledger(target)
    assert "s3cret" not in caught.value.message


def test_an_unreachable_postgresql_server_is_an_error_without_the_password():
    with pytest.raises(XjmaError) as caught:
        open_ledger("postgresql://clerk:s3cret@127.0.0.1:1/xjma")
    assert "s3cret" not in caught.value.message and "无法连接" in caught.value.message


def test_a_file_that_is_not_a_database_is_an_error(tmp_path):
    path = tmp_path / "l.db"
    path.write_text("not a database " * 100)
    with pytest.raises(XjmaError, match="台账"):
        open_ledger(str(path))


def test_a_folder_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(XjmaError, match="文件夹不存在"):
        open_ledger(str(tmp_path / "missing" / "l.db"))


def _item(number: str, plan: str = "inpatient-accident", start: dt.date = S) -> NewEnrollment:
    e = Enrollment(
        number,
        plan,
        start,
        start.replace(year=start.year + 1) - dt.timedelta(days=1),
        1,
        0,
        unit="甲公司",
        first_start=start,
    )
    return NewEnrollment(2, e, Decimal("110.00"), 30, None, "第四期", None)


def _batch(rows: int) -> BatchInfo:
    return BatchInfo("r.xlsx", "0" * 64, "甲公司", "巴州", S, None, S, dt.datetime(2026, 11, 20, 9), rows)


def test_history_for_reads_more_ids_than_one_in_list_holds(tmp_path):
    numbers = [f"65010219850101{i:04d}" for i in range(2000)]
    with open_ledger(str(tmp_path / "l.db")) as ledger:
        with ledger.begin() as conn:
            record_batch(
                conn,
                _batch(2000),
                [MemberInfo(n, "某", None, None) for n in numbers],
                [_item(n) for n in numbers],
            )
        found = history_for(ledger, [*numbers, "650102000000000000"])
    assert len(found) == 2000
    assert [e.plan for e in found[numbers[1999]]] == ["inpatient-accident"]


def test_enrollments_come_back_oldest_first_as_core_enrollments(tmp_path):
    number = "650102198501011230"
    with open_ledger(str(tmp_path / "l.db")) as ledger:
        with ledger.begin() as conn:
            record_batch(
                conn,
                _batch(1),
                [MemberInfo(number, "张三", "男", None)],
                [_item(number, start=S), _item(number, start=dt.date(2025, 12, 1))],
            )
        found = history_for(ledger, [number])[number]
    assert [e.start for e in found] == [dt.date(2025, 12, 1), S]
    assert isinstance(found[0], Enrollment) and found[0].first_start == dt.date(2025, 12, 1)


def test_the_same_member_plan_and_start_cannot_be_recorded_twice(tmp_path):
    from sqlalchemy.exc import IntegrityError

    number = "650102198501011230"
    with open_ledger(str(tmp_path / "l.db")) as ledger:
        with pytest.raises(IntegrityError), ledger.begin() as conn:
            record_batch(
                conn, _batch(1), [MemberInfo(number, "张三", "男", None)], [_item(number), _item(number)]
            )
        with ledger.connect() as conn:
            assert count_rows(conn)["enrollments"] == 0 and count_rows(conn)["batches"] == 0


def test_an_enrollment_needs_its_member_and_batch(tmp_path):
    from sqlalchemy.exc import IntegrityError

    with open_ledger(str(tmp_path / "l.db")) as ledger, pytest.raises(IntegrityError), ledger.begin() as conn:
        conn.execute(
            insert(enrollments).values(
                id_number="650102198501011230",
                plan="inpatient-accident",
                start=S,
                end=S,
                shares=1,
                renewed_shares=0,
                fee_fen=11000,
                first_start=S,
                rules_version="第四期",
                batch_id=99,
                paid_on=S,
            )
        )


@pytest.mark.parametrize("target", ["/tmp/xjma-no-such-dir/台账.db", "relative/none.db", "~/none-xjma.db"])
def test_a_missing_sqlite_file_is_shown_as_sqlalchemy_shows_it(target):
    from xjma.io.ledger import missing_sqlite_file
    from xjma.io.ledger.db import shown_url

    assert missing_sqlite_file(target) == shown_url(resolve_url(target))


def test_an_existing_file_or_an_address_is_not_a_missing_sqlite_file(tmp_path):
    from xjma.io.ledger import missing_sqlite_file

    there = tmp_path / "l.db"
    there.write_bytes(b"")
    assert missing_sqlite_file(str(there)) is None
    assert missing_sqlite_file("postgresql://u@h/db") is None
    assert missing_sqlite_file(f"sqlite:///{tmp_path}/none.db") is None  # an address: open_ledger decides


def test_validate_without_a_ledger_does_not_load_sqlalchemy(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from xjma.jobs.validate import open_ledger_view\n"
        f"view, note = open_ledger_view({str(tmp_path / 'none.db')!r})\n"
        "print(view is None, 'sqlalchemy' in sys.modules, note)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("True False 台账 sqlite:///"), done.stdout
