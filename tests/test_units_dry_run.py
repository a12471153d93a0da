"""`enroll --dry-run` matches the roster's units as enroll does, read only (cli.md: the same JSON), so a
new unit close to a registered one warns `unit-similar` there too. Both backends."""

from __future__ import annotations

from pathlib import Path

from history_helpers import TIANSHAN, figures, tianshan_roster, x

CLOSE = "新疆天山 建设集团有限公司"


def _similar(doc: dict) -> list[dict]:
    return [p for p in doc["problems"] if p["code"] == "unit-similar"]


def test_a_dry_run_warns_unit_similar_as_the_enroll_does(ledger_target: str, tmp_path: Path) -> None:
    first = tianshan_roster(tmp_path)
    assert x("enroll", str(first), "--start", "2026-12-01", "--db", ledger_target)[0] == 0
    close = tianshan_roster(tmp_path, unit=CLOSE, name="close.xlsx")
    run = ("enroll", str(close), "--start", "2027-12-01", "--db", ledger_target, "--json")
    before = figures(ledger_target)
    code, dry, out = x(*run, "--dry-run")
    assert code == 0, out
    assert figures(ledger_target) == before  # nothing registered by the dry run
    code, real, out = x(*run)
    assert code == 0, out
    assert _similar(dry) == _similar(real) and len(_similar(dry)) == 1
    assert f"与台账中的“{TIANSHAN}”（6528-00001）相近" in _similar(dry)[0]["message"]


def test_a_dry_run_without_a_ledger_has_no_unit_similar(tmp_path: Path) -> None:
    target = str(tmp_path / "none.db")
    code, doc, out = x(
        "enroll", str(tianshan_roster(tmp_path)), "--start", "2026-12-01", "--db", target, "--json",
        "--dry-run",
    )  # fmt: skip
    assert code == 0, out
    assert not _similar(doc) and not Path(target).exists()
