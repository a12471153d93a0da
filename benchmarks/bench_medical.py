"""一单结算 (office.md §8) for `make bench`: `medical export` of everyone plan 1 covers on a date from the
1.7M-member ledger (read only), and `medical import` of 50,000 settlement records, reconciled, without
and with --record.

The big ledger's ID numbers are not valid ones (ledger_fill makes them by counting), and a settlement
with an invalid ID is a bad row, never computed. So the import runs against a ledger of 100,000 members
made by ledger_fill whose IDs are then rewritten to valid ones (DATA/ledger_100000_medical_r1.db, cached);
--record runs on a fresh copy of it each round. Each case is timed on the wall clock and in CPU seconds
(the machine is shared)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
XJMA = str(Path(sys.executable).parent / "xjma")
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
RECORDS = 50_000
ENV = {"XJMA_TODAY": "2026-12-15", "XJMA_OPERATOR": "bench"}


def medical_cases(big: Path, tmp: Path) -> list[dict[str, object]]:
    """The rows for results.md: export (1.7M), import 50,000 (reconcile only; with --record)."""
    export = [XJMA, "medical", "export", "--on", "2026-12-15", "--db", str(big), "-o", str(tmp / "名单.csv")]
    small = valid_id_ledger()
    settlements = settlements_file(small, tmp / "结算.csv")
    reconcile = [XJMA, "medical", "import", str(settlements), "--db", str(small), "--json"]
    reconcile += ["-o", str(tmp / "对账.xlsx")]
    rows = [
        _case("xjma medical export --on (1.7M members, CSV)", lambda: export),
        _case(f"xjma medical import ({RECORDS:,} records, reconcile + workbook)", lambda: reconcile),
    ]

    def recording() -> list[str]:
        copy = tmp / "ledger_record.db"
        shutil.copyfile(small, copy)
        return [XJMA, "medical", "import", str(settlements), "--db", str(copy), "--json", "--record"]

    rows.append(_case(f"xjma medical import --record ({RECORDS:,} records)", recording))
    return rows


def _case(name: str, make: object) -> dict[str, object]:
    walls, cpus, note = [], [], ""
    for _ in range(REPEAT):
        cmd = make()  # type: ignore[operator]
        with tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env={**os.environ, **ENV})
            _, status, usage = os.wait4(proc.pid, 0)
            walls.append(time.perf_counter() - started)
            cpus.append(usage.ru_utime + usage.ru_stime)
            code = os.waitstatus_to_exitcode(status)
            out.seek(0)
            text = out.read().decode("utf-8", "replace")
        note = f"exit {code}" + (f"; {_summary(text)}" if text.startswith("{") else "")
    return {
        "what": name,
        "seconds": statistics.median(walls),
        "ratio": None,
        "peak_mb": 0.0,
        "note": f"CPU {statistics.median(cpus):.2f} s; {note}",
    }


def _summary(text: str) -> str:
    import json

    doc = json.loads(text)
    return f"agree {doc['agree']:,}, differ {doc['differ']:,}, recorded {doc['recorded']:,}"


def valid_id_ledger() -> Path:
    """A 100,000-member ledger (ledger_fill) whose ID numbers are rewritten to valid ones."""
    sys.path.insert(0, str(HERE))
    from ledger_fill import fill_ledger

    from xjma.core.idnumber import check_char

    path = DATA / "ledger_100000_medical_r1.db"
    if path.exists():
        return path
    tmp = path.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    fill_ledger(tmp, 100_000)
    with sqlite3.connect(tmp) as db:
        old = [r[0] for r in db.execute("SELECT id_number FROM members ORDER BY id_number")]
        born = dt.date(1970, 1, 1)
        pairs = []
        for i, number in enumerate(old):
            first17 = f"650102{(born + dt.timedelta(days=i // 500)).strftime('%Y%m%d')}{i % 500:03d}"
            pairs.append((number, first17 + check_char(first17)))
        db.execute("CREATE TEMP TABLE new_ids (old TEXT PRIMARY KEY, new TEXT)")
        db.executemany("INSERT INTO new_ids VALUES (?, ?)", pairs)
        for table in ("members", "enrollments"):
            db.execute(f"UPDATE {table} SET id_number = (SELECT new FROM new_ids WHERE old = id_number)")
    tmp.rename(path)
    return path


def settlements_file(ledger: Path, path: Path) -> Path:
    """50,000 records, one per member, admitted 40 days after the start (past the observation period):
    nine in ten paid as xjma computes (600.00), one in ten a fen off, and one in fifty a 结算编号 twice."""
    with sqlite3.connect(ledger) as db:
        found = db.execute(
            "SELECT id_number, start FROM enrollments WHERE plan = 'inpatient-accident' ORDER BY id LIMIT ?",
            (RECORDS,),
        ).fetchall()
    head = ["结算编号", "身份证号码", "姓名", "入院日期", "出院日期", "就医地", "病因", "统筹段个人自付"]
    head += ["统筹基金支付", "大额段个人自付", "互助金支付"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(head)
        for i, (number, start) in enumerate(found):
            admitted = dt.date.fromisoformat(start) + dt.timedelta(days=40)
            paid = "600.01" if i % 10 == 9 else "600.00"
            no = f"JS{i - 1 if i % 50 == 49 else i:08d}"
            writer.writerow([no, number, f"会员{i}", admitted.isoformat(),
                             (admitted + dt.timedelta(days=7)).isoformat(), "本地", "疾病",
                             "1000.00", "5000.00", "0", paid])  # fmt: skip
    return path


if __name__ == "__main__":
    big = DATA / "ledger_1700000_r2.db"
    with tempfile.TemporaryDirectory() as folder:
        for row in medical_cases(big, Path(folder)):
            print(f"{row['what']}: {row['seconds']:.2f} s wall; {row['note']}")
