"""`xjma renewals due` (office.md §4) on both backends, and the renewal ratio."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from test_enroll_cli import LI, ZHANG, enroll, person, pid, run, write_roster

from xjma.core.renewals import EndedPeriod, LastPeriod, is_lapsed, refusal_on, renewal_ratios
from xjma.io.ledger import open_ledger
from xjma.io.ledger.history import history_for
from xjma.io.rules_file import load_rules

DUE_KEYS = {"before", "units", "lapsed_units", "members_due", "fee_due"}
UNIT_KEYS = {"unit", "code", "prefecture", "members_due", "not_renewable", "fee_due", "earliest_end", "plans"}
OLD_WOMAN = pid("19660101", "128")  # 60 on 2026-01-01, 61 on 2027-01-01
GONE = pid("19800505", "137")  # ended 2026-10-31, not renewed


@pytest.fixture
def ledger(ledger_target, tmp_path):
    db = ledger_target
    batches = [
        (
            "a",
            [
                person("张三", ZHANG, **{"inpatient-accident": 1, "critical-illness": 2}),
                person("李四", LI, **{"inpatient-accident": 1}),
                person("孙老", OLD_WOMAN, **{"inpatient-accident": 1}),
            ],
            "2026-01-01",
        ),
        ("b", [person("周走", GONE, unit="丁公司", **{"inpatient-accident": 1})], "2025-11-01"),
        # 李四 moved to 乙公司: her newest enrollment is there
        ("c", [person("李四", LI, unit="乙公司", prefecture="伊犁", **{"female-illness": 1})], "2026-06-01"),
    ]
    for name, rows, start in batches:
        code, doc, _ = enroll(
            write_roster(tmp_path / f"{name}.xlsx", rows), db, start=start, today="2025-10-20"
        )
        assert code == 0, doc["problems"]
    return db


def due(db, tmp_path, *args, today="2026-12-15"):
    return run(["renewals", "due", *args, "--json", "-o", str(tmp_path / "due.xlsx")], db, today)


def test_due_members_per_unit_with_fee_at_the_next_rules(ledger, tmp_path):
    code, doc, _ = due(ledger, tmp_path, "--before", "2027-01-31")
    assert code == 0
    assert set(doc) == DUE_KEYS and all(set(u) == UNIT_KEYS for u in doc["units"])
    units = {u["unit"]: u for u in doc["units"]}
    assert set(units) == {"甲公司", "乙公司"}
    jia = units["甲公司"]
    assert (jia["members_due"], jia["not_renewable"], jia["fee_due"]) == (2, 1, "190.00")
    assert jia["plans"] == {
        "critical-illness": {"members": 1, "shares": 2},
        "inpatient-accident": {"members": 2, "shares": 2},
    }
    assert jia["earliest_end"] == "2026-12-31"
    # 李四's plan-1 period was with 甲公司; she is now with 乙公司 and is listed there
    assert units["乙公司"]["members_due"] == 1 and units["乙公司"]["prefecture"] == "伊犁州"
    assert units["乙公司"]["plans"] == {"inpatient-accident": {"members": 1, "shares": 1}}
    assert doc["members_due"] == 3 and doc["fee_due"] == "300.00"
    assert doc["lapsed_units"] == 1  # 丁公司: its only member ended 2026-10-31


def test_a_period_ending_after_the_date_is_not_due(ledger, tmp_path):
    _, doc, _ = due(ledger, tmp_path, "--before", "2026-12-30")
    assert doc["units"] == [] and doc["members_due"] == 0 and doc["fee_due"] == "0.00"


def test_a_renewed_member_is_no_longer_due(ledger, tmp_path):
    roster = write_roster(tmp_path / "r.xlsx", [person("张三", ZHANG, **{"inpatient-accident": 1})])
    code, doc, _ = enroll(roster, ledger, start="2027-01-01", today="2026-12-10")
    assert code == 0, doc["problems"]
    _, doc, _ = due(ledger, tmp_path, "--before", "2027-01-31")
    jia = next(u for u in doc["units"] if u["unit"] == "甲公司")
    assert jia["plans"]["inpatient-accident"] == {"members": 1, "shares": 1}  # only 孙老 left in plan 1
    assert jia["plans"]["critical-illness"] == {"members": 1, "shares": 2}  # 张三 did not renew plan 2


def test_filters_by_prefecture_and_unit(ledger, tmp_path):
    _, doc, _ = due(ledger, tmp_path, "--before", "2027-01-31", "--prefecture", "伊犁")
    assert [u["unit"] for u in doc["units"]] == ["乙公司"]
    _, doc, _ = due(ledger, tmp_path, "--before", "2027-01-31", "--unit", "甲公司")
    assert [u["unit"] for u in doc["units"]] == ["甲公司"]


def test_the_workbook_has_a_sheet_per_prefecture_and_one_of_members(ledger, tmp_path):
    due(ledger, tmp_path, "--before", "2027-01-31")
    book = openpyxl.load_workbook(tmp_path / "due.xlsx")
    assert book.sheetnames == ["伊犁州", "巴州", "会员名单"]
    ba = book["巴州"]
    assert ba["A1"].value.startswith("续保提醒（巴州") and ba["A2"].value.startswith("制表单位：")
    assert ba["A3"].value == "工作单位" and ba.print_title_rows == "$3:$3"  # under the title block
    assert ba.page_setup.orientation == "landscape" and ba.page_setup.paperSize == 9
    assert ba.sheet_properties.pageSetUpPr.fitToPage and ba.page_setup.fitToHeight == 0
    last = [c.value for c in ba[ba.max_row]]
    assert last[0] == "合计"
    members = book["会员名单"]
    lines = [r for r in members.iter_rows(min_row=4, values_only=True) if r[1]]
    ids = [r[1] for r in lines]
    assert ZHANG in ids and all(isinstance(i, str) for i in ids)
    by_id = {r[1]: r for r in lines}
    # one line per member: every plan due with its shares, the earliest E as a date, the fee due
    assert by_id[ZHANG][2] == "住院+意外1份、重大疾病2份" and by_id[ZHANG][4] == 190
    zhang = next(row for row in members.iter_rows(min_row=4) if row[1].value == ZHANG)
    assert zhang[3].value == dt.datetime(2026, 12, 31) and zhang[3].number_format == "yyyy-mm-dd"
    assert by_id[OLD_WOMAN][5].startswith("不可续保") and by_id[OLD_WOMAN][4] == 0
    headings = [r[0] for r in members.iter_rows(min_row=4, values_only=True) if r[0] and not r[1]]
    assert headings[0].startswith("伊犁州") and any(h.startswith("巴州　甲公司（6528-") for h in headings)


def member_lines(target):
    """The 会员名单 lines of members (ID, then the line), in the sheet's order."""
    sheet = openpyxl.load_workbook(target)["会员名单"]
    return [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1] and r[0] != "姓名"]


