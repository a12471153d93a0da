"""`xjma medical import` (office.md §8): each settlement record of the platform computed as a plan 1
inpatient claim against the ledger and put in exactly one class; --record records only the agreeing
records as paid 一单结算 cases, and the same file again records nothing."""

from __future__ import annotations

from pathlib import Path

from history_helpers import A, B, figures, x
from medical_support import (
    BAD_ROWS,
    CLASSES,
    EVERY_CLASS,
    HEADERS,
    medical_import,
    small_ledger,
    stay,
    write_settlements,
)


def _classes(doc: dict) -> list[tuple[str, str]]:
    return [(i["settlement_no"], i["class"]) for i in doc["items"]]


def test_every_record_gets_exactly_one_class_from_the_claims_engine(
    ledger_target: str, tmp_path: Path
) -> None:
    small_ledger(ledger_target, tmp_path)
    file = write_settlements(tmp_path / "结算.csv", EVERY_CLASS)
    code, doc, out = medical_import(ledger_target, file)
    assert code == 0, out
    assert [i["class"] for i in doc["items"]] == CLASSES
    assert [i["row"] for i in doc["items"]] == list(range(2, 10))
    assert {k: doc[k] for k in ("records", "agree", "differ", "not_enrolled", "voided", "observation",
                                "over_cap", "duplicates", "recorded")} == {
        "records": 8, "agree": 2, "differ": 1, "not_enrolled": 1, "voided": 1, "observation": 1,
        "over_cap": 1, "duplicates": 1, "recorded": 0}  # fmt: skip
    xjma = {i["settlement_no"]: i["xjma"] for i in doc["items"][:7]}
    assert xjma == {"S1": "600.00", "S2": "600.00", "S3": "0.00", "S4": "0.00", "S5": "0.00",
                    "S6": "8100.00", "S7": "1100.00"}  # fmt: skip
    assert (doc["amount_platform"], doc["amount_xjma"]) == ("19699.00", "10400.00")
    assert list(doc) == ["records", "agree", "differ", "not_enrolled", "voided", "observation", "over_cap",
                         "duplicates", "recorded", "amount_platform", "amount_xjma", "items"]  # fmt: skip
    assert list(doc["items"][0]) == [
        "row",
        "settlement_no",
        "id_number",
        "class",
        "platform",
        "xjma",
        "steps",
    ]
    assert any("观察期" in s for s in doc["items"][2]["steps"])
    assert any("尚余 500元" in s for s in doc["items"][6]["steps"])


def test_agreement_is_to_the_fen_and_over_cap_only_when_the_uncut_stay_is_what_was_paid(
    ledger_target: str, tmp_path: Path
) -> None:
    small_ledger(ledger_target, tmp_path)
    rows = [
        stay("T1", A, "2027-02-01", "600.01"),  # a fen off: differ
        stay("T2", B, "2027-03-01", "8100.00", "15000", 病因="意外"),
        stay("T3", B, "2027-04-01", "8000.00", "15000", 病因="意外"),  # cut, but not what the platform paid
    ]
    doc = medical_import(ledger_target, write_settlements(tmp_path / "f.csv", rows))[1]
    assert _classes(doc) == [("T1", "differ"), ("T2", "agree"), ("T3", "differ")]


def test_a_single_stay_over_the_cap_is_over_cap_when_the_platform_paid_it_uncut(
    ledger_target: str, tmp_path: Path
) -> None:
    # 1000 / 5000 / 20000 local: 600 + 50% of 20,000 = 10,600.00 uncut; xjma cuts the 大额 at 8,000.00 (8,600.00)
    small_ledger(ledger_target, tmp_path)
    rows = [
        stay("U1", A, "2027-02-01", "10600.00", "20000"),  # the platform paid it uncut
        stay("U2", B, "2027-02-01", "10000.00", "20000"),  # neither cut nor uncut: differ
    ]
    doc = medical_import(ledger_target, write_settlements(tmp_path / "f.csv", rows))[1]
    assert _classes(doc) == [("U1", "over-cap"), ("U2", "differ")]
    assert [i["xjma"] for i in doc["items"]] == ["8600.00", "8600.00"]
    assert (doc["over_cap"], doc["differ"]) == (1, 1)
    # 异地 2880 / 16320 / 30000: 1,440.00 + 40% of 30,000 = 13,440.00 uncut, 9,440.00 cut at 8,000.00
    remote = {"就医地": "异地", "统筹段个人自付": "2880", "统筹基金支付": "16320"}
    rows = [stay("U3", A, "2027-05-01", "13440.00", "30000", **remote)]
    doc = medical_import(ledger_target, write_settlements(tmp_path / "g.csv", rows))[1]
    assert [(c, i["xjma"]) for (_, c), i in zip(_classes(doc), doc["items"], strict=True)] == [
        ("over-cap", "9440.00")
    ]


