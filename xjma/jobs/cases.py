"""`xjma claim submit`, `claim list`, `claim show` (office.md §5): claims as cases.

`submit` reads a claims file, computes every row against the ledger (approved and paid cases count),
and records each computable row as a case in state `submitted` — one numbered submission, logged as
`claim-submit` — in one transaction holding the members' lock. A row already recorded (same claim_key,
cli.md `--record`) records nothing new, except a case that was returned: it is re-submitted. The review
actions are in jobs/case_review.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xjma.core.actor import Actor
from xjma.core.cases import CaseFacts, transition
from xjma.core.claims.model import ClaimError
from xjma.core.materials import MaterialRules, handed_in, missing, required_for
from xjma.core.rules import Rules
from xjma.errors import XjmaError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from xjma.io.case_file import CaseRow
    from xjma.io.ledger.cases import StoredCase

_ACCOUNT = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class CaseItem:
    """A case as a command shows it: stored, with what its materials lack, and what this run said."""

    stored: StoredCase
    materials_missing: tuple[str, ...] = ()
    note: str | None = None  # e.g. the amount changed on approval

    @property
    def id(self) -> int:
        return self.stored.id


@dataclass(frozen=True)
class SubmitRun:
    submission: int | None
    cases: tuple[CaseItem, ...]
    errors: tuple[ClaimError, ...]
    new: int  # cases recorded (or re-submitted) by this run
    notes: tuple[str, ...] = ()
    report: Path | None = None

    @property
    def total(self) -> Decimal:
        return sum((c.stored.view.payout for c in self.cases), Decimal("0.00"))

    @property
    def materials_missing(self) -> int:
        return sum(1 for c in self.cases if c.materials_missing)


@dataclass(frozen=True)
class CasesRun:
    cases: tuple[CaseItem, ...]
    notices: Path | None = None  # 拒付通知 written (claim reject)
    notes: tuple[str, ...] = field(default_factory=tuple)


def case_items(stored: Sequence[StoredCase], materials: MaterialRules) -> tuple[CaseItem, ...]:
    return tuple(CaseItem(s, lacking(s, materials)) for s in stored)


def lacking(stored: StoredCase, materials: MaterialRules, waived: Sequence[str] = ()) -> tuple[str, ...]:
    """The materials the case still lacks (required, not handed in, not waived by an approval)."""
    claim = stored.claim["inputs"]
    grade = claim.get("grade")
    needed = required_for(
        materials, stored.claim["plan"], stored.claim["benefit"], bool(claim.get("death")), grade
    )
    return missing(needed, stored.view.materials, (*stored.view.waived, *waived))


# ---------------------------------------------------------------- submit


def submit(
    db: str | None,
    path: Path,
    rules: Rules,
    materials: MaterialRules,
    prefecture: str | None,
    actor: Actor,
    output: Path | None,
    today: dt.date,
) -> SubmitRun:
    from xjma.io.case_file import read_case_file
    from xjma.jobs import claims as calc

    rows = read_case_file(path, materials)
    errors: list[tuple[int, ClaimError]] = []
    facts: dict[int, CaseFacts] = {}
    for order, row in enumerate(rows):
        fact = _facts(row, materials, prefecture)
        if isinstance(fact, ClaimError):
            errors.append((order, fact))
        else:
            facts[order] = fact
    usable = [(row.row, row.claim) for order, row in enumerate(rows) if order in facts]
    orders = [order for order in range(len(rows)) if order in facts]
    parsed, parse_errors = calc._parse(usable, rules, record=True)
    errors += [(orders[i], e) for i, e in parse_errors]
    parsed = {orders[i]: value for i, value in parsed.items()}
    run = _record(db, parsed, facts, rules, errors, (actor, path, prefecture or ""), materials)
    if output is not None:
        from xjma.io.submission_xlsx import Submitted, write_submission

        shown = Submitted(run.submission, [(c.stored, c.materials_missing) for c in run.cases], run.errors)
        write_submission(output, shown, rules, today)
        run = SubmitRun(run.submission, run.cases, run.errors, run.new, run.notes, output)
    return run


def _facts(row: CaseRow, materials: MaterialRules, prefecture: str | None) -> CaseFacts | ClaimError:
    """The case's own columns; a payee account that is not digits makes the row an error."""
    case = row.case
    account = _ACCOUNT.sub("", case.get("account", ""))
    if account and not account.isdigit():
        return ClaimError(row.row, f"收款账号“{case['account']}”只能由数字组成，请核对")
    handed = handed_in(materials, case.get("materials"), row.materials)
    return CaseFacts(
        name=str(row.claim.get("name") or "").strip(),
        prefecture=case.get("prefecture") or prefecture or "",
        unit=case.get("unit", ""),
        payee=case.get("payee") or str(row.claim.get("name") or "").strip() or None,
        payee_relation=case.get("payee_relation") or ("本人" if not case.get("payee") else None),
        bank=case.get("bank") or None,
        account=account or None,
        materials=handed.names,
    )


