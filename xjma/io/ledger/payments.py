"""Payment batches in the ledger (office.md §5 `claim pay`): the cases a batch may pay, the batch and its
items, the `paid` events of a confirmation, and the cases as their JSON needs them.

A case's state is that of its latest event; an approved case is paid by the payout of that `approved`
event. A case is in at most one unconfirmed batch: an approved case with a payment item is in one (a
confirmed batch's cases are `paid`). A batch is confirmed once its `paid` events are written (nothing is
updated in place). Batch numbers are taken before the batch is written (the bank file is named after it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from xjma.core.actor import Actor
from xjma.core.cases import paid_note
from xjma.core.claims.model import claim_from_inputs
from xjma.core.money import from_fen, to_fen
from xjma.core.payments import PayCandidate, PayItem
from xjma.io.ledger.case_tables import case_details, case_events, payment_batches, payment_items
from xjma.io.ledger.claim_totals import refresh_claim_totals
from xjma.io.ledger.log import db_role
from xjma.io.ledger.schema import claims, members

CHUNK = 500  # ids per IN (…) list


def lock_payments(conn: Connection) -> None:
    """One `claim pay` at a time, from here to the commit (changes.take_turns: SQLite's write lock, or a
    PostgreSQL advisory lock); the cases' members are locked after it, as approvals and voids lock them."""
    from xjma.io.ledger.changes import take_turns

    take_turns(conn, "xjma:claim-pay")


def _latest_events() -> Any:
    return (
        select(case_events.c.claim_id, func.max(case_events.c.id).label("id"))
        .group_by(case_events.c.claim_id)
        .subquery("latest")
    )


