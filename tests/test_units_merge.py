"""`xjma unit merge` joins two units that stand on their own (office.md §1): a merged FROM or INTO is
refused (exit 2, naming where the unit went), so no merge is made twice and no cycle forms. Both backends."""

from __future__ import annotations

from pathlib import Path

from history_helpers import SCHOOL, TIANSHAN, enroll, figures, school_roster, tianshan_roster, x

OTHER = "巴州天山建设工程公司"


def _two_units_of_bazhou(target: str, tmp_path: Path) -> None:
    enroll(target, tianshan_roster(tmp_path))
    enroll(target, tianshan_roster(tmp_path, unit=OTHER, name="b.xlsx"), "--start", "2027-12-01")


def _merge(target: str, source: str, into: str) -> tuple[int, str]:
    code, _, out = x("unit", "merge", source, into, "--reason", "同一单位", "--db", target)
    return code, out.replace("\n", "")  # rich wraps long lines


def test_a_merge_names_the_unit_merged_into(ledger_target: str, tmp_path: Path) -> None:
    _two_units_of_bazhou(ledger_target, tmp_path)
    code, out = _merge(ledger_target, "6528-00002", "6528-00001")
    assert code == 0, out
    assert f"单位 6528-00002（{OTHER}）已并入 6528-00001（{TIANSHAN}）" in out


def test_merging_back_or_again_is_refused_and_changes_nothing(ledger_target: str, tmp_path: Path) -> None:
    _two_units_of_bazhou(ledger_target, tmp_path)
    assert _merge(ledger_target, "6528-00002", "6528-00001")[0] == 0
    before = figures(ledger_target)
    code, out = _merge(ledger_target, "6528-00001", "6528-00002")  # a cycle
    assert (
        code == 2 and f"单位 6528-00002（{OTHER}）已并入 6528-00001（{TIANSHAN}），请并入 6528-00001" in out
    )
    code, out = _merge(ledger_target, "6528-00002", "6528-00001")  # the same merge again
    assert code == 2 and f"单位 6528-00002（{OTHER}）已并入 6528-00001（{TIANSHAN}），不能再次合并" in out
    assert figures(ledger_target) == before
    code, doc, _ = x("unit", "list", "--db", ledger_target, "--json")
    assert [u["code"] for u in doc["units"]] == ["6528-00001"]


def test_a_merge_into_a_merged_unit_names_where_that_one_went(ledger_target: str, tmp_path: Path) -> None:
    _two_units_of_bazhou(ledger_target, tmp_path)
    enroll(ledger_target, school_roster(tmp_path))
    assert _merge(ledger_target, "6528-00002", "6528-00001")[0] == 0
    code, out = _merge(ledger_target, "6501-00001", "6528-00002")
    assert code == 2 and "已并入 6528-00001" in out and "请并入 6528-00001" in out
    assert _merge(ledger_target, SCHOOL, "6528-00001")[0] == 0
