"""The cli.md JSON documents of the roster commands (validate, enroll). The exit-2 document of each is
the same function applied to an empty result (nothing read, nothing recorded, `report` null)."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.money import fmt_money


@functools.lru_cache(maxsize=4096)
def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


# A batch's fees and dates repeat on every member: each distinct value is formatted once.
_money = functools.lru_cache(maxsize=4096)(fmt_money)


def _path(path: Path | str | None) -> str | None:
    return None if path is None else str(path)


# --- validate -------------------------------------------------------------------------------------


def validation_document(outcome: Any, report: Path | None) -> dict[str, Any]:
    """`validate --json` (cli.md): `outcome` a jobs.validate.ValidationOutcome, or EmptyValidation."""
    return {
        "file": _path(outcome.table.file),
        "sheet": outcome.table.sheet or "",
        "start": _iso(outcome.start),
        "rows": len(outcome.check.rows),
        "valid_rows": outcome.valid_rows,
        "errors": outcome.errors,
        "warnings": outcome.warnings,
        "problems": [p.as_dict() for p in outcome.check.problems],
        "report": _path(report),
    }


class _EmptyTable:
    def __init__(self, file: Path, sheet: str | None) -> None:
        self.file, self.sheet = file, sheet or ""


class _EmptyCheck:
    rows: list[Any] = []
    problems: list[Any] = []


class EmptyValidation:
    """The outcome of a validate run that could not check the roster (exit 2)."""

    valid_rows = errors = warnings = 0

    def __init__(self, file: Path, sheet: str | None, start: dt.date | None) -> None:
        self.table, self.check, self.start = _EmptyTable(file, sheet), _EmptyCheck(), start


# --- enroll ---------------------------------------------------------------------------------------


def enroll_document(result: Any) -> dict[str, Any]:
    """`enroll --json` (cli.md): `result` a jobs.enroll.EnrollResult (an empty one for exit 2)."""
    return {
        "file": _path(result.file),
        "start": _iso(result.start),
        "paid_on": _iso(result.paid_on),
        "dry_run": result.dry_run,
        "enrolled": result.enrolled,
        "already_recorded": result.already_recorded,
        "refused": len(result.refused_rows),
        "problems": [p.as_dict() for p in result.problems],
        "fees": fees_of(result.items),
        "members": _members(result.members),
        "report": _path(result.report),
        "batch": result.batch,  # office.md §2
    }


def fees_of(items: list[Any]) -> dict[str, Any]:
    from xjma.core.enrollment import summarise_fees
    from xjma.core.rules import PLAN_CODES

    totals = summarise_fees(items)
    return {
        "total": fmt_money(totals.total),
        "by_plan": {
            p: {"members": m, "shares": s, "fee": fmt_money(f)}
            for p, (m, s, f) in sorted(totals.by_plan.items(), key=lambda kv: PLAN_CODES.index(kv[0]))
        },
        "by_unit": {u: {"members": m, "fee": fmt_money(f)} for u, (m, f) in totals.by_unit.items()},
    }


def _members(members: list[Any]) -> list[dict[str, Any]]:
    """Each member's entry; its fee and `plans` are made once per distinct set of enrollments (a batch
    holds a handful) and shared by the members that have it: the document is only serialised."""
    made: dict[tuple[Any, ...], tuple[str, dict[str, Any]]] = {}
    out = []
    for row, items in members:
        key = tuple(_signature(i) for i in items)
        plans = made.get(key)
        if plans is None:
            plans = made[key] = _plans(items)
        fee, shown = plans
        out.append(
            {"row": row.row, "id_number": row.id_number, "name": row.name, "unit": row.unit, "fee": fee,
             "plans": shown}
        )  # fmt: skip
    return out


def _signature(item: Any) -> tuple[Any, ...]:
    e = item.enrollment
    return (e.plan, e.shares, e.start, e.end, e.renewed_shares, item.fee, item.observation_end)


def _plans(items: list[Any]) -> tuple[str, dict[str, Any]]:
    fee = _money(sum((i.fee for i in items), start=Decimal("0.00")))
    return fee, {
        i.enrollment.plan: {
            "shares": i.enrollment.shares,
            "fee": _money(i.fee),
            "start": _iso(i.enrollment.start),
            "end": _iso(i.enrollment.end),
            "observation_end": _iso(i.observation_end),
            "renewed_shares": i.enrollment.renewed_shares,
        }
        for i in items
    }
