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
    voids: dict[tuple[str, dt.date], tuple[dt.datetime, str, str]]
    history: list[Any]  # io.ledger.changes.FieldChange, oldest first

    def voided(self, e: Enrollment) -> bool:
        return (e.plan, e.start) in self.voids

    def unit_of(self, e: Enrollment) -> str:
        """The enrollment's unit as corrected: a unit correction moves the enrollments that have not
        ended by its date."""
        unit = e.unit
        for h in self.history:
            if h.field == "unit" and e.end >= h.at.date():
                unit = h.after or ""
        return unit

    def enrollment_doc(self, doc: dict[str, Any], e: Enrollment) -> dict[str, Any]:
        found = self.voids.get((e.plan, e.start))
        doc["unit"] = self.unit_of(e)
        doc["status"] = "voided" if found else "recorded"
        doc["voided_at"] = found[0].replace(microsecond=0).isoformat() if found else None
        doc["void_reason"] = found[2] if found else None
        return doc

    def void_operator(self, e: Enrollment) -> str | None:
        found = self.voids.get((e.plan, e.start))
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
    from xjma.io.ledger.changes import member_history, voided_of_member

    return MemberChanges(voided_of_member(conn, id_number), member_history(conn, [id_number]))
