"""The contract of cli.md (and the testable sentences of rules.md / roster.md), checked through the command.

Key sets, types, exit codes and options must match the spec exactly: users script against them.
Most cases run in-process (typer CliRunner, fast); the "exactly one JSON document on stdout" cases run
the installed `xjma` as a child process, as a clerk's script would.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ENROLL_KEYS, make_id, member, run_xjma, write_roster
from typer.testing import CliRunner

from xjma.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TODAY = "2026-11-20"
S = "2026-12-01"
MONEY = re.compile(r"^-?\d+\.\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ZHANG = make_id("19850101", 11, female=False)
LI = make_id("19900202", 12, female=True)
WANG = make_id("19880303", 13, female=False)


@pytest.fixture(autouse=True)
def _work_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Default outputs (e.g. 缴费汇总_2026-11.xlsx in the working folder) land in tmp, never in the repo."""
    monkeypatch.chdir(tmp_path)


def cli(*args: str, db: Path | None = None, today: str = TODAY) -> tuple[int, Any, str]:
    """In-process run; returns (exit code, parsed JSON of stdout when --json, stderr)."""
    argv = [*args, *(["--db", str(db)] if db is not None else [])]
    result = CliRunner().invoke(app, argv, env={"XJMA_TODAY": today, "XJMA_DB": ""})
    doc = json.loads(result.stdout) if "--json" in args and result.stdout.strip() else None
    return result.exit_code, doc, result.stderr


def is_money(value: Any) -> bool:
    return isinstance(value, str) and bool(MONEY.match(value))


def is_date(value: Any) -> bool:
    return isinstance(value, str) and bool(DATE.match(value))


def roster(tmp_path: Path, name: str = "名册.xlsx") -> Path:
    return write_roster(
        tmp_path / name,
        [
            member("单位甲", "巴州", "张三", ZHANG, 住院=1, 重疾=2),
            member("单位甲", "巴州", "李四", LI, 住院=1, 女职工=3),
        ],
    )


def bad_roster(tmp_path: Path) -> Path:
    """Two good rows and a man in 女职工特殊疾病 (female-only, an error)."""
    return write_roster(
        tmp_path / "有错.xlsx",
        [
            member("单位甲", "", "张三", ZHANG, 住院=1, 重疾=2),
            member("单位甲", "巴州", "李四", LI, 住院=1, 女职工=3),
            member("单位乙", "巴州", "王五", WANG, 住院=1, 女职工=1),
        ],
    )


# ---------------------------------------------------------------- options named in cli.md exist


def _command(*path: str) -> Any:
    import typer.main

    node: Any = typer.main.get_command(app)
    for name in path:
        node = node.commands[name]
    return node


def _options(*path: str) -> set[str]:
    return {opt for p in _command(*path).params for opt in (*p.opts, *p.secondary_opts)}


COMMON_INPUT = ["--start", "--unit", "--prefecture", "--end", "--sheet", "--db", "-o", "--output", "--json"]
SINGLE_CLAIM = [
    "--plan",
    "--benefit",
    "--event-date",
    "--id",
    "--start",
    "--end",
    "--shares",
    "--renewal",
    "--renewed-shares",
    "--grade",
    "--death",
    "--expense",
    "--care",
    "--accident-ref",
    "--pooled-self-pay",
    "--pooled-fund-paid",
    "--major-self-pay",
    "--remote",
    "--cause",
    "--accident-kind",
    "--disease",
    "--exclusion",
]
OPTIONS = {
    ("validate",): [*COMMON_INPUT, "--rules"],
    ("enroll",): [*COMMON_INPUT, "--paid-on", "--dry-run", "--skip-invalid", "--rules"],
    ("fees", "summary"): ["--month", "--year", "--db", "-o", "--output", "--json"],
    ("claim", "calc"): [*SINGLE_CLAIM, "--db", "--record", "-o", "--output", "--json", "--rules"],
    ("member", "show"): ["--db", "--json"],
    ("plans",): ["--on", "--json", "--rules"],
    ("template", "roster"): ["-o", "--output"],
    ("template", "claims"): ["-o", "--output"],
}


@pytest.mark.parametrize("path", list(OPTIONS), ids=lambda p: " ".join(p))
def test_every_option_cli_md_names_exists_on_its_command(path: tuple[str, ...]) -> None:
    assert set(OPTIONS[path]) - _options(*path) == set()


@pytest.mark.parametrize(
    ("path", "argument"),
    [
        (("validate",), "file"),
        (("enroll",), "file"),
        (("claim", "calc"), "file"),
        (("member", "show"), "id_number"),
    ],
)
def test_the_positional_arguments_of_cli_md_exist(path: tuple[str, ...], argument: str) -> None:
    params = [p for p in _command(*path).params if p.param_type_name == "argument"]
    assert [p.name for p in params] == [argument]


def test_rules_check_takes_an_optional_path_and_exits_2_naming_the_key_path(tmp_path: Path) -> None:
    assert cli("rules", "check")[0] == 0
    bad = tmp_path / "plans.yaml"
    text = (ROOT / "xjma" / "rules" / "plans.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace('fee: "110.00"', 'fee: "-1.00"', 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "check", str(bad)])
    assert result.exit_code == 2
    assert "inpatient-accident.fee" in result.output


# ---------------------------------------------------------------- validate


VALIDATE_KEYS = {"file", "sheet", "start", "rows", "valid_rows", "errors", "warnings", "problems", "report"}
PROBLEM_KEYS = {"row", "column", "code", "severity", "message"}


def _check_problems(problems: list[dict[str, Any]]) -> None:
    for p in problems:
        assert set(p) == PROBLEM_KEYS
        assert isinstance(p["row"], int) and isinstance(p["column"], str)
        assert p["severity"] in ("error", "warning")
        assert isinstance(p["message"], str) and p["message"]


def test_validate_json_has_exactly_the_keys_and_types_of_cli_md(tmp_path: Path) -> None:
    code, doc, _ = cli(
        "validate",
        str(SAMPLES / "roster_mistakes.xlsx"),
        "--start",
        S,
        "--json",
        "-o",
        str(tmp_path / "r.xlsx"),
    )
    assert code == 1
    assert set(doc) == VALIDATE_KEYS
    assert doc["start"] == S and isinstance(doc["file"], str) and isinstance(doc["sheet"], str)
    assert all(isinstance(doc[k], int) for k in ("rows", "valid_rows", "errors", "warnings"))
    assert doc["errors"] == sum(p["severity"] == "error" for p in doc["problems"])
    assert doc["warnings"] == sum(p["severity"] == "warning" for p in doc["problems"])
    assert 0 < doc["valid_rows"] < doc["rows"]
    _check_problems(doc["problems"])
    assert doc["report"] == str(tmp_path / "r.xlsx") and Path(doc["report"]).exists()


def test_validate_of_a_clean_roster_exits_0_and_writes_the_default_report_beside_the_file(
    tmp_path: Path,
) -> None:
    path = roster(tmp_path)
    code, doc, _ = cli("validate", str(path), "--start", S, "--json", db=tmp_path / "l.db")
    assert (code, doc["errors"], doc["valid_rows"], doc["rows"]) == (0, 0, 2, 2)
    assert Path(doc["report"]) == tmp_path / "名册_检查结果.xlsx"
    assert Path(doc["report"]).exists()


def test_warnings_alone_never_change_the_exit_code(tmp_path: Path) -> None:
    row = member("单位甲", "巴州", "张三", ZHANG, 住院=0)  # no plan at all: the warning no-plan
    path = write_roster(tmp_path / "名册.xlsx", [row])
    code, doc, _ = cli("validate", str(path), "--start", S, "--json", db=tmp_path / "l.db")
    assert code == 0
    assert [(p["code"], p["severity"]) for p in doc["problems"]] == [("no-plan", "warning")]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("名册.txt", b"hello"),
        ("名册.xlsx", b""),
        ("缺列.csv", "姓名,身份证号码\n张三,{id}\n".encode()),
    ],
    ids=["unsupported type", "empty file", "missing required columns"],
)
def test_validate_that_cannot_run_exits_2_with_report_null(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content.replace(b"{id}", ZHANG.encode()))
    code, doc, stderr = cli("validate", str(path), "--start", S, "--json", db=tmp_path / "l.db")
    assert code == 2 and stderr.strip()
    assert doc is not None and set(doc) == VALIDATE_KEYS
    assert doc["report"] is None and doc["problems"] == []
    assert not list(tmp_path.glob("*_检查结果.xlsx"))


