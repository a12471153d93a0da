"""Every roster problem code on both sides of its boundary (tests/cases/roster_codes.yaml), through
rowbuild + check_roster with a tiny in-memory ledger."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import yaml

from xjma.core.checks import WARNINGS, check_roster
from xjma.core.columns import ROSTER_FIELDS
from xjma.core.messages import READER_CODES, TEMPLATES, TITLES, message
from xjma.core.model import Enrollment
from xjma.core.rowbuild import RowContext, build_rows
from xjma.io.prefectures import load_prefectures
from xjma.io.regions import load_regions
from xjma.io.rules_file import load_rules

CASES_FILE = Path(__file__).parent / "cases" / "roster_codes.yaml"
DATA = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
PLANS = {
    "p1": "inpatient-accident",
    "p2": "critical-illness",
    "p3": "gig-accident",
    "p4": "female-illness",
    "p5": "short-accident",
}
HEADERS = {f.name: f.header for f in ROSTER_FIELDS}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ALL_CODES = set(TITLES) - READER_CODES  # reader codes: tests/test_roster_files.py


def make_id(birth: dt.date, female: bool, region: str = "650102") -> str:
    first17 = f"{region}{birth:%Y%m%d}{'002' if female else '001'}"
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def cells_of(spec: dict) -> dict[str, object]:
    row = {**DATA["defaults"]["row"], **spec}
    sex, birth, region = row.pop("sex"), row.pop("birth"), row.pop("region", "650102")
    row.setdefault("id_number", make_id(birth, sex == "女", region))
    return {PLANS.get(k, k) if k not in PLANS else f"shares:{PLANS[k]}": v for k, v in row.items()}


def run_case(case: dict):
    start = case.get("start", DATA["defaults"]["start"])
    rules = load_rules()
    if "tier_max_days" in case:
        rules = _with_max_days(rules, case["tier_max_days"])
    specs = case.get("rows") or [case.get("row", {})]
    rows_cells = [cells_of(s) for s in specs]
    fields = list(dict.fromkeys(k for cells in rows_cells for k in cells))
    columns = {f: i for i, f in enumerate(fields)}
    headers = {f: HEADERS[f] for f in fields}
    options = dict(case.get("options", {}))
    end = options.pop("end", None)
    fallback = {**options, **({"short_end": end} if end else {})}
    prefs = load_prefectures()
    ctx = RowContext(
        start=start,
        rules=rules,
        prefectures=prefs,
        columns=columns,
        headers=headers,
        fallback=fallback,
        regions=load_regions(),
    )
    raw = [(6 + i, [cells.get(f) for f in fields]) for i, cells in enumerate(rows_cells)]
    rows, prior = build_rows(raw, ctx)
    history = None
    if "ledger" in case:
        member = rows[0].id_number
        history = {member: [_enrollment(member, e, rows[0].unit) for e in case["ledger"]]}
    check = check_roster(
        rows, rules, start, end=end, history=history, prefectures=prefs, headers=headers, prior=prior
    )
    return rows, check


def _enrollment(member: str, e: dict, unit: str) -> Enrollment:
    return Enrollment(
        id_number=member,
        plan=e["plan"],
        start=e["start"],
        end=e["end"],
        shares=e["shares"],
        renewed_shares=0,
        unit=e.get("unit", unit),
    )


def _with_max_days(rules, days: dict[str, int]):
    versions = []
    for v in rules.versions:
        plans = dict(v.plans)
        if "short-accident" in plans:
            plan = plans["short-accident"]
            tiers = tuple(dataclasses.replace(t, max_days=days.get(t.tier, t.max_days)) for t in plan.tiers)
            plans["short-accident"] = dataclasses.replace(plan, tiers=tiers)
        versions.append(dataclasses.replace(v, plans=plans))
    return dataclasses.replace(rules, versions=tuple(versions))


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["name"] for c in DATA["cases"]])
def test_roster_code_case(case):
    rows, check = run_case(case)
    first = rows[0].row
    codes = [p.code for p in check.problems if p.row == first]
    assert sorted(codes) == sorted(case["expect"]), [p.message for p in check.problems]
    for row_offset, expected in case.get("expect_rows", {}).items():
        got = [p.code for p in check.problems if p.row == first + row_offset - 1]
        assert sorted(got) == sorted(expected)
    errors = [c for c in codes if c not in WARNINGS]
    assert (first in check.error_rows) == bool(errors)
    for p in check.problems:
        assert p.severity == ("warning" if p.code in WARNINGS else "error")
        assert p.message and p.code in ALL_CODES
    if "message" in case:
        assert any(case["message"] in p.message for p in check.problems), [p.message for p in check.problems]
    assert sorted(check.already_recorded.get(first, set())) == sorted(case.get("already_recorded", []))
    if "prefecture" in case:
        assert rows[0].prefecture == case["prefecture"]


def test_the_cases_cover_every_code_of_roster_md():
    triggered = {code for case in DATA["cases"] for code in case["expect"]}
    assert triggered == ALL_CODES


def test_every_code_has_a_chinese_title_and_message():
    for code in ALL_CODES:
        assert code in TEMPLATES or any(key.startswith(code + "/") for key in TEMPLATES)
        assert TITLES[code]


def test_a_problem_names_the_column_as_written_in_the_file():
    rows, check = run_case({"row": {"phone": "123"}})
    assert [(p.row, p.column, p.code) for p in check.problems] == [(6, "联系电话", "phone-invalid")]


def test_a_row_level_problem_has_an_empty_column():
    _, check = run_case({"row": {"p1": 0}})
    assert [(p.column, p.code) for p in check.problems] == [("", "no-plan")]


def test_checksum_message_names_the_expected_character():
    assert message("id-checksum", expected="X").startswith("身份证号码最后一位校验码不对（按前17位应为X）")


def test_without_a_ledger_the_ledger_checks_are_skipped():
    rows, check = run_case({"row": {"p1": 0, "p2": 1, "renewal": "否"}})
    assert [p.code for p in check.problems] == ["requires-plan"]
    assert check.already_recorded == {}


def test_every_prefecture_spelling_maps_to_its_short_form():
    prefs = load_prefectures()
    assert len(prefs.items) == 15
    assert prefs.resolve("巴音郭楞蒙古自治州") == prefs.resolve("巴州") == "巴州"
    assert prefs.resolve("自治区直属") == "区直"
    assert prefs.resolve("喀什") == "喀什地区"
    assert prefs.resolve("火星") is None


def test_the_contact_is_the_on_site_staff_or_the_office():
    prefs = load_prefectures()
    assert prefs.contact_lines(["克州"]) == ["克州：克州总工会驻场办公人员 艾克代·外力，电话 13394904411"]
    for shorts in ([], ["区直"]):
        (line,) = prefs.contact_lines(shorts)
        assert "中国职工保险互助会新疆办事处" in line and "0991-2821033" in line


def test_a_broken_prefectures_file_names_the_key_path(tmp_path):
    from xjma.errors import RulesError
    from xjma.io.prefectures import default_prefectures_path

    text = default_prefectures_path().read_text(encoding="utf-8")
    broken = text.replace('phone: "13709961113"', 'phone: "1370996"', 1).replace(
        "    union: 喀什地区工会\n", "", 1
    )
    path = tmp_path / "prefectures.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_prefectures(path)
    assert any(p.startswith("prefectures[0].phone") for p in info.value.problems)
    assert any(p.startswith("prefectures[1].union") for p in info.value.problems)