def test_a_lapsed_member_is_listed_under_the_unit_with_no_fee_and_why(ledger, tmp_path):
    _, doc, output = due(ledger, tmp_path, "--before", "2027-01-31")
    assert doc["lapsed_units"] == 1 and set(doc) == DUE_KEYS  # 丁公司: its only member lapsed
    lines = member_lines(tmp_path / "due.xlsx")
    (gone,) = [r for r in lines if r[1] == GONE]
    assert gone[0] == "周走" and gone[2] == "住院+意外1份" and gone[4] is None
    assert gone[5] == "已脱保（保障止期 2026-10-31，宽限期已过）"
    headings = [
        r[0] for r in openpyxl.load_workbook(tmp_path / "due.xlsx")["会员名单"].iter_rows(values_only=True)
    ]
    assert any(str(h).startswith("巴州　丁公司") for h in headings if h)
    assert len(gone) == 6  # the same six cells as a member due


def test_a_member_due_in_plan_1_whose_plan_5_lapsed_has_a_line_for_each(ledger_target, tmp_path):
    _enroll_plans_1_and_5(ledger_target, tmp_path)
    _, doc, _ = due(ledger_target, tmp_path, "--before", "2027-01-31")
    assert doc["members_due"] == 1 and doc["lapsed_units"] == 0  # the unit has a member due
    lines = [r for r in member_lines(tmp_path / "due.xlsx") if r[1] == ZHANG]
    assert [(r[2], r[4], r[5]) for r in lines] == [
        ("住院+意外1份", 110, None),
        ("短期意外2份", None, "已脱保（保障止期 2026-06-30，宽限期已过）"),
    ]


