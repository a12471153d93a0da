"""`xjma log` (office.md §0): the writes recorded in the ledger, filtered, page by page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from xjma.errors import XjmaError

KINDS = (
    "enroll", "void", "member-correct", "member-merge", "unit-rename", "unit-alias", "unit-merge",
    "claim-submit", "claim-approve", "claim-return", "claim-reject", "claim-pay", "claim-void",
    "medical-import", "db-copy", "db-migrate", "db-grant",
)  # fmt: skip


def log_entries(db: str | None, f: Any) -> Iterator[Any]:
    """The matching entries (io.ledger.log.LogRecord), oldest first; read a page at a time while the
    caller consumes them. `f` is an io.ledger.log.LogFilter whose `unit` may be any UNIT spelling."""
    from dataclasses import replace

    from xjma.io.ledger.changes import former_numbers
    from xjma.io.ledger.log import read_log
    from xjma.io.ledger.unit_register import find_unit, read_units_named
    from xjma.jobs.ledger_access import reading

    if f.kind and f.kind not in KINDS:
        raise XjmaError(f"--kind 应为以下之一：{'、'.join(KINDS)}")
    with reading(db) as ledger, ledger.connect() as conn:
        codes: list[str | None] = [None]
        if f.unit:
            named = find_unit(read_units_named(conn, f.unit), f.unit)  # the few units the text may name
            if not named:
                raise XjmaError(f"台账中没有单位“{f.unit}”")
            codes = [s.code for s in named]
        if f.member:  # entries recorded under the member's former numbers are the member's too
            f = replace(f, former=former_numbers(conn, f.member))
        for code in codes:
            yield from read_log(conn, replace(f, unit=code))