def _record(
    db: str | None,
    parsed: Any,
    facts: dict[int, CaseFacts],
    rules: Rules,
    errors: list[tuple[int, ClaimError]],
    by: tuple[Actor, Path, str],
    materials: MaterialRules,
) -> SubmitRun:
    from xjma.io.diseases import load_diseases
    from xjma.io.ledger import case_matches, open_ledger
    from xjma.io.ledger import cases as store
    from xjma.io.ledger.claims import lock_members
    from xjma.jobs import claims as calc

    actor, path, given = by
    with open_ledger(db, mode="write") as ledger, ledger.begin() as conn:
        lock_members(conn, {c.id_number for c, _ in parsed.values() if c.id_number})
        computed = calc._compute(conn, parsed, rules, load_diseases(), errors)
        cases = calc.new_cases(computed, parsed, [facts[p.order] for p in computed.pending])
        known = case_matches.case_ids_by_key(conn, computed.results)
        states = store.current_states(conn, known.values())
        returned = case_matches.returned_by_identity(conn, [r.claim for r in computed.results])
        states.update({n: "returned" for numbers in returned.values() for n in numbers})
        rows = _sort_out(cases, known, states, returned)
        fresh, again, ids = rows.fresh, rows.again, rows.ids
        prefecture = given or _one(c.facts.prefecture for c in cases)
        submission = None
        chosen: set[int] = set()
        if fresh or again:
            log_id = _log(conn, actor, path, len(fresh) + len(again), cases, prefecture)
            submission = store.add_submission(
                conn, actor, prefecture, _one(c.facts.unit for c in cases), path.name, _digest(path), log_id
            )
            recorded = store.record_cases(conn, [cases[i] for i in fresh], actor.at, submission)
            for i, (case_id, _) in zip(fresh, recorded, strict=True):
                ids[i] = case_id
            chosen = set(fresh) | again
            case_matches.correct_claims(conn, [(ids[i], cases[i]) for i in sorted(rows.corrected)], actor.at)
            events = [
                store.NewEvent(ids[i], "submitted", "重新提交" if i in again else None, payout=c.result.payout,
                               submission=submission, materials=c.facts.materials, result=c.result)
                for i, c in enumerate(cases) if i in chosen
            ]  # fmt: skip
            store.append_events(conn, events, actor, log_id)
        stored = {s.id: s for s in store.read_cases(conn, [i for i in ids if i])}
    computed.errors.sort(key=lambda item: item[0])
    mine = [n for i, n in enumerate(ids) if n and (not chosen or i in chosen)]
    items = case_items([stored[n] for n in dict.fromkeys(mine) if n in stored], materials)
    notes = list(computed.notes)
    if submission is None and items:
        notes.append("这些理赔都已记入台账，本次没有新的案件。")
        submission = _latest_submission(items)
    others = sorted({n for i, n in enumerate(ids) if n and chosen and i not in chosen})
    if others:
        shown = "、".join(map(str, others[:10])) + (f" 等 {len(others)} 件" if len(others) > 10 else "")
        notes.append(f"注意：第 {shown} 号案件此前已记入台账，未列入本批。")
    return SubmitRun(
        submission, items, tuple(e for _, e in computed.errors), len(fresh) + len(again), tuple(notes)
    )


