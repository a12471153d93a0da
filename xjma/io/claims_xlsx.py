"""The claims workbook in (roster.md "Claims file"); the settlement workbook out is io/settlement_xlsx."""

from __future__ import annotations

from pathlib import Path

from xjma.core.columns import CLAIMS_FIELDS
from xjma.errors import XjmaError


def read_claims_file(path: Path, sheet: str | None = None) -> list[tuple[int, dict[str, object]]]:
    """Every data row of a claims file: (Excel row, field -> raw cell). XjmaError when it cannot be read."""
    from xjma.io.sheets import read_table

    table = read_table(path, CLAIMS_FIELDS, sheet=sheet, key_fields=("id_number",))
    missing = [
        f.header
        for f in CLAIMS_FIELDS
        if f.name in ("plan", "benefit", "event_date") and f.name not in table.columns
    ]
    if missing:
        raise XjmaError(f"理赔明细 {path} 缺少必需的列：{'、'.join(missing)}")
    return [(raw.row, {f.name: table.value(raw, f.name) for f in CLAIMS_FIELDS}) for raw in table.rows]


def clean(value: object) -> str:
    from xjma.io.xlsx_util import cell_text

    return cell_text(value)
