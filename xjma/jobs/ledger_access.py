"""How the history actions open the ledger: reading never creates, writes or migrates it (an older ledger
is refused: 台账结构版本较旧); a change to what was recorded needs a ledger that exists already."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from xjma.errors import XjmaError

if TYPE_CHECKING:
    from xjma.io.ledger.db import Ledger


@contextmanager
def reading(db: str | None) -> Iterator[Ledger]:
    """The ledger for a read command; one that does not exist yet is an error, never created."""
    from xjma.io.ledger import open_ledger

    with open_ledger(db, mode="read") as ledger:
        if not ledger.exists:
            raise XjmaError(f"台账 {ledger.display} 还不存在")
        yield ledger


@contextmanager
def writing(db: str | None) -> Iterator[Ledger]:
    """The ledger for a change to what was recorded (void, correction, unit register): it must exist
    and be of the current schema (write mode never migrates)."""
    from xjma.io.ledger import open_ledger

    with reading(db):
        pass
    with open_ledger(db, mode="write") as ledger:
        yield ledger
