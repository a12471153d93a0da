"""How the history actions open the ledger: reading never creates or migrates it; writing needs it to
exist already (void, corrections and unit changes act on what was recorded)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from xjma.errors import XjmaError

if TYPE_CHECKING:
    from xjma.io.ledger.db import Ledger


@contextmanager
def reading(db: str | None) -> Iterator[Ledger]:
    """The ledger for a read command; a SQLite file that does not exist is an error, never created."""
    from xjma.io.ledger import open_ledger

    with open_ledger(db, create=False) as ledger:
        if not ledger.exists:
            raise XjmaError(f"台账 {ledger.display} 还不存在")
        yield ledger


@contextmanager
def writing(db: str | None) -> Iterator[Ledger]:
    """The ledger for a change to what was recorded: it must exist."""
    with reading(db) as ledger:
        yield ledger
