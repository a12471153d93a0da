"""`xjma db init|check|migrate|copy` on both backends: a ledger is set up, inspected, upgraded and moved
(a clerk's SQLite file into the office's PostgreSQL) with its counts and fee totals proven equal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import make_id, member, run_xjma, write_roster
from typer.testing import CliRunner

from xjma.commands import db as db_cmd

SECRET = "Secret-Pw-7391"
A = make_id("19800501", 10, female=False)
B = make_id("19900715", 11, female=True)
FEE = "260.00"  # 住院+意外 ×2 and 重大疾病 ×1 on 2026-12-01 (rules/plans.yaml)


def _app() -> typer.Typer:
    """xjma's own app when it already has `db`, else one with just `db` (the lead registers it in cli.py)."""
    from xjma.cli import COMMANDS, app

    if "db" in COMMANDS:
        return app
    alone = typer.Typer()
    alone.callback()(lambda: None)
    db_cmd.register(alone)
    return alone


def db(*args: str, env_db: str = "") -> tuple[int, Any, str]:
    """Run `xjma db …`; (exit code, parsed JSON when --json and stdout has it, stdout + stderr)."""
    result = CliRunner().invoke(_app(), ["db", *args], env={"XJMA_DB": env_db, "XJMA_TODAY": "2026-11-20"})
    doc = json.loads(result.stdout) if "--json" in args and result.stdout.strip() else None
    return result.exit_code, doc, result.output


def _set_version(target: str, version: int) -> None:
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.schema import schema_version

    with open_ledger(target) as ledger, ledger.begin() as conn:
        conn.execute(schema_version.update().values(version=version))


def _filled_sqlite(tmp_path: Path) -> str:
    """A clerk's SQLite ledger: two members enrolled (three enrollments, FEE in all) and one recorded
    claim of 2000.00."""
    source = str(tmp_path / "clerk.db")
    roster = write_roster(tmp_path / "一中.xlsx", [
        member("乌鲁木齐第一中学", "乌鲁木齐市", "王伟", A, 住院=1, 重疾=1),
        member("乌鲁木齐第一中学", "乌鲁木齐市", "李芳", B, 住院=1),
    ])  # fmt: skip
    enrolled = run_xjma("enroll", str(roster), "--start", "2026-12-01", "--db", source, "--json")
    assert enrolled.returncode == 0 and json.loads(enrolled.stdout)["fees"]["total"] == FEE
    claim = run_xjma("claim", "calc", "--plan", "inpatient-accident", "--benefit", "accident", "--accident-kind",
                     "life", "--grade", "10", "--event-date", "2027-02-01", "--id", A, "--record", "--db", source,
                     today="2027-03-01")  # fmt: skip
    assert claim.returncode == 0, claim.stderr
    return source


# ---------------------------------------------------------------- init, check, migrate


def test_init_creates_the_ledger_and_a_second_init_finds_it_in_place(ledger_target: str) -> None:
    from xjma.io.ledger.schema import SCHEMA_VERSION

    code, doc, _ = db("init", "--db", ledger_target, "--json")
    assert (code, doc["created"], doc["schema_version"]) == (0, True, SCHEMA_VERSION)
    assert {name: t["rows"] for name, t in doc["tables"].items()} == {
        "members": 0, "batches": 0, "enrollments": 0, "claims": 0,
        # the history tables (schema v4, office.md §0–§3)
        "log_entries": 0, "log_subjects": 0, "units": 0, "unit_events": 0, "batch_units": 0, "changes": 0,
        "voided_enrollments": 0, "member_changes": 0,
        # claims as cases (schema v5, office.md §5)
        "submissions": 0, "case_details": 0, "payment_batches": 0, "payment_items": 0, "case_events": 0,
        # member details per batch (schema v6, the renewal roster)
        "member_details": 0,
    }  # fmt: skip
    code, doc, _ = db("init", "--db", ledger_target, "--json")
    assert (code, doc["created"]) == (0, False)


