"""The ledger: enrollments and claims in SQLite (default) or PostgreSQL, through SQLAlchemy Core.

`open_ledger(target, create=True)` is the way in; the tables are in `schema` (the claims table is shared
with xjma/io/ledger/claims.py).
"""

from __future__ import annotations

from xjma.io.ledger.db import Ledger, default_target, missing_sqlite_file, open_ledger, resolve_url

__all__ = ["Ledger", "default_target", "missing_sqlite_file", "open_ledger", "resolve_url"]
