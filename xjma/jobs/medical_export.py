"""`xjma medical export` (office.md §8): every member plan 1 covers on a date, for the hospital side of
一单结算 — streamed from the ledger to the file (1.7M members), the 大额 room of each computed by
core/claims/remaining as `member show` computes it. With --changed-since only the members whose cover or
details changed since that date, each 在保 or 已作废."""

from __future__ import annotations

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


# One line of the file, in the order of io/medical_export.HEADERS: 身份证号码, 姓名, 保障起始日, 保障止期,
# 观察期止 (None for a renewal), 大额补助剩余额度 (Decimal), 所属地州市, 工作单位, 状态 (在保 | 已作废).
# Dates as the ledger gives them (ISO text from SQLite, datetime.date from PostgreSQL): the CSV writes
# either as it is, the xlsx writer parses the text once per distinct day.
ExportLine = tuple[str, str, Any, Any, Any, Decimal, str, str, str]


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
) -> Iterator[ExportLine]:
    from xjma.io.ledger import medical as store
    from xjma.io.ledger.unit_moves import recorded_by_start

    fixes = store.corrections(conn)
    corrected = _Corrections(fixes, recorded_by_start(conn, {f[0] for f in fixes}, PLAN))
    if since is None:
        left = _MajorLeft(rules, store.counting_claims(conn, on=on))
        special = corrected.members | left.members
        for r in store.covered(conn, on, prefecture):
            if r[0] in special:  # a counted claim or a correction: the few that need more than a look-up
                yield corrected(_line(r, left(r), COVERED))
            else:
                yield (r[0], r[1], r[2], r[3], r[4], left.plain(r), r[5], r[6], COVERED)
        return
    members = store.changed_since(conn, since)
    found = store.covered_of(conn, members, on)
    left = _MajorLeft(rules, store.counting_claims(conn, {r[0] for r in found}))
    live = {r[0] for r in found if not r[7]}
    for r in found:
        if prefecture is not None and r[5] != prefecture:
            continue
        if not r[7]:
            yield corrected(_line(r, left(r), COVERED))
        elif r[0] not in live:  # voided, and not enrolled again for the date: one line, 已作废
            live.add(r[0])
            yield corrected(_line(r, Decimal("0.00"), VOIDED))


def _line(r: CoverRow, major_left: Decimal, state: str) -> ExportLine:
    return (r[0], r[1], r[2], r[3], r[4], major_left, r[5], r[6], state)


class _MajorLeft:
    """What the 大额 cap still allows in a member's period (core/claims/remaining, as `member show`);
    for the many members without a counted claim, computed once per start date (its rules version)."""

    def __init__(self, rules: Rules, claims: ClaimRows) -> None:
        self.rules, self.claims = rules, claims
        self.members = {number for number, _ in claims}
        self.by_start: dict[Any, Decimal] = {}

    def plain(self, r: CoverRow) -> Decimal:
        found = self.by_start.get(r[2])
        if found is None:
            found = self.by_start[r[2]] = self._inpatient(r, [])
        return found

    def __call__(self, r: CoverRow) -> Decimal:
        paid = self.claims.get((r[0], r[2]))
        return self._inpatient(r, paid) if paid else self.plain(r)

    def _inpatient(self, r: CoverRow, paid: list[dict[str, Any]]) -> Decimal:
        from xjma.core.claims.remaining import compute_remaining

        start, end = _day(r[2]), _day(r[3])
        e = Enrollment(r[0], PLAN, start, end, 1, 0, r[6], r[5], None, start, r[1])
        return compute_remaining(e, PLAN, self.rules, paid).get("inpatient", Decimal("0.00"))


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


class _Corrections:
    """Name and unit as corrected (office.md §3): the latest name; the unit by member_history's rule."""

    def __init__(
        self,
        found: list[tuple[str, str, dt.datetime, str | None]],
        recorded: dict[tuple[str, dt.date], dt.datetime],
    ) -> None:
        from xjma.io.ledger.changes import FieldChange

        self.recorded = recorded  # (member, start) -> when its plan 1 enrollment was recorded
        self.by_member: dict[str, list[Any]] = {}
        for number, name, at, after in found:
            self.by_member.setdefault(number, []).append(FieldChange(at, "", name, None, after, ""))
        self.members = set(self.by_member)

    def __call__(self, line: ExportLine) -> ExportLine:
        history = self.by_member.get(line[0])
        if not history:
            return line
        from xjma.jobs.member_history import MemberChanges

        names = [h.after for h in history if h.field == "name" and h.after]
        e = Enrollment(line[0], PLAN, _day(line[2]), _day(line[3]), 1, 0, line[7], line[6])
        unit = MemberChanges({}, history).as_corrected(e, self.recorded.get((line[0], e.start))).unit
        return (line[0], names[-1] if names else line[1], *line[2:7], unit, line[8])
