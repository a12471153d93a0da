"""The unit register (office.md §1) through the CLI: matching on enroll, the unit-similar warning, list,
show, rename, alias and merge; bad requests change nothing. Both backends."""

from __future__ import annotations

from pathlib import Path

from history_helpers import (
    SCHOOL,
    TIANSHAN,
    A,
    B,
    C,
    enroll,
    figures,
    school_roster,
    tianshan_roster,
    uscc_roster,
    x,
)


def _units(target: str) -> list[tuple[str, str, int]]:
    code, doc, out = x("unit", "list", "--db", target, "--json")
    assert code == 0, out
    return [(u["code"], u["name"], u["members"]) for u in doc["units"]]


def test_each_new_unit_gets_a_code_of_its_prefecture_and_a_known_one_is_matched(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    enroll(ledger_target, tianshan_roster(tmp_path))
    enroll(
        ledger_target,
        tianshan_roster(tmp_path, unit=f" {TIANSHAN} ", name="again.xlsx"),
        "--start",
        "2027-12-01",
    )
    assert _units(ledger_target) == [("6501-00001", SCHOOL, 2), ("6528-00001", TIANSHAN, 1)]
    code, doc, _ = x("unit", "list", "--prefecture", "巴州", "--db", ledger_target, "--json")
    assert doc == {
        "units": [{"code": "6528-00001", "name": TIANSHAN, "prefecture": "巴州", "uscc": None, "members": 1}]
    }


def test_a_new_name_close_to_a_registered_unit_warns_unit_similar(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, tianshan_roster(tmp_path))
    close = "新疆天山 建设集团有限公司"
    doc = enroll(
        ledger_target, tianshan_roster(tmp_path, unit=close, name="close.xlsx"), "--start", "2027-12-01"
    )
    warning = [p for p in doc["problems"] if p["code"] == "unit-similar"]
    assert len(warning) == 1 and warning[0]["severity"] == "warning" and warning[0]["row"] == 2
    assert warning[0]["message"] == (
        f"工作单位“{close}”与台账中的“{TIANSHAN}”（6528-00001）相近：是同一单位请用台账中的名称，"
        f"或登记为别名：xjma unit alias 6528-00001 {close}"
    )
    assert [c for c, _, _ in _units(ledger_target)] == ["6528-00001", "6528-00002"]


def test_unit_show_gives_members_per_plan_periods_fees_and_claims(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    x("claim", "calc", "--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind", "life",
      "--grade", "10", "--event-date", "2027-02-01", "--id", C, "--db", ledger_target)  # fmt: skip
    x("void", "--id", B, "--plan", "住院+意外", "--reason", "录错", "--db", ledger_target)
    code, doc, out = x("unit", "show", SCHOOL, "--as-of", "2027-01-01", "--db", ledger_target, "--json")
    assert code == 0, out
    assert doc == {
        "code": "6501-00001", "name": SCHOOL, "prefecture": "乌鲁木齐市", "uscc": None, "aliases": [],
        "members": 1,
        "plans": {"inpatient-accident": {"members": 1, "shares": 1}, "critical-illness": {"members": 1, "shares": 1}},
        "periods": [{"start": "2026-12-01", "end": "2027-11-30", "members": 1, "fee": "150.00"}],
        "fees_paid": "150.00", "claims_paid": "0.00",
    }  # fmt: skip
    before = x("unit", "show", "6501-00001", "--as-of", "2026-11-30", "--db", ledger_target, "--json")[1]
    assert before["members"] == 0 and before["plans"] == {}


def test_a_renamed_unit_keeps_its_old_name_as_alias_and_rosters_still_match(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, tianshan_roster(tmp_path))
    code, _, out = x(
        "unit", "rename", "6528-00001", "天山建设集团", "--reason", "更名", "--db", ledger_target
    )
    assert code == 0, out
    shown = x("unit", "show", "天山建设集团", "--db", ledger_target, "--json")[1]
    assert (shown["name"], shown["aliases"]) == ("天山建设集团", [TIANSHAN])
    enroll(ledger_target, tianshan_roster(tmp_path, name="old-name.xlsx"), "--start", "2027-12-01")
    assert _units(ledger_target) == [("6528-00001", "天山建设集团", 1)]
    assert log_entry(ledger_target, "unit-rename")["reason"] == "更名"


def log_entry(target: str, kind: str) -> dict[str, object]:
    entries = x("log", "--kind", kind, "--db", target, "--json")[1]["entries"]
    assert len(entries) == 1
    return entries[0]


def test_an_alias_makes_a_roster_under_that_name_the_same_unit(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, tianshan_roster(tmp_path))
    assert x("unit", "alias", TIANSHAN, "天山建设", "--db", ledger_target)[0] == 0
    doc = enroll(
        ledger_target, tianshan_roster(tmp_path, unit="天山建设", name="alias.xlsx"), "--start", "2027-12-01"
    )
    assert not [p for p in doc["problems"] if p["code"] == "unit-similar"]
    assert [c for c, _, _ in _units(ledger_target)] == ["6528-00001"]
    assert log_entry(ledger_target, "unit-alias")["refs"] == {"unit": "6528-00001", "alias": "天山建设"}


def test_a_merged_unit_shows_under_the_unit_it_went_into(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, tianshan_roster(tmp_path))
    enroll(
        ledger_target,
        tianshan_roster(tmp_path, unit="天山建设公司巴州分公司", name="b.xlsx"),
        "--start",
        "2027-12-01",
    )
    code, _, out = x(
        "unit", "merge", "6528-00002", "6528-00001", "--reason", "同一单位", "--db", ledger_target
    )
    assert code == 0, out
    assert _units(ledger_target) == [("6528-00001", TIANSHAN, 1)]
    shown = x("unit", "show", "6528-00001", "--as-of", "2028-01-01", "--db", ledger_target, "--json")[1]
    assert (
        "天山建设公司巴州分公司" in shown["aliases"] and shown["members"] == 1 and len(shown["periods"]) == 2
    )
    entry = log_entry(ledger_target, "unit-merge")
    assert entry["refs"] == {"unit": "6528-00002", "into": "6528-00001"}
    assert [e["kind"] for e in x("log", "--unit", "6528-00002", "--db", ledger_target, "--json")[1]["entries"]] == [
        "enroll", "unit-merge"]  # fmt: skip


def test_bad_unit_requests_are_refused_and_change_nothing(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, tianshan_roster(tmp_path))
    enroll(ledger_target, school_roster(tmp_path))
    before = figures(ledger_target)
    for args, says in (
        (["merge", "6528-00001", TIANSHAN, "--reason", "r"], "不能把单位合并到它自己"),
        (["merge", "6528-00001", "6501-00001"], "--reason"),
        (["rename", "6528-00001", "新名"], "--reason"),
        (["rename", "没有的单位", "新名", "--reason", "r"], "台账中没有单位"),
        (["alias", "6501-00001", SCHOOL], "已是单位"),
        (["show", "9999-00001"], "台账中没有单位"),
    ):
        code, _, out = x("unit", *args, "--db", ledger_target)
        assert code == 2 and says in out, (args, out)
    assert figures(ledger_target) == before


def test_a_member_whose_unit_is_corrected_counts_under_the_new_unit_but_fees_stay(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    enroll(ledger_target, tianshan_roster(tmp_path))
    x("member", "correct", A, "--unit", TIANSHAN, "--reason", "调动", "--db", ledger_target)
    school = x("unit", "show", SCHOOL, "--as-of", "2027-01-01", "--db", ledger_target, "--json")[1]
    tianshan = x("unit", "show", TIANSHAN, "--as-of", "2027-01-01", "--db", ledger_target, "--json")[1]
    assert (school["members"], tianshan["members"]) == (1, 2)
    assert tianshan["plans"] == {"inpatient-accident": {"members": 2, "shares": 2},
                                 "critical-illness": {"members": 1, "shares": 1}}  # fmt: skip
    assert (school["fees_paid"], tianshan["fees_paid"]) == ("260.00", "110.00")


def test_a_roster_unit_with_a_uscc_is_that_unit_whatever_its_name(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, uscc_roster(tmp_path, "a.xlsx", TIANSHAN))
    enroll(ledger_target, uscc_roster(tmp_path, "b.xlsx", "完全不同的名字"), "--start", "2027-12-01")
    code, doc, _ = x("unit", "list", "--db", ledger_target, "--json")
    assert [(u["code"], u["name"], u["uscc"]) for u in doc["units"]] == [
        ("6528-00001", TIANSHAN, "91350100M000100Y43")
    ]
    assert x("unit", "show", "91350100M000100Y43", "--db", ledger_target, "--json")[1]["code"] == "6528-00001"
