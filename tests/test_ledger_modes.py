"""Read commands never write or migrate the ledger; writers refuse an older one; a new ledger is made
safely by several writers at once; a password is never shown; a read-only ledger folder still reads.

Both backends (ledger_target). An "older ledger" is one made by the previous schema version's migrations,
as the previous xjma left it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import XJMA, make_id, member, run_xjma, write_roster

from xjma.errors import XjmaError
from xjma.io.ledger import OUTDATED, open_ledger

A = make_id("19800501", 10, female=False)
B = make_id("19900715", 11, female=True)
SECRET = "Secret-Pw-7391"


def _older_ledger(target: str) -> None:
    """A ledger at SCHEMA_VERSION - 1, made by that version's migrations."""
    from xjma.io.ledger.address import resolve_url
    from xjma.io.ledger.db import Ledger, schema_transaction
    from xjma.io.ledger.engines import engine_for
    from xjma.io.ledger.schema import SCHEMA_VERSION, migrate

    url = resolve_url(target)
    if url.drivername == "sqlite":
        Path(str(url.database)).touch(mode=0o600)
    with Ledger(engine_for(url, read_only=False), url) as ledger, schema_transaction(ledger) as conn:
        assert migrate(conn, to=SCHEMA_VERSION - 1) == SCHEMA_VERSION - 1


def _fingerprint(target: str) -> str:
    """The SQLite file's bytes, or for PostgreSQL the version row, the tables and every row count."""
    if not target.startswith("postgresql"):
        return hashlib.sha256(Path(target).read_bytes()).hexdigest()
    import psycopg

    with psycopg.connect(target) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in sorted(tables)}
        constraints = conn.execute("SELECT count(*) FROM pg_constraint").fetchone()[0]
        version = (
            conn.execute("SELECT version FROM schema_version").fetchall()
            if "schema_version" in tables
            else []
        )
    return json.dumps([counts, constraints, version], default=str)


def _roster(tmp_path: Path) -> Path:
    return write_roster(
        tmp_path / "一中.xlsx",
        [
            member("乌鲁木齐第一中学", "乌鲁木齐市", "王伟", A, 住院=1, 重疾=1),
            member("乌鲁木齐第一中学", "乌鲁木齐市", "李芳", B, 住院=1),
        ],
    )


def _claim(db: str, *more: str) -> subprocess.CompletedProcess[str]:
    return run_xjma("claim", "calc", "--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind",
                    "life", "--grade", "10", "--event-date", "2027-02-01", "--id", A, "--db", db, *more,
                    today="2027-03-01")  # fmt: skip


