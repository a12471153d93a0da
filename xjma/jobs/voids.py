"""`xjma void`: undo enrollments recorded in error (office.md §3), a whole batch or one enrollment, all or
nothing, in one transaction with the log entry; refused while a claim is recorded against one of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xjma.core.actor import Actor
from xjma.core.changes import RecordedEnrollment, claims_blocking_void, refund_total
from xjma.core.money import fmt_money
from xjma.errors import XjmaError


@dataclass(frozen=True)
class VoidTarget:
    """What to void: batch N, or the enrollment of a member in a plan (starting on `start` when given)."""

    batch: int | None = None
    id_number: str | None = None
    plan: str | None = None
    start: dt.date | None = None


@dataclass(frozen=True)
class VoidResult:
    enrollments: list[RecordedEnrollment]
    refund: Decimal
    refund_on: dt.date
    change: int | None  # None for a dry run
    dry_run: bool


def void(
    db: str | None, target: VoidTarget, *, reason: str, refund_on: dt.date | None, actor: Actor, dry_run: bool
) -> VoidResult:
    from xjma.io.ledger import changes as store
    from xjma.jobs.ledger_access import writing

    if not reason.strip():
        raise XjmaError("作废必须用 --reason 写明原因")
    day = refund_on or actor.at.date()
    with writing(db) as ledger, ledger.begin() as conn:
        store.lock_members(conn, ())  # SQLite: the write lock first, then every read
        found = _targets(conn, target)
        store.lock_members(conn, {e.id_number for e in found})
        found = _targets(conn, target)  # as it is now that no other writer of these members can act
        blocking = claims_blocking_void(found, store.recorded_claims(conn, {e.id_number for e in found}))
        if blocking:
            listed = "、".join(f"第 {c.id} 号" for c in blocking)
            raise XjmaError(f"有已审批的理赔（{listed}）记在这些参保记录上，不能作废；请先作废这些理赔")
        if dry_run:
            return VoidResult(found, refund_total(found), day, None, True)
        change = _record(conn, target, found, reason.strip(), day, actor)
    return VoidResult(found, refund_total(found), day, change, False)


def _targets(conn: Any, target: VoidTarget) -> list[RecordedEnrollment]:
    from xjma.io.ledger import changes as store

    if target.batch is not None:
        if not _batch_exists(conn, target.batch):
            raise XjmaError(f"台账中没有第 {target.batch} 批")
        found = store.batch_enrollments(conn, target.batch)
        if not found:
            raise XjmaError(f"第 {target.batch} 批的参保记录已全部作废")
        return found
    assert target.id_number is not None
    found = store.member_enrollments(conn, target.id_number, target.plan, target.start)
    if not found:
        raise XjmaError("台账中没有该会员在该险种的有效参保记录（未作废的）")
    if len(found) > 1:
        starts = "、".join(e.start.isoformat() for e in found)
        raise XjmaError(f"该会员在该险种有多条参保记录（起始日 {starts}），请用 --start 指定要作废的一条")
    return found


def _batch_exists(conn: Any, batch: int) -> bool:
    from sqlalchemy import select

    from xjma.io.ledger.schema import batches

    return conn.execute(select(batches.c.id).where(batches.c.id == batch)).first() is not None


def _record(
    conn: Any,
    target: VoidTarget,
    found: list[RecordedEnrollment],
    reason: str,
    day: dt.date,
    actor: Actor,
) -> int:
    from xjma.io.ledger import changes as store
    from xjma.io.ledger.log import LogEntry, write_log

    what = f"第 {target.batch} 批：" if target.batch is not None else ""
    entry = LogEntry(
        kind="void",
        summary=f"作废{what}{len(found)} 条参保记录，退费 {fmt_money(refund_total(found))} 元",
        reason=reason,
        refs={"batch": target.batch, "enrollments": [e.id for e in found], "refund_on": day.isoformat()},
        batch_id=target.batch,
        # A batch's members are found through the batch (xjma log --member); one enrollment names its own.
        members=() if target.batch is not None else sorted({e.id_number for e in found}),
    )
    log_id = write_log(conn, actor, entry)
    change = store.add_change(conn, "void", actor, reason, log_id, refund_on=day)
    store.void(conn, change, day, found)
    return change
