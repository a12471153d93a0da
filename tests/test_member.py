"""`xjma member show`: enrollments, claims paid and what each plan can still pay (cli.md `member show`)."""

import datetime as dt
import json
import sys

import pytest
from sqlalchemy import insert, select
from test_enroll_cli import ZHANG, enroll, person, run, write_roster

from xjma.io.ledger import open_ledger
from xjma.io.ledger.case_tables import case_events
from xjma.io.ledger.schema import claims

MEMBER_KEYS = {"id_number", "name", "enrollments", "claims", "remaining", "history"}  # history: office.md §3


@pytest.fixture
def db(tmp_path):
    """张三: 住院+意外 and 2 shares of 重大疾病 for 2025-12-01, renewed with 3 shares for 2026-12-01."""
    path = tmp_path / "l.db"
    first = write_roster(
        tmp_path / "a.xlsx", [person("张三", ZHANG, **{"inpatient-accident": 1, "critical-illness": 2})]
    )
    assert enroll(first, path, start="2025-12-01", today="2025-11-20")[0] == 0
    second = write_roster(
        tmp_path / "b.xlsx", [person("张三", ZHANG, **{"critical-illness": 3, "inpatient-accident": 1})]
    )
    assert enroll(second, path, today="2026-11-20")[0] == 0
    return path


def _claim(db, benefit: str, payout_fen: int, period_start: dt.date, event: dt.date) -> None:
    with open_ledger(str(db)) as ledger, ledger.begin() as conn:
        conn.execute(
            insert(claims).values(
                claim_key=f"k-{benefit}-{event}",
                id_number=ZHANG,
                plan="critical-illness",
                benefit=benefit,
                event_date=event,
                period_start=period_start,
                payout_fen=payout_fen,
                inputs="{}",
                result=json.dumps({"payout": f"{payout_fen / 100:.2f}"}),
                rules_version="第四期",
                recorded_at=dt.datetime(2026, 6, 1),
            )
        )
        # A recorded claim is an approved case (schema v5): only those count.
        case = conn.execute(select(claims.c.id).where(claims.c.claim_key == f"k-{benefit}-{event}")).scalar()
        conn.execute(
            insert(case_events).values(
                claim_id=case,
                state="approved",
                at=dt.datetime(2026, 6, 1),
                operator="t",
                payout_fen=payout_fen,
            )
        )


def show(db, number=ZHANG, today="2027-02-01"):
    return run(["member", "show", number, "--json"], db, today)


def test_member_show_lists_the_enrollments_with_their_lots_and_observation(db):
    code, doc, _ = show(db)
    assert code == 0
    assert set(doc) == MEMBER_KEYS
    assert (doc["id_number"], doc["name"]) == (ZHANG, "张三")
    assert [(e["plan"], e["start"]) for e in doc["enrollments"]] == [
        ("inpatient-accident", "2025-12-01"),
        ("critical-illness", "2025-12-01"),
        ("inpatient-accident", "2026-12-01"),
        ("critical-illness", "2026-12-01"),
    ]
    renewed = doc["enrollments"][3]
    assert renewed == {
        "plan": "critical-illness",
        "start": "2026-12-01",
        "end": "2027-11-30",
        "shares": 3,
        "renewed_shares": 2,
        "observation_end": "2027-01-30",
        "unit": "甲公司",
        "status": "recorded",  # office.md §3
        "voided_at": None,
        "void_reason": None,
    }
    assert doc["enrollments"][0]["observation_end"] == "2025-12-31"


def test_remaining_is_for_the_period_covering_today(db):
    _, doc, _ = show(db)
    assert doc["remaining"]["critical-illness"] == {
        "severe": "30000.00",
        "mild": "9000.00",
        "sudden-death": "30000.00",
    }
    assert doc["remaining"]["inpatient-accident"] == {"inpatient": "8000.00", "accident": "40000.00"}


def test_claims_paid_are_listed_in_event_date_order(db):
    _claim(db, "severe", 1000000, dt.date(2025, 12, 1), dt.date(2026, 5, 2))
    _claim(db, "mild", 600000, dt.date(2025, 12, 1), dt.date(2026, 3, 1))
    _, doc, _ = show(db)
    assert doc["claims"] == [
        {"plan": "critical-illness", "benefit": "mild", "event_date": "2026-03-01", "payout": "6000.00"},
        {"plan": "critical-illness", "benefit": "severe", "event_date": "2026-05-02", "payout": "10000.00"},
    ]


def test_without_the_claims_engine_remaining_is_the_maximum_times_shares_less_what_was_paid(db, monkeypatch):
    monkeypatch.setitem(sys.modules, "xjma.core.claims.remaining", None)  # import now raises ImportError
    _claim(db, "mild", 300000, dt.date(2026, 12, 1), dt.date(2027, 1, 15))
    _claim(db, "mild", 500000, dt.date(2025, 12, 1), dt.date(2026, 3, 1))  # an earlier period: not counted
    _, doc, output = show(db)
    assert doc["remaining"]["critical-illness"] == {
        "severe": "30000.00",
        "mild": "6000.00",  # 3 × 3000 − 3000
        "sudden-death": "30000.00",
    }
    assert "理赔模块不可用" in output


def test_a_member_the_ledger_does_not_know_exits_1_with_a_message(db):
    code, doc, output = show(db, number="650102199001011234"[:17] + "X")
    assert code == 1
    assert doc["enrollments"] == [] and "台账中没有该身份证号码的记录" in output


def test_an_id_of_the_wrong_shape_is_a_bad_option(db):
    code, _, output = run(["member", "show", "12345"], db)
    assert code == 2 and "18 位" in output


def test_a_ledger_that_does_not_exist_knows_nobody_and_is_not_created(tmp_path):
    code, _, _ = show(tmp_path / "none.db")
    assert code == 1
    assert not (tmp_path / "none.db").exists()


def test_the_terminal_view_masks_the_id_number(db):
    code, _, output = run(["member", "show", ZHANG], db, "2027-02-01")
    assert code == 0
    assert ZHANG not in output and "650102********1230"[:10] in output