def test_an_empty_ledger_reads_as_nothing_due(tmp_path):
    code, doc, _ = due(tmp_path / "none.db", tmp_path, "--before", "2027-01-31")
    assert code == 0 and doc["units"] == [] and not (tmp_path / "none.db").exists()


def test_a_bad_date_is_exit_2(tmp_path):
    code, _, _ = due(tmp_path / "none.db", tmp_path, "--before", "明天")
    assert code == 2


# --- the pure rules -------------------------------------------------------------------------------

RULES = load_rules(None)


def period(birth, female, plan="inpatient-accident", end=dt.date(2026, 12, 31)):
    return LastPeriod(
        "x", "", plan, end, 1, "10" if plan == "short-accident" else None, "u", "p", birth, female
    )


@pytest.mark.parametrize(
    ("birth", "female", "plan", "expected"),
    [
        (dt.date(1966, 1, 2), True, "inpatient-accident", None),  # 60 on E+1 = 2027-01-01
        (dt.date(1966, 1, 1), True, "inpatient-accident", "age"),  # 61 on E+1
        (dt.date(2011, 1, 1), False, "inpatient-accident", None),  # 16 on E+1
        (dt.date(2011, 1, 2), False, "inpatient-accident", "age"),  # 15 on E+1
        (dt.date(1966, 1, 1), False, "inpatient-accident", "age"),  # a man over 60, not plan 5
        (dt.date(1966, 1, 1), False, "short-accident", "retired"),  # plan 5: past his date (2026-05-01)
    ],
)
def test_the_rules_on_the_day_after_e_decide_who_is_not_renewable(birth, female, plan, expected):
    assert refusal_on(period(birth, female, plan), RULES) == expected


def test_plan_5_of_a_man_over_60_follows_his_retirement_date():
    # born 1971-06-01: retires 2033-02-01 (20 months' delay); 61 on 2033-01-01
    late = period(dt.date(1971, 6, 1), False, "short-accident", end=dt.date(2032, 12, 31))
    assert refusal_on(late, RULES) is None
    assert refusal_on(period(dt.date(1971, 6, 1), False, end=dt.date(2032, 12, 31)), RULES) == "age"


def test_a_period_lapses_the_day_after_the_grace_ends():
    end = dt.date(2026, 10, 31)
    assert not is_lapsed(end, dt.date(2026, 11, 1), 0)
    assert is_lapsed(end, dt.date(2026, 11, 2), 0)
    assert not is_lapsed(end, dt.date(2026, 11, 2), 1)


def test_the_renewal_ratio_counts_continuous_next_periods_by_prefecture_and_plan():
    e = dt.date(2026, 12, 31)
    ratios = renewal_ratios(
        [
            EndedPeriod("a", "p1", "巴州", e, dt.date(2027, 1, 1)),  # renewed
            EndedPeriod("b", "p1", "巴州", e, dt.date(2027, 1, 2)),  # a day late: not continuous
            EndedPeriod("c", "p1", "伊犁州", e, None),
            EndedPeriod("a", "p2", "巴州", e, dt.date(2027, 1, 1)),
        ],
        0,
    )
    assert (ratios.total.renewed, ratios.total.ended, ratios.total.ratio) == (2, 4, Decimal("0.5000"))
    assert ratios.by_prefecture["巴州"].ratio == Decimal("0.6667")
    assert ratios.by_prefecture["伊犁州"].ratio == Decimal("0.0000")
    assert ratios.by_plan["p2"].ratio == Decimal("1.0000")
    assert renewal_ratios([], 0).total.ratio is None


