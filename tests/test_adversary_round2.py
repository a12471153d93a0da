"""Issue 23 (an adversary's second round): the cases no other test file covers.

Each case here failed on the code before the issue (an internal error, a claim recorded into nothing).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_id
from typer.testing import CliRunner

from xjma.cli import app

RUNNER = CliRunner()
CLAIM = [
    "claim",
    "calc",
    "--plan",
    "critical-illness",
    "--benefit",
    "severe",
    "--event-date",
    "2027-06-01",
    "--start",
    "2026-11-21",
    "--shares",
    "1",
    "--disease",
    "恶性肿瘤",
    "--id",
    make_id("19900101", 1, False),
]


def invoke(*args: str) -> tuple[int, str, str]:
    result = RUNNER.invoke(app, list(args), env={"XJMA_TODAY": "2026-11-20", "XJMA_DB": ""})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("amount", ["1e309", "9" * 40, "1E+999999"])
def test_an_expense_with_more_digits_than_a_decimal_holds_is_a_claim_error(
    tmp_path: Path, amount: str
) -> None:
    code, out, err = invoke(
        "claim", "calc", "--plan", "inpatient-accident", "--benefit", "inpatient", "--event-date",
        "2026-12-10", "--start", "2026-11-21", "--expense", amount, "--db", str(tmp_path / "l.db"),
    )  # fmt: skip
    assert code == 1, err
    assert "医疗费用" in err and "不是有效金额" in err.replace("\n", "") and "内部错误" not in err + out


@pytest.mark.parametrize("port", ["abc", "99999999999999999999x"])
def test_a_port_that_is_not_a_number_is_one_sentence_and_exit_2(port: str) -> None:
    code, out, err = invoke(*CLAIM, "--db", f"postgresql://xjma:secret@127.0.0.1:{port}/xjma")
    assert code == 2
    assert "不是有效的数据库地址" in err and "内部错误" not in err and "secret" not in err + out
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("target", ["sqlite:///:memory:", "sqlite://", "file::memory:?cache=shared"])
def test_recording_a_claim_into_a_ledger_in_memory_is_refused(target: str) -> None:
    code, _, err = invoke(*CLAIM, "--db", target, "--record")
    assert code == 2
    assert "内存数据库" in err or "不支持的数据库地址" in err
    assert "已记入台账" not in err


def test_computing_a_claim_without_recording_may_read_a_ledger_in_memory() -> None:
    code, out, err = invoke(*CLAIM, "--db", "sqlite:///:memory:")
    assert code == 0, err
    assert "10000.00" in out
