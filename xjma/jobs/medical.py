"""`xjma medical import` (office.md §8): read the platform's settlement records by the column map, compute
each as a plan 1 inpatient claim against the ledger (core/claims, as `claim calc` does), class it
(core/medical.classify), write the reconciliation workbook, and with --record record the agreeing
records as paid 一单结算 cases — in one transaction holding each member's lock, with one log entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.claims.engine import Pending, compute_batch, context_for
from xjma.core.claims.explain import Invalid
from xjma.core.claims.model import Entry, entry_from_record
from xjma.core.diseases import Diseases
from xjma.core.medical import (
    PLAN,
    Reconciled,
    Settlement,
    as_platform_pays,
    classify,
    needs_uncut,
    read_settlement,
    uncomputed,
)
from xjma.core.model import Enrollment, default_end
from xjma.core.rules import Rules
from xjma.errors import XjmaError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from xjma.io.medical_map import MedicalMap


@dataclass(frozen=True)
class BadRow:
    row: int
    message: str


@dataclass(frozen=True)
class ImportRun:
    """What `medical import` found: the records in file order with their class, the rows it could not
    read, how many were recorded (None without --record) and the workbook written."""

    file: Path
    items: tuple[Reconciled, ...]
    errors: tuple[BadRow, ...]
    recorded: int | None = None
    report: Path | None = None
    enrollments: dict[int, Enrollment] = field(default_factory=dict)  # row -> the enrollment computed from

    def count(self, cls: str) -> int:
        return sum(1 for i in self.items if i.cls == cls)

    @property
    def amount_platform(self) -> Decimal:
        return sum((i.settlement.platform for i in self.items), Decimal("0.00"))

    @property
    def amount_xjma(self) -> Decimal:
        return sum((i.xjma for i in self.items), Decimal("0.00"))


def import_settlements(
    file: Path,
    db: str | None,
    *,
    rules: Rules,
    mapping: MedicalMap,
    diseases: Diseases,
    record: bool = False,
    output: Path | None = None,
    actor: Any = None,
    today: dt.date | None = None,
) -> ImportRun:
    from xjma.jobs.ledger_access import reading, writing

    settlements, errors = read_settlements(file, mapping, rules)
    if record:
        with writing(db) as ledger, ledger.begin() as conn:
            run = _reconciled(conn, file, settlements, errors, rules, diseases, lock=True)
            run = _record(conn, run, actor, file)
    else:
        with reading(db) as ledger, ledger.connect() as conn:
            run = _reconciled(conn, file, settlements, errors, rules, diseases, lock=False)
    if output is not None:
        from xjma.io.medical_xlsx import write_reconciliation

        write_reconciliation(output, run, today or dt.date.today())
        run = ImportRun(run.file, run.items, run.errors, run.recorded, output, run.enrollments)
    return run


def read_settlements(file: Path, mapping: MedicalMap, rules: Rules) -> tuple[list[Settlement], list[BadRow]]:
    """Every data row of the file read by the map; a file without every mapped column is refused."""
    from xjma.io.medical_map import MEDICAL_KEYS
    from xjma.io.sheets import read_table

    table = read_table(file, mapping.fields(), key_fields=("id_number",))
    missing = [mapping.header(k) for k in MEDICAL_KEYS if k not in table.columns]
    if missing:
        raise XjmaError(
            f"{file.name} 缺少一单结算的列：{'、'.join(missing)}（列名按 rules/medical.yaml，"
            "可在其中改为平台导出文件的实际列名）"
        )
    headers = {k: table.header_of(k) for k in MEDICAL_KEYS}
    settlements: list[Settlement] = []
    errors: list[BadRow] = []
    for raw in table.iter_rows(note=False):
        values = {k: table.value(raw, k) for k in MEDICAL_KEYS}
        try:
            settlements.append(read_settlement(values, raw.row, rules, mapping.is_remote, headers))
        except Invalid as exc:
            errors.append(BadRow(raw.row, exc.message))
    return settlements, errors


def _reconciled(
    conn: Connection,
    file: Path,
    settlements: list[Settlement],
    errors: list[BadRow],
    rules: Rules,
    diseases: Diseases,
    lock: bool,
) -> ImportRun:
    """Duplicates first (结算编号 recorded, or seen earlier in the file), then cover, then the engine."""
    from xjma.io.ledger.history import read_enrollments_for
    from xjma.io.ledger.medical import recorded_settlements

    ids = {s.id_number for s in settlements}
    if lock:
        from xjma.io.ledger.claims import lock_members

        lock_members(conn, ids)
    done = recorded_settlements(conn, (s.settlement_no for s in settlements))
    enrolled = read_enrollments_for(conn, ids, voided_as_empty=True)
    out: dict[int, Reconciled] = {}
    pending: list[Pending] = []
    seen: set[str] = set()
    for order, s in enumerate(settlements):
        if s.settlement_no in done:
            out[order] = uncomputed(s, "duplicate", f"结算编号 {s.settlement_no} 已记入台账，不再重复记录")
        elif s.settlement_no in seen:
            out[order] = uncomputed(s, "duplicate", f"结算编号 {s.settlement_no} 与本文件前面的记录重复")
        else:
            seen.add(s.settlement_no)
            covering = _cover(enrolled.get(s.id_number, []), s)
            if isinstance(covering, Enrollment):
                pending.append(Pending(order, s.claim, covering))
            else:
                out[order] = covering
    bad = _compute(conn, settlements, pending, rules, diseases, out)
    items = tuple(out[k] for k in sorted(out))
    rows = sorted([*errors, *bad], key=lambda b: b.row)
    return ImportRun(file, items, tuple(rows), None, None, {p.claim.row or 0: p.enrollment for p in pending})


def _cover(history: list[Enrollment], s: Settlement) -> Enrollment | Reconciled:
    """The live plan 1 enrollment covering the admission date (picked as `claim calc` picks one), else
    the record's class: voided when only a voided enrollment would have covered it."""
    from xjma.jobs.claims import pick_enrollment

    mine = [e for e in history if e.plan == PLAN]
    if mine:
        chosen = pick_enrollment(mine, s.claim)
        if chosen.covers(s.admitted):
            return chosen
    # A voided enrollment is read covering nothing (its end the day before its start): plan 1 is a
    # one-year plan, so the period it had is S to default_end(S).
    if any(e.end < e.start and e.start <= s.admitted <= default_end(e.start) for e in mine):
        return uncomputed(
            s, "voided", f"入院日期 {s.admitted.isoformat()} 的住院+意外参保记录已作废，不予给付"
        )
    return uncomputed(
        s, "not-enrolled", f"台账中没有覆盖入院日期 {s.admitted.isoformat()} 的住院+意外参保记录"
    )


