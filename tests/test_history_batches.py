"""Every write names its operator and is logged; every recording enroll is a numbered batch that can be
listed, shown and printed again (office.md §0, §2). Both backends."""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from history_helpers import SCHOOL, TIANSHAN, A, enroll, figures, school_roster, tianshan_roster, x


def test_an_enroll_is_a_numbered_batch_logged_with_operator_file_and_digest(
    ledger_target: str, tmp_path: Path
) -> None:
    roster = school_roster(tmp_path)
    assert enroll(ledger_target, roster, "--operator", "张三")["batch"] == 1
    assert enroll(ledger_target, tianshan_roster(tmp_path))["batch"] == 2  # $XJMA_OPERATOR: 测试员
    code, doc, _ = x("log", "--db", ledger_target, "--json")
    first, second = doc["entries"]
    assert code == 0 and first["kind"] == second["kind"] == "enroll"
    assert (first["operator"], second["operator"]) == ("张三", "测试员")
    assert first["file"] == "一中.xlsx" and first["sha256"] == hashlib.sha256(roster.read_bytes()).hexdigest()
    assert first["refs"] == {"batch": 1} and first["reason"] is None
    # PostgreSQL records the session's role (the test server's user), which the client cannot choose.
    assert first["db_role"] == (None if "://" not in ledger_target else "xjma")
    assert set(first) == {
        "id",
        "at",
        "operator",
        "db_role",
        "kind",
        "summary",
        "reason",
        "file",
        "sha256",
        "refs",
    }


def test_without_option_or_variable_the_operator_is_the_os_user(ledger_target: str, tmp_path: Path) -> None:
    x(
        "enroll",
        str(school_roster(tmp_path)),
        "--start",
        "2026-12-01",
        "--db",
        ledger_target,
        XJMA_OPERATOR="",
    )
    assert x("log", "--db", ledger_target, "--json")[1]["entries"][0]["operator"] == getpass.getuser()


def test_a_dry_run_is_no_batch_and_leaves_no_log_entry(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, tianshan_roster(tmp_path))
    before = figures(ledger_target)
    assert enroll(ledger_target, school_roster(tmp_path), "--dry-run")["batch"] is None
    assert figures(ledger_target) == before


def test_re_enrolling_a_recorded_roster_names_the_batch_to_print_again(
    ledger_target: str, tmp_path: Path
) -> None:
    roster = school_roster(tmp_path)
    enroll(ledger_target, roster)
    assert enroll(ledger_target, roster)["batch"] is None
    code, _, out = x("enroll", str(roster), "--start", "2026-12-01", "--db", ledger_target)
    assert code == 0 and "已在第 1 批登记，可用 xjma batch report 1 补打" in out
    code, doc, out = x("enroll", str(roster), "--start", "2026-12-01", "--db", ledger_target, "--json")
    assert code == 0 and doc["batch"] is None  # the note on stderr, the document alone on stdout
    assert "已在第 1 批登记，可用 xjma batch report 1 补打" in out


def test_log_filters_by_kind_operator_member_unit_and_dates(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path), "--operator", "张三")
    enroll(ledger_target, tianshan_roster(tmp_path), "--operator", "李四")
    x("void", "--batch", "2", "--reason", "录错", "--db", ledger_target)

    def ids(*args: str) -> list[int]:
        code, doc, out = x("log", "--db", ledger_target, "--json", *args)
        assert code == 0, out
        return [e["id"] for e in doc["entries"]]

    assert ids() == [1, 2, 3]
    assert ids("--kind", "void") == [3] and ids("--operator", "李四") == [2]
    assert ids("--member", A) == [1]  # through the batch that enrolled A
    assert ids("--unit", TIANSHAN) == [2, 3] and ids("--unit", "6501-00001") == [1]
    today = x("log", "--db", ledger_target, "--json")[1]["entries"][0]["at"][:10]
    assert ids("--since", today, "--until", today) == [1, 2, 3]
    assert ids("--until", "2000-01-01") == []


