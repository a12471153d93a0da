"""`xjma fees summary`: fees by month of 缴费日期, by 地州市, unit and plan; the workbook with its charts."""

import openpyxl
import pytest
from test_enroll_cli import LI, WANG, ZHANG, ZHAO, enroll, person, pid, run, write_roster

SUMMARY_KEYS = {"period", "total", "members", "by_prefecture", "by_unit", "by_plan", "by_month"}
QIAN = pid("19700101", "155")


@pytest.fixture
def ledger(tmp_path):
    """Four batches: two paid in March 2026, one in November 2026, one on 31 December 2025."""
    db = tmp_path / "l.db"
    batches = [
        (
            "a",
            [
                person("张三", ZHANG, **{"inpatient-accident": 1, "critical-illness": 2}),
                person("李四", LI, **{"inpatient-accident": 1}),
            ],
            "2026-04-01",
            "2026-03-15",
        ),
        (
            "b",
            [person("赵六", ZHAO, unit="丙医院", prefecture="", **{"female-illness": 1})],
            "2026-04-01",
            "2026-03-31",
        ),
        (
            "c",
            [
                person(
                    "王五",
                    WANG,
                    unit="乙快递站",
                    prefecture="伊犁",
                    employment="新就业形态劳动者",
                    **{"是否工会会员": "是", "gig-accident": 2},
                )
            ],
            "2026-11-02",
            "2026-11-01",
        ),
        ("d", [person("钱七", QIAN, **{"inpatient-accident": 1})], "2026-01-01", "2025-12-31"),
    ]
    for name, rows, start, paid in batches:
        code, doc, _ = enroll(write_roster(tmp_path / f"{name}.xlsx", rows), db, start=start, today=paid)
        assert code == 0, doc["problems"]
    return db


def summary(db, *args):
    return run(["fees", "summary", *args, "--json"], db)


