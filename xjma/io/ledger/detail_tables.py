"""Member details as each batch gave them (schema v6): phone, 用工形式, 聘用期限, 是否工会会员 — what the
renewal roster pre-fills (office.md §4). Append-only: one row per member per batch; a member's details
now are those of the latest batch, or of a later correction (`member correct`, member_changes).

In the ledger's one `metadata`, so `db copy` copies it."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from xjma.io.ledger.metadata import metadata

member_details = Table(
    "member_details",
    metadata,
    Column("batch_id", Integer, ForeignKey("batches.id"), primary_key=True),
    Column("id_number", String(18), primary_key=True),
    Column("phone", Text, nullable=True),
    Column("employment", Text, nullable=True),
    Column("term_months", Integer, nullable=True),
    Column("union_member", Integer, nullable=True),  # 1 是 / 0 否
    Index("ix_member_details_member", "id_number", "batch_id"),
)

DETAIL_TABLES = (member_details,)
