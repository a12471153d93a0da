"""cli.md: with `--json`, stdout holds exactly one JSON document and nothing else — also when a command
could not run (exit 2). That document is the command's document for an empty result: every key of the
spec's document present, empty lists, zero counts, money "0.00", null where nothing is known (as
`validate`, `enroll` and `report overview` already do)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import make_id, run_xjma
from history_helpers import x
from test_history_migrate import _release_ledger

A = make_id("19800501", 10, female=False)
MONEY = re.compile(r"^-?\d+\.\d\d$")
UNREACHABLE = "postgresql://xjma:pw@127.0.0.1:1/xjma"  # nothing listens on port 1

# The keys of each document, as cli.md and office.md name them.
FEES = {"period", "total", "members", "by_prefecture", "by_unit", "by_plan", "by_month"}
MEMBER = {"id_number", "name", "enrollments", "claims", "remaining", "history"}
PLANS = {"on", "version", "plans"}
CLAIMS_SUMMARY = {"period", "state", "cases", "members", "amount", "rejected", "open", "by_prefecture",
                  "by_unit", "by_plan", "by_month"}  # fmt: skip
RENEWALS = {"before", "units", "lapsed_units", "members_due", "fee_due"}
UNIT = {"code", "name", "prefecture", "uscc", "aliases", "members", "plans", "periods", "fees_paid",
        "claims_paid"}  # fmt: skip
BATCH = {"batch", "recorded_at", "operator", "file", "sha256", "units", "members", "fee", "status", "voids"}
DB_INIT = {"db", "backend", "created", "schema_version", "tables"}
DB_CHECK = {"db", "backend", "server", "schema_version", "expected_version", "up_to_date", "tables"}
DB_MIGRATE = {"db", "backend", "from_version", "schema_version", "migrated"}
DB_COPY = {"from", "to", "tables", "match"}
DB_GRANT = {"db", "role", "prefecture", "office", "read_only", "created", "password_set"}
DB_ROLES = {"db", "roles"}

# Money keys and count keys of the documents (`members` is a count, or batch show's list of members).
MONEY_KEYS = {"total", "amount", "fee_due", "fees_paid", "claims_paid", "fee"}
COUNT_KEYS = {"members", "cases", "rejected", "open", "lapsed_units", "members_due"}

# (command line with --db where it needs one, the document's keys); {tmp} is the test's folder.
FAILURES: dict[str, tuple[list[str], set[str]]] = {
    "fees summary, a month that does not exist": (["fees", "summary", "--month", "2026-13"], FEES),
    "fees summary, both --month and --year": (["fees", "summary", "--month", "2026-01", "--year", "2026"], FEES),
    "fees summary, an unreachable ledger": (["fees", "summary", "--month", "2026-12", "--db", UNREACHABLE], FEES),
    "member show, a bad ID": (["member", "show", "123"], MEMBER),
    "member show, an unreachable ledger": (["member", "show", A, "--db", UNREACHABLE], MEMBER),
    "plans, no rules in force": (["plans", "--on", "2019-01-01"], PLANS),
    "plans, a bad date": (["plans", "--on", "2026-13-45"], PLANS),
    "claims summary, a month that does not exist": (["claims", "summary", "--month", "2026-13"], CLAIMS_SUMMARY),
    "claims summary, an unknown state": (["claims", "summary", "--year", "2026", "--state", "x"], CLAIMS_SUMMARY),
    "renewals due, a bad date": (["renewals", "due", "--before", "xx"], RENEWALS),
    "unit show, a ledger that does not exist": (["unit", "show", "不存在", "--db", "{tmp}/x.db"], UNIT),
    "batch show, a ledger that does not exist": (["batch", "show", "99", "--db", "{tmp}/x.db"], BATCH),
    "db init, a ledger in memory": (["db", "init", "--db", ":memory:"], DB_INIT),
    "db check, a ledger that does not exist": (["db", "check", "--db", "{tmp}/x.db"], DB_CHECK),
    "db migrate, a ledger in memory": (["db", "migrate", "--db", ":memory:"], DB_MIGRATE),
    "db copy, a source that does not exist": (["db", "copy", "--from", "{tmp}/x.db", "--to", "{tmp}/y.db"], DB_COPY),
    "db grant, on SQLite": (["db", "grant", "--role", "hami", "--office", "--db", "{tmp}/x.db"], DB_GRANT),
    "db roles, on SQLite": (["db", "roles", "--db", "{tmp}/x.db"], DB_ROLES),
}  # fmt: skip


def assert_empty_document(doc: Any, keys: set[str]) -> None:
    """The spec's keys exactly; money "0.00", lists empty, counts 0."""
    assert isinstance(doc, dict) and set(doc) == keys, doc
    for key, value in doc.items():
        if key in MONEY_KEYS:
            assert value == "0.00" and MONEY.match(value), (key, value)
        elif isinstance(value, list | dict):
            assert not value, (key, value)
        elif key in COUNT_KEYS:
            assert value == 0, (key, value)


