"""The claims cases' tables (schema v5, office.md §5, §6, §8). Append-only like the rest of the ledger.

A **case** is a `claims` row (its number is `claims.id`: the claim's identity, inputs and the result it
was first computed with) plus:

- `case_details`: one row per case written with it — the submission it came in, its 地州市 and unit
  (from the member's enrollment, for summaries and row-level security), the payee (收款人, 与会员关系,
  开户行, 收款账号), the materials handed in (JSON list), the payer (NULL = the office; "一单结算" for a
  record of the medical-insurance platform) and its 结算编号 (unique: the identity of a platform record).
  A case recorded before schema v5 has none (read with an outer join: the office, no submission).
- `case_events`: every transition (submitted, returned, approved, rejected, paid, voided) with time,
  operator, database role, note and the log entry; `payout_fen` on `submitted` (provisional) and
  `approved` (fixed: what counts against the caps); `paid_on` and `payment_batch_id` on `paid`. A case's
  state is the state of its latest event (highest id); its amount is the payout of its latest
  `approved` event. Only `approved` and `paid` cases count against caps.
- `submissions` (逐级审核汇总: a numbered set of cases from one prefecture or unit) and `payment_batches`
  with `payment_items` (which approved cases a batch pays, the amount and payee as written to the bank
  file). A case in an unconfirmed batch is not put in another; `claim pay --confirm` appends the `paid`
  events.

Ledgers of schema v4 are carried forward by `db migrate`: every recorded claim becomes an `approved`
case at its `recorded_at`, operator "（迁移前记录）", with its stored payout.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, select
from sqlalchemy.engine import Connection

from xjma.io.ledger.metadata import metadata

CASE_STATES = ("submitted", "returned", "approved", "rejected", "paid", "voided")
MIGRATED_OPERATOR = "（迁移前记录）"
MEDICAL_PAYER = "一单结算"

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("operator", Text, nullable=False),
    Column("prefecture", Text, nullable=False, default=""),
    Column("unit", Text, nullable=False, default=""),
    Column("file_name", Text, nullable=True),
    Column("sha256", String(64), nullable=True),
    Column("log_id", Integer, nullable=True),
)

case_details = Table(
    "case_details",
    metadata,
    Column("claim_id", Integer, ForeignKey("claims.id"), primary_key=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=True),
    Column("prefecture", Text, nullable=False, default=""),
    Column("unit", Text, nullable=False, default=""),
    Column("payee", Text, nullable=True),
    Column("payee_relation", Text, nullable=True),
    Column("bank", Text, nullable=True),
    Column("account", Text, nullable=True),
    Column("materials", Text, nullable=False, default="[]"),  # JSON list of names handed in
    Column("payer", Text, nullable=True),
    Column("settlement_no", Text, nullable=True, unique=True),
    Index("ix_case_details_submission", "submission_id"),
    Index("ix_case_details_prefecture", "prefecture"),
)

payment_batches = Table(
    "payment_batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("operator", Text, nullable=False),
    Column("until", Date, nullable=True),
    Column("prefecture", Text, nullable=False, default=""),
    Column("bank_file", Text, nullable=True),
    Column("log_id", Integer, nullable=True),
)

payment_items = Table(
    "payment_items",
    metadata,
    Column("batch_id", Integer, ForeignKey("payment_batches.id"), primary_key=True),
    Column("claim_id", Integer, ForeignKey("claims.id"), primary_key=True),
    Column("amount_fen", Integer, nullable=False),
    Column("payee", Text, nullable=True),
    Column("bank", Text, nullable=True),
    Column("account", Text, nullable=True),
    Index("ix_payment_items_claim", "claim_id"),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", Integer, ForeignKey("claims.id"), nullable=False),
    Column("state", String(16), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("operator", Text, nullable=False),
    Column("db_role", Text, nullable=True),
    Column("note", Text, nullable=True),
    Column("payout_fen", Integer, nullable=True),
    Column("paid_on", Date, nullable=True),
    Column("payment_batch_id", Integer, nullable=True),
    Column("log_id", Integer, nullable=True),
    Index("ix_case_events_claim", "claim_id", "id"),
    Index("ix_case_events_state_at", "state", "at"),
)

CASE_TABLES = (submissions, case_details, payment_batches, payment_items, case_events)


def create_case_tables(conn: Connection) -> None:
    """Schema v5: the case tables; every claim already recorded becomes an approved case."""
    metadata.create_all(conn, tables=list(CASE_TABLES), checkfirst=True)
    claims = metadata.tables["claims"]  # schema.claims (schema imports this module: no import back)
    seen = select(case_events.c.claim_id)
    rows = conn.execute(
        select(claims.c.id, claims.c.recorded_at, claims.c.payout_fen).where(claims.c.id.not_in(seen))
    ).all()
    if rows:
        conn.execute(
            case_events.insert(),
            [
                {
                    "claim_id": i,
                    "state": "approved",
                    "at": at,
                    "operator": MIGRATED_OPERATOR,
                    "payout_fen": fen,
                }
                for i, at, fen in rows
            ],
        )
