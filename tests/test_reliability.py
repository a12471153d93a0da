"""Issue 6.2-6.5: hostile cells, atomic outputs, ledger safety under SIGKILL and concurrency, personal data.

Process boundaries (kill, two processes at once, exit codes, what reaches the terminal) are real runs of
the installed `xjma`; the rest runs in-process.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import badfiles
import openpyxl
import pytest

XJMA = str(Path(sys.executable).parent / "xjma")
ENV = {**os.environ, "XJMA_TODAY": "2026-11-20", "XJMA_DB": ""}
ENV.pop("XJMA_DEBUG", None)
START = badfiles.START
# Each begins with a character a spreadsheet reads as the start of a formula (or hides before one).
HOSTILE = [
    '=HYPERLINK("http://example.com","点我")',
    "+1+1甲",
    "-2+3乙",
    "@SUM(1+1)丙",
    "\t=1+2丁",
    "\r=3+4戊",
    "=cmd|' /C calc'!A0己",
]
MARKERS = ["HYPERLINK", "1+1甲", "2+3乙", "SUM(1+1)丙", "=1+2丁", "=3+4戊", "calc'!A0己"]


def xjma(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run([XJMA, *args], capture_output=True, text=True, env=env or ENV, timeout=600, **kw)


def ledger_counts(db: Path) -> dict[str, int]:
    if not db.exists():
        return {"batches": 0, "enrollments": 0}
    with sqlite3.connect(db) as conn:
        return {
            t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("batches", "enrollments")
        }


# --- 6.2 hostile cells ----------------------------------------------------------------------------


def hostile_roster(folder: Path, suffix: str = ".xlsx") -> Path:
    """Valid people whose 工作单位 is hostile (they reach every workbook), and people whose 姓名 is hostile
    with a wrong phone (error rows: the validate report shows them), plus control characters XML cannot hold."""
    rows = badfiles.people(count=2 * len(HOSTILE) + 1, bad_at=None)
    for i, text in enumerate(HOSTILE):
        rows[i][1] = text  # unit: accepted as text, enrolled
        rows[len(HOSTILE) + i][3] = text
        rows[len(HOSTILE) + i][8] = badfiles.BAD_PHONE
    rows[-1][1] = "控制\x01字符\x1f单位"
    path = folder / f"名册{suffix}"
    if suffix == ".csv":
        return badfiles._csv(path, [badfiles.headers(), *rows], "utf-8")
    return badfiles.xlsx(path, {"名册": [badfiles.headers(), *rows]})


def cells_of(path: Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)  # it must open: no character XML cannot hold
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_hostile_formula(path: Path, expected: list[str]) -> None:
    """No formula carries roster text, and each marker is present in a text cell."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode()
                for formula in re.findall(r"<f[ >][^<]*", xml):
                    assert not any(m in formula for m in MARKERS), (name, formula)
    texts = [c.value for c in cells_of(path) if isinstance(c.value, str) and c.data_type == "s"]
    for marker in expected:
        assert any(marker in text for text in texts), f"{marker!r} is not a text cell of {path.name}"
    assert not any(ch in text for text in texts for ch in "\x01\x1f"), "control characters reached XML"
    unquoted = [
        (c.parent.title, c.coordinate)
        for c in cells_of(path)
        if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t")) and not c.quotePrefix
    ]
    assert not unquoted, (
        f"text a user's edit would turn into a formula, without Excel's quote prefix: {unquoted}"
    )


def test_hostile_cells_are_text_in_the_validate_report(tmp_path):
    roster = hostile_roster(tmp_path)
    done = xjma("validate", str(roster), "--start", START, "-o", str(tmp_path / "检查结果.xlsx"))
    assert done.returncode == 1, done.stderr
    assert_no_hostile_formula(tmp_path / "检查结果.xlsx", MARKERS)