def _line(args: list[str], tmp_path: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp_path)) for a in args] + ["--json"]


def failed_document(args: list[str], tmp_path: Path) -> Any:
    """Run the command in-process with --json: exit 2, and stdout parsed as exactly one JSON document
    (json.loads refuses an empty text and anything after the document)."""
    code, doc, out = x(*_line(args, tmp_path))
    assert code == 2, out
    assert doc is not None, "nothing on stdout"
    return doc


@pytest.mark.parametrize("case", FAILURES, ids=list(FAILURES))
def test_a_command_that_cannot_run_prints_its_empty_document(case: str, tmp_path: Path) -> None:
    args, keys = FAILURES[case]
    assert_empty_document(failed_document(args, tmp_path), keys)


def test_the_document_keeps_what_was_asked_and_nulls_the_mistake(tmp_path: Path) -> None:
    def field(args: list[str], key: str) -> Any:
        return failed_document(args, tmp_path)[key]

    assert field(["fees", "summary", "--month", "2026-12", "--db", UNREACHABLE], "period") == "2026-12"
    assert field(["fees", "summary", "--month", "2026-13"], "period") is None
    assert field(["member", "show", A, "--db", UNREACHABLE], "id_number") == A
    assert field(["member", "show", "123"], "id_number") is None
    assert field(["plans", "--on", "2019-01-01"], "on") == "2019-01-01"
    assert field(["plans", "--on", "2026-13-45"], "on") is None
    assert field(["renewals", "due", "--before", "2027-01-31", "--db", UNREACHABLE], "before") == "2027-01-31"
    assert field(["batch", "show", "99", "--db", "{tmp}/x.db"], "batch") == 99
    doc = failed_document(["claims", "summary", "--year", "2026", "--state", "x"], tmp_path)
    assert (doc["period"], doc["state"]) == ("2026", None)


# A usage error (cli.md: exit 2 for bad options): the parser stops before the command runs; the document is
# the same, from the options as far as they were read.
USAGE_ERRORS: dict[str, tuple[list[str], set[str]]] = {
    "batch show without N": (["batch", "show"], BATCH),
    "batch show, N not a number": (["batch", "show", "abc"], BATCH),
    "member show without ID": (["member", "show"], MEMBER),
    "fees summary, an unknown option": (["fees", "summary", "--month", "2026-12", "--bogus"], FEES),
    "renewals due without --before": (["renewals", "due"], RENEWALS),
    "db copy without --from": (["db", "copy", "--to", "{tmp}/y.db"], DB_COPY),
}  # fmt: skip


@pytest.mark.parametrize("case", USAGE_ERRORS, ids=list(USAGE_ERRORS))
def test_a_usage_error_with_json_prints_the_commands_empty_document(case: str, tmp_path: Path) -> None:
    args, keys = USAGE_ERRORS[case]
    doc = failed_document(args, tmp_path)
    assert_empty_document(doc, keys)
    assert {doc.get(k) for k in ("batch", "id_number", "period", "before", "to")} <= {None}


def test_a_usage_error_without_json_prints_nothing_on_stdout(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xjma.cli import app

    result = CliRunner().invoke(app, ["batch", "show", "abc"], env={"XJMA_DB": ""})
    assert result.exit_code == 2 and result.stdout == ""
    validate = x("validate", "--json")
    assert validate[0] == 2 and validate[1]["file"] is None and validate[1]["report"] is None


def test_an_empty_ledger_of_either_backend_answers_unit_and_batch_show_with_their_empty_documents(
    ledger_target: str,
) -> None:
    assert x("db", "init", "--db", ledger_target)[0] == 0
    for args, keys in ((["unit", "show", "不存在"], UNIT), (["batch", "show", "99"], BATCH)):
        code, doc, out = x(*args, "--db", ledger_target, "--json")
        assert code == 2, out
        assert_empty_document(doc, keys)


def test_member_show_on_an_older_ledger_prints_the_empty_member_document(
    ledger_target: str, tmp_path: Path
) -> None:
    target = _release_ledger(ledger_target, tmp_path)
    code, doc, out = x("member", "show", A, "--db", target, "--json")
    assert code == 2 and "db migrate" in out
    assert_empty_document(doc, MEMBER)
    assert doc["id_number"] == A


@pytest.mark.parametrize(
    "case", ["member show, a bad ID", "db check, a ledger that does not exist", "batch show, N not a number"]
)
def test_the_installed_command_prints_exactly_one_document_on_exit_2(case: str, tmp_path: Path) -> None:
    args, keys = {**FAILURES, **USAGE_ERRORS}[case]
    done = run_xjma(*_line(args, tmp_path))
    assert done.returncode == 2 and "错误" in done.stderr and "Traceback" not in done.stderr
    assert_empty_document(json.loads(done.stdout), keys)
