"""`unit list --prefecture` and `batch list --prefecture` take any spelling prefectures.md accepts (all map
to the short form) and refuse an unknown one as member correct does (exit 2). Both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from history_helpers import SCHOOL, TIANSHAN, A, enroll, school_roster, tianshan_roster, x


@pytest.mark.parametrize("spelling", ["乌鲁木齐", "乌鲁木齐市"])
def test_unit_and_batch_list_resolve_an_accepted_spelling(
    ledger_target: str, tmp_path: Path, spelling: str
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    enroll(ledger_target, tianshan_roster(tmp_path))
    code, doc, out = x("unit", "list", "--prefecture", spelling, "--db", ledger_target, "--json")
    assert code == 0, out
    assert [u["name"] for u in doc["units"]] == [SCHOOL]
    code, doc, out = x("batch", "list", "--prefecture", spelling, "--db", ledger_target, "--json")
    assert code == 0, out
    assert len(doc["batches"]) == 1


def test_bazhou_by_its_official_name(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, tianshan_roster(tmp_path))
    code, doc, _ = x("unit", "list", "--prefecture", "巴音郭楞蒙古自治州", "--db", ledger_target, "--json")
    assert code == 0 and [u["name"] for u in doc["units"]] == [TIANSHAN]


@pytest.mark.parametrize("command", ["unit", "batch"])
def test_an_unknown_prefecture_is_a_bad_option(ledger_target: str, tmp_path: Path, command: str) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    code, _, out = x(command, "list", "--prefecture", "火星", "--db", ledger_target)
    assert code == 2 and "--prefecture 不是已知的地州市：火星" in out.replace("\n", "")
    corrected = x("member", "correct", A, "--prefecture", "火星", "--reason", "r", "--db", ledger_target)
    assert corrected[0] == 2 and "--prefecture 不是已知的地州市：火星" in corrected[2].replace("\n", "")
