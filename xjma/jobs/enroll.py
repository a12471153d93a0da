"""`xjma enroll`: validate, compute the enrollments and fees, record them in one transaction, then write
the enrollment workbook of the committed batch (cli.md `enroll`). Returns an EnrollResult."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xjma.core.enrollment import NewEnrollment, Planner, member_gender
from xjma.core.model import RosterRow
from xjma.core.rules import Rules
from xjma.errors import DEBUG, XjmaError

CONFLICT_RETRIES = 3


@dataclass
class EnrollResult:
    """What one enroll run did. `members`: the rows recorded (or, for a dry run, that would be), each
    with its enrollments; empty when the batch was refused."""

    file: Path
    start: dt.date | None
    paid_on: dt.date | None
    dry_run: bool
    members: list[tuple[RosterRow, list[NewEnrollment]]] = field(default_factory=list)
    already_recorded: int = 0
    refused_rows: list[int] = field(default_factory=list)
    refused_members: list[RosterRow] = field(default_factory=list)  # the rows of refused_rows, as read
    problems: list[Any] = field(default_factory=list)  # core Problem
    report: Path | None = None
    ledger: str = ""  # where the ledger is, password hidden
    report_error: str | None = None  # recorded, but the workbook could not be written (exit 2)
    batch: int | None = None  # the batch recorded (office.md §2); None for a dry run or nothing recorded
    uscc: dict[int, str] = field(default_factory=dict)  # row -> its valid 统一社会信用代码 (unit matching)
    recorded_in: list[int] = field(default_factory=list)  # nothing new: the batches that hold the roster
    exit_code: int = 0

    @property
    def enrolled(self) -> int:
        return len(self.members)

    @property
    def items(self) -> list[NewEnrollment]:
        return [item for _, items in self.members for item in items]


@dataclass(frozen=True)
class EnrollRequest:
    """The options of one run (cli.md enroll), parsed."""

    start: dt.date
    paid_on: dt.date
    now: dt.datetime
    end: dt.date | None = None
    unit: str | None = None
    prefecture: str | None = None
    sheet: str | None = None
    db: str | None = None
    rules: Rules | Path | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    output: Path | None = None
    actor: Any = None  # core.actor.Actor: who records (office.md §0)


def default_report_path(file: Path) -> Path:
    return file.with_name(f"{file.stem}_参保结果.xlsx")


def enroll_file(path: Path, **options: Any) -> EnrollResult:
    """enroll_roster with the options as keywords (EnrollRequest's fields)."""
    return enroll_roster(Path(path), EnrollRequest(**options))


def enroll_roster(path: Path, request: EnrollRequest) -> EnrollResult:
    """Validate, plan and record a roster in one transaction, then write its workbook (cli.md enroll).

    The unique constraint on (member, plan, start) decides a race between two offices: the loser's
    transaction rolls back whole (LedgerConflict), and the batch is validated again, now seeing the
    winner's row as `already_recorded` or `already-enrolled` (never check-then-insert)."""
    from xjma.io.ledger.batches import LedgerConflict
    from xjma.io.rules_file import load_rules

    rules = request.rules if isinstance(request.rules, Rules) else load_rules(request.rules)
    report = _report_path(path, request.output)
    from xjma.jobs.progress import gc_paused

    for _ in range(CONFLICT_RETRIES):
        try:
            # The batch's objects (rows, enrollments, workbook cells) hold no cycles, yet every full
            # collection walked all of them: the collector is paused for the batch, as for validate.
            with gc_paused():
                return _enroll_once(path, request, rules, report)
        except LedgerConflict:
            continue
    raise XjmaError(
        "台账中已有本批的部分参保记录（另一个程序正在同时登记），本批未登记任何人员，请稍后重新运行"
    )


def _enroll_once(path: Path, request: EnrollRequest, rules: Rules, report: Path) -> EnrollResult:
    from xjma.io.ledger import open_ledger
    from xjma.jobs.progress import PROGRESS_ROWS, stage

    result, rows = _check_and_plan(path, request, rules)
    if result.refused_rows and not request.skip_invalid:
        # Nothing is recorded and no payment notice is written for a batch that was refused.
        result.members, result.exit_code = [], 1
        return result
    if not result.members:
        return result  # nothing new: an earlier run's workbook is left as it was
    big = rows > PROGRESS_ROWS
    if request.dry_run:
        from xjma.jobs.enroll_units import dry_run_units

        dry_run_units(request.db, result)
    else:
        with (
            stage("登记到台账…", big),
            open_ledger(request.db, mode="write") as ledger,
            ledger.begin() as conn,
        ):
            result.batch = _record(conn, path, result.members, request, result)
    # The workbook is a view of the committed batch: a batch that could not be recorded has none.
    with stage("写入参保结果…", big):
        _write_workbook(result, rules, report, request.now.date())
    return result


def _check_and_plan(path: Path, request: EnrollRequest, rules: Rules) -> tuple[EnrollResult, int]:
    from xjma.io.ledger import open_ledger
    from xjma.jobs.validate import validate_file

    # Read through a view that never creates the ledger: a refused batch or a dry run leaves no file.
    with open_ledger(request.db, mode="read") as view:
        outcome = validate_file(
            path,
            start=request.start,
            unit=request.unit,
            prefecture=request.prefecture,
            end=request.end,
            sheet=request.sheet,
            rules=rules,
            ledger=view,
        )
        check = outcome.check
        from xjma.jobs.access import refuse_other_prefectures

        refuse_other_prefectures(view, check)  # office.md §9: rows of another prefecture
        valid = [r for r in check.rows if r.row not in check.error_rows]
        # The check fetched the history of every row with a valid ID once; the planner uses the same.
        history = outcome.history if outcome.history is not None else {}
        shown = view.display

    result = EnrollResult(
        path,
        request.start,
        request.paid_on,
        request.dry_run,
        refused_rows=sorted(r.row for r in check.rows if r.row in check.error_rows),  # members: data rows
        refused_members=[r for r in check.rows if r.row in check.error_rows],
        problems=list(check.problems),
        ledger=shown,
        uscc=outcome.uscc,
    )
    planner = Planner(request.start, rules, request.end, history)
    for row, items in _planned(valid, planner, check.already_recorded):
        if items is None:
            result.already_recorded += 1
        else:
            result.members.append((row, items))
    if not result.members and check.already_recorded:
        result.recorded_in = _batches_holding(request.db, valid, check.already_recorded, request.start)
    return result, len(check.rows)


def _batches_holding(
    db: str | None, valid: Sequence[RosterRow], already: dict[int, set[str]], start: dt.date
) -> list[int]:
    """The batches that recorded this roster's rows already: a re-run of the same roster names them
    (office.md §2). Read only, and only when nothing is new."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.batch_history import batches_holding

    keys = [(r.id_number, p, start) for r in valid for p in already.get(r.row, ())]
    with open_ledger(db, mode="read") as view:
        if not view.exists:
            return []
        with view.connect() as conn:
            return batches_holding(conn, keys)


def _planned(
    valid: Sequence[RosterRow],
    planner: Planner,
    already: dict[int, set[str]],
) -> Iterator[tuple[RosterRow, list[NewEnrollment] | None]]:
    """Each valid row with a plan and its enrollments to record; None when all of it is recorded."""
    none = frozenset[str]()
    for row in valid:
        if not row.shares:
            continue  # warning no-plan: nothing to enroll
        skip = already.get(row.row, none)
        if skip and set(row.shares) <= skip:
            yield row, None
            continue
        yield row, planner.row(row, skip)


def _report_path(path: Path, output: Path | None) -> Path:
    from xjma.io.xlsx_util import check_output, remove_stale_temps, same_file

    report = Path(output) if output else default_report_path(path)
    if same_file(report, path):
        raise XjmaError(f"参保结果不能写到名册文件本身：{report}，请用 -o 指定另一个文件")
    # Checked before the ledger is opened, so a bad -o leaves no trace in the ledger folder.
    check_output(report)
    remove_stale_temps(report)  # a killed run's, even when this run writes no workbook
    return report


def _write_workbook(result: EnrollResult, rules: Rules, report: Path, made_on: dt.date) -> None:
    from xjma.io.enroll_xlsx import EnrollSheetData, write_enroll_workbook
    from xjma.io.refused_sheet import RefusedRow

    assert result.start is not None and result.paid_on is not None
    version = rules.version_on(result.start)
    names = {code: p.short_name for code, p in version.plans.items()} if version else {}
    problems: dict[int, list[Any]] = {}
    for p in result.problems:
        problems.setdefault(p.row, []).append(p)
    refused = [
        RefusedRow(r.row, r.name, r.id_number, r.unit, problems.get(r.row, []))
        for r in result.refused_members
    ]
    data = EnrollSheetData(
        result.start, result.paid_on, names, result.members, result.dry_run, refused, made_on=made_on,
        short_term=version.short_term_plans if version else frozenset(),
    )  # fmt: skip
    try:
        write_enroll_workbook(report, data)
    except Exception as exc:
        if result.dry_run or DEBUG.get():
            raise
        # The batch is committed: said as it is, and the workbook can be made again from the ledger.
        reason = exc.message if isinstance(exc, XjmaError) else f"内部错误：{type(exc).__name__}"
        result.report_error = f"本批 {result.enrolled} 人已登记到台账，但参保结果工作簿未能写入（{reason}）"
        result.exit_code = 2
        return
    result.report = report


def _record(
    conn: Any,
    path: Path,
    members: list[tuple[RosterRow, list[NewEnrollment]]],
    request: EnrollRequest,
    result: EnrollResult,
) -> int:
    from sqlalchemy.exc import IntegrityError

    from xjma.io.ledger.batches import BatchInfo, LedgerConflict, record_batch
    from xjma.io.ledger.members import MemberInfo, record_member_details
    from xjma.jobs.enroll_units import record_history

    rows = [row for row, _ in members]
    units = {r.unit for r in rows}
    prefectures = {r.prefecture for r in rows}
    batch = BatchInfo(
        file_name=path.name,
        sha256=_sha256(path),
        unit=units.pop() if len(units) == 1 else "",
        prefecture=prefectures.pop() if len(prefectures) == 1 else "",
        start=request.start,
        end=request.end,
        paid_on=request.paid_on,
        created_at=request.now,
        rows=len(rows),
    )
    people = [MemberInfo(r.id_number, r.name, member_gender(r), r.birth) for r in rows]
    try:
        batch_id = record_batch(conn, batch, people, [item for _, items in members for item in items])
        record_member_details(conn, batch_id, rows)  # phone, 用工形式 … for the renewal roster (v7)
        record_history(conn, request.actor, batch_id, batch, members, result)
        return batch_id
    except IntegrityError as exc:
        if _unique_violation(exc):  # until the ledger raises LedgerConflict for every race itself
            raise LedgerConflict() from None
        raise XjmaError(
            "登记时台账拒绝了数据，本批未登记任何人员（台账保持原样）。请用 --debug 查看原因并联系维护人员"
        ) from None


def _unique_violation(exc: Exception) -> bool:
    """A unique-constraint race (SQLite's message, PostgreSQL's SQLSTATE 23505, or 23P01 from an exclusion
    constraint on overlapping periods), not another integrity error."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in ("23505", "23P01") or "UNIQUE constraint failed" in str(orig)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
