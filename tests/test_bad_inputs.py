"""Issue 6.1: every case of the bad-input corpus (tests/badfiles.py) through the installed `xjma` as a real
process: the expected exit code, one Chinese sentence on stderr that says what to do, no traceback,
nothing written (beside the input, and no enrollment in the ledger), the input's bytes unchanged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import badfiles
import pytest

from xjma.errors import XjmaError
from xjma.io import limits, sheet_scan

XJMA = str(Path(sys.executable).parent / "xjma")
COMMANDS = {"validate": ["validate"], "enroll": ["enroll"], "claim": ["claim", "calc"]}
# Root reads every file whatever its mode: the permission cases drop the two capabilities that allow it.
NO_DAC = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
]


def _claim_calc_registered() -> bool:
    done = subprocess.run([XJMA, "claim", "calc", "--help"], capture_output=True, text=True)
    return done.returncode == 0


CLAIM_CALC = _claim_calc_registered()


def params():
    for name in badfiles.CASES:
        for command in badfiles.commands_of(name):
            marks = []
            if command == "claim" and not CLAIM_CALC:
                marks.append(pytest.mark.skip(reason="xjma claim calc is not registered yet (H5)"))
            yield pytest.param(name, command, marks=marks, id=f"{command}-{name}")


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under `folder` with a digest of its bytes (folders: "dir"; unreadable: its mode)."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_dir():
            seen[key] = "dir"
        elif not path.is_file():  # a FIFO or a device: reading it would wait for ever
            seen[key] = oct(path.lstat().st_mode)
        elif os.access(path, os.R_OK) and path.stat().st_mode & 0o444:
            seen[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            seen[key] = oct(path.stat().st_mode)
    return seen


def enrollments_in(ledger: Path) -> int:
    if not ledger.exists():
        return 0
    with sqlite3.connect(ledger) as conn:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        return (
            conn.execute("select count(*) from enrollments").fetchone()[0] if "enrollments" in tables else 0
        )


SECONDS, MEMORY = 30, 2 << 30  # the corpus's bounds: every input ends within 30 s and 2 GB


def _bounded() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(case: badfiles.Case, command: str, out: Path, temp: Path) -> subprocess.CompletedProcess[str]:
    args = [XJMA, *COMMANDS[command], str(case.path), "--json", "--db", str(out / "台账.db")]
    args += ["-o", str(case.output or out / "结果.xlsx")]
    if command != "claim":
        args += ["--start", badfiles.START]
    if case.rules:
        args += ["--rules", str(case.rules)]
    args += case.args  # last: a case's own --db or --start wins
    if case.other_user and os.geteuid() == 0:
        args = NO_DAC + args
    env = {**os.environ, "XJMA_TODAY": "2026-11-20", "XJMA_DB": "", "TMPDIR": str(temp), **case.env}
    env.pop("XJMA_DEBUG", None)
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        env=env,
        timeout=SECONDS,
        preexec_fn=_bounded,
    )


@pytest.mark.parametrize(("name", "command"), list(params()))
def test_a_bad_input_ends_cleanly(name, command, tmp_path):
    folder, out, temp = tmp_path / "in", tmp_path / "out", tmp_path / "temp"
    for made in (folder, out, temp):
        made.mkdir()
    case = badfiles.CASES[name](folder)
    before = snapshot(folder)

    done = run(case, command, out, temp)

    assert done.returncode == case.code, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert snapshot(folder) == before, (
        "the input folder changed (input rewritten or a file written beside it)"
    )
    assert enrollments_in(out / "台账.db") == 0
    assert list(temp.iterdir()) == [], "a temporary file is left in the system's temporary folder"
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "a hidden temporary file is left"
    if case.code == 2:
        assert_one_chinese_sentence(done.stderr)
        # cli.md: under --json a command that could not run prints nothing, or (validate) its document
        # with `report` null — never a partial result.
        assert done.stdout == "" or json.loads(done.stdout).get("report", None) is None
        assert [p.name for p in out.iterdir() if p.name != "台账.db"] == []
    else:
        assert_rows_were_read(case, command, json.loads(done.stdout), out)


def assert_one_chinese_sentence(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("错误："), stderr
    # A rules file names each of its problems on a line of its own ("  - key: ..."), by design (cli.md).
    assert all(line.startswith("  - ") for line in lines[1:]), stderr
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])
    assert "请" in stderr, f"the message must say what to do: {stderr}"


def assert_rows_were_read(case: badfiles.Case, command: str, doc: dict, out: Path) -> None:
    """A readable case plants one wrong phone: finding it on its Excel row shows the file was read right."""
    rows = {(p["row"], p["code"]) for p in doc["problems"]}
    assert (case.bad_row, case.bad_code) in rows
    if command == "validate":
        assert doc["rows"] == 4
        assert (out / "结果.xlsx").exists()
        if case.sheet_name:
            assert doc["sheet"] == case.sheet_name
    else:  # enroll refuses the whole batch: no workbook, no enrollment
        assert doc["enrolled"] == 0
        assert not (out / "结果.xlsx").exists()


def test_the_corpus_has_at_least_30_cases():
    assert len(badfiles.CASES) >= 30


# --- the limits themselves, in-process ------------------------------------------------------------


def test_a_roster_at_the_row_limit_is_read_and_one_row_over_is_refused(tmp_path, monkeypatch):
    from xjma.core.columns import ROSTER_FIELDS
    from xjma.io.sheets import read_table

    path = badfiles.roster_xlsx(tmp_path / "名册.xlsx")  # header + 4 rows: Excel rows 1-5
    monkeypatch.setenv("XJMA_MAX_ROWS", "5")
    assert len(read_table(path, ROSTER_FIELDS).rows) == 4
    monkeypatch.setenv("XJMA_MAX_ROWS", "4")
    with pytest.raises(XjmaError, match="第 5 行，上限为 4 行"):
        read_table(path, ROSTER_FIELDS)


def test_a_file_at_the_size_limit_passes_and_one_byte_more_is_refused(tmp_path):
    path = badfiles.roster_xlsx(tmp_path / "名册.xlsx")
    size = path.stat().st_size
    base = limits.current()
    limits.check_file(path, dataclasses.replace(base, max_file_bytes=size))
    with pytest.raises(XjmaError, match="XJMA_MAX_FILE_BYTES"):
        limits.check_file(path, dataclasses.replace(base, max_file_bytes=size - 1))


def test_the_area_limit_counts_rows_times_columns():
    small = limits.Limits(10**9, 10**9, 100, 1000, 200)
    limits.check_area("名册.xlsx", 100, 2, small)
    with pytest.raises(XjmaError, match="XJMA_MAX_CELLS"):
        limits.check_area("名册.xlsx", 100, 3, small)
    with pytest.raises(XjmaError, match="16,384 列"):
        limits.check_area("名册.xlsx", 1, limits.EXCEL_MAX_COLUMNS + 1)


def test_a_highly_compressed_part_is_refused_only_above_the_grace_size(tmp_path):
    import zipfile

    def archive(size: int) -> Path:
        path = tmp_path / f"{size}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * size + b"</sst>")
        return path

    loose = limits.Limits(10**9, 10**10, 100, limits.MAX_ROWS, limits.MAX_CELLS)
    limits.check_zip(archive(limits.RATIO_GRACE_BYTES - 100), loose)  # ratio ~1000, but small
    with pytest.raises(XjmaError, match="压缩炸弹"):
        limits.check_zip(archive(limits.RATIO_GRACE_BYTES + 100), loose)


def test_a_real_20000_row_roster_is_within_every_default_limit(tmp_path):
    roster = badfiles._gen().make_roster(tmp_path / "名册.xlsx", 20000)
    limits.check_file(roster.path)  # no exception: its ratio, size and area are ordinary


@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_a_limit_setting_that_is_not_a_positive_integer_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("XJMA_MAX_ROWS", value)
    with pytest.raises(XjmaError, match="XJMA_MAX_ROWS"):
        limits.current()


def test_column_letters_are_numbered_like_excel():
    assert [sheet_scan.column_number(c) for c in ("A", "Z", "AA", "XFD")] == [1, 26, 27, 16384]


def test_a_parser_panic_is_a_damaged_file_and_its_rust_message_is_not_shown(tmp_path, capfd, monkeypatch):
    from xjma.core.columns import ROSTER_FIELDS
    from xjma.io.sheets import read_table

    monkeypatch.delenv("XJMA_DEBUG", raising=False)
    case = badfiles.ole_with_a_broken_directory(tmp_path)
    with pytest.raises(XjmaError, match="已损坏"):
        read_table(case.path, ROSTER_FIELDS)
    assert "panicked" not in capfd.readouterr().err


def test_with_debug_a_parser_panic_is_not_hidden(tmp_path):
    from xjma.core.columns import ROSTER_FIELDS
    from xjma.errors import DEBUG
    from xjma.io.sheets import read_table

    case = badfiles.ole_with_a_broken_directory(tmp_path)
    token = DEBUG.set(True)
    try:
        with pytest.raises(BaseException) as caught:
            read_table(case.path, ROSTER_FIELDS)
    finally:
        DEBUG.reset(token)
    assert type(caught.value).__name__ == "PanicException"
