"""What a command says when it cannot run: one Chinese sentence and exit 2, for usage errors, bad ledger
targets, dates out of range, special or full outputs, and a console that cannot print Chinese."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from conftest import ENROLL_KEYS, XJMA, make_id, member, run_xjma, write_roster
from typer.testing import CliRunner

from xjma.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "roster_clean.xlsx"
A = make_id("19850101", 11, False)
B = make_id("19900202", 12, True)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"XJMA_TODAY": "2026-11-20"})
    return result.exit_code, result.stdout, result.stderr


def is_one_chinese_sentence(text: str) -> bool:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    english_box = any(mark in text for mark in ("Usage:", "╭", "Error", "Traceback", "Invalid value"))
    return len(lines) == 1 and any("\u4e00" <= ch <= "\u9fff" for ch in text) and not english_box


def roster(tmp_path: Path, name: str = "名册.xlsx", **cells: str) -> Path:
    row = member("乌鲁木齐第一中学", "乌鲁木齐市", "王伟", A, 住院=1)
    row.update(cells)
    return write_roster(tmp_path / name, [row, member("乌鲁木齐第一中学", "乌鲁木齐市", "李娜", B)])


# ---------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "x.xlsx", "--no-such-option"],
        ["validate"],
        ["fees", "summary", "--month"],
        ["member", "show"],
        ["no-such-command"],
        ["db", "check", "--db"],
        ["claim", "calc", "--plan", "inpatient-accident", "--shares", "abc"],
    ],
    ids=" ".join,
)
def test_a_usage_error_is_one_chinese_sentence_and_exit_2(args: list[str]) -> None:
    code, out, err = invoke(*args)
    assert code == 2
    assert out == ""
    assert is_one_chinese_sentence(err), err


def test_a_usage_error_through_the_installed_command_has_no_english_box() -> None:
    result = run_xjma("enroll", "--skip-invalid", "--bogus")
    assert result.returncode == 2
    assert is_one_chinese_sentence(result.stderr), result.stderr


# ---------------------------------------------------------------- ledger targets and dates


@pytest.mark.parametrize("target", ["", "   "])
@pytest.mark.parametrize("command", [["validate", str(SAMPLE)], ["db", "check"], ["fees", "summary"]])
def test_an_empty_db_is_refused_not_taken_for_the_default_ledger(command: list[str], target: str) -> None:
    extra = ["--month", "2026-12"] if command[0] == "fees" else []
    code, _, err = invoke(*command, *extra, "--db", target)
    assert code == 2
    assert "--db 不能为空" in err


@pytest.mark.parametrize("target", ["sqlite:///:memory:", "sqlite://", ":memory:"])
def test_enrolling_into_a_ledger_in_memory_is_refused(tmp_path: Path, target: str) -> None:
    code, out, err = invoke("enroll", str(roster(tmp_path)), "--db", target, "--json")
    assert code == 2
    assert "内存数据库" in err
    doc = json.loads(out)
    assert set(doc) == ENROLL_KEYS and doc["enrolled"] == 0 and doc["report"] is None
    assert not (tmp_path / "名册_参保结果.xlsx").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["validate", str(SAMPLE), "--start", "9999-06-01"],
        ["enroll", str(SAMPLE), "--start", "9999-06-01", "--dry-run"],
        ["enroll", str(SAMPLE), "--paid-on", "9999-12-31", "--dry-run"],
        ["fees", "summary", "--month", "9999-12"],
        ["fees", "summary", "--year", "9999"],
    ],
    ids=" ".join,
)
def test_a_date_out_of_range_is_a_bad_option(tmp_path: Path, args: list[str]) -> None:
    code, _, err = invoke(*args, "--db", str(tmp_path / "l.db"))
    assert code == 2
    assert "超出可用的日期范围" in err and "内部错误" not in err


def test_the_exit_2_document_of_validate_is_the_empty_outcome(tmp_path: Path) -> None:
    code, out, _ = invoke("validate", str(tmp_path / "missing.xlsx"), "--json")
    assert code == 2
    assert json.loads(out) == {
        "file": str(tmp_path / "missing.xlsx"),
        "sheet": "",
        "start": "2026-11-21",
        "rows": 0,
        "valid_rows": 0,
        "errors": 0,
        "warnings": 0,
        "problems": [],
        "report": None,
    }


# ---------------------------------------------------------------- outputs


@pytest.fixture(params=["fifo", "device", "folder"])
def special_output(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / "special.xlsx"
    if request.param == "fifo":
        os.mkfifo(path)
    elif request.param == "device":
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
        except PermissionError:
            pytest.skip("making a device node needs root")
    else:
        path.mkdir()
    return path


@pytest.mark.parametrize("command", ["validate", "enroll"])
def test_an_output_that_is_not_a_regular_file_is_never_replaced(
    tmp_path: Path, special_output: Path, command: str
) -> None:
    kind = stat.S_IFMT(os.stat(special_output).st_mode)
    code, _, err = invoke(
        command, str(roster(tmp_path)), "--db", str(tmp_path / "l.db"), "-o", str(special_output)
    )
    assert code == 2
    assert "不是普通文件" in err and is_one_chinese_sentence(err), err
    assert stat.S_IFMT(os.stat(special_output).st_mode) == kind
    assert not (tmp_path / "l.db").exists(), "refused before the ledger is opened"


@pytest.mark.parametrize("option", ["file", "--rules"])
def test_an_input_that_is_a_fifo_is_refused_without_waiting_for_it(tmp_path: Path, option: str) -> None:
    fifo = tmp_path / "名册.xlsx"
    os.mkfifo(fifo)
    args = [str(fifo)] if option == "file" else [str(SAMPLE), "--rules", str(fifo)]
    result = run_xjma("validate", *args, "-o", str(tmp_path / "r.xlsx"))  # run_xjma has a timeout
    assert result.returncode == 2
    assert "不是普通文件" in result.stderr and is_one_chinese_sentence(result.stderr), result.stderr


def test_roster_text_that_excel_would_take_for_a_formula_gets_the_quote_prefix(tmp_path: Path) -> None:
    path = roster(tmp_path, 工作单位="=1+1", 姓名="@王伟")
    code, out, err = invoke("enroll", str(path), "--db", str(tmp_path / "l.db"), "--json")
    assert code == 0, err
    book = openpyxl.load_workbook(json.loads(out)["report"])
    cells = {c.value: c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells["=1+1"].data_type == "s" and cells["=1+1"].quotePrefix
    assert cells["@王伟"].quotePrefix
    assert not cells["李娜"].quotePrefix


def test_temporary_workbooks_of_killed_runs_are_removed_at_the_next_start(tmp_path: Path) -> None:
    path = roster(tmp_path)
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".名册_参保结果.{dead.pid}-x1y2.tmp.xlsx"
    alive = tmp_path / f".名册_参保结果.{os.getppid()}-x3y4.tmp.xlsx"
    stale.write_bytes(b"every ID of an unrecorded batch")
    alive.write_bytes(b"another run, still writing")
    code, _, err = invoke("enroll", str(path), "--db", str(tmp_path / "l.db"))
    assert code == 0, err
    assert not stale.exists()
    assert alive.exists()
    assert (tmp_path / "名册_参保结果.xlsx").exists()


# ---------------------------------------------------------------- full disks (a real small file system)


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: str = "2m") -> Iterator[Path]:
    where = tmp_path / "disk"
    where.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, check=False
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill the file system but `leave` bytes."""
    with (disk / "filler").open("wb") as handle:
        free = shutil.disk_usage(disk).free - leave
        while free > 0:
            chunk = min(free, 1 << 20)
            try:
                handle.write(b"\0" * chunk)
                handle.flush()
            except OSError:
                break
            free -= chunk