def test_check_of_an_up_to_date_ledger_exits_0_with_rows_and_fee_totals(
    ledger_target: str, tmp_path: Path
) -> None:
    source = _filled_sqlite(tmp_path)
    if ledger_target.startswith("postgresql"):
        assert db("copy", "--from", source, "--to", ledger_target)[0] == 0
    else:
        ledger_target = source
    code, doc, _ = db("check", "--db", ledger_target, "--json")
    assert code == 0 and doc["up_to_date"] is True
    assert doc["tables"]["enrollments"] == {"rows": 3, "shares": 3, "fee": FEE}
    assert doc["tables"]["claims"] == {"rows": 1, "payout": "2000.00"}
    backend = "postgresql" if ledger_target.startswith("postgresql") else "sqlite"
    assert doc["overlap_guard"] == {"postgresql": "constraint", "sqlite": "sqlite"}[backend]


def test_without_db_the_ledger_is_the_one_named_by_xjma_db(ledger_target: str) -> None:
    code, doc, _ = db("init", "--json", env_db=ledger_target)
    assert code == 0 and doc["created"] is True
    assert db("check", "--db", ledger_target, "--json")[0] == 0


def test_check_of_an_older_ledger_exits_1_and_migrate_brings_it_up_to_date(ledger_target: str) -> None:
    from xjma.io.ledger.schema import SCHEMA_VERSION

    db("init", "--db", ledger_target)
    _set_version(ledger_target, SCHEMA_VERSION - 1)
    code, doc, out = db("check", "--db", ledger_target, "--json")
    assert (code, doc["up_to_date"], doc["schema_version"]) == (1, False, SCHEMA_VERSION - 1)
    code, doc, _ = db("migrate", "--db", ledger_target, "--json")
    assert (code, doc["from_version"], doc["schema_version"], doc["migrated"]) == (
        0, SCHEMA_VERSION - 1, SCHEMA_VERSION, True)  # fmt: skip
    assert db("check", "--db", ledger_target, "--json")[:2][0] == 0
    assert db("migrate", "--db", ledger_target, "--json")[1]["migrated"] is False


def test_a_ledger_made_by_a_newer_xjma_is_refused_with_exit_2(ledger_target: str) -> None:
    from xjma.io.ledger.schema import SCHEMA_VERSION

    db("init", "--db", ledger_target)
    _set_version(ledger_target, SCHEMA_VERSION + 1)
    for command in ("check", "migrate", "init"):
        code, _, out = db(command, "--db", ledger_target)
        assert code == 2 and "更新版本" in out, command


def test_check_and_migrate_of_a_missing_sqlite_file_exit_2_and_create_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    for command in ("check", "migrate"):
        code, _, out = db(command, "--db", str(missing))
        assert code == 2 and "xjma db init" in out
    assert not missing.exists()


def test_check_of_an_unreachable_server_exits_2_without_the_password() -> None:
    code, _, out = db("check", "--db", f"postgresql://xjma:{SECRET}@127.0.0.1:1/xjma")
    assert code == 2 and "无法连接" in out
    assert SECRET not in out and "Traceback" not in out


# ---------------------------------------------------------------- copy


def test_copy_moves_every_row_and_proves_counts_and_fee_totals_equal(
    ledger_target: str, tmp_path: Path
) -> None:
    source = _filled_sqlite(tmp_path)
    code, doc, _ = db("copy", "--from", source, "--to", ledger_target, "--json")
    assert code == 0 and doc["match"] is True
    figures = {t["table"]: t["target"] for t in doc["tables"]}
    assert figures == {t["table"]: t["source"] for t in doc["tables"]}
    assert figures["members"]["rows"] == 2 and figures["batches"]["rows"] == 1
    assert figures["enrollments"] == {"rows": 3, "shares": 3, "fee": FEE}
    assert figures["claims"] == {"rows": 1, "payout": "2000.00"}
    for id_number in (A, B):  # the moved ledger answers as the old one did
        shown = [run_xjma("member", "show", id_number, "--json", "--db", d, today="2027-03-01").stdout
                 for d in (source, ledger_target)]  # fmt: skip
        assert shown[0] == shown[1]