def _read_commands(db: str, tmp_path: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    roster = _roster(tmp_path)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return {
        "validate": run_xjma("validate", str(roster), "--db", db, "-o", str(out / "v.xlsx")),
        "member show": run_xjma("member", "show", A, "--db", db),
        "fees summary": run_xjma("fees", "summary", "--month", "2026-11", "--db", db, "-o", str(out / "f.xlsx")),
        "claim calc": _claim(db),
        "db check": run_xjma("db", "check", "--db", db),
        "enroll --dry-run": run_xjma("enroll", str(roster), "--start", "2026-12-01", "--dry-run", "--db", db,
                                     "-o", str(out / "e.xlsx")),
        # the history views (office.md §0–§3)
        "log": run_xjma("log", "--db", db, "--json"),
        "batch list": run_xjma("batch", "list", "--db", db),
        "batch show": run_xjma("batch", "show", "1", "--db", db),
        "batch report": run_xjma("batch", "report", "1", "--db", db, "-o", str(out / "b.xlsx")),
        "unit list": run_xjma("unit", "list", "--db", db),
        "unit show": run_xjma("unit", "show", "乌鲁木齐第一中学", "--db", db),
        "void --dry-run": run_xjma("void", "--id", B, "--plan", "住院+意外", "--reason", "r", "--dry-run", "--db", db),
    }  # fmt: skip


def test_read_commands_leave_an_up_to_date_ledger_unchanged(ledger_target: str, tmp_path: Path) -> None:
    enrolled = run_xjma("enroll", str(_roster(tmp_path)), "--start", "2026-12-01", "--db", ledger_target)
    assert enrolled.returncode == 0, enrolled.stderr
    assert _claim(ledger_target, "--record").returncode == 0
    before = _fingerprint(ledger_target)
    for name, done in _read_commands(ledger_target, tmp_path).items():
        assert done.returncode in (0, 1), (name, done.stderr)
        assert "Traceback" not in done.stderr, name
        assert _fingerprint(ledger_target) == before, name


def test_an_older_ledger_is_refused_by_every_command_but_db_check_and_left_unchanged(
    ledger_target: str, tmp_path: Path
) -> None:
    _older_ledger(ledger_target)
    before = _fingerprint(ledger_target)
    commands = _read_commands(ledger_target, tmp_path)
    check = commands.pop("db check")
    assert check.returncode == 1 and "db migrate" in check.stdout  # its own contract: a migration is due
    commands["enroll"] = run_xjma(
        "enroll", str(_roster(tmp_path)), "--start", "2026-12-01", "--db", ledger_target
    )
    commands["claim calc --record"] = _claim(ledger_target, "--record")
    commands["db init"] = run_xjma("db", "init", "--db", ledger_target)
    commands["void"] = run_xjma("void", "--batch", "1", "--reason", "r", "--db", ledger_target)
    commands["member correct"] = run_xjma(
        "member", "correct", A, "--name", "某", "--reason", "r", "--db", ledger_target
    )
    commands["unit alias"] = run_xjma("unit", "alias", "乌鲁木齐第一中学", "一中", "--db", ledger_target)
    for name, done in commands.items():
        assert done.returncode == 2, (name, done.stdout, done.stderr)
        assert OUTDATED in done.stdout + done.stderr, (name, done.stderr)
        assert "Traceback" not in done.stderr, name
    assert _fingerprint(ledger_target) == before
    assert run_xjma("db", "migrate", "--db", ledger_target).returncode == 0
    assert _fingerprint(ledger_target) != before  # the one command that changes an existing schema


def test_read_mode_neither_creates_nor_migrates_and_write_mode_refuses_an_older_ledger(
    ledger_target: str,
) -> None:
    with open_ledger(ledger_target, mode="read") as ledger:
        assert not ledger.exists  # a missing file or an empty database reads as empty
    if not ledger_target.startswith("postgresql"):
        assert not Path(ledger_target).exists()
    _older_ledger(ledger_target)
    for mode in ("read", "write"):
        with pytest.raises(XjmaError) as caught:
            open_ledger(ledger_target, mode=mode)  # type: ignore[arg-type]
        assert caught.value.message == OUTDATED, mode


# ---------------------------------------------------------------- first use by several writers at once

_CREATE = """
import sys, time
from pathlib import Path
from xjma.io.ledger import open_ledger
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
with open_ledger(sys.argv[1], mode="write") as ledger, ledger.connect() as conn:
    print(conn.exec_driver_sql("SELECT count(*) FROM enrollments").scalar())
"""


def test_several_writers_creating_one_new_ledger_at_once_all_succeed(
    ledger_target: str, tmp_path: Path
) -> None:
    from xjma.io.ledger.schema import SCHEMA_VERSION

    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", _CREATE, ledger_target, str(go)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]  # fmt: skip
    time.sleep(1.5)  # every process has imported xjma and waits
    go.touch()
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in results]
    assert [out.strip() for out, _ in results] == ["0"] * 4
    with open_ledger(ledger_target, mode="read") as ledger, ledger.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM schema_version").scalars().all() == [SCHEMA_VERSION]


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    "target",
    [
        f"postgresql://clerk@127.0.0.1:1/xjma?password={SECRET}",
        f"postgresql://clerk:{SECRET}@127.0.0.1:1/xjma",
        f"postgresql://clerk@127.0.0.1:1/xjma?sslmode=disable&password={SECRET}",
        f"mysql://clerk@host/db?password={SECRET}",
    ],
)
def test_a_password_in_the_address_or_its_query_is_never_shown(target: str) -> None:
    from xjma.io.ledger import resolve_url

    with pytest.raises(XjmaError) as caught:
        open_ledger(target, mode="read")
    assert SECRET not in caught.value.message
    if target.startswith("postgresql"):
        assert SECRET not in resolve_url(target).render_as_string(hide_password=True)
    for args in (("db", "check"), ("member", "show", A), ("fees", "summary", "--month", "2026-11")):
        done = run_xjma(*args, "--db", target)
        assert done.returncode == 2 and SECRET not in done.stdout + done.stderr, args


