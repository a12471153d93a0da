"""`unit show` looks its unit up with targeted queries (io/ledger/unit_register.read_units_named): by code,
USCC, name, former name or alias, a merged unit by its code, the units merged into one (directly or not)
counted with it; a name two prefectures use is refused as ambiguous. Both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROSTER_HEADERS, make_id, member
from history_helpers import x

USCC = "91350100M000100Y43"
UNITS = [  # name, prefecture, USCC
    ("天山建设", "巴州", USCC),
    ("天山建设", "乌鲁木齐市", None),
    ("一中", "乌鲁木齐市", None),
    ("二中", "乌鲁木齐市", None),
    ("三中", "乌鲁木齐市", None),
    ("四中", "乌鲁木齐市", None),
]
CODES = ["6528-00001", "6501-00001", "6501-00002", "6501-00003", "6501-00004", "6501-00005"]


def _roster(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([*ROSTER_HEADERS, "统一社会信用代码"])
    for seq, (unit, prefecture, uscc) in enumerate(UNITS):
        row = member(unit, prefecture, f"会员{seq}", make_id("19800501", 20 + seq, female=False))
        sheet.append([row.get(h) for h in ROSTER_HEADERS] + [uscc])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    book.save(path)
    return path


def _register(target: str, tmp_path: Path) -> None:
    """Six units; 二中 renamed 第二中学, 一中 with the alias 一中本部, 四中 merged into 三中 and 三中 into 第二中学."""
    code, _, out = x("enroll", str(_roster(tmp_path / "r.xlsx")), "--start", "2026-12-01", "--db", target)
    assert code == 0, out
    for args in (
        ["rename", "6501-00003", "第二中学", "--reason", "更名"],
        ["alias", "一中", "一中本部"],
        ["merge", "6501-00005", "6501-00004", "--reason", "合并"],
        ["merge", "6501-00004", "第二中学", "--reason", "合并"],
    ):
        code, _, out = x("unit", *args, "--db", target)
        assert code == 0, (args, out)


TEXTS = [
    *CODES,
    USCC,
    "天山建设",
    "二中",
    "第二中学",
    " 第二中学 ",
    "一中本部",
    "三中",
    "四中",
    "没有",
    "6501-0000",
]


def test_the_targeted_lookup_finds_what_the_whole_register_finds(ledger_target: str, tmp_path: Path) -> None:
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.unit_register import find_unit, read_units, read_units_named
    from xjma.jobs.units import _with_merged

    _register(ledger_target, tmp_path)
    with open_ledger(ledger_target, mode="read") as ledger, ledger.connect() as conn:
        every = read_units(conn)
        for text in TEXTS:
            few = read_units_named(conn, text)
            found = find_unit(few, text)
            assert found == find_unit(every, text), text
            for unit in found:
                group = _with_merged(few, unit.id)
                assert sorted(group) == sorted(_with_merged(every, unit.id)), text
                assert [few[i] for i in group] == [every[i] for i in group], text


@pytest.mark.parametrize("text", [USCC, "一中本部", "二中", "第二中学", "6501-00003"])
def test_unit_show_finds_a_unit_by_uscc_former_name_or_alias(
    ledger_target: str, tmp_path: Path, text: str
) -> None:
    _register(ledger_target, tmp_path)
    code, doc, out = x("unit", "show", text, "--as-of", "2027-01-01", "--db", ledger_target, "--json")
    assert code == 0, out
    expected = {USCC: CODES[0], "一中本部": CODES[2]}.get(text, CODES[3])
    assert doc["code"] == expected


def test_unit_show_counts_the_units_merged_into_it_directly_or_not(
    ledger_target: str, tmp_path: Path
) -> None:
    _register(ledger_target, tmp_path)
    code, doc, out = x("unit", "show", "第二中学", "--as-of", "2027-01-01", "--db", ledger_target, "--json")
    assert code == 0, out
    assert (doc["name"], doc["aliases"], doc["members"]) == ("第二中学", ["二中", "三中", "四中"], 3)
    code, doc, out = x("unit", "show", "6501-00004", "--as-of", "2027-01-01", "--db", ledger_target, "--json")
    assert code == 0, out
    assert (doc["code"], doc["name"], doc["aliases"], doc["members"]) == ("6501-00004", "三中", ["四中"], 2)


def test_unit_show_refuses_a_name_of_two_prefectures_and_a_merged_name(
    ledger_target: str, tmp_path: Path
) -> None:
    _register(ledger_target, tmp_path)
    code, _, out = x("unit", "show", "天山建设", "--db", ledger_target)
    assert code == 2 and "有多个单位叫“天山建设”（6528-00001、6501-00001），请用单位代码指明" in out, out
    code, _, out = x("unit", "show", "三中", "--db", ledger_target)
    assert code == 2 and "台账中没有单位“三中”" in out, out
