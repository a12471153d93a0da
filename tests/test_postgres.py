"""The ledger on PostgreSQL: schema on first use, failures in Chinese, the same answers as SQLite, and
correct results when two offices write the same thing at the same moment (issue 7)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import XJMA, make_id, member, run_xjma, write_roster, xjma_env

from xjma.errors import XjmaError

SECRET = "Secret-Pw-7391"
A = make_id("19800501", 10, female=False)
B = make_id("19900715", 11, female=True)
C = make_id("19750228", 12, female=True, region="652901")
LOCKED = ("members", "batches", "enrollments", "claims")


def _url_with(url: str, **parts: Any) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(**parts).render_as_string(hide_password=False)


# ---------------------------------------------------------------- opening


@pytest.mark.postgresql
def test_opening_an_empty_postgresql_database_creates_the_ledger_tables_and_version(pg_database: str) -> None:
    from sqlalchemy import inspect, select

    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.schema import SCHEMA_VERSION, schema_version

    for _ in range(2):  # the second opening finds everything in place and changes nothing
        with open_ledger(pg_database) as ledger, ledger.connect() as conn:
            assert ledger.engine is not None and ledger.engine.dialect.name == "postgresql"
            assert {"members", "batches", "enrollments", "claims", "schema_version"} <= set(
                inspect(conn).get_table_names()
            )
            assert conn.execute(select(schema_version.c.version)).scalars().all() == [SCHEMA_VERSION]


@pytest.mark.postgresql
def test_a_wrong_password_is_one_chinese_sentence_that_never_shows_the_password(pg_database: str) -> None:
    from xjma.io.ledger import open_ledger

    with pytest.raises(XjmaError) as caught:
        open_ledger(_url_with(pg_database, password=SECRET))
    assert "台账" in caught.value.message
    assert SECRET not in caught.value.message


def test_an_unreachable_server_is_one_chinese_sentence_that_never_shows_the_password() -> None:
    from xjma.io.ledger import open_ledger

    with pytest.raises(XjmaError) as caught:
        open_ledger(f"postgresql://xjma:{SECRET}@127.0.0.1:1/xjma")
    assert "无法连接" in caught.value.message
    assert SECRET not in caught.value.message


def _bad_targets() -> list[Any]:
    return [
        pytest.param("unreachable", id="unreachable-port"),
        pytest.param("wrong-password", id="wrong-password", marks=pytest.mark.postgresql),
    ]


@pytest.mark.parametrize("kind", _bad_targets())
@pytest.mark.parametrize(
    "command", [["fees", "summary", "--month", "2026-12", "--json"], ["member", "show", A, "--json"]]
)
def test_a_ledger_that_cannot_be_reached_exits_2_without_traceback_or_password(
    kind: str, command: list[str], request: pytest.FixtureRequest
) -> None:
    if kind == "unreachable":
        url = f"postgresql://xjma:{SECRET}@127.0.0.1:1/xjma"
    else:
        url = _url_with(request.getfixturevalue("pg_url"), password=SECRET)
    done = run_xjma(*command, "--db", url)
    assert done.returncode == 2
    # cli.md: under --json exactly one document, the command's empty one (tests/test_json_failures.py).
    doc = json.loads(done.stdout)
    assert doc.get("total", "0.00") == "0.00" and doc.get("enrollments", []) == []
    assert "错误" in done.stderr and "Traceback" not in done.stderr
    assert SECRET not in done.stderr + done.stdout


# ---------------------------------------------------------------- the same answers as SQLite


def _scenario(tmp_path: Path, db: str, tag: str) -> list[Any]:
    """Enroll, re-enroll, a conflicting roster, fees, a recorded claim, member show: every JSON, with the
    workbook paths (which differ by run) left out."""
    rosters = tmp_path / "rosters"
    rosters.mkdir(exist_ok=True)
    first = write_roster(rosters / "一中.xlsx", [
        member("乌鲁木齐第一中学", "乌鲁木齐市", "王伟", A, 住院=1, 重疾=1),
        member("乌鲁木齐第一中学", "乌鲁木齐市", "李芳", B, 住院=1, 女职工=1),
    ])  # fmt: skip
    second = write_roster(rosters / "医院.xlsx", [
        member("阿克苏人民医院", "阿克苏地区", "阿依古丽", C, 住院=1, 重疾=2, 女职工=1),
        member("阿克苏人民医院", "阿克苏地区", "李芳", B, 住院=1),  # already-enrolled by 一中
    ])  # fmt: skip
    out = tmp_path / tag
    out.mkdir()
    runs = [
        ("enroll", str(first), "--start", "2026-12-01", "-o", str(out / "1.xlsx")),
        ("enroll", str(first), "--start", "2026-12-01", "-o", str(out / "2.xlsx")),
        ("enroll", str(second), "--start", "2026-12-01", "-o", str(out / "3.xlsx")),
        ("enroll", str(second), "--start", "2026-12-01", "--skip-invalid", "-o", str(out / "4.xlsx")),
        ("fees", "summary", "--month", "2026-11", "-o", str(out / "5.xlsx")),
        ("fees", "summary", "--year", "2026", "-o", str(out / "6.xlsx")),
    ]
    docs = [_json_run(db, *args) for args in runs]
    claim = ("claim", "calc", "--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind", "life",
             "--grade", "10", "--event-date", "2027-02-01", "--id", A, "--record")  # fmt: skip
    docs += [_json_run(db, *claim, today="2027-03-01") for _ in range(2)]
    docs += [_json_run(db, "member", "show", i, today="2027-03-01") for i in (A, B, C)]
    return docs


def _json_run(db: str, *args: str, today: str = "2026-11-20") -> tuple[int, Any]:
    done = run_xjma(*args, "--db", db, "--json", today=today)
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads(done.stdout)
    if isinstance(doc, dict):
        doc.pop("report", None)
    return done.returncode, doc


@pytest.mark.postgresql
def test_the_same_rosters_and_claims_give_the_same_json_on_sqlite_and_postgresql(
    tmp_path: Path, pg_database: str
) -> None:
    on_sqlite = _scenario(tmp_path, str(tmp_path / "ledger.db"), "sqlite")
    on_postgres = _scenario(tmp_path, pg_database, "postgresql")
    assert on_postgres == on_sqlite
    codes = [code for code, _ in on_sqlite]
    assert codes[:4] == [0, 0, 1, 0]  # enrolled; re-run records nothing; conflict refused; skip-invalid
    assert on_sqlite[1][1]["already_recorded"] == 2
    assert on_sqlite[4][1]["total"] != "0.00"
    assert len(on_sqlite[-3][1]["claims"]) == 1  # the claim recorded twice is in the ledger once


# ---------------------------------------------------------------- two offices at the same moment


def _hold_writes(db: str) -> Any:
    """Open a transaction that lets the children read but blocks their first write (SHARE mode)."""
    import psycopg

    conn = psycopg.connect(db)
    conn.execute(f"LOCK TABLE {', '.join(LOCKED)} IN SHARE MODE")
    return conn


def _wait_until_blocked(db: str, procs: list[subprocess.Popen[str]], count: int) -> None:
    """Until `count` sessions wait on our lock (both children have read the ledger and want to write)."""
    import psycopg

    name = db.rsplit("/", 1)[1]
    deadline = time.monotonic() + 120
    with psycopg.connect(db, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                (name,),
            ).fetchone()
            if waiting and waiting[0] >= count:
                return
            if any(p.poll() is not None for p in procs):
                return  # a child ended before writing: the assertions below say why
            time.sleep(0.1)
    pytest.fail("the two processes never reached the ledger write")


def _race(db: str, commands: list[list[str]], today: str) -> list[tuple[int, str, str]]:
    from xjma.io.ledger import open_ledger

    open_ledger(db).close()  # the schema exists before the race: only the rows compete
    holder = _hold_writes(db)
    procs = [subprocess.Popen([XJMA, *c, "--db", db, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=xjma_env(today)) for c in commands]  # fmt: skip
    try:
        _wait_until_blocked(db, procs, len(procs))
    finally:
        holder.commit()  # release: both writes now go ahead at the same moment
        holder.close()
    return [(p.wait(timeout=300), *p.communicate()) for p in procs]


def _count(db: str, sql: str) -> int:
    import psycopg

    with psycopg.connect(db) as conn:
        found = conn.execute(sql).fetchone()
        return int(found[0]) if found else 0


def _two_offices_enroll_at_once(tmp_path: Path, pg_database: str, starts: tuple[str, str]) -> None:
    """Two units' rosters with the same member in plan 1, enrolled by two processes at the same moment:
    exactly one records it, the other exits 1 with already-enrolled."""
    rosters = [
        write_roster(tmp_path / f"{unit}.xlsx", [member(unit, "乌鲁木齐市", "王伟", A, 住院=1)])
        for unit in ("乌鲁木齐第一中学", "乌鲁木齐供电公司")
    ]
    commands = [
        ["enroll", str(r), "--start", start, "-o", str(r.with_suffix(".out.xlsx"))]
        for r, start in zip(rosters, starts, strict=True)
    ]
    results = _race(pg_database, commands, today="2026-11-20")
    assert _count(pg_database, "SELECT count(*) FROM enrollments") == 1
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], [stderr for _, _, stderr in results]
    loser = next(json.loads(stdout) for code, stdout, _ in results if code == 1)
    assert [p["code"] for p in loser["problems"]] == ["already-enrolled"]


@pytest.mark.postgresql
def test_two_offices_enrolling_the_same_member_at_once_record_it_once_and_the_other_is_already_enrolled(
    tmp_path: Path, pg_database: str
) -> None:
    _two_offices_enroll_at_once(tmp_path, pg_database, ("2026-12-01", "2026-12-01"))


@pytest.mark.postgresql
def test_two_offices_recording_the_same_claim_at_once_record_it_once(
    tmp_path: Path, pg_database: str
) -> None:
    roster = write_roster(
        tmp_path / "一中.xlsx", [member("乌鲁木齐第一中学", "乌鲁木齐市", "王伟", A, 住院=1)]
    )
    assert run_xjma("enroll", str(roster), "--start", "2026-12-01", "--db", pg_database).returncode == 0
    claim = ["claim", "calc", "--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind", "life",
             "--grade", "10", "--event-date", "2027-02-01", "--id", A, "--record"]  # fmt: skip
    results = _race(pg_database, [claim, claim], today="2027-03-01")
    assert [code for code, _, _ in results] == [0, 0], [stderr for _, _, stderr in results]
    assert results[0][1] == results[1][1]
    assert _count(pg_database, "SELECT count(*) FROM claims") == 1
    assert _count(pg_database, "SELECT sum(payout_fen) FROM claims") == 200000


def test_recording_the_same_claim_twice_says_one_recorded_then_none(
    ledger_target: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    import re

    roster = write_roster(
        tmp_path / "一中.xlsx", [member("乌鲁木齐第一中学", "乌鲁木齐市", "王伟", A, 住院=1)]
    )
    assert run_xjma("enroll", str(roster), "--start", "2026-12-01", "--db", ledger_target).returncode == 0
    claim = ["claim", "calc", "--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind", "life",
             "--grade", "10", "--event-date", "2027-02-01", "--id", A, "--record", "--db", ledger_target]  # fmt: skip
    said = []
    for _ in range(2):
        done = run_xjma(*claim, today="2027-03-01")
        assert done.returncode == 0, done.stderr
        found = re.search(r"已记入台账 (-?\d+) 笔", done.stderr + done.stdout)
        if found is None:
            pytest.skip("claim calc no longer says how many claims it recorded")
        said.append(int(found.group(1)))
    assert said == [1, 0]


@pytest.mark.postgresql
def test_two_offices_enrolling_overlapping_periods_at_once_record_one_and_the_other_is_already_enrolled(
    tmp_path: Path, pg_database: str
) -> None:
    """Different starts, so the unique constraint does not decide: the exclusion constraint does."""
    _two_offices_enroll_at_once(tmp_path, pg_database, ("2026-12-01", "2027-01-01"))


# ---------------------------------------------------------------- schema v3: the exclusion constraint


def _has_exclusion(db: str) -> bool:
    from xjma.io.ledger.metadata import NO_OVERLAP

    return _count(db, f"SELECT count(*) FROM pg_constraint WHERE conname = '{NO_OVERLAP}'") == 1


def _back_to_v2(db: str, version: int = 2) -> None:
    """The ledger as xjma before schema v3 left it: no exclusion constraint, version 2."""
    import psycopg

    from xjma.io.ledger.metadata import NO_OVERLAP

    with psycopg.connect(db) as conn:
        conn.execute(f"ALTER TABLE enrollments DROP CONSTRAINT IF EXISTS {NO_OVERLAP}")
        conn.execute("UPDATE schema_version SET version = %s", (version,))


def _overlapping_batch(db: str, *starts: str) -> None:
    import datetime as dt
    from decimal import Decimal

    from xjma.core.enrollment import NewEnrollment
    from xjma.core.model import Enrollment
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.batches import BatchInfo, record_batch
    from xjma.io.ledger.members import MemberInfo

    items = []
    for text in starts:
        start = dt.date.fromisoformat(text)
        end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
        e = Enrollment(A, "inpatient-accident", start, end, 1, 0, unit="一中", first_start=start)
        items.append(NewEnrollment(2, e, Decimal("110.00"), 30, None, "第四期", None))
    batch = BatchInfo("r.xlsx", "0" * 64, "一中", "", start, None, start, dt.datetime(2026, 11, 20), 1)
    with open_ledger(db) as ledger, ledger.begin() as conn:
        record_batch(conn, batch, [MemberInfo(A, "王伟", "男", None)], items)


@pytest.mark.postgresql
def test_db_migrate_gives_an_older_ledger_the_exclusion_constraint(pg_database: str) -> None:
    from xjma.io.ledger.schema import SCHEMA_VERSION

    run_xjma("db", "init", "--db", pg_database)
    assert _has_exclusion(pg_database)
    _back_to_v2(pg_database)
    assert run_xjma("db", "check", "--db", pg_database).returncode == 1
    done = run_xjma("db", "migrate", "--db", pg_database, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["from_version"] == 2
    assert _has_exclusion(pg_database)
    checked = run_xjma("db", "check", "--db", pg_database, "--json")
    assert json.loads(checked.stdout)["overlap_guard"] == "constraint"
    assert _count(pg_database, "SELECT version FROM schema_version") == SCHEMA_VERSION


@pytest.mark.postgresql
def test_a_ledger_that_cannot_take_the_constraint_still_refuses_an_overlapping_batch(
    pg_database: str,
) -> None:
    """Rows that already overlap (recorded before v3) keep the constraint out; the ledger opens anyway and
    record_batch falls back to a table lock and the set-based check."""
    from xjma.io.ledger.batches import LedgerConflict
    from xjma.io.ledger.schema import SCHEMA_VERSION

    run_xjma("db", "init", "--db", pg_database)
    _back_to_v2(pg_database, SCHEMA_VERSION)  # no constraint, and nothing to migrate on opening
    _overlapping_batch(pg_database, "2026-12-01", "2027-03-01")  # one old batch, overlapping itself
    _back_to_v2(pg_database)
    assert run_xjma("db", "migrate", "--db", pg_database).returncode == 0
    assert not _has_exclusion(pg_database)
    checked = run_xjma("db", "check", "--db", pg_database, "--json")
    assert json.loads(checked.stdout)["overlap_guard"] == "lock"
    assert "btree_gist" in run_xjma("db", "check", "--db", pg_database).stdout
    with pytest.raises(LedgerConflict):
        _overlapping_batch(pg_database, "2027-06-01")
    _overlapping_batch(pg_database, "2028-03-01")  # the day after the last period ends: a renewal
    assert _count(pg_database, "SELECT count(*) FROM enrollments") == 3