def test_a_wrong_password_in_the_query_is_refused_by_the_server_without_being_shown(pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(pg_url).set(password=None).update_query_dict({"password": SECRET})
    done = run_xjma("db", "check", "--db", url.render_as_string(hide_password=False))
    assert done.returncode == 2 and "无法连接" in done.stdout + done.stderr
    assert SECRET not in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_a_right_password_in_the_query_connects(pg_database: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(pg_database)
    moved = url.set(password=None).update_query_dict({"password": str(url.password)})
    with open_ledger(moved.render_as_string(hide_password=False), mode="write") as ledger:
        assert ledger.exists and ledger.display.endswith(f":***@{url.host}:{url.port}/{url.database}")


# ---------------------------------------------------------------- a read-only ledger folder


def _as_other_user() -> list[str]:
    """Root ignores file modes: run the command as `nobody` then (setpriv); else as we are."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be made")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_a_read_only_ledger_folder_reads_and_refuses_writes_in_one_chinese_sentence(tmp_path: Path) -> None:
    home = Path(tempfile.mkdtemp(prefix="xjma-ro-"))  # not under pytest's 0700 folder: nobody must reach it
    try:
        folder, out = home / "台账", home / "out"
        folder.mkdir()
        out.mkdir()
        db = str(folder / "xjma.db")
        roster = _roster(tmp_path)
        shutil.copy(roster, home / "一中.xlsx")
        assert run_xjma("enroll", str(roster), "--start", "2026-12-01", "--db", db).returncode == 0
        before = _fingerprint(db)
        prefix = _as_other_user()
        os.chmod(home, 0o755)
        os.chmod(out, 0o777)
        os.chmod(db, 0o444)
        os.chmod(folder, 0o555)
        if prefix:
            os.chown(db, 65534, 65534)

        def xjma(*args: str) -> subprocess.CompletedProcess[str]:
            env = {**os.environ, "XJMA_TODAY": "2027-03-01", "HOME": str(out)}
            env.pop("XJMA_DB", None)
            return subprocess.run(
                [*prefix, XJMA, *args], capture_output=True, text=True, env=env, timeout=300
            )

        for args in (
            ("member", "show", A, "--db", db, "--json"),
            ("fees", "summary", "--month", "2026-11", "--db", db, "-o", str(out / "f.xlsx")),
            ("db", "check", "--db", db),
            ("validate", str(home / "一中.xlsx"), "--db", db, "-o", str(out / "v.xlsx")),
        ):
            done = xjma(*args)
            assert done.returncode in (0, 1) and "Traceback" not in done.stderr, (args, done.stderr)
        shown = json.loads(xjma("member", "show", A, "--db", db, "--json").stdout)
        assert len(shown["enrollments"]) == 2
        roster_again = ("enroll", str(home / "一中.xlsx"), "--start", "2027-12-01", "--db", db, "-o",
                        str(out / "e.xlsx"))  # fmt: skip
        for args in (roster_again, ("db", "init", "--db", db)):
            done = xjma(*args)
            said = done.stdout + done.stderr
            assert done.returncode == 2 and "只读" in said and "Traceback" not in said, (args, said)
            assert "readonly" not in said and "attempt to write" not in said
        assert _fingerprint(db) == before
    finally:
        for path in (home, *home.rglob("*")):
            if path.is_dir():
                os.chmod(path, 0o755)
        shutil.rmtree(home, ignore_errors=True)
