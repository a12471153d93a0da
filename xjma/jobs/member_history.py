"""What a member's changes do to `member show` (office.md §3): voided enrollments shown as such and left
out of what remains, corrected details (a unit change moves the enrollments not ended by its date), and
the history of corrections."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from xjma.core.model import Enrollment


@dataclass(frozen=True)
class VoidInfo:
    """When, by whom and why an enrollment was voided (office.md §3)."""

    at: dt.datetime
    operator: str
    reason: str


@dataclass
class MemberChanges:
    voids: dict[int, tuple[dt.datetime, str, str]]  # change id -> when, who, why
    history: list[Any]  # io.ledger.changes.FieldChange, oldest first

    def as_corrected(self, e: Enrollment, recorded_at: dt.datetime | None = None) -> Enrollment:
        """The enrollment with its unit as corrected: a unit correction moves the enrollments recorded by
        then that have not ended by its date (io.ledger.unit_moves.correction_moves)."""
        from xjma.io.ledger.unit_moves import corrected_unit

        fixes = [(h.at, h.field, h.after) for h in self.history if h.field == "unit"]
        unit = corrected_unit(fixes, recorded_at, e.end, e.unit, None)[0] or ""
        return e if unit == e.unit else dataclasses.replace(e, unit=unit)

    def void_of(self, voided_by: int | None) -> Any:
        found = self.voids.get(voided_by) if voided_by is not None else None
        return VoidInfo(*found) if found else None


def member_changes_of(conn: Any, id_number: str) -> MemberChanges:
    from xjma.io.ledger.changes import member_history, void_changes

    return MemberChanges(void_changes(conn, id_number), member_history(conn, [id_number]))