# --- template roster --renewal: the round trip ----------------------------------------------------


def roster_rows(target):
    """(header, the pre-filled rows, the index of the header row) of a renewal roster."""
    sheet = openpyxl.load_workbook(target)["参保人员名册"]
    all_rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(all_rows) if "身份证号码" in r)
    head = list(all_rows[top])
    return head, [r for r in all_rows[top + 1 :] if r[head.index("身份证号码")]], top


def make_roster(ledger, tmp_path, unit="甲公司", *extra):
    target = tmp_path / "续保.xlsx"
    code, _, output = run(
        ["template", "roster", "--renewal", "--unit", unit, "-o", str(target), *extra], ledger, "2026-12-10"
    )
    assert code == 0, output
    return target


def test_the_renewal_roster_round_trips_through_validate_and_enroll(ledger, tmp_path):
    target = make_roster(ledger, tmp_path)
    head, rows, top = roster_rows(target)
    ids = [r[head.index("身份证号码")] for r in rows]
    assert sorted(ids) == sorted([ZHANG, OLD_WOMAN])  # 李四 moved to 乙公司
    notes = {r[head.index("身份证号码")]: r[head.index("备注")] for r in rows}
    assert "年满 61 周岁" in notes[OLD_WOMAN] and notes[ZHANG] is None
    assert all(r[head.index("是否续保")] == "是" for r in rows)
    # the phones and 用工形式 the ledger recorded from the first roster
    assert {r[head.index("联系电话")] for r in rows} == {"13800138000"}
    assert {r[head.index("用工形式")] for r in rows} == {"正式职工"}
    code, doc, _ = run(
        ["validate", str(target), "--start", "2027-01-01", "--json", "-o", str(tmp_path / "v.xlsx")],
        ledger,
        "2026-12-10",
    )
    # the untouched file: no error but the flagged ineligible row
    old_row = top + 2 + ids.index(OLD_WOMAN)
    assert [(p["row"], p["code"]) for p in doc["problems"] if p["severity"] == "error"] == [
        (old_row, "age-out-of-range")
    ]
    code, doc, _ = enroll(target, ledger, "--skip-invalid", start="2027-01-01", today="2026-12-10")
    assert code == 0, doc["problems"]
    with open_ledger(str(ledger)) as opened:
        history = history_for(opened, [ZHANG])[ZHANG]
    renewed = [e for e in history if e.start == dt.date(2027, 1, 1)]
    assert sorted((e.plan, e.shares, e.renewed_shares) for e in renewed) == [
        ("critical-illness", 2, 2),
        ("inpatient-accident", 1, 1),
    ]


def test_the_renewal_roster_takes_the_latest_phone_and_a_correction_after_it(ledger, tmp_path):
    rows = [person("张三", ZHANG, **{"inpatient-accident": 1, "critical-illness": 2}, 联系电话="13912345678")]
    roster = write_roster(tmp_path / "again.xlsx", rows)
    code, doc, _ = enroll(roster, ledger, start="2026-01-01", today="2025-10-20")
    assert code == 0  # already recorded: nothing new, and no new phone either
    head, found, _ = roster_rows(make_roster(ledger, tmp_path))
    phones = {r[head.index("身份证号码")]: r[head.index("联系电话")] for r in found}
    assert phones[ZHANG] == "13800138000"
    code, _, output = run(
        ["member", "correct", ZHANG, "--phone", "13987654321", "--reason", "换号"], ledger, "2026-12-01"
    )
    assert code == 0, output
    head, found, _ = roster_rows(make_roster(ledger, tmp_path))
    phones = {r[head.index("身份证号码")]: r[head.index("联系电话")] for r in found}
    assert phones[ZHANG] == "13987654321"