def test_after_a_copy_the_next_enrollment_gets_new_ids_not_copied_ones(
    ledger_target: str, tmp_path: Path
) -> None:
    source = _filled_sqlite(tmp_path)
    assert db("copy", "--from", source, "--to", ledger_target)[0] == 0
    later = write_roster(
        tmp_path / "医院.xlsx",
        [member("阿克苏人民医院", "阿克苏地区", "阿依古丽", make_id("19750228", 12, True, "652901"), 住院=1)],
    )
    done = run_xjma("enroll", str(later), "--start", "2026-12-01", "--db", ledger_target, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["enrolled"] == 1
    assert db("check", "--db", ledger_target, "--json")[1]["tables"]["enrollments"]["rows"] == 4


def test_copy_into_a_ledger_that_has_rows_is_refused_and_changes_nothing(
    ledger_target: str, tmp_path: Path
) -> None:
    source = _filled_sqlite(tmp_path)
    assert db("copy", "--from", source, "--to", ledger_target)[0] == 0
    code, _, out = db("copy", "--from", source, "--to", ledger_target)
    assert code == 2 and "空台账" in out
    assert db("check", "--db", ledger_target, "--json")[1]["tables"]["enrollments"]["rows"] == 3


def test_a_copy_whose_totals_do_not_match_is_rolled_back_entirely(
    ledger_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xjma.jobs import db as job

    source = _filled_sqlite(tmp_path)
    copy_table = job._copy_table

    def losing_claims(rconn: Any, wconn: Any, table: Any) -> None:
        # A copy that silently loses a table must not pass the check. (case_events: no other table
        # refers to it, so the loss is left for the check to find, not for a foreign key.)
        if table.name != "case_events":
            copy_table(rconn, wconn, table)

    monkeypatch.setattr(job, "_copy_table", losing_claims)
    code, _, out = db("copy", "--from", source, "--to", ledger_target)
    assert code == 2 and "不一致" in out and "已撤销" in out
    monkeypatch.undo()
    code, doc, _ = db("check", "--db", ledger_target, "--json")
    assert code == 0 and all(t["rows"] == 0 for t in doc["tables"].values())


def test_copy_from_a_missing_file_or_onto_itself_exits_2(tmp_path: Path) -> None:
    code, _, out = db("copy", "--from", str(tmp_path / "none.db"), "--to", str(tmp_path / "new.db"))
    assert code == 2 and "不存在" in out
    assert not (tmp_path / "new.db").exists()
    source = _filled_sqlite(tmp_path)
    code, _, out = db("copy", "--from", source, "--to", source)
    assert code == 2 and "同一个" in out


def test_copy_to_a_server_that_refuses_the_password_exits_2_without_showing_it(
    tmp_path: Path, pg_url: str
) -> None:
    from sqlalchemy.engine import make_url

    source = _filled_sqlite(tmp_path)
    wrong = make_url(pg_url).set(password=SECRET).render_as_string(hide_password=False)
    code, _, out = db("copy", "--from", source, "--to", wrong)
    assert code == 2 and SECRET not in out and "Traceback" not in out


@pytest.mark.postgresql
def test_a_shared_ledger_copied_back_to_a_sqlite_file_keeps_every_figure(
    tmp_path: Path, pg_database: str
) -> None:
    source = _filled_sqlite(tmp_path)
    assert db("copy", "--from", source, "--to", pg_database)[0] == 0
    back = str(tmp_path / "back.db")
    code, doc, _ = db("copy", "--from", pg_database, "--to", back, "--json")
    assert code == 0 and doc["match"] is True
    there, here = (db("check", "--db", t, "--json")[1]["tables"] for t in (back, source))
    # Each copy logs itself in its target (office.md §0): two entries more, every other figure equal.
    assert there.pop("log_entries")["rows"] == here.pop("log_entries")["rows"] + 2
    assert there == here


def test_a_copy_into_a_sqlite_file_counts_its_fee_totals_in_the_same_transaction(tmp_path: Path) -> None:
    from xjma.io.ledger import open_ledger
    from xjma.io.ledger.fee_totals import fee_totals_current

    source, target = _filled_sqlite(tmp_path), str(tmp_path / "copy.db")
    assert db("copy", "--from", source, "--to", target)[0] == 0
    with open_ledger(target, mode="read") as ledger, ledger.connect() as conn:
        assert fee_totals_current(conn)  # `fees summary` reads them, and never writes
    shown = [run_xjma("fees", "summary", "--year", "2026", "--json", "--db", d, "-o", str(tmp_path / "f.xlsx")).stdout
             for d in (source, target)]  # fmt: skip
    assert shown[0] == shown[1] and json.loads(shown[0])["total"] == FEE
