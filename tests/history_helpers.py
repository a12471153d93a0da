"""Shared by the history tests (office.md §0–§3): run xjma in-process, small rosters, ledger figures."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

from conftest import ROSTER_HEADERS, make_id, member, write_roster
from typer.testing import CliRunner

A = make_id("19800501", 10, female=False)
B = make_id("19900715", 11, female=True)
C = make_id("19850303", 12, female=False)
D = make_id("19750909", 13, female=True)
SCHOOL = "乌鲁木齐第一中学"
TIANSHAN = "新疆天山建设集团有限公司"


def x(*args: str, today: str = "2026-11-20", **env: str) -> tuple[int, Any, str]:
    """Run `xjma …` in-process: (exit code, the JSON document when --json printed one, all output)."""
    from xjma.cli import app

    base = {"XJMA_DB": "", "XJMA_TODAY": today, "XJMA_OPERATOR": "测试员"}
    # A workbook written to the current folder (fees summary) goes to a throwaway one.
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        result = CliRunner().invoke(app, list(args), env={**base, **env})
    doc = json.loads(result.stdout) if "--json" in args and result.stdout.strip() else None
    return result.exit_code, doc, result.output


def school_roster(tmp_path: Path, name: str = "一中.xlsx") -> Path:
    """Two members of one unit: A with 住院+意外 and 重大疾病 (150.00), B with 住院+意外 (110.00)."""
    return write_roster(tmp_path / name, [
        member(SCHOOL, "乌鲁木齐市", "王伟", A, 住院=1, 重疾=1),
        member(SCHOOL, "乌鲁木齐市", "李芳", B, 住院=1),
    ])  # fmt: skip


def tianshan_roster(tmp_path: Path, unit: str = TIANSHAN, name: str = "天山.xlsx") -> Path:
    """One member of 巴州: C with 住院+意外 (110.00)."""
    return write_roster(tmp_path / name, [member(unit, "巴州", "张强", C, 住院=1)])


def enroll(target: str, roster: Path, *extra: str) -> dict[str, Any]:
    code, doc, out = x("enroll", str(roster), "--start", "2026-12-01", "--db", target, "--json", *extra)
    assert code == 0, out
    return doc


def figures(target: str) -> dict[str, Any]:
    """Rows and totals of every ledger table (what "nothing changed" compares)."""
    from xjma.io.ledger import open_ledger
    from xjma.jobs.db import ledger_figures

    with open_ledger(target, mode="read") as ledger, ledger.connect() as conn:
        return ledger_figures(conn)


def log_kinds(target: str) -> list[str]:
    code, doc, out = x("log", "--db", target, "--json")
    assert code == 0, out
    return [e["kind"] for e in doc["entries"]]


def uscc_roster(tmp_path: Path, name: str, unit: str) -> Path:
    """A one-row roster of 张强 (C) under `unit` with the 统一社会信用代码 91350100M000100Y43 in a column."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([*ROSTER_HEADERS, "统一社会信用代码"])
    row = member(unit, "巴州", "张强", C, 住院=1)
    sheet.append([row.get(h) for h in ROSTER_HEADERS] + ["91350100M000100Y43"])
    for cell in sheet[2]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    book.save(tmp_path / name)
    return tmp_path / name
