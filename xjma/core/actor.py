"""Who writes and when (office.md §0): handed to every writing action."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The operator named by the command (option, $XJMA_OPERATOR or the OS user), the moment, and the
    xjma version. The database role is read from the connection when writing, never given."""

    operator: str
    at: dt.datetime
    version: str
