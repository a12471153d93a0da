"""The ledger: enrollments and claims in SQLite (default) or PostgreSQL, through SQLAlchemy Core.

`open_ledger(target, mode="read" | "write" | "migrate")` is the one way in (db.py); `Ledger` only holds
the connection. The domain functions take a Ledger or a Connection: history.history_for (a members'
enrollments), batches.record_batch, members.* (member show), fees.fee_figures (fees summary), claims.*.
The tables and migrations are in schema.py; SQLite's kept totals in fee_totals.py, cover_totals.py
(overview) and claim_totals.py (claims summary).
"""

from __future__ import annotations

from xjma.io.ledger.address import default_target, missing_sqlite_file, resolve_url
from xjma.io.ledger.db import OUTDATED, Ledger, open_ledger

__all__ = ["OUTDATED", "Ledger", "default_target", "missing_sqlite_file", "open_ledger", "resolve_url"]