def _compute(
    conn: Connection,
    settlements: list[Settlement],
    pending: list[Pending],
    rules: Rules,
    diseases: Diseases,
    out: dict[int, Reconciled],
) -> list[BadRow]:
    """Compute the covered records in event-date order per member and period with the claims that count;
    class each into `out`; a record the engine cannot compute is a bad row."""
    from xjma.io.ledger.medical import counting_claims

    history: dict[tuple[str, str, str], list[Entry]] = {}
    for (number, start), rows in counting_claims(conn, {p.claim.id_number or "" for p in pending}).items():
        for item in rows:
            entry = entry_from_record(item["inputs"], item["result"], item["payout"])
            if entry is not None:
                day = start if isinstance(start, str) else start.isoformat()
                history.setdefault((number, PLAN, day), []).append(entry)
    results, failed = compute_batch(rules, pending, history, diseases)
    failed_orders = {order for order, _ in failed}
    computed = [p for p in pending if p.order not in failed_orders]
    for p, result in zip(computed, results, strict=True):
        s = settlements[p.order]
        uncut = _uncut(rules, diseases, p) if needs_uncut(s.platform, result) else ()
        out[p.order] = Reconciled(s, classify(s.platform, result, uncut), result.payout, result.steps, result)
    return [BadRow(e.row or 0, e.message) for _, e in failed]


def _uncut(rules: Rules, diseases: Diseases, p: Pending) -> tuple[Any, ...]:
    """The stay as the platform may have paid it (core/medical.as_platform_pays)."""
    try:
        return as_platform_pays(context_for(rules, p.enrollment, diseases), p.claim)
    except Invalid:
        return ()


def _record(conn: Connection, run: ImportRun, actor: Any, file: Path) -> ImportRun:
    """The agreeing records as paid cases, with the one log entry when any is new."""
    from xjma.io.ledger.medical import PaidSettlement, record_paid

    items = [
        PaidSettlement(i.result, i.settlement.settlement_no, i.settlement.discharged, e.prefecture, e.unit)
        for i in run.items
        if i.cls == "agree" and i.result is not None
        for e in [run.enrollments[i.settlement.row]]
    ]
    added = record_paid(conn, items, actor, lambda n: _log(conn, actor, file, items, n)) if items else 0
    return ImportRun(run.file, run.items, run.errors, added, None, run.enrollments)


def _log(conn: Connection, actor: Any, file: Path, items: Sequence[Any], added: int) -> int:
    from xjma.core.money import fmt_money
    from xjma.io.ledger.log import LogEntry, file_digest, write_log

    total = sum((i.result.payout for i in items), Decimal("0.00"))
    entry = LogEntry(
        kind="medical-import",
        summary=f"medical import --record：记入一单结算已支付案件 {added} 笔（一致记录合计 {fmt_money(total)} 元）",
        file=file.name,
        sha256=file_digest(file),
        refs={"recorded": added, "settlements": len(items)},
        members=sorted({i.result.claim.id_number for i in items if i.result.claim.id_number}),
    )
    return write_log(conn, actor, entry)