def test_a_correction_shows_the_recorded_phone_as_before(ledger, tmp_path):
    code, doc, _ = run(
        ["member", "correct", ZHANG, "--phone", "13987654321", "--reason", "换号", "--json"],
        ledger,
        "2026-12-01",
    )
    assert code == 0
    assert doc["changes"] == [{"field": "phone", "before": "13800138000", "after": "13987654321"}]


def test_plan_5_is_pre_filled_with_its_tier_and_its_own_end(ledger_target, tmp_path):
    _enroll_plans_1_and_5(ledger_target, tmp_path)
    head, found, _ = roster_rows(make_roster(ledger_target, tmp_path))
    (row,) = found
    assert row[head.index("短期意外（份）")] == 2 and row[head.index("短期意外档次（元/份）")] == "10"
    assert row[head.index("短期意外保障止期")] == "2027-06-30"  # the same length from S = 2027-01-01
    assert row[head.index("上期保障止期")] == "2026-12-31"  # plans 1–4's E, not plan 5's
    code, doc, _ = run(
        [
            "validate",
            str(tmp_path / "续保.xlsx"),
            "--start",
            "2027-01-01",
            "--json",
            "-o",
            str(tmp_path / "v.xlsx"),
        ],
        ledger_target,
        "2026-12-10",
    )
    assert [p for p in doc["problems"] if p["severity"] == "error"] == []


def test_the_previous_shares_are_pre_filled_when_every_plan_held_the_same_number(ledger_target, tmp_path):
    rows = [
        person("张三", ZHANG, **{"inpatient-accident": 1, "critical-illness": 2}),  # differ: blank
        person("李四", LI, **{"inpatient-accident": 1, "female-illness": 1}),  # the same: 1
        person("孙老", OLD_WOMAN, **{"inpatient-accident": 1}),  # one plan: its shares
    ]
    code, doc, _ = enroll(write_roster(tmp_path / "p.xlsx", rows), ledger_target, start="2026-01-01")
    assert code == 0, doc["problems"]
    head, found, _ = roster_rows(make_roster(ledger_target, tmp_path))
    column = head.index("上期份数")
    assert {r[head.index("身份证号码")]: r[column] for r in found} == {ZHANG: None, LI: 1, OLD_WOMAN: 1}


def test_a_voided_enrollment_is_not_due_and_does_not_fill_the_roster(ledger, tmp_path):
    code, _, output = run(
        ["void", "--id", ZHANG, "--plan", "critical-illness", "--reason", "误录"], ledger, "2026-02-01"
    )
    assert code == 0, output
    _, doc, _ = due(ledger, tmp_path, "--before", "2027-01-31")
    jia = next(u for u in doc["units"] if u["unit"] == "甲公司")
    assert "critical-illness" not in jia["plans"]
    head, found, _ = roster_rows(make_roster(ledger, tmp_path))
    zhang = next(r for r in found if r[head.index("身份证号码")] == ZHANG)
    assert zhang[head.index("重大疾病（份）")] is None and zhang[head.index("住院+意外（份）")] == 1


def test_a_member_whose_only_enrollment_was_voided_is_neither_due_nor_on_the_roster(ledger, tmp_path):
    code, _, output = run(
        ["void", "--id", OLD_WOMAN, "--plan", "inpatient-accident", "--reason", "误录"], ledger, "2026-02-01"
    )
    assert code == 0, output
    _, doc, _ = due(ledger, tmp_path, "--before", "2027-01-31")
    jia = next(u for u in doc["units"] if u["unit"] == "甲公司")
    assert (jia["members_due"], jia["not_renewable"]) == (1, 0)
    head, found, _ = roster_rows(make_roster(ledger, tmp_path))
    assert [r[head.index("身份证号码")] for r in found] == [ZHANG]