def test_problems_carry_the_excel_row_number_a_person_sees(tmp_path: Path) -> None:
    """The samples have a title and KEY：VALUE lines above the header: data starts on row 6."""
    code, doc, _ = cli(
        "validate",
        str(SAMPLES / "roster_mistakes.xlsx"),
        "--start",
        S,
        "--json",
        "-o",
        str(tmp_path / "r.xlsx"),
    )
    rows = {(p["row"], p["code"]) for p in doc["problems"]}
    assert {(7, "id-missing"), (13, "name-missing"), (17, "prefecture-unknown")} <= rows


# ---------------------------------------------------------------- plans

PLAN_KEYS = {"code", "name", "fee", "tiers", "max_shares", "observation_days", "eligibility", "benefits"}
TIER_KEYS = {"tier", "fee", "max_shares", "max_shares_with_approval", "max_days"}


def test_plans_json_has_the_keys_of_cli_md_and_short_accident_has_tiers_and_a_null_fee() -> None:
    code, doc, _ = cli("plans", "--on", S, "--json")
    assert code == 0
    assert set(doc) == {"on", "version", "plans"}
    assert (doc["on"], doc["version"]) == (S, "第四期")
    by_code = {p["code"]: p for p in doc["plans"]}
    assert set(by_code) == {
        "inpatient-accident",
        "critical-illness",
        "gig-accident",
        "female-illness",
        "short-accident",
    }
    for plan in doc["plans"]:
        assert set(plan) == PLAN_KEYS
        assert isinstance(plan["max_shares"], int) and isinstance(plan["observation_days"], int)
        assert all(isinstance(e, str) for e in plan["eligibility"])
        assert all(is_money(v) for v in plan["benefits"].values())
    short = by_code["short-accident"]
    assert short["fee"] is None
    assert [t["tier"] for t in short["tiers"]] == ["5", "10", "15"]
    for tier in short["tiers"]:
        assert set(tier) == TIER_KEYS and is_money(tier["fee"]) and isinstance(tier["max_shares"], int)
    assert [t["max_shares_with_approval"] for t in short["tiers"]] == [None, None, 4]
    assert by_code["inpatient-accident"]["fee"] == "110.00" and by_code["inpatient-accident"]["tiers"] is None
    assert (
        by_code["inpatient-accident"]["observation_days"],
        by_code["critical-illness"]["observation_days"],
    ) == (
        30,
        60,
    )
    assert by_code["critical-illness"]["benefits"] == {
        "severe": "10000.00",
        "mild": "3000.00",
        "sudden-death": "10000.00",
    }


def test_plans_on_a_day_of_the_third_period_shows_only_inpatient_accident() -> None:
    code, doc, _ = cli("plans", "--on", "2023-06-01", "--json")
    assert (code, doc["version"], [p["code"] for p in doc["plans"]]) == (0, "第三期", ["inpatient-accident"])


# ---------------------------------------------------------------- enroll

MEMBER_KEYS = {"row", "id_number", "name", "unit", "fee", "plans"}
MEMBER_PLAN_KEYS = {"shares", "fee", "start", "end", "observation_end", "renewed_shares"}


def _check_enroll(doc: dict[str, Any]) -> None:
    assert set(doc) == ENROLL_KEYS
    assert is_date(doc["start"]) and is_date(doc["paid_on"]) and isinstance(doc["dry_run"], bool)
    assert all(isinstance(doc[k], int) for k in ("enrolled", "already_recorded", "refused"))
    _check_problems(doc["problems"])
    fees = doc["fees"]
    assert set(fees) == {"total", "by_plan", "by_unit"} and is_money(fees["total"])
    for figures in fees["by_plan"].values():
        assert set(figures) == {"members", "shares", "fee"} and is_money(figures["fee"])
    for figures in fees["by_unit"].values():
        assert set(figures) == {"members", "fee"} and is_money(figures["fee"])
    for m in doc["members"]:
        assert set(m) == MEMBER_KEYS and is_money(m["fee"]) and isinstance(m["row"], int)
        for plan in m["plans"].values():
            assert set(plan) == MEMBER_PLAN_KEYS
            assert is_money(plan["fee"]) and is_date(plan["start"]) and is_date(plan["end"])
            assert plan["observation_end"] is None or is_date(plan["observation_end"])
            assert isinstance(plan["shares"], int) and isinstance(plan["renewed_shares"], int)


