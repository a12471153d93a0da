"""A roster as checked: the table read, the check's rows and problems, and what the report needs.

The validate action builds it; the 检查结果 workbook (io/report_xlsx) and the JSON document read it."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from xjma.core.checks import RosterCheck
from xjma.core.model import Enrollment
from xjma.core.prefectures import Prefectures
from xjma.core.problems import ERROR, WARNING, Problem
from xjma.core.rules import Rules
from xjma.io.sheets import Table


@dataclass
class ValidationOutcome:
    table: Table
    check: RosterCheck
    start: dt.date
    rules: Rules
    prefectures: Prefectures
    ledger_used: bool
    # ID number -> recorded enrollments of every row with a valid ID; None when checked without a ledger
    history: dict[str, list[Enrollment]] | None = None
    # The cells as read of every row with a problem (the report shows them), kept while read or
    # found in a second pass.
    problem_cells: dict[int, list[Any]] = field(default_factory=dict)
    # Row -> its valid 统一社会信用代码 (the row's own, else the file-level one): enroll matches units by
    # it (office.md §1).
    uscc: dict[int, str] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.table.file

    @property
    def sheet(self) -> str:
        return self.table.sheet

    @property
    def rows(self) -> int:
        """The number of member rows read (as `check.rows`; totals rows are not members)."""
        return len(self.check.rows)

    @property
    def problems(self) -> list[Problem]:
        return self.check.problems

    @property
    def errors(self) -> int:
        return sum(1 for p in self.check.problems if p.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.check.problems if p.severity == WARNING)

    @property
    def valid_rows(self) -> int:
        error_rows = self.check.error_rows
        return sum(1 for row in self.check.rows if row.row not in error_rows)

    def counts(self) -> Counter[str]:
        return Counter(p.code for p in self.check.problems)

    def prefectures_seen(self) -> list[str]:
        """The roster's 地州市 in short form, in order of first appearance (for the contact)."""
        return list(self._prefectures_seen)

    @functools.cached_property
    def _prefectures_seen(self) -> tuple[str, ...]:
        # one pass over the rows, however many sheets ask (the report's issuer and its contacts)
        seen: dict[str, None] = {}
        for row in self.check.rows:
            if row.prefecture:
                seen.setdefault(row.prefecture, None)
        return tuple(seen)
