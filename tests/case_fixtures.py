"""Cases written straight into the case tables (schema v5, io/ledger/case_tables.py), for the payment and
claims-summary tests: a `claims` row (inputs and result JSON as claim calc records them), its
`case_details` row and the `case_events` of the path the case took (submitted → approved → …)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from xjma.core.claims.model import Claim, ClaimResult, claim_inputs, claim_key, result_record
from xjma.core.money import to_fen


@dataclass(frozen=True)
class Step:
    """One event of a case: state, when (a datetime or a date at 10:00), note, paid date and batch."""

    state: str
    at: dt.datetime
    note: str | None = None
    paid_on: dt.date | None = None
    batch: int | None = None


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour))


def approved_on(day: str) -> list[Step]:
    """Submitted the day before, approved on `day`."""
    return [Step("submitted", at(day) - dt.timedelta(days=1)), Step("approved", at(day))]


def add_case(
    target: str,
    id_number: str,
    *,
    amount: str,
    steps: list[Step],
    plan: str = "inpatient-accident",
    benefit: str = "inpatient",
    event_date: str = "2026-12-05",
    death: bool = False,
    prefecture: str = "乌鲁木齐市",
    unit: str = "乌鲁木齐第一中学",
    payee: str | None = None,
    relation: str | None = None,
    bank: str | None = "中国工商银行乌鲁木齐分行",
    account: str | None = "6222020200112233445",
    row: int | None = None,
) -> int:
    """Write one case; returns its number (claims.id)."""
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.case_tables import case_details, case_events
    from xjma.io.ledger.schema import claims

    claim = Claim(plan, benefit, dt.date.fromisoformat(event_date), id_number, row, death=death)
    payout = Decimal(amount)
    result = ClaimResult(claim, payout, "第四期", 5, steps=(f"给付 {amount} 元",))
    with open_ledger(target, mode="write") as ledger, ledger.begin() as conn:
        case = conn.execute(
            claims.insert().values(
                claim_key=claim_key(claim),
                id_number=id_number,
                plan=plan,
                benefit=benefit,
                event_date=claim.event_date,
                period_start=dt.date(2026, 12, 1),
                payout_fen=to_fen(payout),
                inputs=json.dumps(claim_inputs(claim), ensure_ascii=False),
                result=json.dumps(result_record(result), ensure_ascii=False),
                rules_version="第四期",
                recorded_at=steps[0].at,
            )  # fmt: skip
        ).inserted_primary_key[0]
        conn.execute(
            case_details.insert().values(
                claim_id=case,
                prefecture=prefecture,
                unit=unit,
                payee=payee,
                payee_relation=relation,
                bank=bank,
                account=account,
                materials="[]",
            )  # fmt: skip
        )
        for s in steps:
            fen = to_fen(payout) if s.state in ("submitted", "approved") else None
            conn.execute(
                case_events.insert().values(
                    claim_id=case,
                    state=s.state,
                    at=s.at,
                    operator="测试员",
                    note=s.note,
                    payout_fen=fen,
                    paid_on=s.paid_on,
                    payment_batch_id=s.batch,
                )  # fmt: skip
            )
    return int(case)