def test_enroll_json_has_the_keys_of_cli_md_fees_to_the_fen(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    code, doc, _ = cli(
        "enroll", str(roster(tmp_path)), "--start", S, "--paid-on", "2026-11-03", "--json", db=db
    )
    assert code == 0
    _check_enroll(doc)
    assert (doc["start"], doc["paid_on"], doc["dry_run"], doc["enrolled"]) == (S, "2026-11-03", False, 2)
    assert doc["fees"] == {
        "total": "375.00",
        "by_plan": {
            "inpatient-accident": {"members": 2, "shares": 2, "fee": "220.00"},
            "critical-illness": {"members": 1, "shares": 2, "fee": "80.00"},
            "female-illness": {"members": 1, "shares": 3, "fee": "75.00"},
        },
        "by_unit": {"单位甲": {"members": 2, "fee": "375.00"}},
    }
    assert [(m["row"], m["id_number"], m["fee"]) for m in doc["members"]] == [
        (2, ZHANG, "190.00"),
        (3, LI, "185.00"),
    ]
    assert Path(doc["report"]).exists()


def test_paid_on_defaults_to_the_enrollment_day(tmp_path: Path) -> None:
    code, doc, _ = cli("enroll", str(roster(tmp_path)), "--start", S, "--json", db=tmp_path / "l.db")
    assert (code, doc["paid_on"]) == (0, TODAY)


def test_start_defaults_to_the_day_after_today(tmp_path: Path) -> None:
    code, doc, _ = cli("enroll", str(roster(tmp_path)), "--json", "--dry-run", db=tmp_path / "l.db")
    assert (code, doc["start"]) == (0, "2026-11-21")
    code, doc, _ = cli("validate", str(roster(tmp_path)), "--json", db=tmp_path / "l.db")
    assert (code, doc["start"]) == (0, "2026-11-21")


def test_enroll_with_an_error_row_records_nothing_and_exits_1(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    code, doc, _ = cli("enroll", str(bad_roster(tmp_path)), "--start", S, "--json", db=db)
    assert code == 1
    _check_enroll(doc)
    assert (doc["enrolled"], doc["refused"]) == (0, 1)
    assert [(p["row"], p["code"]) for p in doc["problems"]] == [(4, "female-only")]
    code, doc, _ = cli("member", "show", ZHANG, "--json", db=db)
    assert doc is None or doc["enrollments"] == []


def test_enroll_skip_invalid_records_the_valid_rows_and_exits_0(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    code, doc, _ = cli("enroll", str(bad_roster(tmp_path)), "--start", S, "--skip-invalid", "--json", db=db)
    assert code == 0
    _check_enroll(doc)
    assert (doc["enrolled"], doc["already_recorded"], doc["refused"]) == (2, 0, 1)
    assert [m["row"] for m in doc["members"]] == [2, 3]


def test_dry_run_writes_nothing_but_returns_the_same_json_with_dry_run_true(tmp_path: Path) -> None:
    path = bad_roster(tmp_path)
    dry_db, real_db = tmp_path / "dry.db", tmp_path / "real.db"
    code, dry, _ = cli("enroll", str(path), "--start", S, "--skip-invalid", "--dry-run", "--json", db=dry_db)
    assert code == 0 and dry["dry_run"] is True
    assert not dry_db.exists()
    code, real, _ = cli("enroll", str(path), "--start", S, "--skip-invalid", "--json", db=real_db)
    assert code == 0 and real["dry_run"] is False
    # The same document but `batch`: null for a dry run (office.md §2).
    assert {k: v for k, v in dry.items() if k not in ("dry_run", "batch")} == {
        k: v for k, v in real.items() if k not in ("dry_run", "batch")
    }
    assert (dry["batch"], real["batch"]) == (None, 1)


def test_re_running_a_roster_is_already_recorded_and_exits_0(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    path = roster(tmp_path)
    assert cli("enroll", str(path), "--start", S, "--json", db=db)[0] == 0
    code, doc, _ = cli("enroll", str(path), "--start", S, "--json", db=db)
    assert code == 0
    _check_enroll(doc)
    assert (doc["enrolled"], doc["already_recorded"], doc["refused"], doc["problems"]) == (0, 2, 0, [])
    assert doc["fees"]["total"] == "0.00"


def test_the_same_member_from_another_unit_is_already_enrolled(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    assert cli("enroll", str(roster(tmp_path)), "--start", S, "--json", db=db)[0] == 0
    other = write_roster(tmp_path / "乙.xlsx", [member("单位乙", "巴州", "张三", ZHANG, 住院=1)])
    code, doc, _ = cli("enroll", str(other), "--start", S, "--json", db=db)
    assert code == 1
    assert [p["code"] for p in doc["problems"]] == ["already-enrolled"]


@pytest.mark.parametrize(
    ("start", "end", "obs1", "obs2"),
    [
        ("2026-01-01", "2026-12-31", "2026-01-31", "2026-03-02"),
        ("2026-12-01", "2027-11-30", "2026-12-31", "2027-01-30"),
        ("2028-02-29", "2029-02-28", "2028-03-30", "2028-04-29"),
    ],
)
def test_coverage_end_and_observation_end_per_plan(
    tmp_path: Path, start: str, end: str, obs1: str, obs2: str
) -> None:
    code, doc, _ = cli("enroll", str(roster(tmp_path)), "--start", start, "--json", db=tmp_path / "l.db")
    assert code == 0
    plans = doc["members"][0]["plans"]
    assert plans["inpatient-accident"]["end"] == end and plans["critical-illness"]["end"] == end
    assert plans["inpatient-accident"]["observation_end"] == obs1
    assert plans["critical-illness"]["observation_end"] == obs2


def test_observation_end_is_null_for_a_renewal_and_for_a_plan_without_observation(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    assert cli("enroll", str(roster(tmp_path, "上期.xlsx")), "--start", "2025-12-01", "--json", db=db)[0] == 0
    gig = {
        **member("单位甲", "巴州", "王五", WANG, 住院=0),
        "用工形式": "新就业形态劳动者",
        "是否工会会员": "是",
        "新就业形态意外（份）": 2,
    }
    headers = ["工作单位", "所属地州市", "姓名", "性别", "身份证号码", "联系电话", "用工形式", "是否工会会员"]
    path = _write(tmp_path / "本期.xlsx", [*headers, "住院+意外（份）", "重大疾病（份）", "新就业形态意外（份）"], [
        [*(member("单位甲", "巴州", "张三", ZHANG)[h] for h in headers[:7]), None, 1, 2, None],
        [*(gig[h] for h in headers), None, None, 2],
    ])  # fmt: skip
    code, doc, _ = cli("enroll", str(path), "--start", S, "--json", db=db)
    assert code == 0, doc["problems"]
    zhang, wang = doc["members"]
    assert zhang["plans"]["inpatient-accident"]["observation_end"] is None
    assert zhang["plans"]["inpatient-accident"]["renewed_shares"] == 1
    assert zhang["plans"]["critical-illness"]["observation_end"] is None
    assert wang["plans"]["gig-accident"]["observation_end"] is None
    assert wang["plans"]["gig-accident"]["renewed_shares"] == 0


def _write(path: Path, headers: list[str], rows: list[list[Any]], above: list[list[Any]] = ()) -> Path:  # type: ignore[assignment]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in [*above, headers, *rows]:
        sheet.append(line)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    book.save(path)
    return path


def test_the_payment_notice_gives_the_amount_in_capital_numerals(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = [member("单位甲", "巴州", "张三", ZHANG, 住院=1, 重疾=4) for _ in range(1)]
    rows += [member("单位甲", "巴州", "李四", LI, 住院=1, 重疾=4, 女职工=3)]
    path = write_roster(tmp_path / "名册.xlsx", rows)
    code, doc, _ = cli("enroll", str(path), "--start", S, "--json", db=tmp_path / "l.db")
    assert code == 0 and doc["fees"]["total"] == "615.00"
    more = write_roster(tmp_path / "名册2.xlsx", [
        member("单位丙", "巴州", n, make_id("19800101", i, female=True), 住院=1, 重疾=4, 女职工=4)
        for i, n in enumerate(["甲", "乙", "丙"], start=20)
    ])  # fmt: skip
    code, doc, _ = cli(
        "enroll", str(more), "--start", S, "--json", "-o", str(tmp_path / "o.xlsx"), db=tmp_path / "l.db"
    )
    assert code == 0 and doc["fees"]["total"] == "1110.00"
    sheet = load_workbook(tmp_path / "o.xlsx")["缴费通知"]
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "壹仟壹佰壹拾元整" in cells


def test_capital_numerals_follow_the_peoples_bank_rules() -> None:
    from xjma.core.capital import capital_amount as to_capital

    assert to_capital(Decimal("1035.00")) == "壹仟零叁拾伍元整"
    assert to_capital(Decimal("20000.50")) == "贰万元零伍角"
    assert to_capital(Decimal("12345.00")) == "壹万贰仟叁佰肆拾伍元整"


# ---------------------------------------------------------------- roster.md header and value rules


def test_aliases_a_trailing_bracketed_unit_and_full_width_forms_are_read(tmp_path: Path) -> None:
    headers = [
        "编号",
        "单位（全称）",
        "职工姓名",
        "身份证号",
        "手机号码",
        "人员类别",
        "住院＋意外（份）",
        "重大疾病 (份)",
    ]
    path = _write(tmp_path / "别名.xlsx", headers, [
        [1, "某单位", "张三", ZHANG, "13912345678", "正式", 1, 2],
        [2, "某单位", "李四", LI, "１３９１２３４５６７８", "合同工", "１", None],
    ])  # fmt: skip
    code, doc, _ = cli("enroll", str(path), "--start", S, "--dry-run", "--json", db=tmp_path / "l.db")
    assert code == 0, doc["problems"]
    assert [sorted(m["plans"]) for m in doc["members"]] == [
        ["critical-illness", "inpatient-accident"],
        ["inpatient-accident"],
    ]


def test_a_rows_cell_wins_over_the_file_level_value_which_wins_over_the_option(tmp_path: Path) -> None:
    headers = ["工作单位", "姓名", "身份证号码", "联系电话", "用工形式", "住院+意外（份）"]
    above = [["某某工会参保人员名册"], ["单位名称：文件单位"], ["所属地州市:巴州"]]
    path = _write(tmp_path / "名册.xlsx", headers, [
        ["行单位", "张三", ZHANG, "13912345678", "正式职工", 1],
        [None, "李四", LI, "13912345678", "正式职工", 1],
    ], above)  # fmt: skip
    db = tmp_path / "l.db"
    code, doc, _ = cli(
        "enroll", str(path), "--start", S, "--unit", "选项单位", "--prefecture", "阿勒泰", "--json",
        "--paid-on", "2026-11-03", db=db,
    )  # fmt: skip
    assert code == 0, doc["problems"]
    assert [(m["row"], m["unit"]) for m in doc["members"]] == [(5, "行单位"), (6, "文件单位")]
    code, fees, _ = cli(
        "fees", "summary", "--month", "2026-11", "--json", "-o", str(tmp_path / "f.xlsx"), db=db
    )
    assert [p["prefecture"] for p in fees["by_prefecture"]] == ["巴州"]


def test_the_option_fills_a_blank_unit(tmp_path: Path) -> None:
    headers = ["姓名", "身份证号码", "联系电话", "用工形式", "住院+意外（份）"]
    path = _write(tmp_path / "名册.xlsx", headers, [["张三", ZHANG, "13912345678", "正式职工", 1]])
    code, doc, _ = cli(
        "enroll", str(path), "--start", S, "--unit", "选项单位", "--dry-run", "--json", db=tmp_path / "l.db"
    )
    assert code == 0 and doc["members"][0]["unit"] == "选项单位"
    code, doc, _ = cli("validate", str(path), "--start", S, "--json", db=tmp_path / "l.db")
    assert code == 1 and [p["code"] for p in doc["problems"]] == ["unit-missing"]


def test_a_csv_saved_by_chinese_excel_in_gbk_is_read_with_excel_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "名册.csv"
    text = (
        "工作单位,姓名,身份证号码,联系电话,用工形式,住院+意外（份）\n"
        f"某单位,张三,{ZHANG},13912345678,正式职工,1\n"
        "\n"
        f"某单位,李四,{LI},1391234,正式职工,1\n"
    )
    path.write_bytes(text.encode("gbk"))
    code, doc, _ = cli("validate", str(path), "--start", S, "--json", db=tmp_path / "l.db")
    assert code == 1
    assert [(p["row"], p["column"], p["code"]) for p in doc["problems"]] == [(4, "联系电话", "phone-invalid")]


# ---------------------------------------------------------------- fees summary

FEES_KEYS = {"period", "total", "members", "by_prefecture", "by_unit", "by_plan", "by_month"}


def _check_fees(doc: dict[str, Any]) -> None:
    assert set(doc) == FEES_KEYS and is_money(doc["total"]) and isinstance(doc["members"], int)
    shapes = {
        "by_prefecture": {"prefecture", "members", "shares", "fee"},
        "by_unit": {"unit", "prefecture", "members", "shares", "fee"},
        "by_plan": {"plan", "members", "shares", "fee"},
        "by_month": {"month", "members", "fee"},
    }
    for key, keys in shapes.items():
        for item in doc[key]:
            assert set(item) == keys and is_money(item["fee"])


def test_fees_summary_by_month_and_by_year(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    assert cli("enroll", str(bad_roster(tmp_path)), "--start", S, "--skip-invalid", "--paid-on", "2026-11-05",
               "--json", db=db)[0] == 0  # fmt: skip
    code, month, _ = cli(
        "fees", "summary", "--month", "2026-11", "--json", "-o", str(tmp_path / "f.xlsx"), db=db
    )
    assert code == 0
    _check_fees(month)
    assert (month["period"], month["total"], month["members"]) == ("2026-11", "375.00", 2)
    assert {p["prefecture"] for p in month["by_prefecture"]} == {"未填写", "巴州"}
    assert [(p["plan"], p["fee"]) for p in month["by_plan"]] == [
        ("inpatient-accident", "220.00"),
        ("critical-illness", "80.00"),
        ("female-illness", "75.00"),
    ]
    code, year, _ = cli("fees", "summary", "--year", "2026", "--json", "-o", str(tmp_path / "y.xlsx"), db=db)
    assert code == 0
    _check_fees(year)
    assert year["period"] == "2026" and len(year["by_month"]) == 12
    assert [m["month"] for m in year["by_month"] if m["fee"] != "0.00"] == ["2026-11"]
    code, empty, _ = cli(
        "fees", "summary", "--month", "2026-10", "--json", "-o", str(tmp_path / "e.xlsx"), db=db
    )
    assert (code, empty["total"], empty["members"]) == (0, "0.00", 0)


@pytest.mark.parametrize(
    "args", [[], ["--month", "2026-11", "--year", "2026"], ["--month", "2026-13"], ["--year", "26"]]
)
def test_fees_summary_with_bad_options_exits_2(tmp_path: Path, args: list[str]) -> None:
    assert cli("fees", "summary", *args, "--json", db=tmp_path / "l.db")[0] == 2


# ---------------------------------------------------------------- claim calc

CLAIM_KEYS = {
    "row", "id_number", "plan", "benefit", "event_date", "day_index", "payout", "reasons", "exclusion",
    "cover_ended", "rules_version", "steps", "warnings",
}  # fmt: skip


def claim(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code, doc, _ = cli("claim", "calc", *args, "--json", db=tmp_path / "l.db")
    assert doc is not None and set(doc) == {"claims", "total", "errors"}
    assert is_money(doc["total"])
    for c in doc["claims"]:
        assert set(c) == CLAIM_KEYS
        assert is_money(c["payout"]) and is_date(c["event_date"]) and isinstance(c["day_index"], int)
        assert isinstance(c["cover_ended"], bool) and isinstance(c["rules_version"], str)
        assert all(isinstance(x, str) for x in (*c["reasons"], *c["steps"], *c["warnings"]))
    for e in doc["errors"]:
        assert set(e) == {"row", "message"} and e["message"]
    return code, doc


def one(tmp_path: Path, *args: str) -> dict[str, Any]:
    code, doc = claim(tmp_path, *args)
    assert (code, doc["errors"], len(doc["claims"])) == (0, [], 1), doc
    return doc["claims"][0]


INPATIENT = [
    "--plan",
    "inpatient-accident",
    "--benefit",
    "inpatient",
    "--start",
    "2026-01-01",
    "--cause",
    "illness",
]


def test_inpatient_local_example_of_rules_md(tmp_path: Path) -> None:
    c = one(
        tmp_path,
        *INPATIENT,
        "--event-date",
        "2026-06-01",
        "--pooled-self-pay",
        "2880",
        "--pooled-fund-paid",
        "16320",
    )
    assert (c["payout"], c["reasons"], c["rules_version"], c["row"], c["id_number"]) == (
        "1728.00",
        [],
        "第四期",
        None,
        None,
    )
    assert (c["plan"], c["benefit"], c["event_date"], c["day_index"]) == (
        "inpatient-accident",
        "inpatient",
        "2026-06-01",
        151,
    )


def test_inpatient_remote_example_of_rules_md(tmp_path: Path) -> None:
    c = one(tmp_path, *INPATIENT, "--event-date", "2026-06-01", "--pooled-fund-paid", "11520",
            "--pooled-self-pay", "7680", "--remote")  # fmt: skip
    assert c["payout"] == "2304.00"


def test_an_enrollment_started_in_2023_uses_the_third_period_inpatient_rate_of_50_percent(
    tmp_path: Path,
) -> None:
    c = one(tmp_path, "--plan", "inpatient-accident", "--benefit", "inpatient", "--start", "2023-01-01",
            "--cause", "illness", "--event-date", "2023-06-01", "--pooled-self-pay", "2880", "--pooled-fund-paid", "16320")  # fmt: skip
    assert (c["payout"], c["rules_version"]) == ("1440.00", "第三期")


@pytest.mark.parametrize(
    ("event", "day", "payout", "reasons"),
    [
        ("2026-01-31", 30, "0.00", ["observation"]),
        ("2026-02-01", 31, "500.00", ["condolence"]),
        ("2026-03-02", 60, "500.00", ["condolence"]),
        ("2026-03-03", 61, "3000.00", []),
    ],
)
def test_critical_illness_day_boundaries(
    tmp_path: Path, event: str, day: int, payout: str, reasons: list[str]
) -> None:
    c = one(tmp_path, "--plan", "critical-illness", "--benefit", "mild", "--start", "2026-01-01", "--shares", "1",
            "--event-date", event)  # fmt: skip
    assert (c["day_index"], c["payout"], c["reasons"]) == (day, payout, reasons)


def test_inpatient_illness_observation_boundary_and_no_observation_for_a_renewal(tmp_path: Path) -> None:
    base = [*INPATIENT, "--pooled-self-pay", "100", "--pooled-fund-paid", "1000"]
    assert one(tmp_path, *base, "--event-date", "2026-01-31")["reasons"] == ["observation"]
    assert one(tmp_path, *base, "--event-date", "2026-02-01")["payout"] == "60.00"
    assert one(tmp_path, *base, "--event-date", "2026-01-31", "--renewal")["payout"] == "60.00"


def test_a_severe_claim_after_a_mild_one_pays_7000_per_share(tmp_path: Path) -> None:
    common = ["--plan", "critical-illness", "--start", "2026-01-01", "--shares", "2", "--id", ZHANG]
    first = one(tmp_path, *common, "--benefit", "mild", "--event-date", "2026-06-01", "--record")
    assert first["payout"] == "6000.00" and first["id_number"] == ZHANG
    second = one(tmp_path, *common, "--benefit", "severe", "--event-date", "2026-07-01")
    assert (second["payout"], second["reasons"], second["cover_ended"]) == ("14000.00", ["capped"], True)


def test_recording_a_claim_twice_records_it_once(tmp_path: Path) -> None:
    args = ["--plan", "critical-illness", "--benefit", "mild", "--start", "2026-01-01", "--shares", "1",
            "--id", ZHANG, "--event-date", "2026-06-01", "--record"]  # fmt: skip
    one(tmp_path, *args)
    one(tmp_path, *args)
    code, doc, _ = cli("member", "show", ZHANG, "--json", db=tmp_path / "l.db")
    assert len(doc["claims"]) == 1


@pytest.mark.parametrize(
    ("benefit", "given", "code"),
    [
        ("severe", "6", "self-harm"),
        ("severe", "self-harm", "self-harm"),
        ("severe", "故意自伤", "self-harm"),
        ("severe", "14", "congenital"),
        ("severe", "遗传先天", "congenital"),
        ("severe", "1", "war"),
    ],
)
def test_exclusions_by_code_chinese_label_and_number(
    tmp_path: Path, benefit: str, given: str, code: str
) -> None:
    c = one(tmp_path, "--plan", "critical-illness", "--benefit", benefit, "--start", "2026-01-01", "--shares", "1",
            "--event-date", "2026-06-01", "--exclusion", given)  # fmt: skip
    assert (c["payout"], c["reasons"], c["exclusion"]) == ("0.00", ["excluded"], code)


def test_inpatient_exclusions_are_list_one(tmp_path: Path) -> None:
    base = [
        *INPATIENT,
        "--event-date",
        "2026-06-01",
        "--pooled-self-pay",
        "2880",
        "--pooled-fund-paid",
        "16320",
    ]
    c = one(tmp_path, *base, "--exclusion", "2")
    assert (c["payout"], c["exclusion"]) == ("0.00", "third-party")
    c = one(tmp_path, *base, "--exclusion", "在境外就医")
    assert c["exclusion"] == "abroad"


@pytest.mark.parametrize(
    ("args", "exclusion"),
    [
        (["--plan", "critical-illness", "--benefit", "severe", "--shares", "1"], "18"),
        (["--plan", "inpatient-accident", "--benefit", "inpatient", "--cause", "illness",
          "--pooled-self-pay", "1", "--pooled-fund-paid", "1"], "war"),
        (["--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind", "life", "--grade", "3"],
         "hiv"),
    ],
    ids=["number out of the list", "list two code on inpatient", "plans 2 and 4 only code on plan 1"],
)  # fmt: skip
def test_an_exclusion_not_in_the_benefits_list_is_a_claim_error_not_a_zero_payout(
    tmp_path: Path, args: list[str], exclusion: str
) -> None:
    code, doc = claim(
        tmp_path, *args, "--start", "2026-01-01", "--event-date", "2026-06-01", "--exclusion", exclusion
    )
    assert code == 1 and doc["claims"] == []
    assert len(doc["errors"]) == 1 and "不适用于该给付项目" in doc["errors"][0]["message"]
    assert doc["errors"][0]["row"] is None


@pytest.mark.parametrize(
    ("plan", "benefit", "code", "benefit_code"),
    [
        ("重大疾病", "重度", "critical-illness", "severe"),
        ("在职职工重大疾病（35重+25轻）互助保障", "轻度", "critical-illness", "mild"),
        ("住院+意外", "意外", "inpatient-accident", "accident"),
        ("在职职工（住院+意外）综合互助保障", "意外", "inpatient-accident", "accident"),
        ("新就业形态意外", "伤残", "gig-accident", "disability"),
        ("新就业形态劳动者专项意外伤害互助保障", "猝死", "gig-accident", "sudden-death"),
        ("女职工特殊疾病", "原位癌", "female-illness", "in-situ"),
        ("在职女职工特殊疾病互助保障", "恶性肿瘤", "female-illness", "malignant"),
        ("短期意外", "意外医疗", "short-accident", "medical"),
        ("在职职工短期意外伤害互助保障", "伤残", "short-accident", "disability"),
    ],
)
def test_chinese_plan_and_benefit_names_come_back_as_codes(
    tmp_path: Path, plan: str, benefit: str, code: str, benefit_code: str
) -> None:
    extra = {
        "accident": ["--accident-kind", "生活", "--grade", "10"],
        "disability": ["--grade", "10"],
        "medical": ["--expense", "300", "--care", "门诊"],
    }.get(benefit_code, [])
    c = one(tmp_path, "--plan", plan, "--benefit", benefit, "--start", "2026-01-01", "--end", "2026-12-31",
            "--shares", "1", "--event-date", "2026-06-01", *extra)  # fmt: skip
    assert (c["plan"], c["benefit"]) == (code, benefit_code)
    assert Decimal(c["payout"]) > 0


@pytest.mark.parametrize(
    ("args", "payout"),
    [
        (["--plan", "gig-accident", "--benefit", "medical", "--expense", "300", "--care", "门诊"], "200.00"),
        (["--plan", "gig-accident", "--benefit", "medical", "--expense", "300", "--care", "outpatient"], "200.00"),
        (["--plan", "inpatient-accident", "--benefit", "inpatient", "--cause", "疾病", "--pooled-self-pay", "100",
          "--pooled-fund-paid", "1000"], "60.00"),
        (["--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind", "生活", "--grade", "5"],
         "12000.00"),
        (["--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind", "work", "--death"],
         "40000.00"),
    ],
)  # fmt: skip
def test_enum_options_accept_english_and_chinese_values(tmp_path: Path, args: list[str], payout: str) -> None:
    c = one(tmp_path, *args, "--start", "2026-01-01", "--shares", "1", "--event-date", "2026-06-01")
    assert c["payout"] == payout


def test_a_claim_without_start_and_without_a_ledger_enrollment_cannot_be_computed(tmp_path: Path) -> None:
    code, doc = claim(
        tmp_path, "--plan", "critical-illness", "--benefit", "severe", "--event-date", "2026-06-01"
    )
    assert code == 1 and doc["claims"] == [] and len(doc["errors"]) == 1


def test_an_event_before_s_is_outside_the_period(tmp_path: Path) -> None:
    c = one(tmp_path, "--plan", "critical-illness", "--benefit", "severe", "--start", "2026-01-01", "--shares", "1",
            "--event-date", "2025-12-31")  # fmt: skip
    assert (c["payout"], c["reasons"]) == ("0.00", ["outside-period"])


def test_the_ledger_decides_when_it_holds_the_enrollment(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    assert cli("enroll", str(roster(tmp_path)), "--start", S, "--json", db=db)[0] == 0
    code, doc, stderr = cli("claim", "calc", "--plan", "critical-illness", "--benefit", "severe", "--id", ZHANG,
                            "--event-date", "2027-06-01", "--start", "2027-01-01", "--shares", "4", "--json", db=db)  # fmt: skip
    assert code == 0
    c = doc["claims"][0]
    assert (c["payout"], c["day_index"]) == ("20000.00", 182)  # the ledger: S 2026-12-01, 2 shares
    assert stderr.strip()


def test_a_claims_file_uses_excel_row_numbers_and_codes(tmp_path: Path) -> None:
    code, doc = claim(tmp_path, str(SAMPLES / "claims.xlsx"), "-o", str(tmp_path / "c.xlsx"))
    assert code == 0 and doc["errors"] == []
    assert all(isinstance(c["row"], int) and c["row"] >= 2 for c in doc["claims"])
    assert {c["plan"] for c in doc["claims"]} == {
        "inpatient-accident", "critical-illness", "gig-accident", "female-illness", "short-accident",
    }  # fmt: skip
    assert doc["total"] == f"{sum(Decimal(c['payout']) for c in doc['claims']):.2f}"


# ---------------------------------------------------------------- member show

MEMBER_SHOW_KEYS = {
    "id_number",
    "name",
    "enrollments",
    "claims",
    "remaining",
    "history",
}  # history: office.md §3


def test_member_show_json_has_the_keys_of_cli_md(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    assert cli("enroll", str(roster(tmp_path)), "--start", S, "--json", db=db)[0] == 0
    one(
        tmp_path,
        "--plan",
        "critical-illness",
        "--benefit",
        "mild",
        "--id",
        ZHANG,
        "--event-date",
        "2027-06-01",
        "--record",
    )
    code, doc, _ = cli("member", "show", ZHANG, "--json", db=db)
    assert code == 0
    assert set(doc) == MEMBER_SHOW_KEYS and (doc["id_number"], doc["name"]) == (ZHANG, "张三")
    for e in doc["enrollments"]:
        assert set(e) == {"plan", "start", "end", "shares", "renewed_shares", "observation_end", "unit",
                          "status", "voided_at", "void_reason"}  # fmt: skip
    assert [(e["plan"], e["observation_end"]) for e in doc["enrollments"]] == [
        ("inpatient-accident", "2026-12-31"),
        ("critical-illness", "2027-01-30"),
    ]
    assert doc["claims"] == [
        {"plan": "critical-illness", "benefit": "mild", "event_date": "2027-06-01", "payout": "6000.00"}
    ]
    assert doc["remaining"]["critical-illness"] == {
        "severe": "14000.00",
        "mild": "0.00",
        "sudden-death": "14000.00",
    }
    assert all(is_money(v) for plan in doc["remaining"].values() for v in plan.values())


# ---------------------------------------------------------------- the installed command: one JSON document


@pytest.mark.parametrize(
    "args",
    [
        ["plans", "--on", S, "--json"],
        ["validate", str(SAMPLES / "roster_mistakes.xlsx"), "--start", S, "--json", "-o", "{tmp}/r.xlsx"],
        ["enroll", str(SAMPLES / "roster_clean.xlsx"), "--start", S, "--json", "-o", "{tmp}/e.xlsx"],
        ["fees", "summary", "--year", "2026", "--json", "-o", "{tmp}/f.xlsx"],
        ["claim", "calc", str(SAMPLES / "claims.xlsx"), "--json", "-o", "{tmp}/c.xlsx"],
        ["member", "show", "650105199404050039", "--json"],
    ],
    ids=["plans", "validate", "enroll", "fees", "claim", "member"],
)
def test_with_json_stdout_of_the_installed_command_is_exactly_one_json_document(
    tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "l.db"
    if args[0] in ("fees", "member", "claim"):
        assert run_xjma("enroll", str(SAMPLES / "roster_clean.xlsx"), "--start", S, "--db", str(db),
                        "-o", str(tmp_path / "e0.xlsx")).returncode == 0  # fmt: skip
    with_db = [] if args[0] == "plans" else ["--db", str(db)]
    proc = run_xjma(*(a.replace("{tmp}", str(tmp_path)) for a in args), *with_db)
    assert proc.returncode in (0, 1), proc.stderr
    json.loads(proc.stdout)  # one document and nothing else: raises on anything around it
    assert proc.stdout.lstrip().startswith("{") and proc.stdout.rstrip().endswith("}")


# ---------------------------------------------------------------- exit 2 still prints the one document


def test_enroll_that_cannot_run_prints_its_document_with_report_null(tmp_path: Path) -> None:
    path = tmp_path / "名册.txt"
    path.write_text("hello", encoding="utf-8")
    code, doc, stderr = cli("enroll", str(path), "--start", S, "--dry-run", "--json", db=tmp_path / "l.db")
    assert code == 2 and stderr.strip()
    assert set(doc) == ENROLL_KEYS
    assert (doc["report"], doc["enrolled"], doc["members"], doc["start"], doc["dry_run"]) == (
        None,
        0,
        [],
        S,
        True,
    )


def test_claim_calc_that_cannot_run_prints_its_document_with_the_reason(tmp_path: Path) -> None:
    code, doc = claim(tmp_path, str(tmp_path / "没有.xlsx"))
    assert code == 2 and doc["claims"] == [] and doc["total"] == "0.00"
    assert len(doc["errors"]) == 1 and doc["errors"][0]["row"] is None


def test_a_bad_start_option_exits_2_with_start_null(tmp_path: Path) -> None:
    code, doc, _ = cli("validate", str(roster(tmp_path)), "--start", "明天", "--json", db=tmp_path / "l.db")
    assert code == 2 and doc["start"] is None and doc["report"] is None


# ---------------------------------------------------------------- more of roster.md


def test_the_roster_template_filled_in_is_read_with_its_file_level_lines(tmp_path: Path) -> None:
    """单位名称： in one cell and the value in the next (what the template offers), spaces inside the ID and
    the phone, a lower-case x, and • in a name."""
    from openpyxl import load_workbook

    assert cli("template", "roster", "-o", str(tmp_path / "t.xlsx"))[0] == 0
    book = load_workbook(tmp_path / "t.xlsx")
    sheet = book["参保人员名册"]
    sheet["B2"], sheet["B3"] = "模板单位", "巴州"
    headers = [c.value for c in sheet[5]]
    with_x = next(i for i in (make_id("19850101", s, female=False) for s in range(100)) if i.endswith("X"))
    values = [
        {
            "姓名": "张三",
            "身份证号码": f"{with_x[:6]} {with_x[6:14]} {with_x[14:].lower()}",
            "联系电话": "139 1234 5678",
        },
        {"姓名": "努尔比亚•阿不都西库尔", "身份证号码": LI, "联系电话": "0991-2821098"},
    ]
    for row, cells in enumerate(values, start=6):
        for key, value in {**cells, "用工形式": "正式职工", "住院+意外（份）": 1}.items():
            cell = sheet.cell(row, headers.index(key) + 1)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    book.save(tmp_path / "填好.xlsx")
    code, doc, _ = cli(
        "enroll", str(tmp_path / "填好.xlsx"), "--start", S, "--dry-run", "--json", db=tmp_path / "l.db"
    )
    assert code == 0, doc["problems"]
    assert [(m["row"], m["id_number"], m["name"], m["unit"]) for m in doc["members"]] == [
        (6, with_x, "张三", "模板单位"),
        (7, LI, "努尔比亚·阿不都西库尔", "模板单位"),
    ]


def test_the_sheet_is_the_first_with_a_header_row_unless_sheet_names_one(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "说明"
    book.active.append(["请按要求填写"])
    for title, phone in (("名单", "13912345678"), ("第二批", "1391")):
        sheet = book.create_sheet(title)
        sheet.append(["工作单位", "姓名", "身份证号码", "联系电话", "用工形式", "住院+意外（份）"])
        sheet.append(["单位", "李四", LI, phone, "正式职工", 1])
        sheet["C2"].data_type = "s"
    book.save(tmp_path / "多表.xlsx")
    path, db = str(tmp_path / "多表.xlsx"), tmp_path / "l.db"
    code, doc, _ = cli("validate", path, "--start", S, "--json", db=db)
    assert (code, doc["sheet"]) == (0, "名单")
    code, doc, _ = cli("validate", path, "--start", S, "--sheet", "第二批", "--json", db=db)
    assert (code, doc["sheet"], [p["code"] for p in doc["problems"]]) == (1, "第二批", ["phone-invalid"])
    code, doc, _ = cli("validate", path, "--start", S, "--sheet", "没有", "--json", db=db)
    assert code == 2 and doc["report"] is None


def test_short_accident_end_the_rows_cell_wins_over_end(tmp_path: Path) -> None:
    headers = ["工作单位", "姓名", "身份证号码", "联系电话", "用工形式", "短期意外（份）", "短期意外档次（元/份）",
               "短期意外保障止期"]  # fmt: skip
    path = _write(tmp_path / "短期.xlsx", headers, [
        ["单位", "张三", ZHANG, "13912345678", "正式职工", 2, "10", "2027-02-28"],
        ["单位", "李四", LI, "13912345678", "正式职工", 1, "5", None],
    ])  # fmt: skip
    code, doc, _ = cli(
        "enroll", str(path), "--start", S, "--end", "2027-05-31", "--json", db=tmp_path / "l.db"
    )
    assert code == 0, doc["problems"]
    ends = [
        (m["plans"]["short-accident"]["end"], m["plans"]["short-accident"]["fee"]) for m in doc["members"]
    ]
    assert ends == [("2027-02-28", "20.00"), ("2027-05-31", "5.00")]
    assert all(m["plans"]["short-accident"]["observation_end"] is None for m in doc["members"])
    code, doc, _ = cli("validate", str(path), "--start", S, "--json", db=tmp_path / "l.db")
    assert code == 1 and [(p["row"], p["code"]) for p in doc["problems"]] == [(3, "end-date-invalid")]


# ---------------------------------------------------------------- claims: order and the ledger


def test_claims_of_a_member_are_taken_in_event_date_order_whatever_the_file_order(tmp_path: Path) -> None:
    headers = ["身份证号码", "险种", "给付项目", "出险日期", "保障起始日", "份数", "除外原因"]
    path = _write(tmp_path / "理赔.xlsx", headers, [
        [ZHANG, "在职职工重大疾病（35重+25轻）互助保障", "重度", "2026-07-01", "2026-01-01", 1, None],
        [ZHANG, "重大疾病", "轻度", "2026-06-01", "2026-01-01", 1, None],
        [ZHANG, "critical-illness", "mild", "2026-06-02", "2026-01-01", 1, "18"],
        [ZHANG, "没有这个险种", "mild", "2026-06-01", "2026-01-01", 1, None],
    ])  # fmt: skip
    code, doc = claim(tmp_path, str(path), "-o", str(tmp_path / "o.xlsx"))
    assert code == 1
    assert [(c["row"], c["benefit"], c["payout"], c["reasons"]) for c in doc["claims"]] == [
        (2, "severe", "7000.00", ["capped"]),
        (3, "mild", "3000.00", []),
    ]
    assert [e["row"] for e in doc["errors"]] == [4, 5]
    assert "不适用于该给付项目" in doc["errors"][0]["message"]
    assert doc["total"] == "10000.00"


@pytest.mark.parametrize("where", ["XJMA_DB", "user data folder"])
def test_validate_reads_the_default_ledger_when_db_is_not_given(tmp_path: Path, where: str) -> None:
    """cli.md: --db defaults to $XJMA_DB, else xjma.db in the user data folder, for validate too."""
    env = {"XJMA_TODAY": TODAY, "XJMA_DB": str(tmp_path / "env.db"), "XDG_DATA_HOME": str(tmp_path / "data")}
    if where != "XJMA_DB":
        env["XJMA_DB"] = ""
    runner = CliRunner()
    enrolled = runner.invoke(app, ["enroll", str(roster(tmp_path)), "--start", S, "--json"], env=env)
    assert enrolled.exit_code == 0
    assert (tmp_path / "data" / "xjma" / "xjma.db").exists() == (where != "XJMA_DB")
    other = write_roster(tmp_path / "乙.xlsx", [member("单位乙", "巴州", "张三", ZHANG, 住院=1)])
    result = runner.invoke(app, ["validate", str(other), "--start", S, "--json"], env=env)
    assert result.exit_code == 1
    assert [p["code"] for p in json.loads(result.stdout)["problems"]] == ["already-enrolled"]


def test_dry_run_without_skip_invalid_on_a_roster_with_an_error_exits_1_and_would_record_nothing(
    tmp_path: Path,
) -> None:
    code, doc, _ = cli(
        "enroll", str(bad_roster(tmp_path)), "--start", S, "--dry-run", "--json", db=tmp_path / "l.db"
    )
    assert (code, doc["dry_run"], doc["enrolled"], doc["refused"]) == (1, True, 0, 1)
    assert not (tmp_path / "l.db").exists()


@pytest.mark.parametrize(
    ("plan", "shares", "extra", "ok"),
    [
        ("critical-illness", "4", [], True),
        ("critical-illness", "5", [], False),
        ("short-accident", "4", ["--end", "2026-12-01"], True),  # tier 15 with approval
        ("short-accident", "5", ["--end", "2026-12-01"], False),
    ],
)
def test_a_single_claim_with_more_shares_than_the_plan_allows_is_a_claim_error(
    tmp_path: Path, plan: str, shares: str, extra: list[str], ok: bool
) -> None:
    code, doc = claim(tmp_path, "--plan", plan, "--benefit", "sudden-death", "--start", "2026-01-01",
                      "--shares", shares, "--event-date", "2026-06-01", *extra)  # fmt: skip
    assert (code, len(doc["claims"])) == ((0, 1) if ok else (1, 0))


def test_shares_above_the_previous_periods_are_new_and_get_the_observation(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    before = write_roster(tmp_path / "上期.xlsx", [member("单位甲", "巴州", "李四", LI, 住院=1, 女职工=3)])
    assert cli("enroll", str(before), "--start", "2025-12-01", "--json", db=db)[0] == 0
    now = write_roster(tmp_path / "本期.xlsx", [member("单位甲", "巴州", "李四", LI, 住院=1, 女职工=4)])
    code, doc, _ = cli("enroll", str(now), "--start", S, "--json", db=db)
    assert code == 0
    female = doc["members"][0]["plans"]["female-illness"]
    assert (female["shares"], female["renewed_shares"], female["observation_end"]) == (4, 3, "2027-01-30")
    (tmp_path / "副本.xlsx").write_bytes(now.read_bytes())  # rosters are compared by content, not by name
    code, doc, _ = cli("enroll", str(tmp_path / "副本.xlsx"), "--start", S, "--json", db=db)
    assert (code, doc["enrolled"], doc["already_recorded"]) == (0, 0, 1)


def test_a_plan_without_a_version_in_force_on_s_is_plan_not_in_force(tmp_path: Path) -> None:
    code, doc, _ = cli(
        "validate", str(roster(tmp_path)), "--start", "2023-06-01", "--json", db=tmp_path / "l.db"
    )
    assert code == 1
    assert [(p["row"], p["code"]) for p in doc["problems"]] == [
        (2, "plan-not-in-force"),
        (3, "plan-not-in-force"),
    ]


@pytest.mark.parametrize(
    ("text", "password", "shown"),
    [
        ("port 1 failed: Connection refused", "p", "port 1 failed: Connection refused"),
        ("password=p user=u", "p", "password=*** user=u"),
        ("FATAL: password s3cret-Pw was rejected", "s3cret-Pw", "FATAL: password *** was rejected"),
    ],
)
def test_a_ledger_error_blanks_the_password_without_garbling_the_sentence(
    text: str, password: str, shown: str
) -> None:
    from xjma.io.ledger.db import _blank

    assert _blank(text, password) == shown


@pytest.mark.parametrize(
    ("unit", "shares", "start"),
    [("单位甲", 3, S), ("单位甲", 2, "2026-12-15"), ("单位乙", 2, S)],
    ids=["other shares", "other dates", "another unit"],
)
def test_an_overlapping_enrollment_that_differs_is_already_enrolled(
    tmp_path: Path, unit: str, shares: int, start: str
) -> None:
    db = tmp_path / "l.db"
    assert cli("enroll", str(roster(tmp_path)), "--start", S, "--json", db=db)[0] == 0
    again = write_roster(tmp_path / "再次.xlsx", [member(unit, "巴州", "张三", ZHANG, 住院=1, 重疾=shares)])
    code, doc, _ = cli("enroll", str(again), "--start", start, "--json", db=db)
    assert code == 1 and doc["enrolled"] == 0
    assert {p["code"] for p in doc["problems"]} == {"already-enrolled"}


def test_a_renewal_from_the_roster_counts_when_the_ledger_has_no_history(tmp_path: Path) -> None:
    headers = ["工作单位", "姓名", "身份证号码", "联系电话", "用工形式", "是否续保", "上期保障止期", "上期份数",
               "住院+意外（份）", "重大疾病（份）"]  # fmt: skip
    path = _write(tmp_path / "续保.xlsx", headers, [
        ["单位", "张三", ZHANG, "13912345678", "正式职工", "是", "2026-11-30", 1, 1, 3],
        ["单位", "李四", LI, "13912345678", "正式职工", "是", None, None, 1, 0],
    ])  # fmt: skip
    code, doc, _ = cli("enroll", str(path), "--start", S, "--dry-run", "--json", db=tmp_path / "l.db")
    assert code == 0
    zhang, li = (m["plans"] for m in doc["members"])
    assert (
        zhang["inpatient-accident"]["renewed_shares"],
        zhang["inpatient-accident"]["observation_end"],
    ) == (1, None)
    assert (zhang["critical-illness"]["renewed_shares"], zhang["critical-illness"]["observation_end"]) == (
        1,
        "2027-01-30",
    )
    assert (li["inpatient-accident"]["renewed_shares"], li["inpatient-accident"]["observation_end"]) == (
        0,
        "2026-12-31",
    )
    assert [(p["row"], p["code"]) for p in doc["problems"]] == [(3, "renewal-unverified")]


def test_db_accepts_a_sqlite_url_and_a_claim_uses_the_version_in_force_on_the_enrollments_s(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'url.db'}"
    old = write_roster(tmp_path / "2023.xlsx", [member("单位甲", "巴州", "张三", ZHANG, 住院=1)])
    code, doc, _ = cli("enroll", str(old), "--start", "2023-06-01", "--json", "--db", url)
    assert (code, doc["enrolled"]) == (0, 1)
    code, doc, _ = cli("claim", "calc", "--plan", "住院+意外", "--benefit", "住院", "--id", ZHANG, "--event-date",
                       "2024-03-01", "--cause", "疾病", "--pooled-self-pay", "2880", "--pooled-fund-paid", "16320",
                       "--json", db=tmp_path / "url.db")  # fmt: skip
    assert code == 0, doc
    assert (doc["claims"][0]["payout"], doc["claims"][0]["rules_version"]) == ("1440.00", "第三期")


@pytest.mark.parametrize(
    "headers",
    [
        ["单位名称", "姓 名", "身份证号码(18位)", "联系电话（手机）", "用工形式 ", "住院+意外(份)", "重大疾病（份）"],
        ["所在单位", "会员姓名", "公民身份号码", "联系方式", "用工类型", "inpatient-accident", "critical-illness（份）"],
        ["单位", "姓名", "证件号码", "手机", "职工类型", "在职职工（住院+意外）综合互助保障",
         "在职职工重大疾病（35重+25轻）互助保障（份）"],
    ],
    ids=["whitespace and bracketed units", "aliases and plan codes", "full Chinese plan names"],
)  # fmt: skip
def test_headers_are_compared_after_nfkc_whitespace_and_one_trailing_unit(
    tmp_path: Path, headers: list[str]
) -> None:
    path = _write(tmp_path / "名册.xlsx", headers, [["单位", "张三", ZHANG, "13912345678", "正式职工", 1, 2]])
    code, doc, _ = cli("enroll", str(path), "--start", S, "--dry-run", "--json", db=tmp_path / "l.db")
    assert (code, doc["problems"]) == (0, [])
    assert {k: v["shares"] for k, v in doc["members"][0]["plans"].items()} == {
        "inpatient-accident": 1,
        "critical-illness": 2,
    }
