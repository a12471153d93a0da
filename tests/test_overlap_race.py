"""Two batches that give one member the same plan for overlapping periods with different starts, each
validated before the other was recorded: exactly one is recorded (issue 7). PostgreSQL refuses the second
through the exclusion constraint (SQLSTATE 23P01), SQLite through the check inside the write transaction
(LedgerConflict); `enroll` then validates again and the loser gets `already-enrolled`. Both backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import make_id, member, write_roster

from xjma.core.enrollment import NewEnrollment
from xjma.core.model import Enrollment
from xjma.io.ledger import open_ledger
from xjma.io.ledger.enrollments import BatchInfo, LedgerConflict, MemberInfo, count_rows, record_batch

A = make_id("19800501", 10, female=False)
B = make_id("19900715", 11, female=True)
PLAN = "inpatient-accident"
S = dt.date(2026, 12, 1)


def _item(number: str, start: dt.date, end: dt.date | None = None, plan: str = PLAN) -> NewEnrollment:
    end = end or start.replace(year=start.year + 1) - dt.timedelta(days=1)
    e = Enrollment(number, plan, start, end, 1, 0, unit="甲公司", first_start=start)
    return NewEnrollment(2, e, Decimal("110.00"), 30, None, "第四期", None)


def _record(target: str, *items: NewEnrollment) -> None:
    """One batch in its own transaction (one office's write)."""
    batch = BatchInfo("r.xlsx", "0" * 64, "甲公司", "", S, None, S, dt.datetime(2026, 11, 20, 9), len(items))
    people = [MemberInfo(n, "某", None, None) for n in sorted({i.enrollment.id_number for i in items})]
    with open_ledger(target) as ledger, ledger.begin() as conn:
        record_batch(conn, batch, people, list(items))


def _enrollments(target: str) -> int:
    with open_ledger(target) as ledger, ledger.connect() as conn:
        return count_rows(conn)["enrollments"]


def _is_race(exc: BaseException) -> bool:
    """What jobs/enroll.py turns into a retry: LedgerConflict, or a unique/exclusion violation."""
    return isinstance(exc, LedgerConflict) or getattr(getattr(exc, "orig", None), "sqlstate", None) in (
        "23505",
        "23P01",
    )


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(dt.date(2027, 3, 1), id="starts-inside"),
        pytest.param(dt.date(2026, 6, 1), id="ends-inside"),
        pytest.param(dt.date(2027, 11, 30), id="shares-the-last-day"),
    ],
)
def test_a_second_batch_overlapping_a_recorded_period_is_refused_whole(
    ledger_target: str, second: dt.date
) -> None:
    _record(ledger_target, _item(A, S))
    with pytest.raises(Exception) as caught:
        _record(ledger_target, _item(B, S), _item(A, second))  # B is fine, but the batch is all-or-nothing
    assert _is_race(caught.value), repr(caught.value)
    assert _enrollments(ledger_target) == 1


def test_a_renewal_starting_the_day_after_the_old_period_ends_is_not_a_conflict(ledger_target: str) -> None:
    _record(ledger_target, _item(A, S))
    _record(ledger_target, _item(A, dt.date(2027, 12, 1)))
    _record(ledger_target, _item(A, dt.date(2025, 12, 1)))  # and the year before, ending the day before S
    assert _enrollments(ledger_target) == 3


def test_another_plan_or_another_member_over_the_same_period_is_not_a_conflict(ledger_target: str) -> None:
    _record(ledger_target, _item(A, S))
    _record(
        ledger_target, _item(A, dt.date(2027, 3, 1), plan="critical-illness"), _item(B, dt.date(2027, 3, 1))
    )
    assert _enrollments(ledger_target) == 3


def test_the_check_sees_rows_recorded_earlier_in_a_big_ledger(ledger_target: str) -> None:
    """Several batches already in the ledger; the conflict is with the oldest one."""
    numbers = [make_id("19850101", i, female=False, region=f"65{i:04d}") for i in range(50)]
    _record(ledger_target, *(_item(n, S) for n in numbers))
    _record(ledger_target, *(_item(n, dt.date(2027, 12, 1)) for n in numbers))
    with pytest.raises(Exception) as caught:
        _record(ledger_target, _item(B, S), _item(numbers[-1], dt.date(2027, 6, 1)))
    assert _is_race(caught.value), repr(caught.value)
    assert _enrollments(ledger_target) == 100


# ---------------------------------------------------------------- the job: validated on a stale view


def test_two_offices_enrolling_overlapping_periods_at_once_record_one_the_other_is_already_enrolled(
    ledger_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Office 1 enrolls A from 2026-12-01. Office 2 validated A from 2027-03-01 before office 1's commit
    (its view of the ledger was empty); its write must fail, and its retry sees office 1's row."""
    import xjma.io.ledger.enrollments as led  # where jobs/enroll imports record_batch from
    from xjma.io.ledger.db import Ledger
    from xjma.jobs.enroll import enroll_file

    rosters = [
        write_roster(tmp_path / f"{unit}.xlsx", [member(unit, "乌鲁木齐市", "王伟", A, 住院=1)])
        for unit in ("乌鲁木齐第一中学", "乌鲁木齐供电公司")
    ]

    def enroll(roster: Path, start: dt.date) -> Any:
        return enroll_file(
            roster,
            start=start,
            paid_on=dt.date(2026, 11, 20),
            now=dt.datetime(2026, 11, 20, 9),
            db=ledger_target,
            output=roster.with_suffix(".out.xlsx"),
        )

    first = enroll(rosters[0], S)
    assert first.exit_code == 0 and _enrollments(ledger_target) == 1

    stale = [True]  # office 2's first validation ran before office 1 committed
    real_view, real_record = Ledger.enrollments_for, led.record_batch
    writes: list[int] = []

    def view(self: Ledger, ids: Any) -> dict[str, list[Enrollment]]:
        return {} if stale[0] else real_view(self, ids)

    def record(*args: Any) -> int:
        stale[0] = False  # from its retry on, office 2 reads the ledger as it is
        writes.append(1)
        return real_record(*args)

    monkeypatch.setattr(Ledger, "enrollments_for", view)
    monkeypatch.setattr(led, "record_batch", record)
    second = enroll(rosters[1], dt.date(2027, 3, 1))
    assert writes == [1]  # it did try to write on its stale view, and failed
    assert second.exit_code == 1
    assert [p.code for p in second.problems] == ["already-enrolled"]
    assert _enrollments(ledger_target) == 1
