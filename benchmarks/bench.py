"""make bench: xjma's speed as ratios to a bare python-calamine read of the same file, in one run.

Measures, alternating, median of BENCH_REPEAT (default 3) runs each, every command as a child process:
a bare calamine read; `xjma validate` (report included); `xjma enroll` into an empty SQLite ledger, and
into an empty PostgreSQL database (a fresh one each round) when $XJMA_TEST_PG_URL names a server;
`xjma fees summary --year` over a ledger of 1.7M members (built with set-based SQL, cached);
`xjma --version`. Prints seconds, the ratio to the bare read and the child's peak RSS, checks that
validate found exactly the planted mistakes, and writes benchmarks/results.md.

BENCH_FULL=1 adds a 1,000,000-row roster. BENCH_SIZES=10000,100000 overrides the sizes. BENCH_ONLY=NAME,…
runs only the roster cases with those names (and the bare read), no ledger cases, and writes no results.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_claims import claims_summary_case  # noqa: E402
from bench_medical import medical_cases  # noqa: E402
from bench_overview import overview_rows  # noqa: E402
from gen import START, make_heavy_roster, make_roster  # noqa: E402
from ledger_fill import fill_ledger  # noqa: E402

DATA = HERE / "data"
XJMA = str(Path(sys.executable).parent / "xjma")
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "1700000"))
PG_URL = os.environ.get("XJMA_TEST_PG_URL", "").strip()  # an admin URL: its role may CREATE DATABASE
ONLY = [n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()]
GNU_TIME = shutil.which("time", path="/usr/bin:/bin")  # the program, not the shell keyword
BARE = (
    "from python_calamine import CalamineWorkbook; import sys; "
    "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()"
)


def sizes() -> list[int]:
    if os.environ.get("BENCH_SIZES"):
        return [int(s) for s in os.environ["BENCH_SIZES"].split(",")]
    return [10_000, 100_000] + ([1_000_000] if os.environ.get("BENCH_FULL") == "1" else [])


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """Run a child; return (seconds, peak RSS in MB of that child, exit code, stdout).

    The peak comes from GNU time (%M) when it is there: Linux's ru_maxrss of a child started straight
    from this process also counts this process's own RSS at fork time (the high-water mark survives
    exec), which would make `xjma --version` look as big as the bench itself."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else cmd
        started = time.perf_counter()
        proc = subprocess.Popen(
            wrapped, stdout=out, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        peak_kb = int(rss.read().strip() or 0) if GNU_TIME else usage.ru_maxrss
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    return seconds, peak_kb / 1024, os.waitstatus_to_exitcode(status), stdout


def roster(rows: int):
    path = DATA / f"roster_{rows}.xlsx"
    meta = DATA / f"roster_{rows}.planted.json"
    if path.exists() and meta.exists():
        planted = {tuple(x) for x in json.loads(meta.read_text())}
        return path, planted
    print(f"generating {path.name} …", file=sys.stderr)
    made = make_roster(path, rows)
    meta.write_text(json.dumps(sorted(made.planted)))
    return path, made.planted


def heavy_roster(rows: int) -> Path:
    """Every row with a warning (an unknown ID region), a tenth also with an error (issue 14)."""
    path = DATA / f"roster_{rows}_heavy.xlsx"
    if not path.exists():
        print(f"generating {path.name} …", file=sys.stderr)
        make_heavy_roster(path, rows)
    return path


def check_planted(stdout: str, planted: set[tuple[int, str]]) -> str:
    doc = json.loads(stdout)
    found = {(p["row"], p["code"]) for p in doc["problems"] if p["severity"] == "error"}
    warnings = [p for p in doc["problems"] if p["severity"] == "warning"]
    if found == planted and not warnings:
        return f"ok: exactly the {len(planted)} planted mistakes"
    missing, extra = planted - found, found - planted
    return f"MISMATCH: {len(missing)} planted not found {sorted(missing)[:5]}, {len(extra)} extra {sorted(extra)[:5]}, {len(warnings)} warnings"


def bench_size(rows: int, tmp: Path) -> list[dict[str, object]]:
    path, planted = roster(rows)
    heavy = heavy_roster(rows)
    start = START.isoformat()

    def enroll(db: str, out: Path) -> list[str]:
        return [
            XJMA,
            "enroll",
            str(path),
            "--start",
            start,
            "--skip-invalid",
            "--json",
            "--db",
            db,
            "-o",
            str(out),
        ]

    cases = {
        "bare calamine read": lambda i: [sys.executable, "-c", BARE, str(path)],
        "xjma validate": lambda i: [
            XJMA,
            "validate",
            str(path),
            "--start",
            start,
            "--json",
            "--db",
            str(tmp / "none.db"),
            "-o",
            str(tmp / f"report_{rows}_{i}.xlsx"),
        ],
        "xjma validate (problem-heavy)": lambda i: [
            XJMA,
            "validate",
            str(heavy),
            "--start",
            start,
            "--json",
            "--db",
            str(tmp / "none.db"),
            "-o",
            str(tmp / f"report_heavy_{rows}_{i}.xlsx"),
        ],
        "bare calamine read (problem-heavy file)": lambda i: [sys.executable, "-c", BARE, str(heavy)],
        "xjma enroll": lambda i: enroll(str(tmp / f"enroll_{rows}_{i}.db"), tmp / f"enroll_{rows}_{i}.xlsx"),
        # the batch the enroll of the same round recorded, read back and its workbook written again
        "xjma batch report": lambda i: [
            XJMA,
            "batch",
            "report",
            "1",
            "--db",
            str(tmp / f"enroll_{rows}_{i}.db"),
            "-o",
            str(tmp / f"batch_report_{rows}_{i}.xlsx"),
        ],
    }
    if PG_URL:
        cases["xjma enroll (PostgreSQL)"] = lambda i: enroll(
            fresh_pg_database(f"{rows}_{i}"),  # made before the clock starts
            tmp / f"enroll_pg_{rows}_{i}.xlsx",
        )
    if ONLY:
        cases = {k: v for k, v in cases.items() if k in ONLY or k.startswith("bare calamine read")}
    times: dict[str, list[float]] = {k: [] for k in cases}
    peaks: dict[str, float] = {k: 0.0 for k in cases}
    notes: dict[str, str] = {k: "" for k in cases}
    try:
        for i in range(REPEAT):
            for name, cmd in cases.items():
                seconds, peak, rc, stdout = run(cmd(i))
                if name == "xjma validate" and i == 0:
                    notes[name] = check_planted(stdout, planted) if rc in (0, 1) else f"validate exit {rc}"
                if name == "xjma enroll" and rc != 0:
                    notes["xjma validate"] = notes.get("xjma validate", "") + f"; enroll exit {rc}"
                if name == "xjma batch report" and rc != 0:
                    notes[name] = f"exit {rc} (it reads the round's enroll ledger)"
                if name == "xjma enroll (PostgreSQL)":
                    notes[name] = "a fresh database each round" if rc == 0 else f"enroll exit {rc}"
                times[name].append(seconds)
                peaks[name] = max(peaks[name], peak)
    finally:
        drop_pg_databases()
    bare = statistics.median(times["bare calamine read"])
    heavy_bare = statistics.median(times.get("bare calamine read (problem-heavy file)") or [bare])
    return [
        {
            "what": f"{name} ({rows:,} rows)",
            "seconds": statistics.median(t),
            "ratio": statistics.median(t) / (heavy_bare if "problem-heavy" in name else bare),
            "peak_mb": peaks[name],
            "note": notes[name],
        }
        for name, t in times.items()
    ]


PG_MADE: list[str] = []


def fresh_pg_database(tag: str) -> str:
    """A new, empty database on the $XJMA_TEST_PG_URL server; its URL (enroll creates the ledger)."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"xjma_bench_{os.getpid()}_{tag}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    PG_MADE.append(name)
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_databases() -> None:
    import psycopg

    while PG_MADE:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            # Not WITH (FORCE): an autovacuum worker may be in it, which only a plain DROP stops.
            admin.execute(f'DROP DATABASE IF EXISTS "{PG_MADE.pop()}"')


def bench_ledger_path() -> Path:
    # r5: one unit per member, one 地州市 per unit, one or two batches a year per unit, fee, cover and
    # claim totals counted, 240k claims cases (schema v9; an r4 file migrated by `xjma db migrate` is the same)
    return DATA / f"ledger_{MEMBERS}_r5.db"


def bench_ledger(tmp: Path) -> list[dict[str, object]]:
    db = bench_ledger_path()
    if not db.exists():
        print(f"building a ledger of {MEMBERS:,} members …", file=sys.stderr)
        fill_ledger(db, MEMBERS)
    version = [XJMA, "--version"]
    fees = [
        XJMA,
        "fees",
        "summary",
        "--year",
        "2026",
        "--db",
        str(db),
        "--json",
        "-o",
        str(tmp / "fees.xlsx"),
    ]
    results = {"xjma fees summary --year (1.7M members)": [], "xjma --version": []}
    peak = {k: 0.0 for k in results}
    note = ""
    for _ in range(REPEAT):
        for name, cmd in zip(results, (fees, version), strict=True):
            seconds, rss, rc, stdout = run(cmd)
            results[name].append(seconds)
            peak[name] = max(peak[name], rss)
            if name.startswith("xjma fees") and rc == 0 and not note:
                note = f"members {json.loads(stdout)['members']:,}, total {json.loads(stdout)['total']}"
            elif name.startswith("xjma fees") and rc != 0:
                note = f"exit {rc}"
    rows = [
        {
            "what": name,
            "seconds": statistics.median(t),
            "ratio": None,
            "peak_mb": peak[name],
            "note": note if name.startswith("xjma fees") else "",
        }
        for name, t in results.items()
    ]
    return rows + [
        catch_up(db, tmp),
        *renewal_cases(db, tmp),
        claims_summary_case(db, tmp, run, REPEAT),
        *medical_cases(db, tmp),
        *overview_rows(db, tmp, run, cpu_run, XJMA, REPEAT),
    ]


def cpu_run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a child; return (its CPU seconds, user + system: the machine is shared), exit code, stdout."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env={**os.environ, **env})
        _, status, usage = os.wait4(proc.pid, 0)
        out.seek(0)
        return usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status), out.read().decode()


def renewal_cases(db: Path, tmp: Path) -> list[dict[str, object]]:
    """`renewals due` over the big ledger (a month of ends: ~100k members), and the renewal roster of a
    unit of 10,000 members (a small ledger whose members are all moved into one unit), in CPU seconds."""
    env = {"XJMA_TODAY": "2026-12-15"}
    due = [
        XJMA,
        "renewals",
        "due",
        "--before",
        "2027-01-15",
        "--db",
        str(db),
        "--json",
        "-o",
        str(tmp / "due.xlsx"),
    ]
    big_unit = DATA / "ledger_100000_one_unit_r5.db"  # 100k members, 10,000 of them in one unit
    if not big_unit.exists():
        fill_ledger(big_unit, 100_000)
        with sqlite3.connect(big_unit) as conn:
            conn.execute(
                "UPDATE enrollments SET unit = '某大单位', prefecture = '巴州' WHERE id_number IN "
                "(SELECT id_number FROM members ORDER BY id_number LIMIT 10000)"
            )
    roster_cmd = [XJMA, "template", "roster", "--renewal", "--unit", "某大单位", "--db", str(big_unit)]
    roster_cmd += ["-o", str(tmp / "renewal.xlsx")]
    rows = []
    for name, cmd in (
        ("xjma renewals due (1.7M members), CPU s", due),
        ("renewal roster, 10,000 members, CPU s", roster_cmd),
    ):
        times, note = [], ""
        for _ in range(REPEAT):
            seconds, rc, stdout = cpu_run(cmd, env)
            times.append(seconds)
            if rc != 0:
                note = f"exit {rc}"
            elif stdout.startswith("{") and not note:
                note = f"members due {json.loads(stdout)['members_due']:,}"
        rows.append(
            {"what": name, "seconds": statistics.median(times), "ratio": None, "peak_mb": 0.0, "note": note}
        )
    return rows


def catch_up(db: Path, tmp: Path) -> dict[str, object]:
    """Once: enroll the 10,000-row roster into a copy of the big ledger (its transaction adds those
    enrollments to the ledger's fee totals), then time the first `fees summary`."""
    copy = tmp / "catch_up.db"
    shutil.copyfile(db, copy)
    path, _ = roster(10_000)
    run(
        [
            XJMA,
            "enroll",
            str(path),
            "--start",
            START.isoformat(),
            "--paid-on",
            "2026-11-30",
            "--skip-invalid",
            "--json",
            "--db",
            str(copy),
            "-o",
            str(tmp / "catch_up.xlsx"),
        ]
    )
    seconds, peak, rc, _ = run(
        [
            XJMA,
            "fees",
            "summary",
            "--year",
            "2026",
            "--db",
            str(copy),
            "--json",
            "-o",
            str(tmp / "catch_up_fees.xlsx"),
        ]
    )
    note = totals_agree(copy) if rc == 0 else f"exit {rc}"
    copy.unlink()
    return {
        "what": "xjma fees summary --year, first run after enrolling 10,000 more",
        "seconds": seconds,
        "ratio": None,
        "peak_mb": peak,
        "note": f"one run; {note}",
    }


def totals_agree(db: Path) -> str:
    """The ledger's fee totals against plain COUNT(DISTINCT) GROUP BYs, for the month of the new batch
    (old and new enrollments mixed): every figure must be equal."""
    from xjma.io.ledger import fees as ledger_fees
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.fee_totals import fee_totals_current
    from xjma.jobs.fees import parse_period

    period = parse_period("2026-11", None)
    with open_ledger(str(db), mode="read") as ledger, ledger.connect() as conn:
        if not fee_totals_current(conn):
            return "MISMATCH: enroll left the fee totals behind the enrollments"
        kept = ledger_fees.read_fees(conn, period.lo, period.hi, period.months)
        counted = ledger_fees._counted(conn, period.lo, period.hi, period.months)
    same = all(
        sorted(getattr(kept, k), key=repr) == sorted(getattr(counted, k), key=repr)
        if isinstance(getattr(kept, k), list)
        else getattr(kept, k) == getattr(counted, k)
        for k in ("total", "members", "by_prefecture", "by_unit", "by_plan", "by_month")
    )
    return (
        "fee totals = GROUP BY for 2026-11" if same else "MISMATCH: fee totals differ from GROUP BY (2026-11)"
    )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def render(rows: list[dict[str, object]]) -> str:
    lines = [
        "| what | seconds (median) | ratio to bare read | peak RSS MB | note |",
        "|---|---:|---:|---:|---|",
    ]
    for r in rows:
        ratio = f"{r['ratio']:.2f}×" if r["ratio"] is not None else ""
        lines.append(f"| {r['what']} | {r['seconds']:.2f} | {ratio} | {r['peak_mb']:.0f} | {r['note']} |")
    return "\n".join(lines)


def main() -> int:
    DATA.mkdir(exist_ok=True)
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes():
            results += bench_size(rows, Path(tmp))
        if not ONLY:
            results += bench_ledger(Path(tmp))
        results += __import__("bench_access").access_cases(Path(tmp), PG_URL) if PG_URL and not ONLY else []
    table = render(results)
    print(table)
    if ONLY:
        return 0  # a partial run (one case being checked) leaves results.md alone
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    (HERE / "results.md").write_text(
        f"# make bench results\n\n{stamp}, {machine()}, median of {REPEAT} alternating runs.\n\n{table}\n",
        encoding="utf-8",
    )
    return 1 if any("MISMATCH" in str(r["note"]) for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