def test_record_keeps_only_agreeing_records_as_paid_cases_of_the_platform(
    ledger_target: str, tmp_path: Path
) -> None:
    small_ledger(ledger_target, tmp_path)
    file = write_settlements(tmp_path / "结算.xlsx", EVERY_CLASS)
    code, doc, out = medical_import(ledger_target, file, "--record", "--operator", "对账员")
    assert code == 0, out
    assert doc["recorded"] == 2
    cases = _cases(ledger_target)
    assert [(c["settlement_no"], c["payer"], c["payout_fen"], c["prefecture"], c["unit"]) for c in cases] == [
        ("S1", "一单结算", 60000, "乌鲁木齐市", "乌鲁木齐第一中学"),
        ("S6", "一单结算", 810000, "乌鲁木齐市", "乌鲁木齐第一中学"),
    ]
    assert [c["events"] for c in cases] == [
        [("approved", 60000, None, "对账员"), ("paid", None, "2027-02-10", "对账员")],
        [("approved", 810000, None, "对账员"), ("paid", None, "2027-03-10", "对账员")],
    ]
    entries = x("log", "--kind", "medical-import", "--db", ledger_target, "--json")[1]["entries"]
    assert len(entries) == 1 and entries[0]["file"] == "结算.xlsx" and len(entries[0]["sha256"]) == 64
    assert entries[0]["operator"] == "对账员"
    # What the 大额 cap still allows now counts the paid stay (member show, as the export).
    shown = x("member", "show", B, "--db", ledger_target, "--json")[1]
    assert shown["remaining"]["inpatient-accident"]["inpatient"] == "500.00"


def test_the_same_file_again_records_nothing_new(ledger_target: str, tmp_path: Path) -> None:
    small_ledger(ledger_target, tmp_path)
    file = write_settlements(tmp_path / "结算.csv", EVERY_CLASS)
    assert medical_import(ledger_target, file, "--record")[1]["recorded"] == 2
    before = figures(ledger_target)
    code, doc, out = medical_import(ledger_target, file, "--record")
    assert code == 0, out
    assert doc["recorded"] == 0 and doc["agree"] == 0 and doc["duplicates"] == 3
    assert [c for _, c in _classes(doc)][5:7] == ["duplicate", "over-cap"]
    assert figures(ledger_target) == before
    assert len(x("log", "--kind", "medical-import", "--db", ledger_target, "--json")[1]["entries"]) == 1


def test_bad_rows_are_listed_with_row_and_reason_and_never_recorded(
    ledger_target: str, tmp_path: Path
) -> None:
    small_ledger(ledger_target, tmp_path)
    file = write_settlements(tmp_path / "结算.csv", [*BAD_ROWS, EVERY_CLASS[0]])
    code, doc, out = medical_import(ledger_target, file, "--record")
    assert code == 1
    assert _classes(doc) == [("S1", "agree")] and doc["recorded"] == 1
    assert "第 2 行" in out and "校验码" in out
    assert "第 3 行" in out and "出院日期 2027-01-20 早于入院日期 2027-02-01" in out
    assert "第 4 行" in out and "互助金支付“6OO.00”不是有效金额" in out
    assert [c["settlement_no"] for c in _cases(ledger_target)] == ["S1"]


def test_a_file_without_the_mapped_columns_names_them_and_changes_nothing(
    ledger_target: str, tmp_path: Path
) -> None:
    small_ledger(ledger_target, tmp_path)
    before = figures(ledger_target)
    headers = [h for h in HEADERS if h not in ("病因", "互助金支付")] + ["其他", "备注"]
    file = write_settlements(tmp_path / "结算.csv", [r[:9] + ["", ""] for r in EVERY_CLASS], headers)
    code, doc, out = medical_import(ledger_target, file, "--record")
    assert code == 2
    assert "缺少一单结算的列：病因、互助金支付" in out
    assert doc["records"] == 0 and doc["items"] == []
    assert figures(ledger_target) == before