def test_log_of_an_unknown_kind_or_unit_is_a_bad_option(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    code, doc, out = x("log", "--kind", "nonsense", "--db", ledger_target, "--json")
    assert code == 2 and doc == {"entries": []} and "--kind" in out
    assert x("log", "--unit", "没有的单位", "--db", ledger_target)[0] == 2


def test_log_pages_through_many_entries_in_order(ledger_target: str, tmp_path: Path) -> None:
    """Entries are read a page at a time (keyset on id): every one once, oldest first."""
    import datetime as dt

    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.log import Actor, LogEntry, LogFilter, read_log, write_log

    enroll(ledger_target, school_roster(tmp_path))
    actor = Actor("甲", dt.datetime(2026, 11, 20, 9), "0")
    with open_ledger(ledger_target) as ledger, ledger.begin() as conn:
        for n in range(25):
            write_log(conn, actor, LogEntry("unit-alias", f"第 {n} 条"))
    with open_ledger(ledger_target) as ledger, ledger.connect() as conn:
        found = [e.id for e in read_log(conn, LogFilter(), page=4)]
    assert found == list(range(1, 27))


def test_batch_list_and_show_give_the_figures_and_status(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path), "--operator", "张三")
    enroll(ledger_target, tianshan_roster(tmp_path))
    code, doc, _ = x("batch", "list", "--db", ledger_target, "--json")
    one, two = doc["batches"]
    assert code == 0 and set(one) == {
        "batch",
        "recorded_at",
        "operator",
        "file",
        "sha256",
        "units",
        "members",
        "fee",
        "status",
    }
    assert (one["batch"], one["operator"], one["units"], one["members"], one["fee"], one["status"]) == (
        1, "张三", [SCHOOL], 2, "260.00", "recorded")  # fmt: skip
    assert one["recorded_at"].startswith("2026-11-20T")  # the run's today (XJMA_TODAY), as the log's
    assert [
        b["batch"]
        for b in x("batch", "list", "--prefecture", "巴州", "--db", ledger_target, "--json")[1]["batches"]
    ] == [2]
    assert [
        b["batch"]
        for b in x("batch", "list", "--unit", SCHOOL, "--db", ledger_target, "--json")[1]["batches"]
    ] == [1]
    assert x("batch", "list", "--since", "2999-01-01", "--db", ledger_target, "--json")[1]["batches"] == []
    code, doc, _ = x("batch", "show", "1", "--db", ledger_target, "--json")
    assert code == 0 and doc["batch"] == 1 and doc["voids"] == []
    assert doc["members"][0] == {
        "id_number": A, "name": "王伟", "unit": SCHOOL,
        "plans": {"inpatient-accident": {"shares": 1, "fee": "110.00", "status": "recorded"},
                  "critical-illness": {"shares": 1, "fee": "40.00", "status": "recorded"}},
    }  # fmt: skip


def test_an_unknown_batch_is_a_bad_argument(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    code, _, out = x("batch", "show", "7", "--db", ledger_target)
    assert code == 2 and "台账中没有第 7 批" in out
    assert x("batch", "report", "7", "--db", ledger_target)[0] == 2


def _sheet_values(path: Path, sheet: str) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return [tuple(r) for r in book[sheet].iter_rows(values_only=True)]


def test_batch_report_writes_the_same_workbook_again_marked_reprint(
    ledger_target: str, tmp_path: Path
) -> None:
    roster = school_roster(tmp_path)
    original = Path(enroll(ledger_target, roster)["report"])
    again = tmp_path / "补打.xlsx"
    code, _, out = x("batch", "report", "1", "-o", str(again), "--db", ledger_target, today="2027-01-05")
    assert code == 0 and again.exists(), out
    mark = "补打（打印日期 2027-01-05）"

    def body(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        return [r for r in rows if any(v is not None for v in r) and r[0] != mark]

    for sheet in ("单位汇总", "缴费通知"):  # the document as first issued (its dates, 缴费期限), marked
        first, reprint = _sheet_values(original, sheet), _sheet_values(again, sheet)
        assert [r[0] for r in reprint].count(mark) == 1, reprint
        assert body(reprint) == body(first), sheet
    names = [r[1:3] for r in body(_sheet_values(again, "参保名单"))]
    assert names == [r[1:3] for r in body(_sheet_values(original, "参保名单"))]


def test_batch_show_and_void_mask_id_numbers_when_asked(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    shown = x("batch", "show", "1", "--mask", "--db", ledger_target, "--json")[1]
    assert shown["members"][0]["id_number"] == A[:6] + "********" + A[-4:]
    voided = x(
        "void", "--batch", "1", "--reason", "r", "--dry-run", "--mask", "--db", ledger_target, "--json"
    )[1]
    assert A not in str(voided) and voided["enrollments"][0]["id_number"].startswith(A[:6] + "****")
    code, _, out = x("batch", "show", "1", "--db", ledger_target)
    assert code == 0 and A not in out  # the terminal never shows a full ID


def test_claims_recorded_by_claim_calc_are_one_logged_write(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    claim = ["claim", "calc", "--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind", "life",
             "--grade", "10", "--event-date", "2027-02-01", "--id", A, "--db", ledger_target]  # fmt: skip
    x(*claim, today="2027-03-01")  # computing only: no entry
    assert x(*claim, "--record", "--operator", "理赔员", today="2027-03-01")[0] == 0
    x(*claim, "--record", today="2027-03-01")  # the same claim again: nothing new, no entry
    entries = x("log", "--kind", "claim-approve", "--db", ledger_target, "--json")[1]["entries"]
    assert [(e["operator"], e["refs"]) for e in entries] == [("理赔员", {"recorded": 1})]
    assert [e["id"] for e in x("log", "--member", A, "--db", ledger_target, "--json")[1]["entries"]] == [1, 2]
