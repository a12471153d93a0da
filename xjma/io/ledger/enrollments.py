"""Deprecated location (kept for this session's callers): the names that lived here, now in their own
modules — history.py (read_enrollments_for, history_for), batches.py (BatchInfo, LedgerConflict,
record_batch, count_rows, overlaps_another_batch), batches_postgres.py (has_overlap_constraint),
members.py (MemberInfo, read_member, read_member_enrollments, read_claims_paid), fees.py (read_fees),
fee_totals.py (refresh_fee_totals). Import from those."""

from __future__ import annotations

from xjma.io.ledger.batches import (
    BatchInfo,
    LedgerConflict,
    count_rows,
    overlaps_another_batch,
    record_batch,
    sqlite_cache_kib,
)
from xjma.io.ledger.batches_postgres import has_overlap_constraint
from xjma.io.ledger.fee_totals import refresh_fee_totals
from xjma.io.ledger.fees import read_fees
from xjma.io.ledger.history import CHUNK, read_enrollments_for
from xjma.io.ledger.members import MemberInfo, read_claims_paid, read_member, read_member_enrollments

__all__ = [
    "CHUNK",
    "BatchInfo",
    "LedgerConflict",
    "MemberInfo",
    "count_rows",
    "has_overlap_constraint",
    "overlaps_another_batch",
    "read_claims_paid",
    "read_enrollments_for",
    "read_fees",
    "read_member",
    "read_member_enrollments",
    "record_batch",
    "refresh_fee_totals",
    "sqlite_cache_kib",
]
