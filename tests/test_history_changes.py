"""Changes (批改, office.md §3): voids of a batch or one enrollment, and corrections of a member's details
or ID number; every view follows them; bad input changes nothing. Both backends."""

from __future__ import annotations

from pathlib import Path

from conftest import make_id, member, write_roster
from history_helpers import SCHOOL, A, B, C, enroll, figures, school_roster, tianshan_roster, x

CLAIM = ["claim", "calc", "--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind", "life",
         "--grade", "10", "--event-date", "2027-02-01"]  # fmt: skip


def test_a_dry_run_void_shows_what_would_go_and_changes_nothing(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    before = figures(ledger_target)
    code, doc, _ = x("void", "--batch", "1", "--reason", "录错", "--dry-run", "--db", ledger_target, "--json")
    assert code == 0 and (doc["voided"], doc["refund"], doc["change"]) == (3, "260.00", None)
    assert doc["refund_on"] == "2026-11-20" and {e["id_number"] for e in doc["enrollments"]} == {A, B}
    assert set(doc["enrollments"][0]) == {"id_number", "plan", "start", "end", "fee"}
    assert figures(ledger_target) == before


def test_bad_void_requests_are_refused_with_one_sentence_and_change_nothing(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    before = figures(ledger_target)
    for args, says in (
        (["--batch", "1"], "--reason"),
        (["--batch", "1", "--reason", "  "], "--reason"),
        (["--batch", "9", "--reason", "录错"], "台账中没有第 9 批"),
        (["--id", C, "--plan", "住院+意外", "--reason", "录错"], "没有该会员在该险种的有效参保记录"),
        (["--id", A, "--reason", "录错"], "--plan"),
        (["--id", A, "--plan", "火星险", "--reason", "录错"], "“火星险”不是险种"),
        (["--batch", "1", "--id", A, "--plan", "住院+意外", "--reason", "录错"], "二者选一"),
    ):
        code, doc, out = x("void", *args, "--db", ledger_target, "--json")
        assert code == 2 and says in out, (args, out)
        assert doc == {"voided": 0, "refund": "0.00", "refund_on": None, "enrollments": [], "change": None}
    assert figures(ledger_target) == before


def test_a_voided_batch_shows_everywhere_and_its_refund_nets_the_refund_month(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    enroll(ledger_target, tianshan_roster(tmp_path))
    assert x("fees", "summary", "--month", "2026-11", "--db", ledger_target, "--json")[1]["total"] == "370.00"
    code, doc, _ = x("void", "--batch", "1", "--reason", "重复登记", "--refund-on", "2027-01-10",
                     "--operator", "王会计", "--db", ledger_target, "--json")  # fmt: skip
    assert code == 0 and (doc["voided"], doc["refund"], doc["refund_on"], doc["change"]) == (
        3,
        "260.00",
        "2027-01-10",
        1,
    )
    # Paid in November stays paid in November; the refund is January's, a negative amount in its groups.
    november = x("fees", "summary", "--month", "2026-11", "--db", ledger_target, "--json")[1]
    assert november["total"] == "370.00"
    january = x("fees", "summary", "--month", "2027-01", "--db", ledger_target, "--json")[1]
    assert january["total"] == "-260.00" and january["by_unit"][0]["unit"] == SCHOOL
    assert {p["plan"]: p["fee"] for p in january["by_plan"]} == {
        "inpatient-accident": "-220.00",
        "critical-illness": "-40.00",
    }
    year = x("fees", "summary", "--year", "2027", "--db", ledger_target, "--json")[1]
    assert year["total"] == "-260.00" and year["by_month"][0] == {
        "month": "2027-01",
        "members": 0,
        "fee": "-260.00",
    }
    shown = x("member", "show", A, "--db", ledger_target, "--json")[1]
    assert {e["status"] for e in shown["enrollments"]} == {"voided"} and shown["remaining"] == {}
    assert shown["enrollments"][0]["void_reason"] == "重复登记" and shown["enrollments"][0]["voided_at"]
    code, _, out = x("member", "show", A, "--db", ledger_target)
    assert "已作废" in out and "王会计" in out and "重复登记" in out
    batch = x("batch", "show", "1", "--db", ledger_target, "--json")[1]
    assert batch["status"] == "voided" and batch["voids"][0]["refund"] == "260.00"
    assert batch["voids"][0]["operator"] == "王会计" and batch["voids"][0]["change"] == 1
    entry = x("log", "--kind", "void", "--db", ledger_target, "--json")[1]["entries"]
    assert len(entry) == 1 and entry[0]["reason"] == "重复登记" and len(entry[0]["refs"]["enrollments"]) == 3
    code, _, out = x("void", "--batch", "1", "--reason", "再来", "--db", ledger_target)
    assert code == 2 and "已全部作废" in out


def test_one_voided_enrollment_covers_nothing_and_partly_voids_its_batch(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    code, doc, out = x(
        "void", "--id", A, "--plan", "住院+意外", "--reason", "不该参加", "--db", ledger_target, "--json"
    )
    assert code == 0 and doc["voided"] == 1 and doc["refund"] == "110.00", out
    assert x("batch", "list", "--db", ledger_target, "--json")[1]["batches"][0]["status"] == "partly voided"
    shown = x("member", "show", A, "--db", ledger_target, "--json")[1]
    status = {e["plan"]: e["status"] for e in shown["enrollments"]}
    assert status == {"inpatient-accident": "voided", "critical-illness": "recorded"}
    assert list(shown["remaining"]) == ["critical-illness"]
    claim = x(*CLAIM, "--id", A, "--db", ledger_target, "--json", today="2027-03-01")[1]
    assert claim["claims"][0]["reasons"] == ["outside-period"] and claim["claims"][0]["payout"] == "0.00"
    other = x(*CLAIM, "--id", B, "--db", ledger_target, "--json", today="2027-03-01")[1]
    assert other["claims"][0]["payout"] == "2000.00"


def test_an_enrollment_with_a_recorded_claim_cannot_be_voided(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    assert x(*CLAIM, "--id", A, "--record", "--db", ledger_target, today="2027-03-01")[0] == 0
    before = figures(ledger_target)
    code, _, out = x("void", "--batch", "1", "--reason", "录错", "--db", ledger_target)
    assert code == 2 and "理赔" in out and "第 1 号" in out
    assert figures(ledger_target) == before
    assert x("void", "--id", B, "--plan", "住院+意外", "--reason", "录错", "--db", ledger_target)[0] == 0


def test_corrected_details_show_from_then_on_with_their_history(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    enroll(
        ledger_target,
        write_roster(tmp_path / "二中.xlsx", [member("乌鲁木齐第二中学", "乌鲁木齐市", "张强", C)]),
    )
    code, doc, out = x("member", "correct", A, "--name", "王玮", "--unit", "乌鲁木齐第二中学", "--reason", "户籍为准",
                       "--operator", "审核员", "--db", ledger_target, "--json")  # fmt: skip
    assert code == 0, out
    assert doc["changes"] == [{"field": "name", "before": "王伟", "after": "王玮"},
                              {"field": "unit", "before": SCHOOL, "after": "乌鲁木齐第二中学"}]  # fmt: skip
    shown = x("member", "show", A, "--db", ledger_target, "--json")[1]
    assert shown["name"] == "王玮" and {e["unit"] for e in shown["enrollments"]} == {"乌鲁木齐第二中学"}
    assert [(h["field"], h["before"], h["after"], h["operator"], h["reason"]) for h in shown["history"]] == [
        ("name", "王伟", "王玮", "审核员", "户籍为准"), ("unit", SCHOOL, "乌鲁木齐第二中学", "审核员", "户籍为准")]  # fmt: skip
    # Fees already paid stay with the paying unit.
    units = x("fees", "summary", "--month", "2026-11", "--db", ledger_target, "--json")[1]["by_unit"]
    assert [(u["unit"], u["fee"]) for u in units] == [(SCHOOL, "260.00"), ("乌鲁木齐第二中学", "110.00")]
    assert (
        x("log", "--kind", "member-correct", "--member", A, "--db", ledger_target, "--json")[1]["entries"][0][
            "reason"
        ]
        == "户籍为准"
    )
    code, _, out = x("member", "correct", A, "--name", "王玮", "--reason", "再改", "--db", ledger_target)
    assert code == 2 and "相同" in out


def test_a_unit_correction_moves_only_the_enrollments_recorded_before_it(
    ledger_target: str, tmp_path: Path
) -> None:
    other = "乌鲁木齐第二中学"
    enroll(ledger_target, school_roster(tmp_path))
    enroll(
        ledger_target, write_roster(tmp_path / "二中.xlsx", [member(other, "乌鲁木齐市", "张强", C, 住院=1)])
    )
    code, _, out = x("member", "correct", A, "--unit", other, "--reason", "调动", "--db", ledger_target,
                     today="2026-12-05")  # fmt: skip
    assert code == 0, out
    again = write_roster(tmp_path / "一中续.xlsx", [member(SCHOOL, "乌鲁木齐市", "王伟", A, 住院=1)])
    code, _, out = x("enroll", str(again), "--start", "2027-12-01", "--db", ledger_target, today="2027-11-20")
    assert code == 0, out
    shown = x("member", "show", A, "--db", ledger_target, "--json", today="2027-12-02")[1]
    assert sorted({(e["start"], e["unit"]) for e in shown["enrollments"]}) == [
        ("2026-12-01", other), ("2027-12-01", SCHOOL)]  # fmt: skip
    due = x("renewals", "due", "--before", "2028-12-31", "--db", ledger_target, "--json", today="2028-11-01")
    assert {u["unit"]: u["members_due"] for u in due[1]["units"]} == {SCHOOL: 1}
    unit = x(
        "unit", "show", SCHOOL, "--as-of", "2027-12-15", "--db", ledger_target, "--json", today="2027-12-15"
    )
    assert unit[1]["members"] == 1
    unit = x(
        "unit", "show", other, "--as-of", "2027-01-15", "--db", ledger_target, "--json", today="2027-12-15"
    )
    assert unit[1]["members"] == 2
    code, _, out = x("template", "roster", "--renewal", "--unit", other, "-o", str(tmp_path / "续.xlsx"),
                     "--db", ledger_target, today="2028-11-01")  # fmt: skip
    assert code == 0, out
    names = _names(tmp_path / "续.xlsx")
    assert "张强" in names and "王伟" not in names


def _names(path: Path) -> set[str]:
    import openpyxl

    sheet = openpyxl.load_workbook(path)["参保人员名册"]
    return {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v}


def test_a_unit_correction_names_a_registered_unit(ledger_target: str, tmp_path: Path) -> None:
    from history_helpers import TIANSHAN

    enroll(ledger_target, school_roster(tmp_path))
    enroll(ledger_target, tianshan_roster(tmp_path))
    before = figures(ledger_target)
    code, _, out = x("member", "correct", A, "--unit", "天山建设", "--reason", "调动", "--db", ledger_target)
    assert code == 2 and "台账中没有单位“天山建设”" in out, out
    assert figures(ledger_target) == before
    unit = x("unit", "show", TIANSHAN, "--db", ledger_target, "--json")[1]
    assert x("unit", "alias", unit["code"], "天山建设", "--db", ledger_target)[0] == 0
    code, doc, out = x("member", "correct", A, "--unit", "天山建设", "--reason", "调动", "--db", ledger_target,
                       "--json")  # fmt: skip
    assert code == 0, out
    assert doc["changes"] == [{"field": "unit", "before": SCHOOL, "after": TIANSHAN}]
    code, doc, out = x("member", "correct", B, "--unit", unit["code"], "--reason", "调动", "--db", ledger_target,
                       "--json")  # fmt: skip
    assert code == 0 and doc["changes"][0]["after"] == TIANSHAN, out


def test_a_corrected_id_number_takes_the_enrollments_and_claims_along(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    assert x(*CLAIM, "--id", A, "--record", "--db", ledger_target, today="2027-03-01")[0] == 0
    new = make_id("19800502", 10, female=False)
    code, doc, out = x(
        "member", "correct", A, "--new-id", new, "--reason", "身份证号码录错", "--db", ledger_target, "--json"
    )
    assert code == 0 and doc["id_number"] == new, out
    shown = x("member", "show", new, "--db", ledger_target, "--json")[1]
    assert len(shown["enrollments"]) == 2 and shown["claims"][0]["payout"] == "2000.00"
    assert shown["history"][0]["field"] == "id_number" and shown["history"][0]["after"] == new
    assert x("member", "show", A, "--db", ledger_target, "--json")[1]["enrollments"] == []
    assert x("fees", "summary", "--month", "2026-11", "--db", ledger_target, "--json")[1]["total"] == "260.00"


def test_bad_id_corrections_are_refused_and_change_nothing(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    roster = write_roster(
        tmp_path / "女职工.xlsx", [member(SCHOOL, "乌鲁木齐市", "李芳", B, 住院=0, 女职工=1)]
    )
    x("enroll", str(roster), "--start", "2026-12-01", "--db", ledger_target)
    before = figures(ledger_target)
    man = make_id("19900715", 11, female=False)
    old = make_id("19000101", 10, female=False)
    for args, says in (
        ([A, "--new-id", A[:-1] + ("0" if A[-1] != "0" else "1"), "--reason", "r"], "新身份证号码无效"),
        ([A, "--new-id", B, "--reason", "r"], "重叠"),  # B holds 住院+意外 from the same S
        ([B, "--new-id", man, "--reason", "r"], "起的“女职工特殊疾病”参保记录只限女职工"),  # the plan by name
        ([A, "--new-id", old, "--reason", "r"], "年龄"),
        ([A, "--new-id", make_id("19800502", 10, female=False)], "--reason"),
        ([C, "--name", "某", "--reason", "r"], "台账中没有该身份证号码"),
        ([A, "--reason", "r"], "至少给出一项"),
        ([A, "--phone", "12", "--reason", "r"], "--phone"),
    ):
        code, _, out = x("member", "correct", *args, "--db", ledger_target)
        assert code == 2 and says in out, (args, out)
    assert figures(ledger_target) == before


def test_a_voided_enrollment_may_be_enrolled_again_and_only_once(ledger_target: str, tmp_path: Path) -> None:
    """Shares, S and E are never corrected: void, then enroll again (office.md §3)."""
    roster = school_roster(tmp_path)
    enroll(ledger_target, roster)
    assert x("void", "--batch", "1", "--reason", "份数填错", "--db", ledger_target)[0] == 0
    again = enroll(ledger_target, roster)
    assert again["batch"] == 2 and again["enrolled"] == 2 and again["already_recorded"] == 0
    assert enroll(ledger_target, roster)["already_recorded"] == 2  # the live enrollments now block
    shown = x("member", "show", A, "--db", ledger_target, "--json")[1]
    assert sorted(e["status"] for e in shown["enrollments"]) == ["recorded", "recorded", "voided", "voided"]
    assert set(shown["remaining"]) == {"inpatient-accident", "critical-illness"}
    claim = x(*CLAIM, "--id", A, "--db", ledger_target, "--json", today="2027-03-01")[1]
    assert claim["claims"][0]["payout"] == "2000.00"
