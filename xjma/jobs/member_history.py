"""What a member's changes do to `member show` (office.md §3): voided enrollments shown as such and left
out of what remains, corrected details (a unit change moves the enrollments current on its date), and
the history of corrections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from xjma.core.model import Enrollment


@dataclass
class MemberChanges:
    voids: dict[int, tuple[dt.datetime, str, str]]  # change id -> when, who, why
    history: list[Any]  # io.ledger.changes.FieldChange, oldest first

    def unit_of(self, e: Enrollment) -> str:
        """The enrollment's unit as corrected: a unit correction moves the enrollments that have not
        ended by its date."""
        unit = e.unit
        for h in self.history:
            if h.field == "unit" and e.end >= h.at.date():
                unit = h.after or ""
        return unit

    def enrollment_doc(self, doc: dict[str, Any], e: Enrollment, voided_by: int | None) -> dict[str, Any]:
        found = self.voids.get(voided_by) if voided_by is not None else None
        doc["unit"] = self.unit_of(e)
        doc["status"] = "voided" if found else "recorded"
        doc["voided_at"] = found[0].replace(microsecond=0).isoformat() if found else None
        doc["void_reason"] = found[2] if found else None
        return doc

    def void_operator(self, voided_by: int | None) -> str | None:
        found = self.voids.get(voided_by) if voided_by is not None else None
        return found[1] if found else None

    def history_doc(self) -> list[dict[str, Any]]:
        return [
            {
                "at": h.at.replace(microsecond=0).isoformat(),
                "operator": h.operator,
                "field": h.field,
                "before": h.before,
                "after": h.after,
                "reason": h.reason,
            }
            for h in self.history
        ]


def member_changes_of(conn: Any, id_number: str) -> MemberChanges:
    from xjma.io.ledger.changes import member_history, void_changes

    return MemberChanges(void_changes(conn, id_number), member_history(conn, [id_number]))