def test_a_member_corrected_into_another_unit_is_due_there(ledger, tmp_path):
    code, _, output = run(
        ["member", "correct", ZHANG, "--unit", "乙公司", "--prefecture", "伊犁", "--reason", "调动"],
        ledger,
        "2026-12-01",
    )
    assert code == 0, output
    _, doc, _ = due(ledger, tmp_path, "--before", "2027-01-31")
    units = {u["unit"]: u for u in doc["units"]}
    assert units["甲公司"]["members_due"] == 1  # 孙老 only
    assert units["乙公司"]["members_due"] == 2 and units["乙公司"]["code"].startswith("6540-")
    head, found, _ = roster_rows(make_roster(ledger, tmp_path, "乙公司"))
    assert sorted(r[head.index("身份证号码")] for r in found) == sorted([ZHANG, LI])


def test_units_are_named_by_their_register_code(ledger, tmp_path):
    _, doc, _ = due(ledger, tmp_path, "--before", "2027-01-31")
    code = next(u["code"] for u in doc["units"] if u["unit"] == "甲公司")
    assert code.startswith("6528-")
    _, doc, _ = due(ledger, tmp_path, "--before", "2027-01-31", "--unit", code)
    assert [u["unit"] for u in doc["units"]] == ["甲公司"]
    head, found, _ = roster_rows(make_roster(ledger, tmp_path, code))
    assert len(found) == 2


def test_a_renewal_roster_needs_a_known_unit(ledger, tmp_path):
    code, _, output = run(
        ["template", "roster", "--renewal", "--unit", "无此单位", "-o", str(tmp_path / "x.xlsx")], ledger
    )
    assert code == 2 and "无此单位" in output


def test_the_renewal_ratio_job_reads_the_ledger(ledger, tmp_path):
    from xjma.jobs.renewals import renewal_ratio

    roster = write_roster(tmp_path / "r.xlsx", [person("张三", ZHANG, **{"inpatient-accident": 1})])
    code, doc, _ = enroll(roster, ledger, start="2027-01-01", today="2026-12-10")
    assert code == 0, doc["problems"]
    ratios = renewal_ratio(dt.date(2026, 12, 1), dt.date(2026, 12, 31), db=str(ledger), rules_path=None)
    # ended in December 2026: 张三 (plans 1, 2), 李四 (1), 孙老 (1); only 张三's plan 1 renewed
    assert (ratios.total.renewed, ratios.total.ended) == (1, 4)
    assert ratios.by_plan["inpatient-accident"].ratio == Decimal("0.3333")
    assert ratios.by_prefecture["巴州"].ratio == Decimal("0.2500")


def test_the_reminder_prints_one_page_wide_with_no_english_code(ledger, tmp_path):
    from pdf_render import one_page_wide, printed
    from workbook_checks import code_cells, headers, page_title, print_problems

    due(ledger, tmp_path, "--before", "2027-01-31")
    book = openpyxl.load_workbook(tmp_path / "due.xlsx")
    assert [p for ws in book.worksheets for p in print_problems(ws)] == []
    assert [c for ws in book.worksheets for c in code_cells(ws)] == []
    out = printed(tmp_path / "due.xlsx")
    for ws in book.worksheets:
        names = [h for h in headers(ws) if h]
        assert one_page_wide(out, page_title(ws)[:14], names[0], names[-1]) == [], ws.title


def _enroll_plans_1_and_5(ledger_target, tmp_path):
    """王五 (ID ZHANG): plan 1 for 2026 and plan 5 (10元档, 2 份) ending 2026-06-30."""
    short = person("王五", ZHANG, **{"inpatient-accident": 1, "short-accident": 2})
    short["短期意外档次（元/份）"] = "10"
    short["短期意外保障止期"] = "2026-06-30"
    code, doc, _ = enroll(
        write_roster(tmp_path / "s.xlsx", [short]), ledger_target, start="2026-01-01", today="2025-12-20"
    )
    assert code == 0, doc["problems"]