def pay_candidates(conn: Connection, until: dt.date | None, prefecture: str | None) -> list[PayCandidate]:
    """Approved cases, not in a batch yet, approved on or before `until`, of the 地州市 when given."""
    latest = _latest_events()
    e, c, d = case_events.c, claims.c, case_details.c
    query = (
        select(
            c.id,
            c.inputs,
            c.id_number,
            members.c.name,
            e.payout_fen,
            e.at,
            d.prefecture,
            d.unit,
            d.payee,
            d.payee_relation,
            d.bank,
            d.account,
        )  # fmt: skip
        .select_from(latest)
        .join(case_events, e.id == latest.c.id)
        .join(claims, c.id == latest.c.claim_id)
        .outerjoin(case_details, d.claim_id == c.id)
        .outerjoin(members, members.c.id_number == c.id_number)
        .where(e.state == "approved", c.id.not_in(select(payment_items.c.claim_id)))
        .order_by(c.id)
    )
    if until is not None:
        query = query.where(e.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    if prefecture is not None:
        query = query.where(func.coalesce(d.prefecture, "") == prefecture)
    return [_candidate(r) for r in conn.execute(query)]


def _candidate(r: Any) -> PayCandidate:
    return PayCandidate(
        case=int(r.id),
        claim=claim_from_inputs(_json(r.inputs)),
        member=r.name or "",
        amount=from_fen(int(r.payout_fen or 0)),
        approved_at=r.at,
        prefecture=r.prefecture or "",
        unit=r.unit or "",
        payee=r.payee,
        relation=r.payee_relation,
        bank=r.bank,
        account=r.account,
    )


def next_batch_number(conn: Connection) -> int:
    """The number the next batch gets, taken inside the caller's locked transaction."""
    if conn.dialect.name == "postgresql":
        seq = conn.exec_driver_sql("SELECT pg_get_serial_sequence('payment_batches', 'id')").scalar()
        return int(conn.exec_driver_sql(f"SELECT nextval('{seq}')").scalar() or 0)
    return int(conn.execute(select(func.coalesce(func.max(payment_batches.c.id), 0))).scalar() or 0) + 1


@dataclass(frozen=True)
class NewBatch:
    number: int
    until: dt.date | None
    prefecture: str
    bank_file: str
    items: Sequence[PayItem]


def record_batch(conn: Connection, actor: Actor, batch: NewBatch, log_id: int) -> None:
    conn.execute(
        payment_batches.insert().values(
            id=batch.number,
            at=actor.at,
            operator=actor.operator,
            until=batch.until,
            prefecture=batch.prefecture,
            bank_file=batch.bank_file,
            log_id=log_id,
        )  # fmt: skip
    )
    if batch.items:
        conn.execute(
            payment_items.insert(),
            [
                {
                    "batch_id": batch.number,
                    "claim_id": i.case,
                    "amount_fen": to_fen(i.amount),
                    "payee": i.payee,
                    "bank": i.bank,
                    "account": i.account,
                }  # fmt: skip
                for i in batch.items
            ],
        )


@dataclass(frozen=True)
class BatchItem:
    case: int
    id_number: str
    amount: Decimal
    state: str  # the case's state now
    bank_file: str | None


def batch_items(conn: Connection, batch: int) -> list[BatchItem] | None:
    """The batch's cases with their state now; None when there is no such batch."""
    found = conn.execute(select(payment_batches.c.bank_file).where(payment_batches.c.id == batch)).first()
    if found is None:
        return None
    latest = _latest_events()
    i = payment_items.c
    query = (
        select(i.claim_id, claims.c.id_number, i.amount_fen, case_events.c.state)
        .join(claims, claims.c.id == i.claim_id)
        .join(latest, latest.c.claim_id == i.claim_id)
        .join(case_events, case_events.c.id == latest.c.id)
        .where(i.batch_id == batch)
        .order_by(i.claim_id)
    )
    return [
        BatchItem(int(r.claim_id), r.id_number, from_fen(int(r.amount_fen)), r.state, found.bank_file)
        for r in conn.execute(query)
    ]


def batch_confirmed_on(conn: Connection, batch: int) -> dt.date | None:
    """The paid date of a confirmed batch; None while it is not confirmed."""
    e = case_events.c
    query = select(e.paid_on).where(e.state == "paid", e.payment_batch_id == batch).limit(1)
    return conn.execute(query).scalar()


def record_paid(
    conn: Connection, actor: Actor, batch: int, items: Sequence[BatchItem], paid_on: dt.date, log_id: int
) -> None:
    """The `paid` event of every case of the batch."""
    role = db_role(conn)
    conn.execute(
        case_events.insert(),
        [
            {
                "claim_id": i.case,
                "state": "paid",
                "at": actor.at,
                "operator": actor.operator,
                "db_role": role,
                "note": paid_note(paid_on),
                "payout_fen": None,
                "paid_on": paid_on,
                "payment_batch_id": batch,
                "log_id": log_id,
            }  # fmt: skip
            for i in items
        ],
    )
    refresh_claim_totals(conn)  # a SQLite ledger's claim totals, in the same transaction


# ---------------------------------------------------------------- cases as their JSON needs them


@dataclass(frozen=True)
class CaseEvent:
    at: dt.datetime
    state: str
    operator: str
    note: str | None


@dataclass(frozen=True)
class CaseRecord:
    """A case: its claim as recorded, its details and every event, oldest first."""

    case: int
    inputs: dict[str, Any]
    result: dict[str, Any]
    first_payout: Decimal  # claims.payout_fen: as first computed
    rules_version: str
    submission: int | None
    payment_batch: int | None  # the batch it is in (paid or not yet confirmed)
    materials: tuple[str, ...]
    history: tuple[CaseEvent, ...]
    approved_payout: Decimal | None  # the payout of the latest approved event

    @property
    def state(self) -> str:
        return self.history[-1].state if self.history else "approved"


def read_cases(conn: Connection, ids: Iterable[int]) -> list[CaseRecord]:
    """The cases with these numbers, in number order (unknown numbers are left out)."""
    wanted = sorted(set(ids))
    found: list[CaseRecord] = []
    for part in _chunks(wanted):
        found += _read_part(conn, part)
    return found


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _read_part(conn: Connection, ids: Sequence[int]) -> list[CaseRecord]:
    c, d = claims.c, case_details.c
    rows = conn.execute(
        select(c.id, c.inputs, c.result, c.payout_fen, c.rules_version, d.submission_id, d.materials)
        .outerjoin(case_details, d.claim_id == c.id)
        .where(c.id.in_(ids))
        .order_by(c.id)
    ).all()
    events: dict[int, list[Any]] = {}
    for e in conn.execute(
        select(case_events).where(case_events.c.claim_id.in_(ids)).order_by(case_events.c.id)
    ):
        events.setdefault(int(e.claim_id), []).append(e)
    batches = dict(
        conn.execute(
            select(payment_items.c.claim_id, func.max(payment_items.c.batch_id))
            .where(payment_items.c.claim_id.in_(ids))
            .group_by(payment_items.c.claim_id)
        ).all()
    )
    return [_record(r, events.get(int(r.id), []), batches.get(r.id)) for r in rows]


def _record(r: Any, events: list[Any], batch: int | None) -> CaseRecord:
    # the result of the latest approval when it was recorded with one (cases work), else the claim's
    approved = [e for e in events if e.state == "approved" and e.payout_fen is not None]
    materials = _json_list(r.materials)
    return CaseRecord(
        case=int(r.id),
        inputs=_json(r.inputs),
        result=_json(approved[-1].result if approved and approved[-1].result else r.result),
        first_payout=from_fen(int(r.payout_fen)),
        rules_version=r.rules_version,
        submission=int(r.submission_id) if r.submission_id is not None else None,
        payment_batch=int(batch) if batch is not None else None,
        materials=tuple(str(m) for m in materials),
        history=tuple(CaseEvent(e.at, e.state, e.operator, e.note) for e in events),
        approved_payout=from_fen(int(approved[-1].payout_fen)) if approved else None,
    )


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _json_list(text: str | None) -> list[Any]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []
