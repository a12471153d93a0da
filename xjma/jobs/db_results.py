"""The typed results of `xjma db init|check|migrate|copy` (commands/documents turns them into
the cli.md JSON documents). Money is Decimal yuan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TableFigures:
    """A table's row count and totals: "shares" a count, "fee" and "payout" Decimal yuan."""

    rows: int
    sums: dict[str, int | Decimal]


LedgerFigures = dict[str, TableFigures]


@dataclass(frozen=True)
class InitResult:
    db: str
    backend: str
    created: bool
    schema_version: int
    tables: LedgerFigures


@dataclass(frozen=True)
class CheckResult:
    db: str
    backend: str
    server: str
    schema_version: int
    expected_version: int
    tables: LedgerFigures  # empty unless up to date
    overlap_guard: str | None  # None unless up to date

    @property
    def up_to_date(self) -> bool:
        return self.schema_version == self.expected_version

    @property
    def exit_code(self) -> int:
        """0 up to date; 1 a migration is due (or no tables yet)."""
        return 0 if self.up_to_date else 1


@dataclass(frozen=True)
class MigrateResult:
    db: str
    backend: str
    from_version: int
    schema_version: int

    @property
    def migrated(self) -> bool:
        return self.from_version != self.schema_version


@dataclass(frozen=True)
class TableComparison:
    table: str
    source: TableFigures
    target: TableFigures | None

    @property
    def match(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str
    tables: list[TableComparison]

    @property
    def match(self) -> bool:
        return all(t.match for t in self.tables)
