"""Shared fixtures: the ledger on both backends.

`ledger_target` runs a test once on a fresh SQLite file and once on a fresh PostgreSQL database (one
`CREATE DATABASE xjma_test_<hex>` per test, dropped afterwards). PostgreSQL comes from
$XJMA_TEST_PG_URL (`source ci/postgres.sh start` sets it): without it the PostgreSQL half skips with a
reason on a developer machine, and fails in CI (CI=true), where .ci/run must have started a server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PG_ENV = "XJMA_TEST_PG_URL"
# The keys of the `enroll --json` document (cli.md), for every test that checks it.
ENROLL_KEYS = {
    "file",
    "start",
    "paid_on",
    "dry_run",
    "enrolled",
    "already_recorded",
    "refused",
    "problems",
    "fees",
    "members",
    "report",
    "batch",  # office.md §2
}
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: needs a PostgreSQL server ($XJMA_TEST_PG_URL)")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The admin URL of the test server (a role that may CREATE DATABASE); skips or fails without one."""
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        if in_ci():
            pytest.fail(f"CI=true but ${PG_ENV} is not set: .ci/run must start PostgreSQL (ci/postgres.sh)")
        pytest.skip(f"no PostgreSQL server: set ${PG_ENV} (e.g. `source ci/postgres.sh start`)")
    try:
        import psycopg
    except ImportError:
        pytest.fail(f"${PG_ENV} is set but psycopg 3 is missing: pip install -e '.[pg]'")
    try:
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.Error as exc:
        # A server that was asked for and does not answer is a broken set-up, never a silent skip.
        pytest.fail(f"${PG_ENV} is set but the server does not answer: {str(exc).splitlines()[0]}")
    return url


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (postgresql://… URL), dropped afterwards."""
    import psycopg

    name = f"xjma_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(pg_url, name)
    finally:
        _drop_database(pg_url, name)


def _drop_database(pg_url: str, name: str) -> None:
    """Drop a test database; a leftover one in the throwaway cluster is harmless, so never fail a test.
    FORCE ends a child process's connection that may linger, but a non-superuser cannot end an autovacuum
    worker that happens to be in the database: then a plain DROP is retried for a moment."""
    import time

    import psycopg

    for attempt, sql in enumerate(
        [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'] + [f'DROP DATABASE IF EXISTS "{name}"'] * 10
    ):
        try:
            with psycopg.connect(pg_url, autocommit=True) as admin:
                admin.execute(sql)
            return
        except psycopg.Error:
            time.sleep(0.2 * attempt)


@pytest.fixture(params=BACKENDS)
def ledger_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A --db target for a fresh, not yet created ledger: a SQLite file path, or a postgresql:// URL of
    an empty database."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return str(request.getfixturevalue("pg_database"))


# ---------------------------------------------------------------- small rosters and the installed command

ROSTER_HEADERS = [
    "工作单位", "所属地州市", "姓名", "性别", "身份证号码", "联系电话", "用工形式",
    "住院+意外（份）", "重大疾病（份）", "女职工特殊疾病（份）",
]  # fmt: skip
XJMA = str(Path(sys.executable).parent / "xjma")


def make_id(birth: str, seq: int, female: bool, region: str = "650102") -> str:
    """A valid 18-digit ID (GB 11643-1999): birth YYYYMMDD, the 17th digit even for women."""
    from xjma.core.idnumber import check_char

    first17 = f"{region}{birth}{seq % 100:02d}{2 if female else 1}"
    return first17 + check_char(first17)


def write_roster(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A roster with the canonical headers of roster.md; every cell that holds text is stored as text."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(ROSTER_HEADERS)
    for row in rows:
        sheet.append([row.get(h) for h in ROSTER_HEADERS])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    book.save(path)
    return path


def member(unit: str, prefecture: str, name: str, id_number: str, **shares: int) -> dict[str, Any]:
    """One roster row: 正式职工, a valid mobile number, shares by plan short name (住院, 重疾, 女职工)."""
    female = int(id_number[16]) % 2 == 0
    return {
        "工作单位": unit, "所属地州市": prefecture, "姓名": name, "性别": "女" if female else "男",
        "身份证号码": id_number, "联系电话": "13912345678", "用工形式": "正式职工",
        "住院+意外（份）": shares.get("住院", 1), "重大疾病（份）": shares.get("重疾", 0),
        "女职工特殊疾病（份）": shares.get("女职工", 0),
    }  # fmt: skip


def xjma_env(today: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "XJMA_DB"}
    return {**env, "XJMA_TODAY": today}


def run_xjma(*args: str, today: str = "2026-11-20") -> subprocess.CompletedProcess[str]:
    """The installed `xjma` command as a child process (what a clerk runs)."""
    return subprocess.run([XJMA, *args], capture_output=True, text=True, env=xjma_env(today), timeout=300)
