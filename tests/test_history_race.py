"""Concurrent writers never lose or double anything (office.md §0): two real `xjma` processes started
together, on both backends. Whichever goes first, the outcome is one of the serial outcomes: an enroll
and a void of the same member both land; two corrections of one member are both kept, the second seeing
the first; two voids or two ID corrections of the same thing: exactly one is done."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import XJMA, make_id, member, write_roster, xjma_env
from history_helpers import SCHOOL, A, enroll, school_roster, x


def _together(*commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command before waiting for any; their results in the same order."""
    env = {**xjma_env("2026-11-20"), "XJMA_OPERATOR": "并发"}
    started = [
        subprocess.Popen([XJMA, *c], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for c in commands
    ]
    done = []
    for c, p in zip(commands, started, strict=True):
        out, err = p.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(c, p.returncode, out, err))
    return done


def test_an_enroll_and_a_void_of_the_same_member_at_once_both_land(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))  # A: 住院+意外 and 重大疾病 from 2026-12-01 (batch 1)
    following = write_roster(tmp_path / "下期.xlsx", [
        member(SCHOOL, "乌鲁木齐市", "王伟", A, 住院=1),
        member(SCHOOL, "乌鲁木齐市", "赵敏", make_id("19920202", 14, female=True), 住院=1),
    ])  # fmt: skip
    voided, enrolled = _together(
        [
            "void",
            "--id",
            A,
            "--plan",
            "住院+意外",
            "--start",
            "2026-12-01",
            "--reason",
            "录错",
            "--db",
            ledger_target,
        ],
        ["enroll", str(following), "--start", "2027-12-01", "--db", ledger_target],
    )
    assert (voided.returncode, enrolled.returncode) == (0, 0), (voided.stderr, enrolled.stderr)
    shown = x("member", "show", A, "--db", ledger_target, "--json")[1]
    assert sorted((e["plan"], e["start"], e["status"]) for e in shown["enrollments"]) == [
        ("critical-illness", "2026-12-01", "recorded"),
        ("inpatient-accident", "2026-12-01", "voided"),
        ("inpatient-accident", "2027-12-01", "recorded"),
    ]
    batches = x("batch", "list", "--db", ledger_target, "--json")[1]["batches"]
    assert [(b["batch"], b["members"], b["status"]) for b in batches] == [
        (1, 2, "partly voided"),
        (2, 2, "recorded"),
    ]
    # 480.00 paid in November (260 + 220), less the 110.00 refunded the same day.
    assert x("fees", "summary", "--month", "2026-11", "--db", ledger_target, "--json")[1]["total"] == "370.00"
    kinds = sorted(e["kind"] for e in x("log", "--db", ledger_target, "--json")[1]["entries"])
    assert kinds == ["enroll", "enroll", "void"]


def test_two_voids_of_one_batch_at_once_void_it_once(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    results = _together(
        *[["void", "--batch", "1", "--reason", f"录错{n}", "--db", ledger_target] for n in (1, 2)]
    )
    assert sorted(r.returncode for r in results) == [0, 2], [r.stderr for r in results]
    assert x("fees", "summary", "--month", "2026-11", "--db", ledger_target, "--json")[1]["total"] == "0.00"
    assert [e["kind"] for e in x("log", "--db", ledger_target, "--json")[1]["entries"]] == ["enroll", "void"]


def test_two_corrections_of_one_member_at_once_are_both_kept_in_order(
    ledger_target: str, tmp_path: Path
) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    results = _together(
        ["member", "correct", A, "--name", "王玮", "--reason", "一", "--db", ledger_target],
        ["member", "correct", A, "--name", "王炜", "--reason", "二", "--db", ledger_target],
    )
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    shown = x("member", "show", A, "--db", ledger_target, "--json")[1]
    first, second = shown["history"]
    assert first["before"] == "王伟" and second["before"] == first["after"]  # nothing lost
    assert shown["name"] == second["after"] and {first["after"], second["after"]} == {"王玮", "王炜"}


def test_two_id_corrections_of_one_member_at_once_move_it_once(ledger_target: str, tmp_path: Path) -> None:
    enroll(ledger_target, school_roster(tmp_path))
    one, two = make_id("19800502", 10, female=False), make_id("19800503", 10, female=False)
    results = _together(
        ["member", "correct", A, "--new-id", one, "--reason", "一", "--db", ledger_target],
        ["member", "correct", A, "--new-id", two, "--reason", "二", "--db", ledger_target],
    )
    assert sorted(r.returncode for r in results) == [0, 2], [r.stderr for r in results]
    held = [
        len(x("member", "show", n, "--db", ledger_target, "--json")[1]["enrollments"]) for n in (A, one, two)
    ]
    assert sorted(held) == [0, 0, 2] and held[0] == 0
