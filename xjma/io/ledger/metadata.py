"""The ledger's one SQLAlchemy MetaData (schema.py and history_tables.py add their tables to it; db copy
copies every table in it) and the name and key of PostgreSQL's no-overlap constraint, shared by the
migrations of both modules."""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()

NO_OVERLAP = "ex_enrollments_member_plan_period"
# Led by a 64-bit hash of (member, plan): the GiST tree then groups each member's enrollments, and adding
# 195,000 enrollments costs about 2.8 s instead of 10 s with (id_number, plan, period) alone. Exact all
# the same: two rows conflict only when member and plan are equal too (a hash collision refuses nothing).
_NO_OVERLAP_KEY = (
    "hashtextextended(id_number || ' ' || plan, 0) WITH =, id_number WITH =, plan WITH =, "
    "daterange(start, \"end\", '[]') WITH &&"
)