def test_hostile_cells_are_text_in_the_enroll_and_fees_workbooks(tmp_path):
    roster = hostile_roster(tmp_path, ".csv")
    db, report = tmp_path / "台账.db", tmp_path / "参保结果.xlsx"
    done = xjma("enroll", str(roster), "--start", START, "--db", str(db), "-o", str(report), "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert_no_hostile_formula(report, MARKERS)
    assert any(c.value == "控制字符单位" for c in cells_of(report)), (
        "control characters are dropped, text kept"
    )
    fees = tmp_path / "会费.xlsx"
    done = xjma("fees", "summary", "--month", "2026-11", "--db", str(db), "-o", str(fees))
    assert done.returncode == 0, done.stderr
    assert_no_hostile_formula(fees, MARKERS)


def test_hostile_cells_are_text_in_the_claims_workbook(tmp_path):
    import xlsxwriter

    path = tmp_path / "理赔.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet("理赔")
    sheet.write_row(
        0, 0, ["身份证号码", "姓名", "险种", "给付项目", "出险日期", "保障起始日", "份数", "疾病名称"]
    )
    ids = [str(r[7]) for r in badfiles.people(count=len(HOSTILE), bad_at=None)]
    for i, text in enumerate(HOSTILE, start=1):
        row = [ids[i - 1], text, "重大疾病", "重度", "2027-06-01", START, "1", "恶性肿瘤"]
        for col, value in enumerate(row):
            sheet.write_string(i, col, value)
    book.close()
    out = tmp_path / "理赔结果.xlsx"
    done = xjma("claim", "calc", str(path), "--db", str(tmp_path / "台账.db"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert_no_hostile_formula(out, MARKERS)


@pytest.mark.parametrize("kind", ["roster", "claims"])
def test_templates_hold_no_formula_cells(tmp_path, kind):
    out = tmp_path / f"{kind}.xlsx"
    assert xjma("template", kind, "-o", str(out)).returncode == 0
    assert not [c.coordinate for c in cells_of(out) if c.data_type == "f"]


# --- 6.3 atomic outputs ---------------------------------------------------------------------------


def disk_full_after_two_parts(monkeypatch) -> None:
    """The zip being written fails after two of its parts: the moment a non-atomic writer would leave half
    a workbook under the real name."""
    written = []

    def write(self, *args, **kw):
        if len(written) >= 2:
            raise OSError(28, "No space left on device")
        written.append(args)
        return original_write(self, *args, **kw)

    def writestr(self, *args, **kw):
        if len(written) >= 2:
            raise OSError(28, "No space left on device")
        written.append(args)
        return original_writestr(self, *args, **kw)

    original_write, original_writestr = zipfile.ZipFile.write, zipfile.ZipFile.writestr
    monkeypatch.setattr(zipfile.ZipFile, "write", write)
    monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)


def test_a_failed_report_leaves_the_previous_report_and_no_temporary_file(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from xjma.cli import app

    roster = badfiles.roster_xlsx(tmp_path / "名册.xlsx")
    report = tmp_path / "检查结果.xlsx"
    report.write_bytes(b"the previous report")
    disk_full_after_two_parts(monkeypatch)
    result = CliRunner().invoke(app, ["validate", str(roster), "--start", START, "-o", str(report)], env=ENV)
    assert result.exit_code == 2
    assert report.read_bytes() == b"the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["名册.xlsx", "检查结果.xlsx"]


# xlsxwriter does not close its zip when a part fails to write: the zip object, dropped later, reports the
# simulated disk-full error again from its finaliser (nothing of ours is left open; the files are checked).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_failed_claims_workbook_leaves_the_previous_one(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from xjma.cli import app

    out = tmp_path / "理赔结果.xlsx"
    out.write_bytes(b"the previous result")
    disk_full_after_two_parts(monkeypatch)
    args = [
        "claim",
        "calc",
        "--plan",
        "重大疾病",
        "--benefit",
        "重度",
        "--event-date",
        "2027-06-01",
        "--start",
        START,
        "--shares",
        "1",
        "--db",
        str(tmp_path / "l.db"),
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(app, args, env=ENV)
    assert result.exit_code == 2
    assert out.read_bytes() == b"the previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["理赔结果.xlsx"]


def test_a_workbook_that_cannot_be_written_rolls_the_enrollment_back(tmp_path):
    roster = badfiles.roster_xlsx(tmp_path / "名册.xlsx", bad_at=None)
    db = tmp_path / "台账.db"
    # The folder exists (checked before the ledger opens) but the target is a folder itself: the
    # workbook fails at its final rename, after the rows were inserted, inside the transaction.
    (tmp_path / "x.xlsx").mkdir()
    done = xjma("enroll", str(roster), "--start", START, "--db", str(db), "-o", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert ledger_counts(db) == {"batches": 0, "enrollments": 0}


def test_the_input_is_never_opened_for_writing(tmp_path):
    """An audit hook sees every open() made by Python code (calamine, in Rust, only reads)."""
    from typer.testing import CliRunner

    from xjma.cli import app

    roster = hostile_roster(tmp_path)
    writes: list[tuple[str, object]] = []
    target = str(roster)

    def hook(event, args):
        if event == "open" and args and str(args[0]) == target:
            mode, flags = args[1], args[2]
            if (isinstance(mode, str) and set(mode) & set("wax+")) or (flags or 0) & (
                os.O_WRONLY | os.O_RDWR
            ):
                writes.append((event, args))

    sys.addaudithook(hook)  # cannot be removed: it only records opens of this test's file
    runner = CliRunner()
    before = roster.read_bytes()
    runner.invoke(app, ["validate", target, "--start", START, "-o", str(tmp_path / "r.xlsx")], env=ENV)
    runner.invoke(
        app,
        [
            "enroll",
            target,
            "--start",
            START,
            "--db",
            str(tmp_path / "l.db"),
            "--skip-invalid",
            "-o",
            str(tmp_path / "e.xlsx"),
        ],
        env=ENV,
    )
    assert writes == []
    assert roster.read_bytes() == before


# --- 6.4 ledger safety ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_roster(tmp_path_factory):
    """20,000 valid rows (benchmarks/gen.py), built once for the module."""
    folder = tmp_path_factory.mktemp("big")
    return badfiles._gen().make_roster(folder / "名册.xlsx", 20000, mistake_rate=0.0).path


def wal_grew(folder: Path) -> bool:
    wal = folder / "台账.db-wal"
    return wal.exists() and wal.stat().st_size > 2**20  # rows are being inserted (the cache spills)


def workbook_pending(folder: Path) -> bool:
    # The workbook is written after the commit: the batch is in the ledger and the workbook not yet.
    if (folder / "参保结果.xlsx").exists() or not (folder / "台账.db").exists():
        return False
    try:
        with sqlite3.connect(f"file:{folder / '台账.db'}?mode=ro", uri=True, timeout=0.01) as conn:
            return conn.execute("SELECT count(*) FROM batches").fetchone()[0] == 1
    except sqlite3.Error:
        return False


@pytest.mark.parametrize(
    "moment", [wal_grew, workbook_pending], ids=["while-inserting", "while-writing-workbook"]
)
def test_a_killed_enroll_leaves_nothing_or_everything_and_a_rerun_records_the_batch_once(
    big_roster, tmp_path, moment
):
    db, report = tmp_path / "台账.db", tmp_path / "参保结果.xlsx"
    args = [XJMA, "enroll", str(big_roster), "--start", START, "--db", str(db), "-o", str(report), "--json"]
    # SQLite's default 2 MB page cache: pages spill to the WAL during the insert (the hard case), and the
    # moment can be seen from outside.
    small_cache = {**ENV, "XJMA_SQLITE_CACHE_KIB": "2000"}
    proc = subprocess.Popen(args, env=small_cache, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None and not moment(tmp_path):
            time.sleep(0.005)
        assert proc.poll() is None, "the enroll finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    killed = ledger_counts(db)
    assert not report.exists() or killed["batches"] == 1, "no half-written workbook under the real name"
    if moment is workbook_pending:
        assert killed["batches"] == 1 and not report.exists(), "killed after the commit, before the workbook"

    first = xjma("enroll", str(big_roster), "--start", START, "--db", str(db), "-o", str(report), "--json")
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)
    assert doc["enrolled"] + doc["already_recorded"] == 20000
    full = ledger_counts(db)
    assert full["batches"] == 1 and full["enrollments"] >= 20000
    assert killed in ({"batches": 0, "enrollments": 0}, full), "the killed run left part of its batch"

    again = xjma("enroll", str(big_roster), "--start", START, "--db", str(db), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["already_recorded"] == 20000
    assert ledger_counts(db) == full
    assert not list(tmp_path.glob(".*.tmp.xlsx")), "no temporary workbook of the killed run is left"


def parts_being_written(temp: Path) -> bool:
    return any(f.is_file() and f.stat().st_size > 0 for f in temp.rglob("*"))


def test_a_run_killed_while_writing_the_workbook_leaves_no_file_with_personal_data(big_roster, tmp_path):
    """Killed while the workbook's parts (every ID of the batch) are on disk: after the next start no
    file of the killed run is left, neither beside the report nor in the system's temporary folder."""
    temp, out = tmp_path / "temp", tmp_path / "out"
    temp.mkdir()
    out.mkdir()
    db, report = tmp_path / "台账.db", out / "参保结果.xlsx"
    env = {**ENV, "TMPDIR": str(temp)}
    args = [XJMA, "enroll", str(big_roster), "--start", START, "--db", str(db), "-o", str(report)]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None and not parts_being_written(temp):
            time.sleep(0.002)
        assert proc.poll() is None, "the enroll finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert not report.exists()
    small = badfiles.xlsx(tmp_path / "小.xlsx", {"名册": [badfiles.headers(), *badfiles.people(bad_at=None)]})
    nxt = xjma(
        "enroll", str(small), "--start", START, "--db", str(db), "-o", str(out / "下一个.xlsx"), env=env
    )
    assert nxt.returncode == 0, nxt.stderr
    assert sorted(p.name for p in out.iterdir()) == ["下一个.xlsx"], "no hidden temporary workbook is left"
    assert list(temp.rglob("*")) == [], "no temporary part of the killed run is left"


def test_two_enrolls_at_once_on_one_sqlite_file_both_land_completely(tmp_path):
    gen = badfiles._gen()
    first = gen.make_roster(tmp_path / "甲.xlsx", 3000, seed=1, mistake_rate=0.0).path
    second = gen.make_roster(tmp_path / "乙.xlsx", 3000, seed=2, mistake_rate=0.0).path
    db = tmp_path / "台账.db"
    assert (
        xjma(
            "enroll",
            str(badfiles.roster_xlsx(tmp_path / "0.xlsx", bad_at=None)),
            "--start",
            START,
            "--db",
            str(db),
            "-o",
            str(tmp_path / "0r.xlsx"),
        ).returncode
        == 0
    )  # the ledger exists, in WAL mode
    procs = [
        subprocess.Popen(
            [
                XJMA,
                "enroll",
                str(p),
                "--start",
                START,
                "--db",
                str(db),
                "-o",
                str(p.with_suffix(".r.xlsx")),
                "--json",
            ],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in (first, second)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (stdout, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr
        assert json.loads(stdout)["enrolled"] == 3000
    with sqlite3.connect(db) as conn:
        members = conn.execute("select count(distinct id_number) from enrollments").fetchone()[0]
    assert members == 4 + 3000 + 3000
    assert ledger_counts(db)["batches"] == 3


def test_the_ledger_file_is_created_with_mode_0600(tmp_path):
    db = tmp_path / "台账.db"
    done = xjma(
        "enroll",
        str(badfiles.roster_xlsx(tmp_path / "名册.xlsx", bad_at=None)),
        "--start",
        START,
        "--db",
        str(db),
    )
    assert done.returncode == 0, done.stderr
    for path in [db, *tmp_path.glob("台账.db-*")]:  # the WAL and shared-memory files take the same mode
        assert path.stat().st_mode & 0o777 == 0o600, path


# --- 6.5 personal data ----------------------------------------------------------------------------


def full_ids(text: str, ids: list[str]) -> list[str]:
    return [i for i in ids if i in text]


def test_terminal_output_never_shows_a_full_id_number(tmp_path):
    rows = badfiles.people(count=6, bad_at=None)
    rows[1][7] = rows[0][7]  # a duplicate ID: its message names the other row
    rows[2][8] = badfiles.BAD_PHONE
    rows[3][9] = "退休返聘"
    number = str(rows[3][7])
    rows[3][7] = number[:17] + ("0" if number[17] != "0" else "1")  # a wrong check digit, quoted in messages?
    ids = sorted({str(r[7]) for r in rows})
    enrolled = str(rows[5][7])
    roster = badfiles.xlsx(tmp_path / "名册.xlsx", {"名册": [badfiles.headers(), *rows]})
    db = tmp_path / "台账.db"
    runs = [
        xjma("validate", str(roster), "--start", START, "-o", str(tmp_path / "v.xlsx")),
        xjma("enroll", str(roster), "--start", START, "--db", str(db), "-o", str(tmp_path / "e.xlsx")),
        xjma(
            "enroll",
            str(roster),
            "--start",
            START,
            "--db",
            str(db),
            "--skip-invalid",
            "-o",
            str(tmp_path / "f.xlsx"),
        ),
        xjma("member", "show", enrolled, "--db", str(db)),
        xjma(
            "claim",
            "calc",
            "--plan",
            "住院+意外",
            "--benefit",
            "意外",
            "--event-date",
            "2027-03-01",
            "--id",
            enrolled,
            "--accident-kind",
            "生活",
            "--grade",
            "5",
            "--db",
            str(db),
        ),
    ]
    for done in runs:
        assert done.returncode in (0, 1), done.stderr
        assert full_ids(done.stdout + done.stderr, ids) == [], (done.args, done.stdout, done.stderr)


SITE = """
import xjma.io.sheets as reader
def read_table(*args, **kw):
    secret_id = "".join(reversed("{secret}"))  # only a display of locals could show it
    raise RuntimeError("boom")
reader.read_table = read_table
"""


@pytest.mark.parametrize("debug", [False, True])
def test_only_debug_shows_a_traceback_and_never_with_locals(tmp_path, debug):
    """A bug (RuntimeError planted through sitecustomize) is a short notice, or with --debug a traceback
    that still does not show the local variables (which hold personal data)."""
    secret = "65010219900101123X"
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITE.format(secret=secret[::-1]), encoding="utf-8")
    roster = badfiles.roster_xlsx(tmp_path / "名册.xlsx")
    env = {**ENV, "PYTHONPATH": str(site)}
    done = xjma(*(["--debug"] if debug else []), "validate", str(roster), "--start", START, env=env)
    assert done.returncode != 0
    assert secret not in done.stdout + done.stderr
    if debug:
        assert "Traceback" in done.stderr and "boom" in done.stderr
    else:
        assert done.returncode == 2
        assert "Traceback" not in done.stderr and "--debug" in done.stderr


MASKED_ID = re.compile(r"^\d{6}\*+[\dX]{4}$")
MASKED_PHONE = re.compile(r"^\d{0,3}\*+\d{4}$")


def workbook_text(path: Path) -> str:
    return "\n".join(str(c.value) for c in cells_of(path) if c.value is not None)


def test_mask_hides_ids_and_phones_in_every_output_meant_to_be_passed_on(tmp_path):
    rows = badfiles.people(count=4)
    ids, phones = [str(r[7]) for r in rows], [str(r[8]) for r in rows if r[8] != badfiles.BAD_PHONE]
    roster = badfiles.xlsx(tmp_path / "名册.xlsx", {"名册": [badfiles.headers(), *rows]})
    clean = badfiles.xlsx(tmp_path / "好.xlsx", {"名册": [badfiles.headers(), *badfiles.people(bad_at=None)]})
    db = tmp_path / "台账.db"
    runs = {
        "v.xlsx": ["validate", str(roster), "--start", START],
        "e.xlsx": ["enroll", str(clean), "--start", START, "--db", str(db)],
        "f.xlsx": ["fees", "summary", "--month", "2026-11", "--db", str(db)],
        "c.xlsx": [
            "claim",
            "calc",
            "--plan",
            "住院+意外",
            "--benefit",
            "意外",
            "--event-date",
            "2027-03-01",
            "--id",
            ids[0],
            "--start",
            START,
            "--accident-kind",
            "生活",
            "--grade",
            "5",
            "--db",
            str(db),
        ],
    }
    every_id = ids + [str(r[7]) for r in badfiles.people(bad_at=None)]
    for name, args in runs.items():
        done = xjma(*args, "--mask", "--json", "-o", str(tmp_path / name))
        assert done.returncode in (0, 1), done.stderr
        text = done.stdout + workbook_text(tmp_path / name)
        assert full_ids(text, every_id) == [] and full_ids(text, phones) == [], name
    assert any(MASKED_ID.match(v) for v in workbook_text(tmp_path / "e.xlsx").splitlines())
    assert any(MASKED_PHONE.match(v) for v in workbook_text(tmp_path / "v.xlsx").splitlines())
