"""The claims table: read the claims that count against a member's caps, record computed claims
idempotently.

A claim is identified by its claim_key (sha256 of ID, plan, benefit, event date, 事故编号 and amounts):
recording the same claim twice records it once (INSERT that ignores a duplicate key). Since schema v5 a
claim is a case (case_tables): only cases whose latest event is `approved` or `paid` count, each with
the payout (and result) of its latest `approved` event — a submitted, returned, rejected or voided case
takes no room under a cap (`read_counted_claims`, the one place this is decided for the ledger)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from xjma.core.claims.model import ClaimResult, claim_inputs, claim_key, result_record
from xjma.core.money import from_fen, to_fen

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def lock_members(conn: Connection, id_numbers: Iterable[str]) -> None:
    """Hold the members for the rest of the transaction (claim calc --record reads, computes and
    records under it): on PostgreSQL one advisory transaction lock per ID, taken in sorted order so
    that two runs never wait on each other in a circle; on SQLite the write lock (BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        for number in sorted({i for i in id_numbers if i}):
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%(id)s))", {"id": number})
    elif conn.dialect.name == "sqlite" and not conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # taken once: a second call is a no-op


def read_claims(conn: Connection, id_number: str, plan: str) -> list[dict[str, Any]]:
    """The claims of one member and plan that count against the caps, in event-date order (then
    recording order); payout Decimal (the approved amount), inputs/result parsed."""
    return read_counted_claims(conn, [id_number], plan).get(id_number, [])


def read_counted_claims(
    conn: Connection, id_numbers: Iterable[str], plan: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """ID -> the member's claims that count (cases approved or paid), all plans or one, in event-date
    order: `payout` is the latest approved amount and `result` that approval's result (else the claims
    row's). One query per 900 IDs."""
    from sqlalchemy import func, select

    from xjma.io.ledger.case_tables import case_events
    from xjma.io.ledger.schema import claims

    approved = case_events.alias("fixed")
    a = case_events.alias("a")
    approved_id = (
        select(func.max(a.c.id))
        .where(a.c.claim_id == claims.c.id, a.c.state == "approved")
        .correlate(claims)
        .scalar_subquery()
    )
    base = (
        select(claims, approved.c.payout_fen.label("amount"), approved.c.result.label("approved_result"))
        .select_from(claims.join(approved, approved.c.id == approved_id))
        .where(counting())
        .order_by(claims.c.id_number, claims.c.event_date, claims.c.id)
    )
    if plan is not None:
        base = base.where(claims.c.plan == plan)
    ids = sorted({i for i in id_numbers if i})
    found: dict[str, list[dict[str, Any]]] = {}
    for lo in range(0, len(ids), 900):
        for r in conn.execute(base.where(claims.c.id_number.in_(ids[lo : lo + 900]))):
            found.setdefault(r.id_number, []).append(claim_row(r, r.amount, r.approved_result))
    return found


def counting() -> Any:
    """The condition "this claims row is a case that counts against the caps" (its latest event is
    approved or paid), for any query over `claims`."""
    from sqlalchemy import select

    from xjma.core.cases import COUNTING
    from xjma.io.ledger.case_tables import case_events
    from xjma.io.ledger.schema import claims

    e = case_events.alias("latest")
    state = select(e.c.state).where(e.c.claim_id == claims.c.id).order_by(e.c.id.desc()).limit(1)
    return state.correlate(claims).scalar_subquery().in_(COUNTING)


def claim_row(r: Any, amount: int | None = None, result: str | None = None) -> dict[str, Any]:
    """A recorded claim as a dict: payout as Decimal (`amount` in fen when given: the approved one),
    inputs and result parsed from JSON (`result` when given)."""
    return {
        "id": int(r.id),
        "claim_key": r.claim_key,
        "id_number": r.id_number,
        "plan": r.plan,
        "benefit": r.benefit,
        "event_date": r.event_date,
        "accident_date": r.accident_date,
        "accident_ref": r.accident_ref,
        "period_start": r.period_start,
        "payout": from_fen(int(r.payout_fen if amount is None else amount)),
        "inputs": _json(r.inputs),
        "result": _json(result if result is not None else r.result),
        "rules_version": r.rules_version,
    }


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def insert_claims(
    conn: Connection,
    results: Sequence[ClaimResult],
    stamp: dt.datetime,
    extra: Sequence[dict[str, Any] | None] | None = None,
) -> list[tuple[int, bool]]:
    """Insert each result's claims row unless its claim_key is recorded (or came earlier in `results`);
    (claims.id, new) per result, in order. `extra[i]` is added to result i's inputs JSON (e.g. the
    enrollment a claims file described). The caller holds the members' lock (lock_members), so no other
    writer records the same claim meanwhile: one lookup, then one multi-row INSERT … RETURNING."""
    from sqlalchemy import select

    from xjma.io.ledger.schema import claims

    rows = []
    for i, result in enumerate(results):
        values = claim_values(result, stamp)
        more = extra[i] if extra is not None else None
        if more:
            values["inputs"] = json.dumps({**claim_inputs(result.claim), **more}, ensure_ascii=False)
        rows.append(values)
    keys = sorted({v["claim_key"] for v in rows})
    known: dict[str, int] = {}
    for lo in range(0, len(keys), 900):
        query = select(claims.c.claim_key, claims.c.id).where(claims.c.claim_key.in_(keys[lo : lo + 900]))
        known.update({k: int(i) for k, i in conn.execute(query)})
    fresh: dict[str, dict[str, Any]] = {}
    for values in rows:
        if values["claim_key"] not in known:
            fresh.setdefault(values["claim_key"], values)
    if fresh:
        insert = claims.insert().returning(claims.c.id, claims.c.claim_key, sort_by_parameter_order=True)
        added = {k: int(i) for i, k in conn.execute(insert, list(fresh.values()))}
    else:
        added = {}
    out: list[tuple[int, bool]] = []
    for values in rows:
        key = values["claim_key"]
        out.append((known[key], False) if key in known else (added[key], fresh.pop(key, None) is not None))
    return out


def claim_values(result: ClaimResult, stamp: dt.datetime) -> dict[str, Any]:
    """The `claims` row of a computed claim (its identity, inputs and result as first computed)."""
    claim = result.claim
    return {
        "claim_key": claim_key(claim),
        "id_number": claim.id_number or "",
        "plan": claim.plan,
        "benefit": claim.benefit,
        "event_date": claim.event_date,
        "accident_date": claim.accident_date,
        "accident_ref": claim.ref,
        "period_start": result.period_start or claim.event_date,
        "payout_fen": to_fen(result.payout),
        "inputs": json.dumps(claim_inputs(claim), ensure_ascii=False),
        "result": json.dumps(result_record(result), ensure_ascii=False),
        "rules_version": result.rules_version,
        "recorded_at": stamp,
    }
