"""Cases written straight into the ledger for the overview tests, as xjma/io/ledger/case_tables.py says a
case is: a `claims` row, its `case_details` row (unless `details=False`: a case recorded before schema
v5) and its `case_events`, oldest first. The case commands of issue 18 are not needed for this."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

_SEQ = itertools.count(1)


@dataclass(frozen=True)
class Event:
    state: str  # submitted | returned | approved | rejected | paid | voided
    at: str  # "2027-03-05 10:00"
    payout_fen: int | None = None  # on submitted and approved
    paid_on: str | None = None  # on paid


def insert_case(
    target: str,
    id_number: str,
    plan: str,
    period_start: str,
    events: Sequence[Event],
    *,
    prefecture: str = "",
    payer: str | None = None,
    details: bool = True,
    benefit: str = "inpatient",
) -> int:
    """Write one case; returns its number (claims.id)."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.case_tables import case_details, case_events
    from xjma.io.ledger.schema import claims

    first = dt.datetime.fromisoformat(events[0].at)
    payout = next((e.payout_fen for e in events if e.payout_fen is not None), 0)
    with open_ledger(target, mode="write") as ledger, ledger.begin() as conn:
        number = conn.execute(
            claims.insert().values(
                claim_key=f"overview-test-{next(_SEQ)}-{id_number}-{plan}-{events[0].at}",
                id_number=id_number,
                plan=plan,
                benefit=benefit,
                event_date=first.date(),
                period_start=dt.date.fromisoformat(period_start),
                payout_fen=payout,
                inputs="{}",
                result="{}",
                rules_version="第四期",
                recorded_at=first,
            )
        ).inserted_primary_key[0]
        if details:
            conn.execute(
                case_details.insert().values(
                    claim_id=number,
                    prefecture=prefecture,
                    payer=payer,
                    settlement_no=f"YB{number}" if payer else None,
                )
            )
        for e in events:
            conn.execute(
                case_events.insert().values(
                    claim_id=number,
                    state=e.state,
                    at=dt.datetime.fromisoformat(e.at),
                    operator="测试员",
                    payout_fen=e.payout_fen,
                    paid_on=dt.date.fromisoformat(e.paid_on) if e.paid_on else None,
                )
            )
    return int(number)