@dataclass
class _Rows:
    """Which case each row of a submission belongs to (_sort_out)."""

    ids: list[int] = field(default_factory=list)  # the case number per row, 0 until recorded
    fresh: list[int] = field(default_factory=list)  # rows that are new cases
    again: set[int] = field(default_factory=set)  # rows that re-submit a returned case
    corrected: set[int] = field(default_factory=set)  # of those, rows with other amounts


def _sort_out(cases: Sequence[Any], known: dict[str, int], states: dict[int, str], returned: Any) -> _Rows:
    """Which case each row belongs to: the case recorded with its claim_key (re-submitted when that case
    was returned, else nothing new), or else a returned case of the same claim without its amounts
    (`returned`: case_identity -> returned case numbers; the row corrects and re-submits it), or else a
    new case. A claim twice in the file is recorded once."""
    from xjma.core.claims.model import case_identity, claim_key

    out = _Rows()
    seen: dict[str, int] = {}
    for i, case in enumerate(cases):
        key = claim_key(case.result.claim)
        if key in seen:
            out.ids.append(seen[key])
            continue
        number = known.get(key, 0)
        taken = number in out.ids
        if not number:
            waiting = [n for n in returned.get(case_identity(case.result.claim), []) if n not in out.ids]
            number = waiting[0] if waiting else 0
            if number:
                out.corrected.add(i)
        seen[key] = number
        out.ids.append(number)
        if not number:
            out.fresh.append(i)
        elif not taken and transition(states.get(number), "submit") == "submitted":
            out.again.add(i)
    return out


def _latest_submission(items: Sequence[CaseItem]) -> int | None:
    """A run that recorded nothing new names the latest submission its cases belong to (None when
    none belongs to one: recorded by claim calc --record)."""
    return max((c.stored.view.submission for c in items if c.stored.view.submission), default=None)


def _one(values: Iterable[str]) -> str:
    """The one prefecture or unit of a submission's cases, "" when they are of several (or none)."""
    found = {v for v in values if v}
    return next(iter(found)) if len(found) == 1 else ""


def _digest(path: Path) -> str:
    from xjma.io.ledger.log import file_digest

    return file_digest(path)


def _log(
    conn: Connection, actor: Actor, path: Path, count: int, cases: Sequence[Any], prefecture: str
) -> int:
    from xjma.core.money import fmt_money
    from xjma.io.ledger.log import LogEntry, write_log

    total = sum((c.result.payout for c in cases), Decimal("0.00"))
    entry = LogEntry(
        kind="claim-submit",
        summary=f"claim submit：受理理赔案件 {count} 件（暂计给付 {fmt_money(total)} 元）"
        + (f"，{prefecture}" if prefecture else ""),
        file=path.name,
        sha256=_digest(path),
        refs={"cases": count},
        members=sorted({c.result.claim.id_number for c in cases if c.result.claim.id_number}),
    )
    return write_log(conn, actor, entry)


# ---------------------------------------------------------------- list, show


def list_cases(db: str | None, f: Any, materials: MaterialRules) -> CasesRun:
    from xjma.io.ledger import cases as store
    from xjma.jobs.ledger_access import reading

    with reading(db) as ledger, ledger.connect() as conn:
        return CasesRun(case_items(store.list_cases(conn, f), materials))


def show_case(db: str | None, case: int, materials: MaterialRules) -> CaseItem:
    from xjma.io.ledger import cases as store
    from xjma.jobs.ledger_access import reading

    with reading(db) as ledger, ledger.connect() as conn:
        found = store.read_cases(conn, [case])
    if not found:
        raise XjmaError(f"台账中没有第 {case} 号案件")
    return case_items(found, materials)[0]
