"""`xjma claim pay` and `claim pay --confirm` (office.md §5) on both backends, against a small ledger whose
figures are computed by hand: cases written straight into the case tables (case_fixtures)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from case_fixtures import Step, add_case, approved_on, at
from history_helpers import A, B, C, enroll, figures, log_kinds, school_roster, tianshan_roster, x

TODAY = "2026-12-10"
ACCOUNT = "6222020200112233445"  # case_fixtures' default
C_ACCOUNT = "6217 0000 1122 9988"
LONG_BANK = "中国建设银行股份有限公司巴音郭楞蒙古自治州分行库尔勒市人民东路支行营业部"
CASE_KEYS = {
    "row", "id_number", "plan", "benefit", "event_date", "day_index", "payout", "reasons", "exclusion",
    "cover_ended", "rules_version", "steps", "warnings",
    "case", "state", "submission", "payment_batch", "materials_missing", "history",
}  # fmt: skip


@pytest.fixture
def ledger(ledger_target: str, tmp_path: Path) -> str:
    """Cases 1–6 (hand-computed: the batch pays 1, 2 and 4, 7,114.50 in all):
    1 王伟 住院 1,234.50 approved 12-06; 2 李芳 accidental death 5,000.00 approved 12-07, paid to 王强
    (配偶); 3 李芳 accidental death 300.00 approved 12-07, no payee named (left out); 4 张强 (巴州) 住院
    880.00 approved 12-08, account written with spaces; 5 王伟 only submitted; 6 王伟 rejected."""
    enroll(ledger_target, school_roster(tmp_path))
    enroll(ledger_target, tianshan_roster(tmp_path))
    add_case(ledger_target, A, amount="1234.50", steps=approved_on("2026-12-06"))
    death = {"benefit": "accident", "death": True}
    add_case(ledger_target, B, amount="5000.00", steps=approved_on("2026-12-07"), event_date="2026-12-04",
             payee="王强", relation="配偶", **death)  # fmt: skip
    add_case(
        ledger_target, B, amount="300.00", steps=approved_on("2026-12-07"), event_date="2026-12-03", **death
    )
    add_case(ledger_target, C, amount="880.00", steps=approved_on("2026-12-08"), prefecture="巴州",
             unit="新疆天山建设集团有限公司", bank=LONG_BANK, account=C_ACCOUNT)  # fmt: skip
    add_case(
        ledger_target, A, amount="99.00", steps=[Step("submitted", at("2026-12-08"))], event_date="2026-12-02"
    )
    add_case(ledger_target, A, amount="0.00", event_date="2026-12-01",
             steps=[Step("submitted", at("2026-12-02")), Step("rejected", at("2026-12-03"), note="除外责任")])  # fmt: skip
    return ledger_target


def pay(db: str, *args: str) -> tuple[int, dict | None, str]:
    return x("claim", "pay", "--db", db, "--json", *args, today=TODAY)


def test_a_batch_pays_each_approved_case_to_the_member_or_the_named_relative(ledger, tmp_path):
    code, doc, out = pay(ledger, "-o", str(tmp_path / "bank.xlsx"))
    assert code == 0, out
    assert set(doc) == {"payment_batch", "cases", "amount", "bank_file"}
    assert doc["payment_batch"] == 1 and doc["amount"] == "7114.50"
    assert [c["case"] for c in doc["cases"]] == [1, 2, 4]  # 乌鲁木齐市 first, then 巴州 (地州市, unit, case)
    assert doc["bank_file"] == str(tmp_path / "bank.xlsx")
    for case in doc["cases"]:
        assert set(case) == CASE_KEYS
        assert case["state"] == "approved" and case["payment_batch"] == 1
    assert [c["payout"] for c in doc["cases"]] == ["1234.50", "5000.00", "880.00"]
    rows = _bank_rows(tmp_path / "bank.xlsx")
    assert [(r["收款人"], r["与会员关系"]) for r in rows] == [
        ("王伟", "本人"),
        ("王强", "配偶"),
        ("张强", "本人"),
    ]


def test_a_death_case_without_a_named_payee_is_left_out_with_a_warning(ledger):
    code, doc, out = pay(ledger)
    assert code == 0
    assert 3 not in [c["case"] for c in doc["cases"]]
    assert "提示：第 3 号案件未列入本批：身故案件须由直系亲属领取" in out and "未填写收款人" in out


def test_until_and_prefecture_choose_the_cases(ledger):
    code, doc, _ = pay(ledger, "--until", "2026-12-06")
    assert code == 0 and [c["case"] for c in doc["cases"]] == [1]
    code, doc, _ = pay(ledger, "--prefecture", "巴音郭楞蒙古自治州")
    assert code == 0 and [c["case"] for c in doc["cases"]] == [4] and doc["payment_batch"] == 2


def test_a_case_in_an_unconfirmed_batch_is_not_put_in_another(ledger):
    assert pay(ledger, "--until", "2026-12-06")[1]["payment_batch"] == 1
    code, doc, _ = pay(ledger)
    assert code == 0 and doc["payment_batch"] == 2 and [c["case"] for c in doc["cases"]] == [2, 4]
    before = figures(ledger)
    code, doc, out = pay(ledger)
    assert code == 2 and "没有可支付的案件" in out
    assert doc == {"payment_batch": None, "cases": [], "amount": "0.00", "bank_file": None}
    assert figures(ledger) == before


def test_when_every_approved_case_is_left_out_the_refusal_says_why_each_was(ledger_target, tmp_path):
    enroll(ledger_target, school_roster(tmp_path))
    add_case(ledger_target, A, amount="0.00", steps=approved_on("2026-12-06"))
    add_case(ledger_target, B, amount="10.00", steps=approved_on("2026-12-06"), bank=None)
    before = figures(ledger_target)
    code, _, out = pay(ledger_target)
    said = "".join(out.split())
    assert code == 2 and "没有可支付的案件：2个已审批案件未列入" in said, out
    assert "第1号：审批给付金额为0，无需转账" in said and "第2号：未填写开户行" in said
    assert "收款信息不全" not in said
    assert figures(ledger_target) == before


def test_confirm_marks_every_case_of_the_batch_paid_once(ledger):
    pay(ledger)
    code, doc, out = pay(ledger, "--confirm", "1", "--paid-on", "2026-12-11")
    assert code == 0, out
    assert [c["state"] for c in doc["cases"]] == ["paid"] * 3 and doc["amount"] == "7114.50"
    assert [c["history"][-1]["state"] for c in doc["cases"]] == ["paid"] * 3
    assert all(c["history"][-1]["operator"] == "测试员" for c in doc["cases"])
    assert [c["history"][-1]["note"] for c in doc["cases"]] == ["支付日期 2026-12-11"] * 3
    shown = x("claim", "show", "2", "--db", ledger, "--json")[1]
    assert (shown["history"][-1]["state"], shown["history"][-1]["note"]) == ("paid", "支付日期 2026-12-11")
    assert _paid_events(ledger) == [
        (1, dt.date(2026, 12, 11), 1),
        (2, dt.date(2026, 12, 11), 1),
        (4, dt.date(2026, 12, 11), 1),
    ]
    assert log_kinds(ledger).count("claim-pay") == 2
    before = figures(ledger)
    code, _, out = pay(ledger, "--confirm", "1", "--paid-on", "2026-12-12")
    assert code == 2 and "已于 2026-12-11 确认支付" in out
    assert figures(ledger) == before
    code, doc, _ = pay(ledger)  # paid cases are never paid again
    assert code == 2


def test_an_unknown_batch_is_refused_and_nothing_changes(ledger):
    before = figures(ledger)
    code, _, out = pay(ledger, "--confirm", "7", "--paid-on", "2026-12-11")
    assert code == 2 and "台账中没有第 7 批理赔支付" in out
    assert figures(ledger) == before


def test_an_account_that_is_not_digits_refuses_the_whole_batch(ledger, tmp_path):
    add_case(
        ledger,
        C,
        amount="10.00",
        steps=approved_on("2026-12-08"),
        event_date="2026-12-06",
        account="6222-02AB",
    )
    before = figures(ledger)
    code, doc, out = pay(ledger, "-o", str(tmp_path / "bank.xlsx"))
    assert code == 2 and "第 7 号的收款账号不是数字" in out
    assert doc["payment_batch"] is None
    assert figures(ledger) == before
    assert not (tmp_path / "bank.xlsx").exists() and not (tmp_path / "bank_给付通知.xlsx").exists()


def test_confirm_needs_the_paid_date_and_refuses_the_selection_options(ledger):
    code, _, out = pay(ledger, "--confirm", "1")
    assert code == 2 and "确认支付须用 --paid-on 写明支付日期" in out
    code, _, out = pay(ledger, "--confirm", "1", "--paid-on", "2026-12-11", "--until", "2026-12-01")
    assert code == 2
    code, _, out = pay(ledger, "--paid-on", "2026-12-11")
    assert code == 2 and "--confirm" in out


def test_the_bank_file_holds_whole_accounts_amounts_in_capitals_and_a_total(ledger, tmp_path):
    pay(ledger, "-o", str(tmp_path / "bank.xlsx"))
    rows = _bank_rows(tmp_path / "bank.xlsx")
    assert [r["收款账号"] for r in rows] == [ACCOUNT, ACCOUNT, "6217000011229988"]
    assert [r["金额（大写）"] for r in rows] == ["壹仟贰佰叁拾肆元伍角", "伍仟元整", "捌佰捌拾元整"]
    ws = openpyxl.load_workbook(tmp_path / "bank.xlsx")["银行转账清单"]
    total = next(r for r in ws.iter_rows(values_only=True) if r[0] == "合计")
    assert total[4] == pytest.approx(7114.50)


def test_the_notices_sit_beside_the_bank_file_and_mask_the_account(ledger, tmp_path):
    _, doc, _ = pay(ledger, "-o", str(tmp_path / "bank.xlsx"))
    notices = tmp_path / "bank_给付通知.xlsx"
    ws = openpyxl.load_workbook(notices)["给付通知"]
    texts = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert texts.count("****3445") == 2 and "****9988" in texts
    assert not any(ACCOUNT in t or "6217000011229988" in t for t in texts)
    assert not any(A in t or B in t for t in texts)  # the members' IDs are masked too
    assert texts.count("职工互助保障给付通知书") == 3
    assert "伍仟元整" in texts and "王强" in texts and "配偶" in texts
    assert len(ws.row_breaks.brk) == 2  # a page break after each notice but the last


def test_the_default_bank_file_is_named_after_the_batch(ledger):
    code, doc, _ = pay(ledger)
    assert code == 0 and Path(doc["bank_file"]).name == "理赔支付第1批_银行转账清单.xlsx"


def test_the_terminal_shows_accounts_masked_and_the_confirm_command(ledger, tmp_path):
    code, _, out = x("claim", "pay", "--db", ledger, "-o", str(tmp_path / "b.xlsx"), today=TODAY)
    assert code == 0
    assert "****3445" in out and ACCOUNT not in out and "6217000011229988" not in out
    assert A not in out and B not in out
    assert "xjma claim pay --confirm 1 --paid-on" in out


def test_with_mask_the_json_masks_the_member_ids(ledger):
    code, doc, _ = pay(ledger, "--mask")
    assert code == 0 and all("*" in c["id_number"] for c in doc["cases"])


def test_the_log_entry_names_the_batch_and_its_cases(ledger):
    pay(ledger)
    _, doc, _ = x("log", "--db", ledger, "--kind", "claim-pay", "--json")
    (entry,) = doc["entries"]
    assert entry["refs"] == {"payment_batch": 1, "cases": [1, 2, 4]} and entry["operator"] == "测试员"


def _bank_rows(path: Path) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path)["银行转账清单"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "序号")
    return [dict(zip(rows[head], r, strict=True)) for r in rows[head + 1 :] if r[0] != "合计"]


def _paid_events(target: str) -> list[tuple[int, dt.date, int]]:
    from sqlalchemy import select

    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.case_tables import case_events as e

    with open_ledger(target, mode="read") as ledger, ledger.connect() as conn:
        query = (
            select(e.c.claim_id, e.c.paid_on, e.c.payment_batch_id)
            .where(e.c.state == "paid")
            .order_by(e.c.id)
        )
        return [tuple(r) for r in conn.execute(query)]


def test_the_batch_at_80_columns_hides_nothing(ledger, tmp_path):
    from terminal80 import at_80_columns, hidden_behind_ellipsis, too_wide

    args = ["claim", "pay", "--db", ledger, "-o", str(tmp_path / "b.xlsx")]
    result = at_80_columns(args, env={"XJMA_TODAY": TODAY, "XJMA_OPERATOR": "测试员"})
    assert result.exit_code == 0, result.output
    assert hidden_behind_ellipsis(result.stdout) == [] and too_wide(result.stdout) == []
