"""Claims cases in the ledger (office.md §5; tables in case_tables.py): record cases, append their
events, read them back as core.cases views.

Every function works in the caller's transaction; the caller (jobs/cases.py, jobs/claims.py, the payments
and medical jobs) holds the members' lock (io/ledger/claims.lock_members) and writes the log entry whose
id the events carry. Nothing is deleted and a transition is a new case_events row; the one update is a
returned case re-submitted with corrected amounts (io/ledger/case_matches.correct_claims).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from xjma.core.actor import Actor
from xjma.core.cases import CaseEvent, CaseFacts, CaseView, case_view
from xjma.core.claims.model import ClaimResult, result_record
from xjma.core.money import from_fen, to_fen
from xjma.io.ledger.case_tables import case_details, case_events, payment_items, submissions
from xjma.io.ledger.claim_totals import refresh_claim_totals
from xjma.io.ledger.log import db_role
from xjma.io.ledger.schema import claims

CHUNK = 900


@dataclass(frozen=True)
class NewEvent:
    """A transition to append: `payout` on submitted/approved, `paid_on` and `payment_batch` on paid,
    `submission` and `materials` on submitted, `result` (the computation's result) on submitted and
    approved when it differs from the claims row's."""

    claim_id: int
    state: str
    note: str | None = None
    payout: Decimal | None = None
    paid_on: dt.date | None = None
    payment_batch: int | None = None
    submission: int | None = None
    materials: Sequence[str] | None = None
    result: ClaimResult | None = None


@dataclass(frozen=True)
class NewCase:
    """A case to record: its computed result, the enrollment its file described (None: the ledger's),
    and what case_details holds."""

    result: ClaimResult
    facts: CaseFacts
    enrollment: dict[str, Any] | None = None


@dataclass(frozen=True)
class StoredCase:
    """A case as read back: its claims row (io/ledger/claims.claim_row form), facts and view."""

    claim: dict[str, Any]
    facts: CaseFacts
    view: CaseView

    @property
    def id(self) -> int:
        return self.view.case


@dataclass(frozen=True)
class CaseFilter:
    state: str | None = None
    prefecture: str | None = None
    member: str | None = None
    submission: int | None = None
    ids: tuple[int, ...] | None = None


# ---------------------------------------------------------------- writing


def add_submission(
    conn: Connection,
    actor: Actor,
    prefecture: str,
    unit: str,
    file_name: str | None,
    sha256: str | None,
    log_id: int | None,
) -> int:
    """A new numbered submission (逐级审核汇总); returns its number."""
    key = conn.execute(
        submissions.insert().values(
            at=actor.at,
            operator=actor.operator,
            prefecture=prefecture,
            unit=unit,
            file_name=file_name,
            sha256=sha256,
            log_id=log_id,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def record_cases(
    conn: Connection, cases: Sequence[NewCase], stamp: dt.datetime, submission: int | None
) -> list[tuple[int, bool]]:
    """The claims rows and case_details of new cases (a claim_key already recorded is left as it is);
    (case number, new) per case, in order. The events are the caller's (append_events)."""
    from xjma.io.ledger.claims import insert_claims

    extra = [{"enrollment": c.enrollment, "name": c.facts.name or None} for c in cases]
    ids = insert_claims(conn, [c.result for c in cases], stamp, extra)
    details = [
        _details(case_id, c.facts, submission) for (case_id, new), c in zip(ids, cases, strict=True) if new
    ]
    if details:
        conn.execute(case_details.insert(), details)
    return ids


def _details(case_id: int, f: CaseFacts, submission: int | None) -> dict[str, Any]:
    return {
        "claim_id": case_id,
        "submission_id": submission,
        "prefecture": f.prefecture,
        "unit": f.unit,
        "payee": f.payee,
        "payee_relation": f.payee_relation,
        "bank": f.bank,
        "account": f.account,
        "materials": json.dumps(list(f.materials), ensure_ascii=False),
        "payer": f.payer,
        "settlement_no": f.settlement_no,
    }


def append_events(conn: Connection, events: Sequence[NewEvent], actor: Actor, log_id: int | None) -> None:
    """Append the transitions (the caller checked them with core.cases.transition), all at actor.at."""
    if not events:
        return
    role = db_role(conn)
    conn.execute(
        case_events.insert(),
        [
            {
                "claim_id": e.claim_id,
                "state": e.state,
                "at": actor.at,
                "operator": actor.operator,
                "db_role": role,
                "note": e.note,
                "payout_fen": to_fen(e.payout) if e.payout is not None else None,
                "paid_on": e.paid_on,
                "payment_batch_id": e.payment_batch,
                "log_id": log_id,
                "submission_id": e.submission,
                "materials": json.dumps(list(e.materials), ensure_ascii=False)
                if e.materials is not None
                else None,
                "result": json.dumps(result_record(e.result), ensure_ascii=False)
                if e.result is not None
                else None,
            }
            for e in events
        ],
    )
    refresh_claim_totals(conn)  # a SQLite ledger's claim totals, in the same transaction


# ---------------------------------------------------------------- reading


def current_states(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    """Case number -> its state (the state of its latest event); a number with no event is absent."""
    wanted = sorted(set(ids))
    latest = select(case_events.c.claim_id, func.max(case_events.c.id).label("last")).group_by(
        case_events.c.claim_id
    )
    out: dict[int, str] = {}
    for lo in range(0, len(wanted), CHUNK):
        part = latest.where(case_events.c.claim_id.in_(wanted[lo : lo + CHUNK])).subquery()
        query = select(case_events.c.claim_id, case_events.c.state).join(
            part, part.c.last == case_events.c.id
        )
        out.update({int(i): s for i, s in conn.execute(query)})
    return out


def read_cases(conn: Connection, ids: Iterable[int]) -> list[StoredCase]:
    """The cases with these numbers (unknown numbers left out), in number order."""
    return _read(conn, sorted(set(ids)))


def list_cases(conn: Connection, f: CaseFilter) -> list[StoredCase]:
    """The cases matching the filter, in number order."""
    return _read(conn, case_ids(conn, f))


def case_ids(conn: Connection, f: CaseFilter) -> list[int]:
    """The numbers of the cases matching the filter, in order (without reading the cases whole)."""
    c = claims.c
    query = select(c.id).select_from(claims.outerjoin(case_details, case_details.c.claim_id == c.id))
    if f.member:
        query = query.where(c.id_number == f.member)
    if f.prefecture:
        query = query.where(case_details.c.prefecture == f.prefecture)
    if f.submission is not None:
        came = select(case_events.c.claim_id).where(case_events.c.submission_id == f.submission)
        query = query.where(or_(case_details.c.submission_id == f.submission, c.id.in_(came)))
    if f.ids is not None:
        query = query.where(c.id.in_(list(f.ids)))
    ids = [int(i) for (i,) in conn.execute(query.order_by(c.id))]
    if f.state:
        states = current_states(conn, ids)
        ids = [i for i in ids if states.get(i) == f.state]
    if f.submission is not None:
        latest = _latest_submissions(conn, ids)
        ids = [i for i in ids if latest.get(i, f.submission) == f.submission]
    return ids


def _latest_submissions(conn: Connection, ids: list[int]) -> dict[int, int]:
    """Case number -> the submission of its latest submitted event that names one (a re-submission
    moves a case to the new submission); cases without one are absent (case_details decides)."""
    e = case_events.c
    out: dict[int, int] = {}
    for lo in range(0, len(ids), CHUNK):
        query = (
            select(e.claim_id, e.submission_id)
            .where(e.claim_id.in_(ids[lo : lo + CHUNK]), e.state == "submitted", e.submission_id.is_not(None))
            .order_by(e.id)
        )
        out.update({int(i): int(n) for i, n in conn.execute(query)})
    return out


def case_members(conn: Connection, ids: Iterable[int]) -> set[str]:
    """The ID numbers of the members of these cases (what lock_members holds)."""
    wanted = sorted(set(ids))
    found: set[str] = set()
    for lo in range(0, len(wanted), CHUNK):
        query = select(claims.c.id_number).where(claims.c.id.in_(wanted[lo : lo + CHUNK])).distinct()
        found.update(n for (n,) in conn.execute(query) if n)
    return found


def submission_exists(conn: Connection, number: int) -> bool:
    return conn.execute(select(submissions.c.id).where(submissions.c.id == number)).first() is not None


def _read(conn: Connection, ids: list[int]) -> list[StoredCase]:
    from xjma.io.ledger.claims import claim_row

    rows: dict[int, Any] = {}
    facts: dict[int, CaseFacts] = {}
    events: dict[int, list[CaseEvent]] = {}
    results: dict[int, str | None] = {}
    for lo in range(0, len(ids), CHUNK):
        part = ids[lo : lo + CHUNK]
        query = select(claims, *_DETAIL_COLUMNS).select_from(
            claims.outerjoin(case_details, case_details.c.claim_id == claims.c.id)
        )
        for r in conn.execute(query.where(claims.c.id.in_(part))):
            rows[int(r.id)] = r
            facts[int(r.id)] = _facts(r, _name(r.inputs))
        batched = select(payment_items.c.claim_id, payment_items.c.batch_id).where(
            payment_items.c.claim_id.in_(part)
        )
        for claim_id, batch_id in conn.execute(batched.order_by(payment_items.c.batch_id)):
            if int(claim_id) in facts:  # the latest batch it was put in
                facts[int(claim_id)] = replace(facts[int(claim_id)], payment_batch=int(batch_id))
        for e in conn.execute(
            select(case_events).where(case_events.c.claim_id.in_(part)).order_by(case_events.c.id)
        ):
            events.setdefault(int(e.claim_id), []).append(_event(e))
            if e.state in ("submitted", "approved"):
                results[int(e.claim_id)] = e.result
    out = []
    for i in ids:
        if i not in rows or i not in events:
            continue
        view = case_view(i, events[i], facts[i])
        latest = results.get(i)
        row = claim_row(rows[i], to_fen(view.payout), latest)
        out.append(StoredCase(row, facts[i], view))
    return out


_DETAIL_COLUMNS = (
    case_details.c.submission_id,
    case_details.c.prefecture.label("d_prefecture"),
    case_details.c.unit.label("d_unit"),
    case_details.c.payee,
    case_details.c.payee_relation,
    case_details.c.bank,
    case_details.c.account,
    case_details.c.materials,
    case_details.c.payer,
    case_details.c.settlement_no,
)


def _name(inputs: str | None) -> str:
    try:
        data = json.loads(inputs) if inputs else {}
    except ValueError:
        return ""
    return str(data.get("name") or "") if isinstance(data, dict) else ""


def _facts(r: Any, name: str) -> CaseFacts:
    return CaseFacts(
        name=name,
        submission=int(r.submission_id) if r.submission_id is not None else None,
        prefecture=r.d_prefecture or "",
        unit=r.d_unit or "",
        payee=r.payee,
        payee_relation=r.payee_relation,
        bank=r.bank,
        account=r.account,
        materials=tuple(_list(r.materials)),
        payer=r.payer,
        settlement_no=r.settlement_no,
    )


def _event(e: Any) -> CaseEvent:
    return CaseEvent(
        id=int(e.id),
        state=e.state,
        at=e.at,
        operator=e.operator,
        note=e.note,
        payout=from_fen(int(e.payout_fen)) if e.payout_fen is not None else None,
        paid_on=e.paid_on,
        payment_batch=int(e.payment_batch_id) if e.payment_batch_id is not None else None,
        submission=int(e.submission_id) if e.submission_id is not None else None,
        materials=tuple(_list(e.materials)) if e.materials is not None else None,
    )


def _list(text: str | None) -> list[str]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
