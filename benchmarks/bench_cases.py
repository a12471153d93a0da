"""Claims as cases at office scale (issue 18: submit and approve 10,000 cases ≤ 15 s each, SQLite).

A claims file of BENCH_CASES (default 10,000) 住院 claims of distinct members, half of them enrolled in
the ledger (an enroll of their roster first, so the history is read), the other half described by the
file (保障起始日), with every material handed in and a payee account. Then, as child processes, each
timed (wall and CPU seconds) on a fresh SQLite ledger:

- `xjma claim submit FILE` (the 汇总表 written, --json to /dev/null);
- `xjma claim approve --submission 1` (every case recomputed under the members' lock);
- `xjma claim list --state approved --json`.

Run: .venv/bin/python benchmarks/bench_cases.py   (BENCH_CASES=… to change the size)
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen import check_char  # noqa: E402

XJMA = str(Path(sys.executable).parent / "xjma")
CASES = int(os.environ.get("BENCH_CASES", "10000"))
HEADER = ["身份证号码", "姓名", "险种", "给付项目", "出险日期", "保障起始日", "统筹段个人自付", "统筹基金支付",
          "大额段个人自付", "病因", "已交材料", "收款人", "开户行", "收款账号"]  # fmt: skip
ROSTER = ["工作单位", "所属地州市", "姓名", "性别", "身份证号码", "联系电话", "用工形式", "住院+意外（份）"]


def ids(count: int) -> list[str]:
    out = []
    for i in range(count):
        first17 = f"650102{1970 + i % 30}{(i // 40) % 12 + 1:02d}{(i // 480) % 28 + 1:02d}{i % 10}{i // 1000 % 10}{1 + 2 * (i % 4)}"
        out.append(first17 + check_char(first17))
    return out


def write_files(tmp: Path) -> tuple[Path, Path]:
    numbers = ids(CASES)
    if len(set(numbers)) != CASES:
        raise SystemExit("generated IDs collide: lower BENCH_CASES")
    roster = tmp / "roster.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(ROSTER)
        for i, number in enumerate(numbers[: CASES // 2]):
            w.writerow(
                [f"单位{i % 50}", "乌鲁木齐市", f"会员{i}", "男", number, f"139{i:08d}", "合同制", "1"]
            )
    claims = tmp / "claims.csv"
    with claims.open("w", encoding="utf-8-sig", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(HEADER)
        for i, number in enumerate(numbers):
            w.writerow([number, f"会员{i}", "住院+意外", "住院", "2027-03-01", "2026-12-01", "1000", "5000",
                        str(2000 + i % 9000), "疾病", "身份证明、医保结算单、出院记录、收款账户", f"会员{i}",
                        "工商银行", f"6222{i:012d}"])  # fmt: skip
    return roster, claims


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child, exit code)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env={**os.environ, **env})
        _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        roster, claims = write_files(tmp)
        db = str(tmp / "ledger.db")
        env = {"XJMA_TODAY": "2027-08-01", "XJMA_OPERATOR": "bench", "XJMA_DB": ""}
        subprocess.run([XJMA, "enroll", str(roster), "--start", "2026-12-01", "--db", db, "--json", "--skip-invalid"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **env})  # fmt: skip
        rows = []
        for name, cmd in (
            ("claim submit", [XJMA, "claim", "submit", str(claims), "--db", db, "--json"]),
            (
                "claim approve --submission 1",
                [XJMA, "claim", "approve", "--submission", "1", "--db", db, "--json"],
            ),
            (
                "claim list --state approved",
                [XJMA, "claim", "list", "--state", "approved", "--db", db, "--json"],
            ),
        ):
            wall, cpu, code = timed(cmd, env)
            rows.append(
                {
                    "command": name,
                    "cases": CASES,
                    "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                    "exit": code,
                }
            )
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0 if all(r["exit"] == 0 for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
