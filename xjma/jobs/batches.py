"""`xjma batch list|show|report` (office.md §2): the batches recorded, one batch's members and voids, and
its enrollment workbook written again from the ledger, marked 补打. Read only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.errors import XjmaError


@dataclass(frozen=True)
class BatchDetail:
    summary: Any  # io.ledger.batch_history.BatchSummary
    members: list[Any]  # io.ledger.batch_history.BatchMember
    voids: list[Any]  # io.ledger.changes.VoidRecord


def batch_list(
    db: str | None, *, unit: str | None = None, prefecture: str | None = None, since: dt.date | None = None
) -> list[Any]:
    from xjma.io.ledger.batch_history import BatchFilter, list_batches
    from xjma.io.ledger.unit_register import find_unit, read_units
    from xjma.jobs.ledger_access import reading

    with reading(db) as ledger, ledger.connect() as conn:
        unit_ids = None
        if unit:
            states = read_units(conn)
            named = find_unit(states, unit)
            if not named:
                raise XjmaError(f"台账中没有单位“{unit}”")
            unit_ids = tuple({i for s in named for i in (s.id, *s.merged_from)})
        return list_batches(conn, BatchFilter(unit_ids, prefecture, since))


def batch_show(db: str | None, batch: int) -> BatchDetail:
    from xjma.io.ledger.batch_history import BatchFilter, batch_members, list_batches
    from xjma.io.ledger.changes import voids_of_batch
    from xjma.jobs.ledger_access import reading

    with reading(db) as ledger, ledger.connect() as conn:
        found = list_batches(conn, BatchFilter(only=batch))
        if not found:
            raise XjmaError(f"台账中没有第 {batch} 批")
        return BatchDetail(found[0], batch_members(conn, batch), voids_of_batch(conn, batch))


def default_report_path(summary: Any) -> Path:
    stem = Path(summary.file).stem or "登记"
    return Path(f"{stem}_第{summary.batch}批_补打.xlsx")


def batch_report(
    db: str | None, batch: int, *, output: Path | None, rules_path: Path | None, printed_on: dt.date
) -> tuple[Path, BatchDetail]:
    """Write batch N's enrollment workbook again: the same sheets and figures, marked 补打."""
    from xjma.io.enroll_xlsx import EnrollSheetData, write_enroll_workbook
    from xjma.io.rules_file import load_rules

    detail = batch_show(db, batch)
    rules = load_rules(rules_path)
    start = detail.summary.start
    version = rules.version_on(start)
    names = {code: p.short_name for code, p in version.plans.items()} if version else {}
    data = EnrollSheetData(
        start, detail.summary.paid_on, names, _sheet_rows(detail.members), reprint=printed_on,
        made_on=detail.summary.recorded_at.date(),  # the notice as first issued: its date and 缴费期限
    )  # fmt: skip
    path = Path(output) if output else default_report_path(detail.summary)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise XjmaError(f"输出文件夹不存在：{folder}，请先创建该文件夹或用 -o 指定其他位置")
    write_enroll_workbook(path, data)
    return path, detail


def _sheet_rows(people: list[Any]) -> list[tuple[Any, list[Any]]]:
    """(RosterRow, NewEnrollments) per member, rebuilt from the ledger in recording order; the 行号 is
    the member's place in the batch (the roster's own row numbers are not kept)."""
    from xjma.core.enrollment import NewEnrollment
    from xjma.core.model import Enrollment, RosterRow
    from xjma.core.money import from_fen

    out = []
    for place, p in enumerate(people, start=2):
        row = RosterRow(place, name=p.name, id_number=p.id_number, unit=p.unit, prefecture=p.prefecture)
        items = [
            NewEnrollment(
                place,
                Enrollment(
                    r.id_number, r.plan, r.start, r.end, r.shares, r.renewed_shares, r.unit or "",
                    r.prefecture or "", r.tier, r.first_start, r.name or "",
                ),
                from_fen(int(r.fee_fen)),
                int(r.observation_days or 0),
                r.observation_end,
                r.rules_version,
                "ledger" if r.renewed_shares else None,
            )
            for r in p.plans
        ]  # fmt: skip
        out.append((row, items))
    return out


def fee_of(plans: list[Any]) -> Decimal:
    from xjma.core.money import from_fen

    return sum((from_fen(int(r.fee_fen)) for r in plans), Decimal("0.00"))