def test_an_edited_map_reads_the_platforms_own_headers(ledger_target: str, tmp_path: Path) -> None:
    from xjma.io.medical_map import default_medical_map_path

    small_ledger(ledger_target, tmp_path)
    edited = tmp_path / "medical.yaml"
    text = default_medical_map_path().read_text(encoding="utf-8")
    edited.write_text(
        text.replace("mutual_paid: [互助金支付", "mutual_paid: [互助保障支付"), encoding="utf-8"
    )
    headers = [*HEADERS[:-1], "互助保障支付"]
    file = write_settlements(tmp_path / "结算.csv", EVERY_CLASS[:1], headers)
    assert medical_import(ledger_target, file)[0] == 2
    code, doc, out = medical_import(ledger_target, file, "--map", str(edited))
    assert code == 0, out
    assert _classes(doc) == [("S1", "agree")]


def test_id_numbers_are_masked_on_the_terminal_and_with_mask(tmp_path: Path) -> None:
    target = str(tmp_path / "ledger.db")
    small_ledger(target, tmp_path)
    file = write_settlements(tmp_path / "结算.csv", [*BAD_ROWS[:1], *EVERY_CLASS])
    code, _, out = x("medical", "import", str(file), "--db", target)
    assert code == 1 and "650102********1012" in out
    assert A not in out and B not in out and "650102198005011013" not in out
    report = tmp_path / "对账.xlsx"
    code, doc, out = medical_import(target, file, "--mask", "-o", str(report))
    assert A not in out and B not in out
    assert doc["items"][0]["id_number"] == "650102********1012"
    from openpyxl import load_workbook

    ids = [r[2] for r in load_workbook(report)["对账明细"].iter_rows(min_row=4, values_only=True) if r[2]]
    assert "650102********1012" in ids and A not in ids


def test_the_reconciliation_workbook_lists_each_class_and_the_bad_rows(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = str(tmp_path / "ledger.db")
    small_ledger(target, tmp_path)
    file = write_settlements(tmp_path / "结算.csv", [*EVERY_CLASS, *BAD_ROWS])
    report = tmp_path / "对账.xlsx"
    code, _, out = medical_import(target, file, "-o", str(report))
    assert code == 1, out
    book = load_workbook(report)
    assert book.sheetnames == ["汇总", "对账明细", "问题行"]
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert summary == {"一致": 2, "金额不一致": 1, "未参保": 1, "参保已作废": 1, "观察期内": 1,
                       "超出大额限额": 1, "重复结算": 1, "合计": 8}  # fmt: skip
    detail = [r for r in book["对账明细"].iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [r[6] for r in detail] == ["一致", "金额不一致", "观察期内", "参保已作废", "未参保", "一致",
                                      "超出大额限额", "重复结算"]  # fmt: skip
    assert detail[0][2] == A  # text, whole (the workbook is the office's own)
    problems = [r for r in book["问题行"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [r[0] for r in problems] == [10, 11, 12]


def _cases(target: str) -> list[dict]:
    """The 一单结算 cases recorded: details and their events (state, payout, paid_on, operator)."""
    from sqlalchemy import select

    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.case_tables import case_details, case_events
    from xjma.io.ledger.schema import claims

    found = []
    with open_ledger(target, mode="read") as ledger, ledger.connect() as conn:
        query = select(case_details, claims.c.payout_fen).join(claims, claims.c.id == case_details.c.claim_id)
        for r in conn.execute(query.order_by(case_details.c.claim_id)):
            events = conn.execute(
                select(case_events).where(case_events.c.claim_id == r.claim_id).order_by(case_events.c.id)
            )
            found.append({
                "settlement_no": r.settlement_no, "payer": r.payer, "payout_fen": r.payout_fen,
                "prefecture": r.prefecture, "unit": r.unit,
                "events": [(e.state, e.payout_fen, e.paid_on.isoformat() if e.paid_on else None, e.operator)
                           for e in events],
            })  # fmt: skip
    return found


def test_the_reconciliation_workbook_prints_one_page_wide_with_its_titles(tmp_path: Path) -> None:
    from pdf_render import one_page_wide, printed

    target = str(tmp_path / "ledger.db")
    small_ledger(target, tmp_path)
    report = tmp_path / "对账.xlsx"
    file = write_settlements(tmp_path / "结算.csv", [*EVERY_CLASS, *BAD_ROWS])
    assert medical_import(target, file, "-o", str(report))[0] == 1
    out = printed(report)
    assert one_page_wide(out, "一单结算对账（结算.csv） 汇总", "类别", "差额（元）") == []
    assert one_page_wide(out, "一单结算对账（结算.csv） 明细", "行号", "计算过程") == []
    problems = out.pages_of("一单结算对账（结算.csv） 无法读取的行")
    assert problems and "出院日期 2027-01-20 早于入院日期" in out.pages[problems[0]]
