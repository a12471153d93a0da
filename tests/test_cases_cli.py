"""`xjma claim submit | approve | return | reject | void | list | show` (office.md §5) through the CLI, on
SQLite and PostgreSQL: cases with states, who moved them, materials, the 汇总表 and the 拒付通知."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from history_helpers import A, B, figures, log_kinds, x

HEADER = ["身份证号码", "姓名", "险种", "给付项目", "出险日期", "保障起始日", "统筹段个人自付", "统筹基金支付",
          "大额段个人自付", "病因", "已交材料", "收款人", "与会员关系", "开户行", "收款账号"]  # fmt: skip
ALL = "身份证明、医保结算单、出院记录、收款账户"
TODAY = "2027-08-01"


def stay(admitted: str, major: str = "12000", number: str = A, **more: str) -> dict[str, str]:
    """A 住院 claim of plan 1 from a period starting 2026-12-01: 大额段 × 50% (8,000 a period at most)."""
    row = {"身份证号码": number, "姓名": "王伟" if number == A else "李芳", "险种": "住院+意外", "给付项目": "住院",
           "出险日期": admitted, "保障起始日": "2026-12-01", "统筹段个人自付": "0", "统筹基金支付": "0",
           "大额段个人自付": major, "病因": "疾病", "已交材料": ALL, "开户行": "工商银行",
           "收款账号": "6222 0200 1234 5678"}  # fmt: skip
    return {**row, **more}


def claims_file(path: Path, *rows: dict[str, str]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def claim(*args: str, today: str = TODAY) -> tuple[int, Any, str]:
    return x("claim", *args, today=today)


def submit(target: str, path: Path, *extra: str) -> dict[str, Any]:
    code, doc, out = claim("submit", str(path), "--db", target, "--json", *extra)
    assert code in (0, 1), out
    return doc


def approve(target: str, *args: str) -> tuple[int, Any, str]:
    return claim("approve", *args, "--db", target, "--json")


def show(target: str, case: int) -> dict[str, Any]:
    code, doc, out = claim("show", str(case), "--db", target, "--json")
    assert code == 0, out
    return doc


CASE_KEYS = {"row", "id_number", "plan", "benefit", "event_date", "day_index", "payout", "reasons", "exclusion",
             "cover_ended", "rules_version", "steps", "warnings", "case", "state", "submission", "payment_batch",
             "materials_missing", "history"}  # fmt: skip


def test_submit_records_every_computable_row_as_one_numbered_submission(
    ledger_target: str, tmp_path: Path
) -> None:
    path = claims_file(tmp_path / "c.csv", stay("2027-03-01"), stay("2027-04-01", major="100", number=B),
                       stay("2027-05-01", number=B, 收款账号="6222-abc"))  # fmt: skip
    doc = submit(ledger_target, path)
    assert set(doc) == {"submission", "cases", "total", "materials_missing", "errors"}
    assert doc["submission"] == 1
    assert [(c["case"], c["state"], c["payout"], c["submission"]) for c in doc["cases"]] == [
        (1, "submitted", "6000.00", 1), (2, "submitted", "50.00", 1)]  # fmt: skip
    assert set(doc["cases"][0]) == CASE_KEYS
    assert doc["total"] == "6050.00" and doc["materials_missing"] == 0
    assert doc["errors"] == [{"row": 4, "message": "收款账号“6222-abc”只能由数字组成，请核对"}]
    assert [h["state"] for h in doc["cases"][0]["history"]] == ["submitted"]
    assert doc["cases"][0]["history"][0]["operator"] == "测试员"
    assert log_kinds(ledger_target) == ["claim-submit"]


def test_the_payee_defaults_to_the_member_and_the_account_is_stored_as_digits(
    ledger_target: str, tmp_path: Path
) -> None:
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.cases import read_cases

    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01"),
                                      stay("2027-04-01", number=B, 收款人="李大山", 与会员关系="配偶")))  # fmt: skip
    with open_ledger(ledger_target, mode="read") as ledger, ledger.connect() as conn:
        a, b = read_cases(conn, [1, 2])
    assert (a.facts.payee, a.facts.payee_relation, a.facts.account) == ("王伟", "本人", "6222020012345678")
    assert (b.facts.payee, b.facts.payee_relation, b.facts.bank) == ("李大山", "配偶", "工商银行")


def test_submitting_the_same_rows_again_records_nothing_new(ledger_target: str, tmp_path: Path) -> None:
    path = claims_file(tmp_path / "c.csv", stay("2027-03-01"))
    submit(ledger_target, path)
    before = figures(ledger_target)
    again = submit(ledger_target, path)
    assert again["submission"] == 1 and [c["case"] for c in again["cases"]] == [1]
    assert figures(ledger_target) == before


def test_a_submitted_case_does_not_count_against_the_caps_an_approved_one_does(
    ledger_target: str, tmp_path: Path
) -> None:
    submit(ledger_target, claims_file(tmp_path / "a.csv", stay("2027-03-01")))
    later = submit(ledger_target, claims_file(tmp_path / "b.csv", stay("2027-06-01")))
    assert later["cases"][0]["payout"] == "6000.00"  # case 1 is only submitted: it takes no room
    approve(ledger_target, "1")
    code, doc, _ = approve(ledger_target, "2")
    assert code == 0
    case = doc["cases"][0]
    assert (case["state"], case["payout"]) == ("approved", "2000.00")
    assert "金额由 6,000.00 元改为 2,000.00 元" in case["history"][-1]["note"]


def test_approving_a_submission_approves_its_submitted_cases_except_those_named(
    ledger_target: str, tmp_path: Path
) -> None:
    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01", major="100"),
                                      stay("2027-04-01", major="100", number=B)))  # fmt: skip
    code, doc, out = approve(ledger_target, "--submission", "1", "--except", "2")
    assert code == 0, out
    assert [c["case"] for c in doc["cases"]] == [1]
    assert show(ledger_target, 2)["state"] == "submitted"
    assert log_kinds(ledger_target) == ["claim-submit", "claim-approve"]


@pytest.mark.parametrize(
    "excepting",
    [
        ("--except", "2", "3"),
        ("--except", "2,3"),
        ("--except", "2、3"),
        ("--except", "2", "--except", "3"),
        ("3", "--except", "2"),
    ],  # fmt: skip
)
def test_several_cases_can_be_excepted_after_one_except_or_as_a_list(
    ledger_target: str, tmp_path: Path, excepting: tuple[str, ...]
) -> None:
    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01", major="100"),
                                      stay("2027-04-01", major="100", number=B),
                                      stay("2027-05-01", major="100", number=B)))  # fmt: skip
    code, doc, out = approve(ledger_target, "--submission", "1", *excepting)
    assert code == 0, out
    assert [c["case"] for c in doc["cases"]] == [1]
    assert [show(ledger_target, n)["state"] for n in (2, 3)] == ["submitted", "submitted"]


@pytest.mark.parametrize(
    "waiving",
    [
        ("--waive", "医保结算单", "出院记录"),
        ("--waive", "医保结算单、出院记录"),
        ("--waive", "医保结算单,出院记录"),
    ],
)
def test_several_materials_can_be_waived_after_one_waive_or_as_a_list(
    ledger_target: str, tmp_path: Path, waiving: tuple[str, ...]
) -> None:
    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01", 已交材料="身份证、银行卡")))
    code, doc, out = approve(ledger_target, "1", *waiving, "--reason", "补开中")
    assert code == 0, out
    assert "免交材料：医保结算单、出院记录（补开中）" in doc["cases"][0]["history"][-1]["note"]


def test_approval_is_refused_for_missing_materials_unless_waived_with_a_reason(
    ledger_target: str, tmp_path: Path
) -> None:
    doc = submit(
        ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01", 已交材料="身份证、银行卡"))
    )
    assert doc["materials_missing"] == 1
    assert doc["cases"][0]["materials_missing"] == ["医保结算单", "出院记录"]
    assert "materials-missing" in doc["cases"][0]["warnings"]
    before = figures(ledger_target)
    code, _, out = approve(ledger_target, "1")
    assert code == 2 and "第 1 号缺医保结算单、出院记录" in out
    code, _, out = approve(ledger_target, "1", "--waive", "医保结算单", "--waive", "出院记录")
    assert code == 2 and "--reason" in out
    code, _, out = approve(ledger_target, "1", "--waive", "医保结算单", "--reason", "医院补开中")
    assert code == 2 and "出院记录" in out
    assert figures(ledger_target) == before
    code, doc, out = approve(
        ledger_target, "1", "--waive", "医保结算单", "--waive", "出院小结", "--reason", "补开中"
    )
    assert code == 0, out
    case = doc["cases"][0]
    assert (case["state"], case["materials_missing"]) == ("approved", [])
    assert "免交材料：医保结算单、出院记录（补开中）" in case["history"][-1]["note"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("9",), "台账中没有第 9 号案件"),
        (("--submission", "7"), "台账中没有第 7 批理赔提交"),
        (("1", "--submission", "1"), "二者选一"),
        (("x1",), "应为数字"),
    ],
    ids=[
        "an unknown case",
        "an unknown submission",
        "cases and a submission",
        "a case number that is not one",
    ],
)
def test_approve_with_bad_input_says_why_and_changes_nothing(
    ledger_target: str, tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01")))
    before = figures(ledger_target)
    code, doc, out = approve(ledger_target, *args)
    assert (code, doc) == (2, {"cases": []}) and says in out
    assert figures(ledger_target) == before


def _paid(target: str, case: int) -> None:
    """Mark a case paid as `claim pay --confirm` will (the payments work appends the event)."""
    import datetime as dt

    from xjma.core.actor import Actor
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.cases import NewEvent, append_events

    with open_ledger(target) as ledger, ledger.begin() as conn:
        append_events(
            conn,
            [NewEvent(case, "paid", paid_on=dt.date(2027, 8, 1))],
            Actor("出纳", dt.datetime(2027, 8, 1), "t"),
            None,
        )


@pytest.mark.parametrize(
    ("command", "state", "says"),
    [
        (("approve",), "paid", "第 1 号案件已支付，不能审批"),
        (("reject", "--reason", "不符"), "approved", "第 1 号案件已审批，不能拒付"),
        (("return", "--reason", "补件"), "approved", "已审批，不能退回"),
        (("void", "--reason", "录错"), "submitted", "第 1 号案件已受理，不能作废"),
        (("void", "--reason", "录错"), "paid", "已支付，不能作废"),
    ],
    ids=[
        "approving a paid case",
        "rejecting an approved case",
        "returning an approved case",
        "voiding a submitted case",
        "voiding a paid case",
    ],  # fmt: skip
)
def test_a_transition_the_table_refuses_is_one_sentence_exit_2_and_nothing_changed(
    ledger_target: str, tmp_path: Path, command: tuple[str, ...], state: str, says: str
) -> None:
    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01")))
    if state in ("approved", "paid"):
        approve(ledger_target, "1")
    if state == "paid":
        _paid(ledger_target, 1)
    before = figures(ledger_target)
    code, _, out = claim(command[0], "1", *command[1:], "--db", ledger_target)
    assert code == 2 and says in out, out
    assert "Traceback" not in out
    assert figures(ledger_target) == before


def test_a_returned_case_is_submitted_again_with_what_was_missing(ledger_target: str, tmp_path: Path) -> None:
    submit(ledger_target, claims_file(tmp_path / "a.csv", stay("2027-03-01", 已交材料="身份证明")))
    code, doc, out = claim(
        "return", "1", "--reason", "请补医保结算单和出院记录", "--db", ledger_target, "--json"
    )
    assert code == 0 and doc["cases"][0]["state"] == "returned", out
    again = submit(ledger_target, claims_file(tmp_path / "b.csv", stay("2027-03-01")))
    case = again["cases"][0]
    assert (again["submission"], case["case"], case["state"], case["submission"]) == (2, 1, "submitted", 2)
    assert case["materials_missing"] == []
    assert [h["state"] for h in case["history"]] == ["submitted", "returned", "submitted"]
    assert case["history"][1]["note"] == "请补医保结算单和出院记录"
    assert log_kinds(ledger_target) == ["claim-submit", "claim-return", "claim-submit"]


def test_a_returned_case_whose_amounts_are_corrected_is_that_case_submitted_again(
    ledger_target: str, tmp_path: Path
) -> None:
    submit(ledger_target, claims_file(tmp_path / "a.csv", stay("2027-03-01", major="12000")))
    code, _, out = claim("return", "1", "--reason", "金额有误请更正", "--db", ledger_target, "--json")
    assert code == 0, out
    corrected = claims_file(tmp_path / "b.csv", stay("2027-03-01", major="11000"))
    again = submit(ledger_target, corrected)
    case = again["cases"][0]
    assert (again["submission"], case["case"], case["state"], case["payout"]) == (
        2,
        1,
        "submitted",
        "5500.00",
    )
    assert [(h["state"], h["note"]) for h in case["history"]] == [
        ("submitted", None), ("returned", "金额有误请更正"), ("submitted", "重新提交")]  # fmt: skip
    before = figures(ledger_target)
    rerun = submit(ledger_target, corrected)  # nothing new: the submission the case now belongs to
    assert (rerun["submission"], [c["case"] for c in rerun["cases"]]) == (2, [1])
    assert figures(ledger_target) == before
    code, doc, out = approve(ledger_target, "1")
    assert code == 0 and doc["cases"][0]["payout"] == "5500.00", out  # recomputed from the corrected row
    code, doc, out = claim("list", "--db", ledger_target, "--json")
    assert [c["case"] for c in doc["cases"]] == [1]


def test_voiding_an_approved_case_frees_its_amount_under_the_cap(ledger_target: str, tmp_path: Path) -> None:
    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01"), stay("2027-06-01")))
    approve(ledger_target, "1")
    code, doc, out = claim("void", "1", "--reason", "重复报销", "--db", ledger_target, "--json")
    assert code == 0 and doc["cases"][0]["state"] == "voided", out
    code, doc, _ = approve(ledger_target, "2")
    assert doc["cases"][0]["payout"] == "6000.00"  # case 1's 6,000 no longer counts
    assert log_kinds(ledger_target) == ["claim-submit", "claim-approve", "claim-void", "claim-approve"]


def test_reject_writes_one_refusal_notice_page_per_case(ledger_target: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01"), stay("2027-04-01", number=B)))
    notice = tmp_path / "拒付.xlsx"
    code, doc, out = claim("reject", "1", "2", "--reason", "属于除外责任", "-o", str(notice), "--db",
                           ledger_target, "--json")  # fmt: skip
    assert code == 0, out
    assert [(c["state"], c["history"][-1]["note"]) for c in doc["cases"]] == [
        ("rejected", "属于除外责任")
    ] * 2
    sheet = load_workbook(notice)["拒付通知"]
    assert len(sheet.row_breaks.brk) == 1  # two cases: one page break between them
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert sum("职工互助保障活动拒付通知书" in t for t in texts) == 2
    assert any("拒付原因：属于除外责任" in t for t in texts)
    assert log_kinds(ledger_target) == ["claim-submit", "claim-reject"]


def test_reject_without_output_writes_the_notice_in_the_current_folder(
    ledger_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from xjma.cli import app

    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01")))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["claim", "reject", "1", "--reason", "不符", "--db", ledger_target],
                                env={"XJMA_TODAY": TODAY, "XJMA_DB": ""})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "拒付通知-1.xlsx").exists()


def test_return_reject_and_void_need_a_reason(ledger_target: str, tmp_path: Path) -> None:
    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01")))
    before = figures(ledger_target)
    for command in ("return", "reject", "void"):
        code, _, out = claim(command, "1", "--db", ledger_target)
        assert code == 2 and "--reason" in out, command
    assert figures(ledger_target) == before


def test_list_filters_by_state_member_submission_and_prefecture(ledger_target: str, tmp_path: Path) -> None:
    submit(ledger_target, claims_file(tmp_path / "a.csv", stay("2027-03-01"), stay("2027-04-01", number=B)),
           "--prefecture", "巴州")  # fmt: skip
    submit(ledger_target, claims_file(tmp_path / "b.csv", stay("2027-05-01", major="100")))
    approve(ledger_target, "2")

    def listed(*args: str) -> list[int]:
        code, doc, out = claim("list", "--db", ledger_target, "--json", *args)
        assert code == 0, out
        return [c["case"] for c in doc["cases"]]

    assert listed() == [1, 2, 3]
    assert listed("--state", "approved") == [2]
    assert listed("--state", "已受理") == [1, 3]
    assert listed("--member", A) == [1, 3]
    assert listed("--submission", "2") == [3]
    assert listed("--prefecture", "巴州") == [1, 2]
    code, _, out = claim("list", "--state", "open", "--db", ledger_target)
    assert code == 2 and "无法识别" in out


def test_the_list_total_counts_approved_and_paid_cases_apart_from_pending_ones_and_not_refused_ones(
    ledger_target: str, tmp_path: Path
) -> None:
    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01", major="100"),
                                      stay("2027-04-01", major="200"), stay("2027-05-01", major="300"),
                                      stay("2027-06-01", major="400")))  # fmt: skip
    approve(ledger_target, "1", "3")
    claim("reject", "2", "--reason", "不符", "-o", str(tmp_path / "n.xlsx"), "--db", ledger_target)
    claim("void", "3", "--reason", "重复", "--db", ledger_target)
    code, _, out = claim("list", "--db", ledger_target)
    assert code == 0, out
    said = "".join(out.split())
    assert (
        "共4件：已审批、已支付1件，给付合计50.00元；待审批1件，暂计200.00元；拒付、作废2件，不计金额。"
        in said
    )
    code, _, out = claim("list", "--state", "submitted", "--db", ledger_target)
    assert "共1件：待审批1件，暂计200.00元。" in "".join(out.split())


def test_show_tells_steps_materials_and_history_with_the_id_masked(
    ledger_target: str, tmp_path: Path
) -> None:
    submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01", 已交材料="身份证明")))
    code, _, out = claim("show", "1", "--db", ledger_target)
    assert code == 0, out
    assert A not in out and A[:6] in out
    assert "6222020012345678" not in out and "****5678" in out
    assert "缺少材料：医保结算单、出院记录、收款账户" in out and "已受理（测试员）" in out
    code, doc, _ = claim("show", "1", "--db", ledger_target, "--json", "--mask")
    assert doc["id_number"] != A and doc["id_number"].startswith(A[:6])
    code, _, out = claim("show", "5", "--db", ledger_target)
    assert code == 2 and "台账中没有第 5 号案件" in out


def test_claim_list_and_show_never_create_a_ledger(tmp_path: Path) -> None:
    target = str(tmp_path / "none.db")
    for args in (("list",), ("show", "1")):
        code, _, out = claim(*args, "--db", target)
        assert code == 2 and "还不存在" in out
    assert not Path(target).exists()


def test_claim_calc_record_records_approved_cases(ledger_target: str, tmp_path: Path) -> None:
    path = claims_file(tmp_path / "c.csv", stay("2027-03-01"))
    code, _, out = claim("calc", str(path), "--record", "--db", ledger_target, "--json")
    assert code == 0, out
    case = show(ledger_target, 1)
    assert (case["state"], case["payout"], case["submission"]) == ("approved", "6000.00", None)
    assert log_kinds(ledger_target) == ["claim-approve"]
    again = submit(ledger_target, path)  # the same claim: the case is there, nothing new
    assert again["submission"] is None and again["cases"][0]["state"] == "approved"


def test_the_submission_workbook_has_the_summary_the_lines_and_the_signature_lines(
    ledger_target: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    path = claims_file(tmp_path / "c.csv", stay("2027-03-01"), stay("2027-04-01", major="100", number=B))
    submit(ledger_target, path)
    book = load_workbook(tmp_path / "c_汇总表.xlsx")
    assert book.sheetnames == ["汇总表", "案件明细", "未受理"]
    summary = [[c.value for c in row] for row in book["汇总表"].iter_rows()]
    assert summary[0][0] == "理赔案件汇总表（第 1 批）"
    assert ["住院+意外", "住院", 2, 6050] in [r[:4] for r in summary]
    assert ["合计", None, 2, 6050] in [r[:4] for r in summary]
    texts = " ".join(str(v) for r in summary for v in r if v)
    assert all(f"{who}：" in texts for who in ("经办人", "审核人", "负责人"))
    lines = [[c.value for c in row] for row in book["案件明细"].iter_rows()]
    assert [r[0] for r in lines[3:5]] == [1, 2] and lines[3][3] == A


def test_an_approved_case_blocks_voiding_its_enrollment_until_the_case_is_voided(
    ledger_target: str, tmp_path: Path
) -> None:
    from history_helpers import enroll, school_roster

    enroll(ledger_target, school_roster(tmp_path))
    doc = submit(ledger_target, claims_file(tmp_path / "c.csv", stay("2027-03-01", major="100")))
    assert doc["cases"][0]["payout"] == "50.00"
    void = ("void", "--id", A, "--plan", "住院+意外", "--reason", "登记错误", "--db", ledger_target)
    code, _, out = x(*void, today=TODAY)
    assert code == 0, out  # a case only submitted does not hold the enrollment
    code, _, out = x("enroll", str(school_roster(tmp_path, "again.xlsx")), "--start", "2026-12-01", "--db",
                     ledger_target, today="2026-11-20")  # fmt: skip
    assert code == 0, out
    approve(ledger_target, "1")
    code, _, out = x(*void, today=TODAY)
    assert code == 2 and "第 1 号" in out
    claim("void", "1", "--reason", "作废理赔", "--db", ledger_target)
    code, _, out = x(*void, today=TODAY)
    assert code == 0, out


def test_a_case_counts_with_its_approved_amount_not_the_one_first_computed(
    ledger_target: str, tmp_path: Path
) -> None:
    submit(ledger_target, claims_file(tmp_path / "a.csv", stay("2027-03-01")))
    submit(ledger_target, claims_file(tmp_path / "b.csv", stay("2027-06-01")))  # first computed: 6,000
    approve(ledger_target, "1")
    approve(ledger_target, "2")  # approved at 2,000: the cap's rest
    claim("void", "1", "--reason", "重复", "--db", ledger_target)
    code, doc, out = claim(
        "calc", str(claims_file(tmp_path / "c.csv", stay("2027-07-01"))), "--db", ledger_target, "--json"
    )
    assert doc["claims"][0]["payout"] == "6000.00", out  # 8,000 less case 2's approved 2,000
    code, doc, out = x("member", "show", A, "--db", ledger_target, "--json", today=TODAY)
    assert [c["payout"] for c in doc["claims"]] == ["2000.00"], out  # case 1 voided: it is not a claim paid


def test_submit_and_approve_on_the_terminal_mask_the_id_and_say_what_changed(
    ledger_target: str, tmp_path: Path
) -> None:
    code, _, out = claim("submit", str(claims_file(tmp_path / "c.csv", stay("2027-03-01"), stay("2027-06-01"))),
                         "--db", ledger_target)  # fmt: skip
    assert code == 0 and "第 1 批" in out and "受理 2 件" in out, out
    assert A not in out and A[:6] in out
    code, _, out = claim("approve", "2", "--db", ledger_target)
    assert code == 0 and "金额由 2,000.00 元改为 6,000.00 元" in out, out


def test_a_submission_lists_only_its_own_cases_and_names_those_recorded_before(
    ledger_target: str, tmp_path: Path
) -> None:
    submit(ledger_target, claims_file(tmp_path / "a.csv", stay("2027-03-01", major="100")))
    code, doc, out = claim("submit", str(claims_file(tmp_path / "b.csv", stay("2027-03-01", major="100"),
                                                     stay("2027-04-01", major="100", number=B))),
                           "--db", ledger_target, "--json")  # fmt: skip
    assert (doc["submission"], [c["case"] for c in doc["cases"]]) == (2, [2])
    assert "第 1 号案件此前已记入台账，未列入本批" in out
