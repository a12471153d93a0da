"""Enroll of a 100,000-row roster into an empty PostgreSQL ledger as the owner and as a prefecture role
(office.md §9: row-level security; target: the role within 20% of the owner).

Each round makes a fresh database for each of the two (before the clock starts), runs `db init` and
`db grant` as the owner, then times `xjma enroll` as a child process; the rounds alternate, the median
of BENCH_REPEAT (default 3) is reported. The roster is bench's generator with every row in 哈密市, so
the prefecture role may enroll all of it. Needs $XJMA_TEST_PG_URL (an admin URL whose role may CREATE
DATABASE and CREATE ROLE). Run alone: `python benchmarks/bench_access.py` (BENCH_ACCESS_ROWS=100000)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402

XJMA = str(Path(sys.executable).parent / "xjma")
ROWS = int(os.environ.get("BENCH_ACCESS_ROWS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
PREFECTURE = "哈密市"


def one_prefecture_roster(rows: int) -> Path:
    path = HERE / "data" / f"roster_{rows}_hami.xlsx"
    if not path.exists():
        print(f"generating {path.name} …", file=sys.stderr)
        gen.PREFECTURES = [PREFECTURE]  # the generator's units then all lie in one prefecture
        gen.make_roster(path, rows)
    return path


def _url(admin: str, database: str, user: str | None = None, password: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(admin).set(database=database)
    if user:
        url = url.set(username=user, password=password)
    return url.render_as_string(hide_password=False)


def _ready_ledger(admin: str, name: str, role: str) -> tuple[str, str]:
    """A new database with an empty ledger and the prefecture role granted: (owner URL, role URL)."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    owner = _url(admin, name)
    subprocess.run([XJMA, "db", "init", "--db", owner], check=True, capture_output=True)
    subprocess.run(
        [XJMA, "db", "grant", "--role", role, "--prefecture", PREFECTURE, "--password-stdin", "--db", owner],
        input="bench-pw\n", text=True, check=True, capture_output=True,
    )  # fmt: skip
    return owner, _url(admin, name, role, "bench-pw")


def _timed_enroll(roster: Path, db: str, out: Path) -> float:
    import time

    cmd = [XJMA, "enroll", str(roster), "--start", gen.START.isoformat(), "--skip-invalid", "--json",
           "--db", db, "-o", str(out)]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"enroll exit {done.returncode}: {done.stderr.strip()[:300]}")
    return seconds


def access_cases(tmp: Path, admin: str) -> list[dict[str, object]]:
    """The two rows of bench.py's table (seconds, ratio of the role to the owner in the note)."""
    import psycopg

    roster = one_prefecture_roster(ROWS)
    role = f"bench_{os.getpid()}_hami"
    made: list[str] = []
    times: dict[str, list[float]] = {"owner": [], "role": []}
    try:
        for i in range(REPEAT):
            for who in ("owner", "role"):
                name = f"xjma_bench_access_{os.getpid()}_{who}_{i}"
                made.append(name)
                owner, as_role = _ready_ledger(admin, name, role)
                target = owner if who == "owner" else as_role
                times[who].append(_timed_enroll(roster, target, tmp / f"access_{who}_{i}.xlsx"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')
    owner_s, role_s = statistics.median(times["owner"]), statistics.median(times["role"])
    ratio = f"role / owner = {role_s / owner_s:.2f} (target ≤ 1.20)"
    return [
        {"what": f"xjma enroll as the owner (PostgreSQL, {ROWS:,} rows)", "seconds": owner_s, "ratio": None,
         "peak_mb": 0.0, "note": "row-level security does not apply to the owner"},
        {"what": f"xjma enroll as a prefecture role (PostgreSQL, {ROWS:,} rows)", "seconds": role_s,
         "ratio": None, "peak_mb": 0.0, "note": ratio},
    ]  # fmt: skip


def main() -> int:
    admin = os.environ.get("XJMA_TEST_PG_URL", "").strip()
    if not admin:
        print("bench_access: set $XJMA_TEST_PG_URL (source ci/postgres.sh start)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        for row in access_cases(Path(tmp), admin):
            print(f"{row['what']}: {row['seconds']:.2f} s  {row['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
