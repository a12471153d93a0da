"""`xjma validate`: read a roster, build and check its rows, and describe the outcome (cli.md).

`validate_file` is also the first step of `xjma enroll`, which uses `check.rows`, `check.error_rows`
and `check.already_recorded`; keep it stable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.checks import check_roster
from xjma.core.columns import ROSTER_FIELDS, ROSTER_READ_FIELDS
from xjma.core.messages import message
from xjma.core.normalize import clean_text
from xjma.core.prefectures import Prefectures
from xjma.core.problems import ERROR, Problem
from xjma.core.rowbuild import RowContext, build_rows
from xjma.core.rules import Rules
from xjma.core.uscc import compact as compact_uscc
from xjma.core.uscc import uscc_error
from xjma.errors import XjmaError
from xjma.io.checked_roster import ValidationOutcome
from xjma.io.regions import load_regions
from xjma.io.sheets import Table, read_table
from xjma.jobs.progress import PROGRESS_ROWS, big_file, gc_paused, show_progress, stage, track_rows

if TYPE_CHECKING:
    from xjma.core.model import Enrollment
    from xjma.core.units import UnitResolution
    from xjma.io.ledger import Ledger

# Up to this many rows the cells read are kept for the report (~1.5 KB a row); a bigger sheet keeps
# none and the report's rows are read again from the parsed sheet (memory stays that of calamine's parse).
KEEP_CELLS_ROWS = 200_000
# Columns without which no row could pass: one sentence and exit 2 instead of one error per row.
_REQUIRED = ("phone", "employment")


def validate_file(
    path: Path | str,
    *,
    start: dt.date,
    unit: str | None = None,
    prefecture: str | None = None,
    end: dt.date | None = None,
    sheet: str | None = None,
    rules: Rules | Path | str | None = None,
    ledger: Ledger | None = None,
    prefectures: Prefectures | None = None,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
) -> ValidationOutcome:
    """Check a roster for enrollment with coverage start S; an unreadable file is an XjmaError.

    `progress(items, total)` may wrap the row loop (a progress bar on the terminal)."""
    from xjma.io.prefectures import load_prefectures
    from xjma.io.rules_file import load_rules

    loaded = rules if isinstance(rules, Rules) else load_rules(rules)
    prefs = prefectures or load_prefectures()
    with gc_paused(kept=True):
        return _validate(path, start, unit, prefecture, end, sheet, loaded, ledger, prefs, progress)


def _validate(
    path: Path | str,
    start: dt.date,
    unit: str | None,
    prefecture: str | None,
    end: dt.date | None,
    sheet: str | None,
    loaded: Rules,
    ledger: Ledger | None,
    prefs: Prefectures,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None,
) -> ValidationOutcome:
    """read → build rows (streamed) → check → the cells of the rows with problems (second pass)."""
    with stage("读取名册…", big_file(path)):
        table = read_table(path, ROSTER_READ_FIELDS, sheet=sheet)
    fallback = _fallback(table, unit=unit, prefecture=prefecture, end=end)
    _require_columns(table, fallback)
    headers = {f: table.header_of(f) for f in table.columns}
    ctx = RowContext(
        start=start,
        rules=loaded,
        prefectures=prefs,
        columns=table.columns,
        headers=headers,
        fallback=fallback,
        regions=load_regions(),
    )
    extra: list[Problem] = file_uscc_problems(table)
    kept: dict[int, list[Any]] | None = {} if table.row_hint <= KEEP_CELLS_ROWS else None
    codes: dict[int, str] = {}
    raw_rows: Iterable[Any] = _raw_rows(table, extra, kept, codes)
    big = big_file(path)
    if progress is None and big and show_progress():
        progress = track_rows
    if progress is not None:
        raw_rows = progress(raw_rows, table.row_hint)
    rows, prior = build_rows(raw_rows, ctx)
    prior = [*table.problems, *extra, *prior]
    with stage("核对中…", big):
        # The ledger's history, read once for every member with a valid ID.
        history = None if ledger is None else _history(ledger, {r.id_number for r in rows if r.birth})
        uscc = _with_file_code(table, rows, codes)
        units = _units(ledger, rows, uscc, history) if ledger is not None and history else None
        check = check_roster(
            rows, loaded, start, end=end, history=history, prefectures=prefs, headers=headers, prior=prior,
            units=units,
        )  # fmt: skip
    check.error_rows.update(blocked_by_file_values(table, rows, codes))
    needed = {p.row for p in check.problems if p.row > table.header_row}
    # Read once, the cells of the rows with problems are at hand; for a big sheet, a second bounded
    # pass over the parsed sheet reads just these rows.
    cells = {r: kept[r] for r in needed if r in kept} if kept is not None else table.cells_of(needed)
    return ValidationOutcome(
        table,
        check,
        start,
        loaded,
        prefs,
        ledger is not None,
        history,
        cells,
        uscc,
    )


def _with_file_code(table: Table, rows: list[Any], codes: dict[int, str]) -> dict[int, str]:
    """Each row's valid 统一社会信用代码: its own, else the file-level one (when valid)."""
    given = clean_text(table.file_values.get("uscc"))
    default = compact_uscc(given) if given and uscc_error(given) is None else None
    if default is None:
        return codes
    return {r.row: codes.get(r.row, default) for r in rows}


