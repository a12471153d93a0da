"""The office-year listings on an 80-column terminal (documents.md "The terminal"): unit and batch
listings wrap long unit names instead of cutting them behind "…"."""

from __future__ import annotations

from pathlib import Path

import pytest
from terminal80 import at_80_columns, hidden_behind_ellipsis

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("screens") / "x.db")
    roster = str(SAMPLES / "roster_clean.xlsx")
    result = at_80_columns(["enroll", roster, "--start", "2026-12-01", "--paid-on", "2026-11-28", "--db", db])
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize(
    "args",
    [["unit", "list"], ["unit", "show", "6501-00001"], ["batch", "list"], ["batch", "show", "1"]],
    ids=" ".join,
)
def test_office_listings_show_every_unit_name_whole_at_80_columns(ledger: str, args: list[str]) -> None:
    result = at_80_columns([*args, "--db", ledger])
    assert result.exit_code == 0, result.output
    assert hidden_behind_ellipsis(result.output) == []
    assert "新疆天山" in result.output and "有限公司" in result.output  # wrapped in its cell, not cut


def test_renewals_due_shows_every_unit_name_whole_at_80_columns(ledger: str) -> None:
    result = at_80_columns(
        ["renewals", "due", "--before", "2027-12-31", "--db", ledger, "-o", ledger + ".due.xlsx"]
    )
    assert result.exit_code == 0, result.output
    assert hidden_behind_ellipsis(result.output) == []
    assert "新疆天山" in result.output and "有限公司" in result.output
