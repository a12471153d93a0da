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
    from xjma.io.ledger.unit_register import find_unit, read_units_named
    from xjma.jobs.ledger_access import reading
    from xjma.jobs.prefecture_option import prefecture_option

    prefecture = prefecture_option(prefecture) if prefecture is not None else None
    with reading(db) as ledger, ledger.connect() as conn:
        unit_ids = None
        if unit:
            named = find_unit(read_units_named(conn, unit), unit)  # the few units the text may name
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
) -> tuple[Path, Any]:
    """Write batch N's enrollment workbook again: the same sheets and figures, marked 补打. Returns the
    workbook's path and the batch's summary (io.ledger.batch_history.BatchSummary)."""
    from xjma.jobs.progress import gc_paused

    # As for enroll: the batch's objects and the workbook's cells hold no cycles, yet every full
    # collection walked them all (the read-back of 100,000 members took 2.5 times as long).
    with gc_paused():
        return _report(db, batch, output, rules_path, printed_on)


def _report(
    db: str | None, batch: int, output: Path | None, rules_path: Path | None, printed_on: dt.date
) -> tuple[Path, Any]:
    from xjma.io.enroll_xlsx import EnrollSheetData, write_enroll_workbook
    from xjma.io.ledger.batch_history import BatchFilter, batch_sheet_rows, list_batches
    from xjma.io.rules_file import load_rules
    from xjma.jobs.ledger_access import reading

    with reading(db) as ledger, ledger.connect() as conn:
        found = list_batches(conn, BatchFilter(only=batch))
        if not found:
            raise XjmaError(f"台账中没有第 {batch} 批")
        summary = found[0]
        members = batch_sheet_rows(conn, batch)
    rules = load_rules(rules_path)
    start = summary.start
    version = rules.version_on(start)
    names = {code: p.short_name for code, p in version.plans.items()} if version else {}
    data = EnrollSheetData(
        start, summary.paid_on, names, members, reprint=printed_on,
        made_on=summary.recorded_at.date(),  # the notice as first issued: its date and 缴费期限
        short_term=version.short_term_plans if version else frozenset(),
    )  # fmt: skip
    path = Path(output) if output else default_report_path(summary)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise XjmaError(f"输出文件夹不存在：{folder}，请先创建该文件夹或用 -o 指定其他位置")
    write_enroll_workbook(path, data)
    return path, summary


def fee_of(plans: list[Any]) -> Decimal:
    from xjma.core.money import from_fen

    return sum((from_fen(int(r.fee_fen)) for r in plans), Decimal("0.00"))
