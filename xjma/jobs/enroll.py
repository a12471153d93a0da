"""`xjma enroll`: validate, compute the enrollments and fees, record them in one transaction, write the
enrollment workbook (cli.md `enroll`). Returns the JSON document and the exit code."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.enrollment import NewEnrollment, Planner, member_gender, summarise_fees
from xjma.core.model import RosterRow
from xjma.core.money import fmt_money
from xjma.core.rules import PLAN_CODES, Rules
from xjma.errors import XjmaError


@dataclass
class EnrollOutcome:
    doc: dict[str, Any]
    exit_code: int
    items: list[NewEnrollment] = field(default_factory=list)
    ledger: str = ""  # where the ledger is, password hidden
    refused_rows: list[int] = field(default_factory=list)
    rendered: str | None = None  # render(doc) when asked for: made while the workbook is being written
    recorded_in: list[int] = field(default_factory=list)  # nothing new: the batches that hold the roster


@dataclass
class _Plan:
    """What the run records, row by row."""

    items: list[NewEnrollment] = field(default_factory=list)
    by_row: list[tuple[RosterRow, list[NewEnrollment]]] = field(default_factory=list)  # the enrolled rows
    already_recorded: int = 0


def default_report_path(file: Path) -> Path:
    return file.with_name(f"{file.stem}_参保结果.xlsx")


class _Conflict(Exception):
    """Another process recorded one of this batch's enrollments between our read and our write."""


def enroll_file(path: Path, **options: Any) -> EnrollOutcome:
    """Validate, plan and record a roster in one transaction (cli.md enroll).

    The unique constraint on (member, plan, start) decides a race between two offices: the loser's
    transaction rolls back whole, and the batch is validated again, now seeing the winner's row as
    `already_recorded` or `already-enrolled` (never check-then-insert)."""
    for _ in range(3):
        try:
            return _enroll_once(path, **options)
        except _Conflict:
            continue
    raise XjmaError(
        "台账中已有本批的部分参保记录（另一个程序正在同时登记），本批未登记任何人员，请稍后重新运行"
    )


def _enroll_once(
    path: Path,
    *,
    start: dt.date,
    paid_on: dt.date,
    now: dt.datetime,
    end: dt.date | None = None,
    unit: str | None = None,
    prefecture: str | None = None,
    sheet: str | None = None,
    db: str | None = None,
    rules_path: Path | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    output: Path | None = None,
    render: Callable[[dict[str, Any]], str] | None = None,
    actor: Any = None,
) -> EnrollOutcome:
    from xjma.io.ledger import open_ledger
    from xjma.io.rules_file import load_rules
    from xjma.jobs.validate import PROGRESS_ROWS, stage, validate_file

    rules = load_rules(rules_path)
    # Read through a view that never creates the ledger: a refused batch or a dry run leaves no file.
    with open_ledger(db, create=False) as view:
        outcome = validate_file(
            path,
            start=start,
            unit=unit,
            prefecture=prefecture,
            end=end,
            sheet=sheet,
            rules=rules,
            ledger=view,
        )
        check = outcome.check
        refused = sorted(check.error_rows)
        valid = [r for r in check.rows if r.row not in check.error_rows]
        # The check looked up every row with a valid ID (a row without errors has one): not again.
        history = outcome.history
        if history is None or not all(r.birth for r in valid):
            history = view.enrollments_for(r.id_number for r in valid)
        shown = view.display
        plan = _plan_rows(valid, start, rules, history, check.already_recorded, end)
        recorded_in = _recorded_in(view, valid, check.already_recorded, start) if not plan.items else []
    result = EnrollOutcome({}, 0, plan.items, shown, refused, recorded_in=recorded_in)

    def document(report: Path | None = None) -> dict[str, Any]:
        doc = _document(path, start, paid_on, dry_run, plan, refused, check.problems)
        doc["report"] = None if report is None else str(report)
        return doc

    if refused and not skip_invalid:
        # Nothing is recorded and no payment notice is written for a batch that was refused.
        result.doc = document()
        result.doc.update(enrolled=0, members=[], fees=_fees([]), report=None)
        result.items, result.exit_code = [], 1
        return result
    if not plan.items:
        result.doc = document()
        return result  # nothing new: an earlier run's workbook is left as it was
    report = _report_path(path, output)
    big = len(check.rows) > PROGRESS_ROWS
    writer = _workbook_writer(rules, start, paid_on, plan)
    if dry_run:
        from xjma.io.xlsx_util import atomic_target

        result.doc = document(report)
        with stage("写入参保结果…", big), atomic_target(report) as tmp:
            writer(tmp)
        return result
    from xjma.io.aside import written_aside

    # A big batch's workbook is written by a second process while this one records the batch and
    # builds the JSON document; either way it replaces the target before the commit, and a workbook
    # that cannot be saved rolls the batch back.
    with (
        written_aside(report, writer, parallel=big) as finish_workbook,
        stage("登记并写入参保结果…", big),
        open_ledger(db, create=True) as ledger,
        ledger.begin() as conn,
    ):
        result.doc = document(report)
        _record(conn, path, plan, start, end, paid_on, now, actor, result.doc)
        if render is not None:  # this process would only wait for the workbook: render meanwhile
            result.rendered = render(result.doc)
        finish_workbook()
    return result


