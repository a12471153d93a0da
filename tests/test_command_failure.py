"""The one decorator (commands/common.command) on the office-year commands: with --json a run that
cannot go on prints the command's exit-2 document, exactly one, and one sentence on stderr."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from xjma.commands.common import JsonOpt, command, emit_json
from xjma.errors import XjmaError


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["unit", "list"], {"units": []}),
        (
            ["unit", "show", "6501-00001"],
            {
                "code": None,
                "name": None,
                "prefecture": None,
                "uscc": None,
                "aliases": [],
                "members": 0,
                "plans": {},
                "periods": [],
                "fees_paid": "0.00",
                "claims_paid": "0.00",
            },
        ),  # fmt: skip
        (["batch", "list"], {"batches": []}),
        (
            ["batch", "show", "7"],
            {
                "batch": 7,
                "recorded_at": None,
                "operator": None,
                "file": None,
                "sha256": None,
                "units": [],
                "members": [],
                "fee": "0.00",
                "status": None,
                "voids": [],
            },
        ),  # fmt: skip
        (["log", "--since", "not-a-date"], {"entries": []}),
        (
            ["void", "--batch", "1"],  # no --reason
            {"voided": 0, "refund": "0.00", "refund_on": None, "enrollments": [], "change": None},
        ),
        (["member", "correct", "123", "--name", "王伟"], {"id_number": None, "change": None, "changes": []}),
    ],
)
def test_a_failed_office_year_command_prints_its_exit_2_document(tmp_path, args, expected):
    from xjma.cli import app

    env = {"XJMA_DB": "", "XJMA_TODAY": "2026-11-20", "XJMA_OPERATOR": "测试员"}
    db = str(tmp_path / "none.db")
    result = CliRunner().invoke(app, [*args, "--db", db, "--json"], env=env)
    assert result.exit_code == 2
    assert json.loads(result.stdout) == expected
    assert "错误" in result.stderr


def test_a_failure_after_the_document_began_prints_no_second_document():
    app = typer.Typer()

    @app.command()
    @command(failure=lambda options, message: {"entries": []})
    def run(as_json: bool = JsonOpt) -> None:
        emit_json({"entries": [1]})
        raise XjmaError("写完之后出错")

    result = CliRunner().invoke(app, ["--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"entries": [1]}  # one document: json.loads refuses two
    assert "写完之后出错" in result.stderr


def test_a_reader_that_closes_the_pipe_ends_the_run_quietly():
    """`xjma log --json | head`: the closed pipe is the reader's doing, not an internal error."""
    app = typer.Typer()

    @app.command()
    @command(failure=lambda options, message: {"entries": []})
    def run(as_json: bool = JsonOpt) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    result = CliRunner().invoke(app, ["--json"])
    assert result.exit_code == 1
    assert result.stdout == "" and "内部错误" not in result.stderr