def _raw_rows(
    table: Table, extra: list[Problem], kept: dict[int, list[Any]] | None, codes: dict[int, str]
) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) for the row builder, streamed; each row's 统一社会信用代码 checked on the way.
    `kept` (when not None) keeps every row's cells, for the report."""
    col = table.columns.get("uscc")
    header = table.header_of("uscc")
    for raw in table.iter_rows():
        if kept is not None:
            kept[raw.row] = raw.cells
        if col is not None and col < len(raw.cells):
            found = uscc_problem(raw.cells[col], raw.row, header)
            if found is not None:
                extra.append(found)
            elif clean_text(raw.cells[col]):  # a valid code: enroll matches the row's unit by it
                codes[raw.row] = compact_uscc(clean_text(raw.cells[col]))
        yield raw.row, raw.cells


def uscc_problem(cell: object, row: int, column: str) -> Problem | None:
    """`uscc-invalid` for a filled 统一社会信用代码 whose check character is wrong."""
    text = clean_text(cell)
    if not text:
        return None
    expected = uscc_error(text)
    if expected is None:
        return None
    if expected == "?":  # not 18 characters of the code's alphabet: no check character to name
        return Problem(row, column, "uscc-invalid", ERROR, message("uscc-invalid", "shape", value=text))
    return Problem(row, column, "uscc-invalid", ERROR, message("uscc-invalid", value=text, expected=expected))


def file_uscc_problems(table: Table) -> list[Problem]:
    """`uscc-invalid` for a wrong file-level 统一社会信用代码, on the row of its line above the header."""
    value = table.file_values.get("uscc")
    row = table.file_rows.get("uscc", table.header_row)
    found = uscc_problem(value, row, "统一社会信用代码") if value else None
    return [found] if found is not None else []


def blocked_by_file_values(table: Table, rows: list[Any], codes: dict[int, str]) -> set[int]:
    """The rows a file-level error blocks: every row when a column's shares would be lost
    (column-unknown); with a wrong file-level 统一社会信用代码, the rows that take it (no valid code of
    their own; a wrong one of their own is their own error), as a wrong file-level 所属地州市 blocks them."""
    if any(p.code == "column-unknown" for p in table.problems):
        return {row.row for row in rows}
    if file_uscc_problems(table):
        return {row.row for row in rows if row.row not in codes}
    return set()


def _require_columns(table: Table, fallback: dict[str, object]) -> None:
    missing = [f for f in _REQUIRED if f not in table.columns and f not in fallback]
    if missing:
        names = "、".join(f"“{_canonical(f)}”" for f in missing)
        raise XjmaError(
            f"{table.file} 的表头中没有 {names} 列（表头在第 {table.header_row} 行），请使用 "
            "xjma template roster 生成的模板或补上该列"
        )


def _history(ledger: Ledger, id_numbers: set[str]) -> dict[str, list[Enrollment]]:
    """The ledger's enrollments of these members (all plans, oldest first)."""
    from xjma.io.ledger.history import history_for

    return history_for(ledger, id_numbers)


def _units(
    ledger: Ledger, rows: list[Any], uscc: dict[int, str], history: dict[str, list[Enrollment]]
) -> UnitResolution:
    """The registered unit of each row with a recorded member and of each recorded enrollment's unit."""
    from xjma.io.ledger.unit_register import RosterUnit, resolve_units

    groups: dict[tuple[str, str, str | None], list[int]] = {}
    for r in rows:
        if r.unit and r.id_number in history:
            groups.setdefault((r.unit, r.prefecture, uscc.get(r.row)), []).append(r.row)
    recorded = {(e.unit, e.prefecture) for items in history.values() for e in items}
    with ledger.connect() as conn:
        return resolve_units(conn, {RosterUnit(*k): v for k, v in groups.items()}, recorded)


def _fallback(
    table: Table, *, unit: str | None, prefecture: str | None, end: dt.date | None
) -> dict[str, object]:
    """Options first, then file-level values over them: a file-level line wins over an option."""
    values: dict[str, object] = {}
    for key, value in (("unit", unit), ("prefecture", prefecture), ("short_end", end)):
        if value:
            values[key] = value
    values.update({k: v for k, v in table.file_values.items() if v})
    return values


def _canonical(name: str) -> str:
    return next(f.header for f in ROSTER_FIELDS if f.name == name)


def default_report_path(file: Path) -> Path:
    return file.with_name(f"{file.stem}_检查结果.xlsx")


def open_ledger_view(target: str) -> tuple[Ledger | None, str]:
    """The ledger for the already-enrolled / renewal checks, when `target` names one that exists: (its
    read view or None, a note for stderr). Never creates a ledger; a SQLite file that is not there is
    told without loading SQLAlchemy."""
    from xjma.io.ledger import missing_sqlite_file, open_ledger

    shown = missing_sqlite_file(target)
    if shown is None:
        ledger = open_ledger(target, mode="read")
        if ledger.exists:
            return ledger, f"已对照台账 {ledger.display} 核对已参保和续保记录"
        shown = ledger.display
    return None, f"台账 {shown} 还不存在，未核对已参保和续保记录"


def write_validation_report(
    outcome: ValidationOutcome, source: Path, output: Path | None, checked_on: dt.date | None = None
) -> Path:
    """Write the report workbook (default `<stem>_检查结果.xlsx` beside FILE); never FILE itself.
    `checked_on`: the run's date (检查日期, 制表日期), the caller's "today"."""
    from xjma.io.report_xlsx import write_report
    from xjma.io.xlsx_util import same_file

    target = Path(output) if output else default_report_path(Path(source))
    if same_file(target, Path(source)):
        raise XjmaError(f"检查结果不能写到名册文件本身：{target}，请用 -o 指定另一个文件")
    with stage("写入检查结果…", len(outcome.check.rows) > PROGRESS_ROWS), gc_paused():
        write_report(outcome, target, checked_on)
    return target