def _report_path(path: Path, output: Path | None) -> Path:
    from xjma.io.xlsx_util import same_file

    report = Path(output) if output else default_report_path(path)
    if same_file(report, path):
        raise XjmaError(f"参保结果不能写到名册文件本身：{report}，请用 -o 指定另一个文件")
    # Checked before the ledger is opened, so a bad -o leaves no trace in the ledger folder.
    folder = report.parent if str(report.parent) else Path(".")
    if not folder.is_dir():
        raise XjmaError(f"输出文件夹不存在：{folder}，请先创建该文件夹或用 -o 指定其他位置")
    if not os.access(folder, os.W_OK):
        raise XjmaError(f"无法在 {folder} 中写入文件，请用 -o 指定一个可写的文件夹")
    return report


def _plan_rows(
    valid: list[RosterRow],
    start: dt.date,
    rules: Rules,
    history: dict[str, list[Any]],
    already: dict[int, set[str]],
    end: dt.date | None,
) -> _Plan:
    plan = _Plan()
    planner = Planner(start, rules, end, history)
    items_of, none = planner.row, frozenset[str]()
    add_items, add_pair = plan.items.extend, plan.by_row.append
    for row in valid:
        if not row.shares:
            continue  # warning no-plan: nothing to enroll
        skip = already.get(row.row, none)
        if skip and set(row.shares) <= skip:
            plan.already_recorded += 1
            continue
        items = items_of(row, skip)
        add_items(items)
        add_pair((row, items))
    return plan


def _record(
    conn: Any,
    path: Path,
    plan: _Plan,
    start: dt.date,
    end: dt.date | None,
    paid_on: dt.date,
    now: dt.datetime,
    actor: Any,
    doc: dict[str, Any],
) -> None:
    from sqlalchemy.exc import IntegrityError

    from xjma.io.ledger.enrollments import BatchInfo, LedgerConflict, MemberInfo, record_batch

    rows = [row for row, _ in plan.by_row]
    units = {r.unit for r in rows}
    prefectures = {r.prefecture for r in rows}
    batch = BatchInfo(
        file_name=path.name,
        sha256=_sha256(path),
        unit=units.pop() if len(units) == 1 else "",
        prefecture=prefectures.pop() if len(prefectures) == 1 else "",
        start=start,
        end=end,
        paid_on=paid_on,
        created_at=now,
        rows=len(rows),
    )
    people = [MemberInfo(r.id_number, r.name, member_gender(r), r.birth) for r in rows]
    try:
        batch_id = record_batch(conn, batch, people, plan.items)
        _record_history(conn, actor, batch_id, batch, rows, plan, doc)
    except LedgerConflict:
        raise _Conflict() from None
    except IntegrityError as exc:
        if _unique_violation(exc):
            raise _Conflict() from None
        raise XjmaError(
            "登记时台账拒绝了数据，本批未登记任何人员（台账保持原样）。请用 --debug 查看原因并联系维护人员"
        ) from None


