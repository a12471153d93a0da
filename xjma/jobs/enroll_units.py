"""The units of an enroll batch (office.md §1): registered with its log entry inside the batch's transaction,
or matched read-only for a dry run, with the warning `unit-similar` on the first row of a new unit close
to a registered one (the same warning either way)."""

from __future__ import annotations

from typing import Any

from xjma.core.enrollment import NewEnrollment
from xjma.core.model import RosterRow

# `result` below is jobs.enroll's EnrollResult (its members, uscc and problems), typed Any: jobs.enroll
# imports this module, and the import graph has no cycles (tests/test_import_graph.py).


def record_history(
    conn: Any,
    actor: Any,
    batch_id: int,
    batch: Any,
    members: list[tuple[RosterRow, list[NewEnrollment]]],
    result: Any,
) -> None:
    """The batch's units registered and its log entry (office.md §0–§2), in the batch's transaction; a
    new unit close to a registered one gets the warning `unit-similar` on its first row."""
    from decimal import Decimal

    from xjma.core.actor import Actor
    from xjma.io.ledger.batch_history import record_enroll_history

    if actor is None:  # a caller that names nobody (the library API without the CLI)
        from xjma import __version__

        actor = Actor("未知", batch.created_at.replace(microsecond=0), __version__)
    first, wanted = roster_units(members, result)
    fee = sum((i.fee for _, items in members for i in items), Decimal("0.00"))
    history = record_enroll_history(
        conn, actor, batch_id, batch.file_name, batch.sha256, wanted, len(members), fee
    )
    warn_similar(result, first, history.units)


def dry_run_units(db: str | None, result: Any) -> None:
    """A dry run matches the batch's units as enroll would, read only, for the same `unit-similar`."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.unit_register import match_batch_units

    first, wanted = roster_units(result.members, result)
    with open_ledger(db, mode="read") as view:
        if not view.exists or not wanted:
            return
        with view.connect() as conn:
            matched = match_batch_units(conn, wanted)
    warn_similar(result, first, matched)


def roster_units(
    members: list[tuple[RosterRow, list[NewEnrollment]]], result: Any
) -> tuple[dict[tuple[str, str], RosterRow], list[Any]]:
    """Each (unit, prefecture) of the batch with its first row, and the units to match (io RosterUnit)."""
    from xjma.io.ledger.unit_register import RosterUnit

    first: dict[tuple[str, str], RosterRow] = {}
    for row, _ in members:
        first.setdefault((row.unit, row.prefecture), row)
    return first, [RosterUnit(u, p, result.uscc.get(r.row)) for (u, p), r in first.items()]


def warn_similar(
    result: Any, first: dict[tuple[str, str], RosterRow], matched: dict[tuple[str, str], Any]
) -> None:
    """A new unit close to a registered one: the warning `unit-similar` on its first row (office.md §1)."""
    from xjma.core.problems import Problem
    from xjma.core.units import similar_message

    for key, (_, match) in matched.items():
        if match.similar is not None:
            message = similar_message(key[0], match.similar)
            result.problems.append(Problem(first[key].row, "工作单位", "unit-similar", "warning", message))