@pytest.mark.parametrize("command", ["validate", "enroll"])
def test_a_full_output_disk_is_one_sentence_and_leaves_nothing_behind(tmp_path: Path, command: str) -> None:
    with small_disk(tmp_path) as disk:
        fill(disk, 4096)
        target = disk / "结果.xlsx"
        result = run_xjma(command, str(roster(tmp_path)), "--db", str(tmp_path / "l.db"), "-o", str(target))
        assert result.returncode == 2
        assert (
            "磁盘空间" in result.stderr
            and "Traceback" not in result.stderr
            and "内部错误" not in result.stderr
        )
        assert sorted(p.name for p in disk.iterdir()) == ["filler"], "no workbook, no temporary file"


def test_a_full_ledger_disk_leaves_no_document_of_the_unrecorded_batch(tmp_path: Path) -> None:
    with small_disk(tmp_path, "4m") as disk:
        ledger = disk / "l.db"
        report = tmp_path / "结果.xlsx"
        first = run_xjma("enroll", str(roster(tmp_path, "一.xlsx")), "--db", str(ledger), "-o", str(report))
        assert first.returncode == 0, first.stderr
        before = report.read_bytes()
        fill(disk, 0)
        others = [
            member("乌鲁木齐供电公司", "乌鲁木齐市", f"职工{i}", make_id("19800101", i, False))
            for i in range(300)
        ]
        second_roster = write_roster(tmp_path / "二.xlsx", others)
        second = run_xjma("enroll", str(second_roster), "--db", str(ledger), "-o", str(report))
        assert second.returncode == 2
        assert "Traceback" not in second.stderr
        assert report.read_bytes() == before, "the previous report is untouched"
        assert not (tmp_path / "二_参保结果.xlsx").exists()
        assert not list(tmp_path.glob(".*.tmp.xlsx"))


# ---------------------------------------------------------------- a console that cannot print Chinese


def test_a_console_that_cannot_print_chinese_falls_back_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "XJMA_TODAY": "2026-11-20"}
    env.pop("XJMA_DB", None)
    for extra in ([], ["--json"]):
        result = subprocess.run(
            [XJMA, "validate", str(SAMPLE), "-o", str(tmp_path / "r.xlsx"), *extra],
            capture_output=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert b"Traceback" not in result.stderr and b"UnicodeEncodeError" not in result.stderr
    assert json.loads(result.stdout.decode("utf-8"))["rows"] > 0


# ---------------------------------------------------------------- the decorator and --debug


def test_a_bug_is_a_short_notice_and_with_debug_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xjma.jobs.enroll as job
    from xjma.errors import DEBUG

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(job, "enroll_roster", broken)
    path = roster(tmp_path)
    code, _, err = invoke("enroll", str(path), "--db", str(tmp_path / "l.db"))
    assert code == 2 and "内部错误：RuntimeError" in err and "Traceback" not in err
    result = CliRunner().invoke(app, ["--debug", "enroll", str(path), "--db", str(tmp_path / "l.db")])
    assert isinstance(result.exception, RuntimeError)
    assert DEBUG.get() is False, "--debug ends with its run"