def _record_history(
    conn: Any, actor: Any, batch_id: int, batch: Any, rows: list[RosterRow], plan: _Plan, doc: dict[str, Any]
) -> None:
    """The batch's units registered and its log entry (office.md §0–§2), in the batch's transaction;
    the document gains the batch number and a `unit-similar` warning per new unit close to a known one."""
    from xjma.core.units import similar_message
    from xjma.io.ledger.batch_history import record_enroll_history
    from xjma.io.ledger.unit_register import RosterUnit

    if actor is None:  # a caller that names nobody (the library API without the CLI)
        from xjma import __version__
        from xjma.core.actor import Actor

        actor = Actor("未知", batch.created_at.replace(microsecond=0), __version__)
    first: dict[tuple[str, str], RosterRow] = {}
    for r in rows:
        first.setdefault((r.unit, r.prefecture), r)
    wanted = [RosterUnit(u, p, getattr(r, "uscc", None) or None) for (u, p), r in first.items()]
    fee = sum((i.fee for i in plan.items), Decimal("0.00"))
    history = record_enroll_history(
        conn, actor, batch_id, batch.file_name, batch.sha256, wanted, len(rows), fee
    )
    doc["batch"] = batch_id
    for key, (_, match) in history.units.items():
        if match.similar is not None:
            doc["problems"].append(
                {"row": first[key].row, "column": "工作单位", "code": "unit-similar", "severity": "warning",
                 "message": similar_message(key[0], match.similar)}
            )  # fmt: skip


def _recorded_in(
    view: Any, valid: list[RosterRow], already: dict[int, set[str]], start: dt.date
) -> list[int]:
    """The batches that recorded this roster's rows already (a re-run of the same roster)."""
    if not already or not view.exists:
        return []
    from xjma.io.ledger.batch_history import batches_holding

    keys = [(r.id_number, p, start) for r in valid for p in already.get(r.row, ())]
    with view.connect() as conn:
        return batches_holding(conn, keys)


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


def _document(
    path: Path,
    start: dt.date,
    paid_on: dt.date,
    dry_run: bool,
    plan: _Plan,
    refused: list[int],
    problems: list[Any],
) -> dict[str, Any]:
    """The JSON document of cli.md `enroll`, keys exactly as there."""
    return {
        "file": str(path),
        "start": start.isoformat(),
        "paid_on": paid_on.isoformat(),
        "dry_run": dry_run,
        "enrolled": len(plan.by_row),
        "already_recorded": plan.already_recorded,
        "refused": len(refused),
        "problems": [p.as_dict() for p in problems],
        "fees": _fees(plan.items),
        "members": _members(plan),
        "report": None,
        "batch": None,
    }


def _fees(items: list[NewEnrollment]) -> dict[str, Any]:
    totals = summarise_fees(items)
    return {
        "total": fmt_money(totals.total),
        "by_plan": {
            p: {"members": m, "shares": s, "fee": fmt_money(f)}
            for p, (m, s, f) in sorted(totals.by_plan.items(), key=lambda kv: PLAN_CODES.index(kv[0]))
        },
        "by_unit": {u: {"members": m, "fee": fmt_money(f)} for u, (m, f) in totals.by_unit.items()},
    }


def _members(plan: _Plan) -> list[dict[str, Any]]:
    # Fees and dates repeat on every row of a batch: each distinct value is formatted once.
    money: dict[Decimal, str] = {}
    days: dict[dt.date, str] = {}

    def fmt(fee: Decimal) -> str:
        text = money.get(fee)
        if text is None:
            text = money[fee] = fmt_money(fee)
        return text

    def iso(day: dt.date | None) -> str | None:
        if day is None:
            return None
        text = days.get(day)
        if text is None:
            text = days[day] = day.isoformat()
        return text

    out = []
    for row, items in plan.by_row:
        out.append(
            {
                "row": row.row,
                "id_number": row.id_number,
                "name": row.name,
                "unit": row.unit,
                "fee": fmt(sum((i.fee for i in items), start=Decimal("0.00"))),
                "plans": {
                    i.enrollment.plan: {
                        "shares": i.enrollment.shares,
                        "fee": fmt(i.fee),
                        "start": iso(i.enrollment.start),
                        "end": iso(i.enrollment.end),
                        "observation_end": iso(i.observation_end),
                        "renewed_shares": i.enrollment.renewed_shares,
                    }
                    for i in items
                },
            }
        )
    return out


def _workbook_writer(rules: Rules, start: dt.date, paid_on: dt.date, plan: _Plan) -> Callable[[Path], None]:
    """path -> write the enrollment workbook of this batch there (xjma/io/enroll_xlsx.py)."""
    from xjma.io.enroll_xlsx import EnrollSheetData, write_enroll_file

    version = rules.version_on(start)
    names = {code: p.short_name for code, p in version.plans.items()} if version else {}
    data = EnrollSheetData(start, paid_on, names, plan.by_row)
    return lambda path: write_enroll_file(path, data)
