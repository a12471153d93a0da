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
  `approved` (fixed: what counts against the caps), with the result JSON of that computation; `paid_on` and `payment_batch_id` on `paid`. A case's
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
    # Added by the cases work (additive, nullable): on `submitted` the submission it came in and the
    # materials handed in with it (JSON list; a re-submitted case brings what was missing); on `submitted`
    # and `approved` the result JSON of that computation (NULL: the claims row's), so that the effects
    # later claims fold are those of the amount that counts.
    Column("submission_id", Integer, nullable=True),
    Column("materials", Text, nullable=True),
    Column("result", Text, nullable=True),
    Index("ix_case_events_claim", "claim_id", "id"),
    Index("ix_case_events_state_at", "state", "at"),
    # covering what `claims summary` reads of a year's events (state, time, case, payout): about half
    # its time over 240,000 cases (SQLite: no visit to the table per event)
    Index("ix_case_events_summary", "state", "at", "claim_id", "payout_fen"),
)

CASE_TABLES = (submissions, case_details, payment_batches, payment_items, case_events)

# The overview (office.md §7, io/ledger/overview.py) over the region's 2.4M enrollments and 240k cases:
# partial covering indexes of the live enrollments, so that each of its passes reads one index in its
# order and never the table nor a sort — the groups by 地州市, plan, unit and period (units, enrollments,
# earned fees, fees), and the distinct members overall, per 地州市 and per plan (COUNT DISTINCT over IDs
# read in order); voided_by is a column of each so that SQLite sees them as covering. And the cases'
# events in claim order with their state (each case's latest event in one pass). Additive: created with
# the case tables; a ledger without them gives the same figures, slower.
OVERVIEW_INDEXES = {
    "ix_enrollments_overview_groups": 'prefecture, plan, unit, start, "end", paid_on, fee_fen, voided_by',
    "ix_enrollments_overview_members": 'id_number, start, "end", voided_by',
    "ix_enrollments_overview_prefecture": 'prefecture, id_number, start, "end", voided_by',
    "ix_enrollments_overview_plan": 'plan, id_number, start, "end", voided_by',
}
CASE_STATE_INDEX = "ix_case_events_claim_state"


def create_overview_indexes(conn: Connection) -> None:
    for name, columns in OVERVIEW_INDEXES.items():
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {name} ON enrollments ({columns}) WHERE voided_by IS NULL"
        )
    conn.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {CASE_STATE_INDEX} ON case_events (claim_id, id, state)"
    )


def create_case_tables(conn: Connection) -> None:
    """Schema v5: the case tables; every claim already recorded becomes an approved case."""
    metadata.create_all(conn, tables=list(CASE_TABLES), checkfirst=True)
    create_overview_indexes(conn)
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
