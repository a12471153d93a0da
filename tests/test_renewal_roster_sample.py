"""The renewal roster of the shipped sample round-trips (office.md §4): for every unit of
samples/roster_clean.xlsx enrolled on 2026-12-01, `validate` of the untouched renewal roster for
2027-12-01 reports no error, and `enroll` records every row as a renewal: plans 1–4 fully renewed,
no observation anywhere (plan 5 has none; its sample periods end in 2027 H1, so rules.md §0 makes
their shares new, not renewed)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from test_enroll_cli import enroll, run

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "roster_clean.xlsx"
UNITS = ("6501-00001", "6501-00002", "6501-00003")  # the sample's units, by register code


def test_the_sample_s_renewal_rosters_validate_clean_and_enroll_as_renewals(ledger_target, tmp_path):
    code, doc, _ = enroll(SAMPLE, ledger_target, start="2026-12-01", today="2026-12-01")
    assert code == 0 and doc["enrolled"] > 0, doc["problems"]
    enrolled = 0
    for unit in UNITS:
        target = tmp_path / f"续保_{unit}.xlsx"
        args = ["template", "roster", "--renewal", "--unit", unit, "-o", str(target)]
        code, _, output = run(args, ledger_target, "2027-11-01")
        assert code == 0, output
        check = ["validate", str(target), "--start", "2027-12-01", "--json", "-o", str(tmp_path / "v.xlsx")]
        code, checked, _ = run(check, ledger_target, "2027-11-01")
        assert [p for p in checked["problems"] if p["severity"] == "error"] == [], unit
        code, doc, _ = enroll(target, ledger_target, start="2027-12-01", today="2027-11-01")
        assert code == 0, doc["problems"]
        assert doc["enrolled"] == checked["rows"] and doc["refused"] == 0, unit
        for member in doc["members"]:
            for plan, taken in member["plans"].items():
                assert taken["observation_end"] is None, (member["name"], plan)
                if plan != "short-accident":  # the sample's plan-5 periods ended months before S
                    assert taken["renewed_shares"] == taken["shares"], (member["name"], plan)
        enrolled += doc["enrolled"]
    assert enrolled == _sample_rows()  # every row of the sample came back as a renewal


def test_fifteen_yuan_shares_over_two_are_pre_filled_as_approved(ledger_target, tmp_path):
    short = [r for r in _renewal_roster(ledger_target, tmp_path) if r["短期意外（份）"]]
    approved = {(r["姓名"], r["短期意外档次（元/份）"], r["短期意外（份）"]): r["加购审批"] for r in short}
    assert approved.pop(("陈静", "15", 4)) == "是"  # 4 shares of the 15-yuan tier need approval
    assert set(approved.values()) == {None}  # 2 shares or fewer: none needed


def test_the_sample_s_plan_5_ends_keep_whole_months_across_29_february(ledger_target, tmp_path):
    short = [r for r in _renewal_roster(ledger_target, tmp_path) if r["短期意外（份）"]]
    ends = {r["姓名"]: r["短期意外保障止期"] for r in short}
    assert ends["陈静"] == "2028-02-29"  # 2026-12-01…2027-02-28: three months
    assert ends["李秀英"] == "2028-05-31"  # 2026-12-01…2027-05-31: six months
    assert ends["热依拉·库尔班"] == "2027-12-31"  # 2026-12-01…2026-12-31: one month


def _renewal_roster(db, tmp_path) -> list[dict[str, object]]:
    """The sample enrolled on 2026-12-01, and the pre-filled rows of 6501-00001's renewal roster."""
    code, doc, _ = enroll(SAMPLE, db, start="2026-12-01", today="2026-12-01")
    assert code == 0, doc["problems"]
    target = tmp_path / "续保.xlsx"
    args = ["template", "roster", "--renewal", "--unit", "6501-00001", "-o", str(target)]
    assert run(args, db, "2027-11-01")[0] == 0
    rows = list(openpyxl.load_workbook(target)["参保人员名册"].iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if "身份证号码" in r)
    head = list(rows[top])
    return [dict(zip(head, r, strict=True)) for r in rows[top + 1 :] if r[head.index("身份证号码")]]


def _sample_rows() -> int:
    rows = list(openpyxl.load_workbook(SAMPLE).worksheets[0].iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if "身份证号码" in r)
    column = list(rows[top]).index("身份证号码")
    return sum(1 for r in rows[top + 1 :] if r[column])
