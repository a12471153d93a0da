"""End to end with the case commands (office.md §5): claim submit → approve → pay → pay --confirm, then
`claims summary` by approval and by payment, on both backends."""

from __future__ import annotations

import csv

from history_helpers import A, B, enroll, school_roster, x

HEADER = ["身份证号码", "姓名", "险种", "给付项目", "出险日期", "保障起始日", "统筹段个人自付", "统筹基金支付", "大额段个人自付", "病因", "已交材料",
          "开户行", "收款账号"]  # fmt: skip
ALL = "身份证明、医保结算单、出院记录、收款账户"


def stay(number: str, name: str, admitted: str, major: str) -> dict[str, str]:
    """住院 of plan 1: 大额段 × 50%."""
    return {"身份证号码": number, "姓名": name, "险种": "住院+意外", "给付项目": "住院", "出险日期": admitted,
            "保障起始日": "2026-12-01", "统筹段个人自付": "0", "统筹基金支付": "0", "大额段个人自付": major, "病因": "疾病", "已交材料": ALL,
            "开户行": "工商银行", "收款账号": "6222 0200 1234 5678"}  # fmt: skip


def test_submitted_and_approved_cases_are_paid_confirmed_and_summarised(ledger_target, tmp_path):
    db = ledger_target
    enroll(db, school_roster(tmp_path))
    path = tmp_path / "理赔.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows([stay(A, "王伟", "2027-03-01", "2000"), stay(B, "李芳", "2027-04-01", "3000")])
    code, doc, out = x("claim", "submit", str(path), "--db", db, "--json", today="2027-07-20")
    assert code == 0, out
    code, doc, out = x(
        "claim", "approve", "--submission", str(doc["submission"]), "--db", db, "--json", today="2027-07-25"
    )
    assert code == 0, out
    code, doc, out = x(
        "claim", "pay", "--db", db, "--json", "-o", str(tmp_path / "bank.xlsx"), today="2027-07-28"
    )
    assert code == 0, out
    assert (doc["payment_batch"], doc["amount"], len(doc["cases"])) == (1, "2500.00", 2)
    code, doc, out = x(
        "claim", "pay", "--confirm", "1", "--paid-on", "2027-08-02", "--db", db, "--json", today="2027-08-03"
    )
    assert code == 0, out
    for case in doc["cases"]:
        code, shown, out = x("claim", "show", str(case["case"]), "--db", db, "--json", today="2027-08-03")
        assert code == 0 and shown["state"] == "paid" and shown["payment_batch"] == 1, out
    code, doc, out = x(
        "claims", "summary", "--year", "2027", "--db", db, "--json", "-o", str(tmp_path / "s.xlsx")
    )
    assert code == 0 and (doc["cases"], doc["members"], doc["amount"]) == (2, 2, "2500.00"), out
    months = {m["month"]: m["cases"] for m in doc["by_month"]}
    assert months["2027-07"] == 2
    code, doc, out = x("claims", "summary", "--month", "2027-08", "--state", "paid", "--db", db, "--json",
                       "-o", str(tmp_path / "p.xlsx"))  # fmt: skip
    assert code == 0 and (doc["cases"], doc["amount"]) == (2, "2500.00"), out
