"""The claims table: read a member's recorded claims of one plan, record computed claims idempotently.

A claim is identified by its claim_key (sha256 of ID, plan, benefit, event date, 事故编号 and amounts):
recording the same claim twice records it once (INSERT that ignores a duplicate key)."""

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
        for number in sorted(set(id_numbers)):
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%(id)s))", {"id": number})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def read_claims(conn: Connection, id_number: str, plan: str) -> list[dict[str, Any]]:
    """Recorded claims of one member and plan, in event-date order (then recording order); payout
    Decimal, inputs/result parsed."""
    from sqlalchemy import select

    from xjma.io.ledger.schema import claims

    query = (
        select(claims)
        .where(claims.c.id_number == id_number, claims.c.plan == plan)
        .order_by(claims.c.event_date, claims.c.id)
    )
    return [claim_row(r) for r in conn.execute(query)]


def claim_row(r: Any) -> dict[str, Any]:
    """A recorded claim as a dict: payout as Decimal, inputs and result parsed from JSON."""
    return {
        "claim_key": r.claim_key,
        "id_number": r.id_number,
        "plan": r.plan,
        "benefit": r.benefit,
        "event_date": r.event_date,
        "accident_date": r.accident_date,
        "accident_ref": r.accident_ref,
        "period_start": r.period_start,
        "payout": from_fen(int(r.payout_fen)),
        "inputs": _json(r.inputs),
        "result": _json(r.result),
        "rules_version": r.rules_version,
    }


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def record_claims(conn: Connection, results: Sequence[ClaimResult], now: dt.datetime | None = None) -> int:
    """Record computed claims (payout may be 0) in the caller's transaction; returns how many were new."""
    stamp = now or dt.datetime.now()
    added = 0
    insert = _insert_ignoring_duplicates(conn)
    for result in results:
        # RETURNING counts what was really inserted: PostgreSQL's rowcount is -1 here.
        added += len(conn.execute(insert, _values(result, stamp)).fetchall())
    return added


def _values(result: ClaimResult, stamp: dt.datetime) -> dict[str, Any]:
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


def _insert_ignoring_duplicates(conn: Connection) -> Any:
    from xjma.io.ledger.schema import claims

    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(claims).on_conflict_do_nothing(index_elements=["claim_key"]).returning(claims.c.id)
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return (
            sqlite_insert(claims).on_conflict_do_nothing(index_elements=["claim_key"]).returning(claims.c.id)
        )
    return claims.insert().prefix_with("OR IGNORE")
