"""A roster run again under another spelling of the same registered unit records nothing new (cli.md
enroll `already_recorded`; office.md §1: a unit is matched by USCC, else by exact name or alias, merges
followed). Both backends."""

from __future__ import annotations

from pathlib import Path

from history_helpers import TIANSHAN, tianshan_roster, uscc_roster, x


def _run(target: str, roster: Path, *extra: str) -> tuple[int, dict, str]:
    return x("enroll", str(roster), "--start", "2026-12-01", "--db", target, "--json", *extra)


def _codes(doc: dict) -> list[str]:
    return [p["code"] for p in doc["problems"]]


def test_a_renamed_unit_under_its_new_name_is_already_recorded(ledger_target: str, tmp_path: Path) -> None:
    assert _run(ledger_target, tianshan_roster(tmp_path))[0] == 0
    new = "新疆天山建设集团股份有限公司"
    assert x("unit", "rename", "6528-00001", new, "--reason", "改制", "--db", ledger_target)[0] == 0
    code, doc, out = _run(ledger_target, tianshan_roster(tmp_path, unit=new, name="renamed.xlsx"))
    assert code == 0, out
    assert (doc["enrolled"], doc["already_recorded"]) == (0, 1)
    assert "already-enrolled" not in _codes(doc)


def test_a_unit_merged_into_another_is_that_unit_for_a_re_run(ledger_target: str, tmp_path: Path) -> None:
    assert _run(ledger_target, tianshan_roster(tmp_path))[0] == 0
    other = "巴州天山建设工程公司"
    code, doc, out = x(
        "enroll", str(tianshan_roster(tmp_path, unit=other, name="o.xlsx")), "--start", "2027-12-01",
        "--db", ledger_target, "--json",
    )  # fmt: skip
    assert code == 0, out
    assert x("unit", "merge", "6528-00001", "6528-00002", "--reason", "合并", "--db", ledger_target)[0] == 0
    code, doc, out = _run(ledger_target, tianshan_roster(tmp_path, unit=other, name="again.xlsx"))
    assert code == 0, out
    assert (doc["enrolled"], doc["already_recorded"]) == (0, 1)


def test_the_same_uscc_under_another_name_is_already_recorded(ledger_target: str, tmp_path: Path) -> None:
    assert _run(ledger_target, uscc_roster(tmp_path, "a.xlsx", TIANSHAN))[0] == 0
    code, doc, out = _run(ledger_target, uscc_roster(tmp_path, "b.xlsx", "完全不同的名字"))
    assert code == 0, out
    assert (doc["enrolled"], doc["already_recorded"]) == (0, 1)


def test_another_unit_of_the_same_member_and_period_is_still_already_enrolled(
    ledger_target: str, tmp_path: Path
) -> None:
    assert _run(ledger_target, tianshan_roster(tmp_path))[0] == 0
    code, doc, _ = _run(ledger_target, tianshan_roster(tmp_path, unit="巴州另一家公司", name="b.xlsx"))
    assert code == 1 and "already-enrolled" in _codes(doc)