def test_a_year_summary_has_every_month_zeros_included(ledger, tmp_path):
    code, doc, _ = summary(ledger, "--year", "2026", "-o", str(tmp_path / "y.xlsx"))
    assert code == 0
    assert set(doc) == SUMMARY_KEYS
    assert (doc["period"], doc["total"], doc["members"]) == ("2026", "375.00", 4)
    assert [m["month"] for m in doc["by_month"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    months = {m["month"]: (m["members"], m["fee"]) for m in doc["by_month"]}
    assert months["2026-03"] == (3, "325.00") and months["2026-11"] == (1, "50.00")
    assert months["2026-01"] == (0, "0.00") and months["2026-12"] == (0, "0.00")


def test_fees_are_grouped_by_prefecture_with_blank_as_unfilled(ledger, tmp_path):
    _, doc, _ = summary(ledger, "--year", "2026", "-o", str(tmp_path / "y.xlsx"))
    assert doc["by_prefecture"] == [
        {"prefecture": "巴州", "members": 2, "shares": 4, "fee": "300.00"},
        {"prefecture": "伊犁州", "members": 1, "shares": 2, "fee": "50.00"},
        {"prefecture": "未填写", "members": 1, "shares": 1, "fee": "25.00"},
    ]
    assert doc["by_unit"][0] == {
        "unit": "甲公司",
        "prefecture": "巴州",
        "members": 2,
        "shares": 4,
        "fee": "300.00",
    }
    assert [p["plan"] for p in doc["by_plan"]] == [
        "inpatient-accident",
        "critical-illness",
        "gig-accident",
        "female-illness",
    ]
    assert doc["by_plan"][0] == {"plan": "inpatient-accident", "members": 2, "shares": 2, "fee": "220.00"}


@pytest.mark.parametrize(
    ("month", "total", "members"),
    [("2026-03", "325.00", 3), ("2025-12", "110.00", 1), ("2026-02", "0.00", 0)],
)
def test_a_month_counts_what_was_paid_in_that_month_only(ledger, tmp_path, month, total, members):
    code, doc, _ = summary(ledger, "--month", month, "-o", str(tmp_path / "m.xlsx"))
    assert code == 0
    assert (doc["period"], doc["total"], doc["members"]) == (month, total, members)
    assert doc["by_month"] == [{"month": month, "members": members, "fee": total}]


def test_the_workbook_has_a_bar_chart_by_prefecture_and_one_by_month_for_a_year(ledger, tmp_path):
    summary(ledger, "--year", "2026", "-o", str(tmp_path / "y.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "y.xlsx")
    assert book.sheetnames == ["汇总", "按地州市", "按单位", "按险种", "按月"]
    assert len(book["按地州市"]._charts) == 1 and len(book["按月"]._charts) == 1
    names = [r[0] for r in book["按地州市"].iter_rows(min_row=4, values_only=True)]  # under the title block
    names = names[: names.index("合计") + 1]
    # the figures' 地州市 first, then every other one with zeros (documents.md), 未填写 and 合计 last
    assert names[:2] == ["巴州", "伊犁州"] and names[-2:] == ["未填写", "合计"] and len(names) == 15 + 2


def test_a_month_workbook_is_written_in_the_current_folder_by_default(ledger, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    summary(ledger, "--month", "2026-03")
    book = openpyxl.load_workbook(tmp_path / "缴费汇总_2026-03.xlsx")
    assert len(book["按地州市"]._charts) == 1 and len(book["按月"]._charts) == 0


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--month", "2026-03", "--year", "2026"],
        ["--month", "2026-13"],
        ["--month", "202603"],
        ["--year", "26"],
    ],
)
def test_exactly_one_well_formed_period_is_required_else_exit_2(tmp_path, args):
    code, _, output = run(["fees", "summary", *args], tmp_path / "l.db")
    assert code == 2
    assert "Traceback" not in output


def test_a_ledger_that_does_not_exist_sums_to_zero_and_is_not_created(tmp_path):
    code, doc, _ = summary(tmp_path / "none.db", "--month", "2026-03", "-o", str(tmp_path / "m.xlsx"))
    assert code == 0
    assert (doc["total"], doc["members"], doc["by_prefecture"]) == ("0.00", 0, [])
    assert not (tmp_path / "none.db").exists()


def _kept_and_counted(db, period):
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.fee_totals import fee_totals_current
    from xjma.io.ledger.fees import _counted, read_fees

    with open_ledger(str(db), mode="read") as opened, opened.connect() as conn:
        assert fee_totals_current(conn)  # enroll kept them up to date: fees summary only reads
        return (
            read_fees(conn, period.lo, period.hi, period.months),
            _counted(conn, period.lo, period.hi, period.months),
        )


def test_the_fee_totals_kept_by_enroll_equal_the_group_bys_when_members_come_back_in_one_period(
    ledger, tmp_path
):
    """A member already counted in March 2026 (李四) enrolled again in another plan, unit and 地州市, and a
    member counted in December 2025 (钱七) again in March 2026: each counts once per group and period."""
    from xjma.jobs.fees import parse_period

    later = [
        person("李四", LI, unit="丙医院", prefecture="伊犁", **{"critical-illness": 1}),
        person("钱七", QIAN, unit="丙医院", prefecture="伊犁", **{"critical-illness": 1}),
    ]
    code, doc, _ = enroll(
        write_roster(tmp_path / "e.xlsx", later), ledger, start="2026-04-01", today="2026-03-20"
    )
    assert code == 0, doc["problems"]
    for month, year in (("2026-03", None), (None, "2026"), ("2025-12", None), (None, "2025")):
        kept, counted = _kept_and_counted(ledger, parse_period(month, year))
        for name in ("total", "members", "by_prefecture", "by_unit", "by_plan", "by_month"):
            mine, theirs = getattr(kept, name), getattr(counted, name)
            if isinstance(mine, list):
                mine, theirs = sorted(mine, key=repr), sorted(theirs, key=repr)
            assert mine == theirs, (month, year, name)
    kept, _ = _kept_and_counted(ledger, parse_period("2026-03", None))
    assert kept.members == 4  # 张三, 李四, 赵六, 钱七: each once however many batches
