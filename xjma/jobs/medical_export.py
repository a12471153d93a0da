"""`xjma medical export` (office.md §8): every member plan 1 covers on a date, for the hospital side of
一单结算 — streamed from the ledger to the file (1.7M members), the 大额 room of each computed by
core/claims/remaining as `member show` computes it. With --changed-since only the members whose cover or
details changed since that date, each 在保 or 已作废."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.model import Enrollment
from xjma.core.rules import Rules
from xjma.errors import XjmaError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from xjma.io.ledger.medical import ClaimRows, CoverRow

PLAN = "inpatient-accident"
COVERED, VOIDED = "在保", "已作废"
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True, slots=True)
class ExportRow:
    id_number: str
    name: str
    start: dt.date
    end: dt.date
    observation_end: dt.date | None  # None for a renewal (no observation period)
    major_left: Decimal  # 大额补助剩余额度
    prefecture: str
    unit: str
    state: str  # 在保 | 已作废


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    on: dt.date
    prefecture: str | None
    changed_since: dt.date | None


def export_covered(
    db: str | None,
    output: Path,
    *,
    on: dt.date,
    rules: Rules,
    prefecture: str | None = None,
    changed_since: dt.date | None = None,
) -> ExportResult:
    from xjma.io.medical_export import write_export
    from xjma.jobs.ledger_access import reading

    if output.suffix.lower() not in SUFFIXES:
        raise XjmaError(f"输出文件 {output.name} 应为 .csv 或 .xlsx")
    with reading(db) as ledger, ledger.connect() as conn:
        rows = write_export(output, _rows(conn, rules, on, prefecture, changed_since))
    return ExportResult(output, rows, on, prefecture, changed_since)


def _rows(
    conn: Connection, rules: Rules, on: dt.date, prefecture: str | None, since: dt.date | None
) -> Iterator[ExportRow]:
    from xjma.io.ledger import medical as store
    from xjma.io.ledger.history import Dates

    corrected = _Corrections(store.corrections(conn))
    day = Dates(conn.dialect.name == "postgresql")
    if since is None:
        left = _MajorLeft(rules, store.counting_claims(conn), day)
        for r in store.covered(conn, on, prefecture):
            yield corrected(_row(r, left, COVERED, day))
        return
    members = store.changed_since(conn, since)
    found = store.covered_of(conn, members, on)
    left = _MajorLeft(rules, store.counting_claims(conn, {r.id_number for r in found}), day)
    live = {r.id_number for r in found if not r.voided}
    for r in found:
        if prefecture is not None and r.prefecture != prefecture:
            continue
        if not r.voided:
            yield corrected(_row(r, left, COVERED, day))
        elif r.id_number not in live:  # voided, and not enrolled again for the date
            live.add(r.id_number)
            yield corrected(_row(r, left, VOIDED, day))


def _row(r: CoverRow, left: _MajorLeft, state: str, day: dict[Any, Any]) -> ExportRow:
    """One line; dates parsed once per distinct value (a few hundred over the region)."""
    room = left(r) if state == COVERED else Decimal("0.00")
    return ExportRow(
        r.id_number,
        r.name,
        day[r.start],
        day[r.end],
        day[r.observation_end],
        room,
        r.prefecture,
        r.unit,
        state,
    )


class _MajorLeft:
    """What the 大额 cap still allows in a member's period (core/claims/remaining, as `member show`);
    for the many members without a counted claim, computed once per start date (its rules version)."""

    def __init__(self, rules: Rules, claims: ClaimRows, day: dict[Any, Any]) -> None:
        self.rules, self.claims, self.day = rules, claims, day
        self.plain: dict[Any, Decimal] = {}

    def __call__(self, r: CoverRow) -> Decimal:
        paid = self.claims.get((r.id_number, r.start if r.start.__class__ is str else r.start.isoformat()))
        if paid:
            return self._inpatient(r, paid)
        found = self.plain.get(r.start)
        if found is None:
            found = self.plain[r.start] = self._inpatient(r, [])
        return found

    def _inpatient(self, r: CoverRow, paid: list[dict[str, Any]]) -> Decimal:
        from xjma.core.claims.remaining import compute_remaining

        start, end = self.day[r.start], self.day[r.end]
        e = Enrollment(r.id_number, PLAN, start, end, 1, 0, r.unit, r.prefecture, None, start, r.name)
        return compute_remaining(e, PLAN, self.rules, paid).get("inpatient", Decimal("0.00"))


class _Corrections:
    """Name and unit as corrected (office.md §3): the latest name; the unit by member_history's rule."""

    def __init__(self, found: list[tuple[str, str, dt.datetime, str | None]]) -> None:
        from xjma.io.ledger.changes import FieldChange

        self.by_member: dict[str, list[Any]] = {}
        for number, name, at, after in found:
            self.by_member.setdefault(number, []).append(FieldChange(at, "", name, None, after, ""))

    def __call__(self, row: ExportRow) -> ExportRow:
        history = self.by_member.get(row.id_number) if self.by_member else None
        if not history:
            return row
        from xjma.jobs.member_history import MemberChanges

        names = [h.after for h in history if h.field == "name" and h.after]
        e = Enrollment(row.id_number, PLAN, row.start, row.end, 1, 0, row.unit, row.prefecture)
        unit = MemberChanges({}, history).as_corrected(e).unit
        return dataclasses.replace(row, name=names[-1] if names else row.name, unit=unit)
