"""Problems found in input rows: data with stable kebab-case codes (roster.md), never exceptions."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    row: int  # the Excel row number a person sees
    column: str  # the column header as it appears in the file, "" for a row-level problem
    code: str  # a stable code of roster.md
    severity: str  # "error" | "warning"
    message: str  # Chinese, says how to fix it

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
