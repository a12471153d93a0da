"""A ledger of an older schema with a recorded claim (tests/data/ledger_v3_release.db: 2,000.00 for a
grade-10 生活意外 of 王伟 A) is carried through v4 to v5 by `db migrate`: the claim becomes an approved
case that keeps counting against the caps, and voiding it frees its amount. Both backends."""

from __future__ import annotations

import json
from pathlib import Path

from history_helpers import A, x
from test_history_migrate import _release_ledger

TODAY = "2027-08-01"
INPUTS = {"plan": "inpatient-accident", "benefit": "inpatient", "event_date": "2027-03-01", "id_number": A,
          "major_self_pay": "12000.00", "pooled_self_pay": "0.00", "pooled_fund_paid": "0.00", "cause": "illness"}  # fmt: skip
LATER = ("claim", "calc", "--plan", "住院+意外", "--benefit", "意外", "--event-date", "2027-05-01", "--id", A,
         "--grade", "1", "--accident-kind", "生活")  # fmt: skip


def test_a_recorded_claim_of_an_older_ledger_migrates_as_an_approved_case_that_counts(
    ledger_target: str, tmp_path: Path
) -> None:
    target = _release_ledger(ledger_target, tmp_path)
    code, _, out = x("claim", "list", "--db", target, today=TODAY)
    assert code == 2 and "db migrate" in out  # a read command never migrates
    code, _, out = x("db", "migrate", "--db", target, today=TODAY)
    assert code == 0, out
    code, case, out = x("claim", "show", "1", "--db", target, "--json", today=TODAY)
    assert code == 0, out
    assert (case["state"], case["payout"], case["submission"]) == ("approved", "2000.00", None)
    assert [(h["state"], h["operator"]) for h in case["history"]] == [("approved", "（迁移前记录）")]
    code, doc, out = x(*LATER, "--db", target, "--json", today=TODAY)
    assert doc["claims"][0]["payout"] == "18000.00", out  # 20,000 less the 2,000 recorded
    code, _, out = x("claim", "void", "1", "--reason", "重复记录", "--db", target, today=TODAY)
    assert code == 0, out
    code, doc, _ = x(*LATER, "--db", target, "--json", today=TODAY)
    assert doc["claims"][0]["payout"] == "20000.00"


def test_a_v4_ledger_with_claims_recorded_by_calc_record_migrates_to_approved_cases(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from xjma.io.ledger.schema import migrate

    target = tmp_path / "v4.db"
    engine = create_engine(f"sqlite:///{target}")
    with engine.begin() as conn:
        migrate(conn, to=4)
        conn.execute(text(
            "INSERT INTO claims (claim_key, id_number, plan, benefit, event_date, period_start, payout_fen, "
            "inputs, result, rules_version, recorded_at) VALUES ('k1', :a, 'inpatient-accident', 'inpatient', "
            "'2027-03-01', '2026-12-01', 600000, :inputs, '{\"effects\": {\"major\": \"6000.00\"}}', '第四期', "
            "'2027-03-05 10:00:00')"
        ), {"a": A, "inputs": json.dumps(INPUTS)})  # fmt: skip
    engine.dispose()
    code, _, out = x("db", "migrate", "--db", str(target), today=TODAY)
    assert code == 0, out
    code, case, _ = x("claim", "show", "1", "--db", str(target), "--json", today=TODAY)
    assert (case["state"], case["payout"]) == ("approved", "6000.00")
    code, doc, out = x("claim", "calc", "--plan", "住院+意外", "--benefit", "住院", "--event-date", "2027-06-01",
                       "--id", A, "--start", "2026-12-01", "--major-self-pay", "12000", "--pooled-self-pay", "0",
                       "--pooled-fund-paid", "0", "--cause", "疾病", "--db", str(target), "--json", today=TODAY)  # fmt: skip
    assert doc["claims"][0]["payout"] == "2000.00", out  # the 8,000 大额 cap less the migrated 6,000
