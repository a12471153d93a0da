"""`xjma claim approve | return | reject | void` (office.md §5): the review of cases, each run one
transaction with its log entry, all or nothing.

Approval recomputes every case against the ledger as it is at that moment (the cases approved since
submission count; the run's own cases in event-date order) while holding the members' lock
(io/ledger/claims.lock_members), so two approvals racing on one member never pay beyond a cap. A case
with missing materials is refused unless each one is waived (`--waive MATERIAL --reason R`). Any case
the transition table refuses (core/cases.transition) stops the run: nothing is changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xjma.core.actor import Actor
from xjma.core.cases import Refusal, amount_change_note, transition
from xjma.core.materials import MaterialRules
from xjma.core.rules import Rules
from xjma.errors import XjmaError
from xjma.jobs.cases import CaseItem, CasesRun, case_items, lacking

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from xjma.io.ledger.cases import StoredCase

LOG_KINDS = {
    "approve": "claim-approve",
    "return": "claim-return",
    "reject": "claim-reject",
    "void": "claim-void",
}
VERBS = {"approve": "审批", "return": "退回补件", "reject": "拒付", "void": "作废"}


@dataclass(frozen=True)
class Selection:
    """Which cases: these numbers, or the submitted cases of a submission, minus `excepted`."""

    cases: tuple[int, ...] = ()
    submission: int | None = None
    excepted: tuple[int, ...] = ()


@dataclass(frozen=True)
class Waiver:
    materials: tuple[str, ...] = ()
    reason: str | None = None


def approve(
    db: str | None, which: Selection, waiver: Waiver, rules: Rules, materials: MaterialRules, actor: Actor
) -> CasesRun:
    from xjma.io.ledger import cases as store
    from xjma.jobs.ledger_access import writing

    waived = _waived(waiver, materials)
    with writing(db) as ledger, ledger.begin() as conn:
        found = _locked(conn, which, "approve")
        _check_materials(found, materials, waived)
        results = _recompute(conn, found, rules)
        log_id = _log(conn, actor, "approve", found, waiver.reason, sum(r.payout for r in results.values()))
        events, notes = [], {}
        for s in found:
            result = results[s.id]
            change = amount_change_note(s.view.provisional, result.payout)
            lacked = lacking(s, materials)
            note = "；".join(
                [n for n in (change, _waive_note(lacked, waiver.reason)) if n]
            ) or None  # fmt: skip
            notes[s.id] = change
            events.append(
                store.NewEvent(
                    s.id, "approved", note, payout=result.payout, materials=lacked or None, result=result
                )
            )
        store.append_events(conn, events, actor, log_id)
        after = store.read_cases(conn, [s.id for s in found])
    items = tuple(
        CaseItem(c.stored, c.materials_missing, notes.get(c.id)) for c in case_items(after, materials)
    )
    return CasesRun(items)


def review(
    db: str | None, action: str, ids: Sequence[int], reason: str, materials: MaterialRules, actor: Actor
) -> CasesRun:
    """return / reject / void: the cases move with the reason as the note."""
    from xjma.io.ledger import cases as store
    from xjma.jobs.ledger_access import writing

    if not reason.strip():
        raise XjmaError(f"{VERBS[action]}必须用 --reason 写明原因")
    with writing(db) as ledger, ledger.begin() as conn:
        found = _locked(conn, Selection(tuple(ids)), action)
        if action == "void":
            _not_in_a_batch(conn, found)
        log_id = _log(conn, actor, action, found, reason.strip(), None)
        state = {"return": "returned", "reject": "rejected", "void": "voided"}[action]
        store.append_events(conn, [store.NewEvent(s.id, state, reason.strip()) for s in found], actor, log_id)
        after = store.read_cases(conn, [s.id for s in found])
    return CasesRun(case_items(after, materials))


# ---------------------------------------------------------------- the steps


def _locked(conn: Connection, which: Selection, action: str) -> list[StoredCase]:
    """The selected cases, read again once their members are held; every one must allow `action`."""
    from xjma.io.ledger import cases as store
    from xjma.io.ledger.claims import lock_members

    lock_members(conn, ())  # SQLite: the write lock first, then every read
    ids = _select(conn, which)
    lock_members(conn, store.case_members(conn, ids))
    found = store.read_cases(conn, ids)  # as it is now that no other writer of these members acts
    for s in found:
        after = transition(s.view.state, action, s.id)
        if isinstance(after, Refusal):
            raise XjmaError(after.message)
    return found


def _select(conn: Connection, which: Selection) -> list[int]:
    from xjma.io.ledger import cases as store

    if which.submission is not None:
        if not store.submission_exists(conn, which.submission):
            raise XjmaError(f"台账中没有第 {which.submission} 批理赔提交")
        found = store.case_ids(conn, store.CaseFilter(state="submitted", submission=which.submission))
    else:
        found = store.case_ids(conn, store.CaseFilter(ids=tuple(which.cases)))
        unknown = sorted(set(which.cases) - set(found))
        if unknown:
            raise XjmaError(f"台账中没有第 {'、'.join(map(str, unknown))} 号案件")
    unknown_except = sorted(set(which.excepted) - set(found))
    if unknown_except:
        raise XjmaError(f"--except 的第 {'、'.join(map(str, unknown_except))} 号案件不在要审批的案件中")
    found = [i for i in found if i not in set(which.excepted)]
    if not found:
        raise XjmaError(
            f"第 {which.submission} 批没有待审批的案件"
            if which.submission is not None
            else "没有要处理的案件"
        )
    return found


def _waived(waiver: Waiver, materials: MaterialRules) -> tuple[str, ...]:
    if not waiver.materials:
        return ()
    if not (waiver.reason or "").strip():
        raise XjmaError("免交材料（--waive）必须用 --reason 写明原因")
    lookup = materials.lookup()
    from xjma.core.text import compact

    names = []
    for text in waiver.materials:
        name = lookup.get(compact(text).lower())
        if name is None:
            raise XjmaError(
                f"“{text}”不是 rules/materials.yaml 中的申领材料（{'、'.join(materials.names())}）"
            )
        names.append(name)
    return tuple(names)


def _check_materials(found: Sequence[StoredCase], materials: MaterialRules, waived: Sequence[str]) -> None:
    lacking_cases = [(s.id, lacking(s, materials, waived)) for s in found]
    refused = [(i, m) for i, m in lacking_cases if m]
    if refused:
        listed = "；".join(f"第 {i} 号缺{'、'.join(m)}" for i, m in refused[:10])
        more = f"等 {len(refused)} 件" if len(refused) > 10 else ""
        raise XjmaError(
            f"有案件申领材料不全，未审批：{listed}{more}。请补齐后再审批，"
            "或用 --except 除外，或用 --waive 材料 --reason 原因 免交"
        )


def _waive_note(lacked: Sequence[str], reason: str | None) -> str | None:
    return f"免交材料：{'、'.join(lacked)}（{reason}）" if lacked else None


def _recompute(conn: Connection, found: Sequence[StoredCase], rules: Rules) -> dict[int, Any]:
    """Each case computed again against the ledger now (the cases themselves left out of the history)."""
    from xjma.core.claims.model import claim_from_inputs
    from xjma.io.diseases import load_diseases
    from xjma.jobs import claims as calc

    parsed = {
        s.id: (
            claim_from_inputs(s.claim["inputs"]),
            calc.hint_from_record(s.claim["inputs"].get("enrollment")),
        )
        for s in found
    }
    computed = calc._compute(conn, parsed, rules, load_diseases(), [])
    if computed.errors:
        order, error = computed.errors[0]
        raise XjmaError(f"第 {order} 号案件按台账现状无法计算：{error.message}")
    return {p.order: r for p, r in zip(computed.pending, computed.results, strict=True)}


def _not_in_a_batch(conn: Connection, found: Sequence[StoredCase]) -> None:
    from sqlalchemy import select

    from xjma.io.ledger.case_tables import payment_items

    ids = [s.id for s in found]
    listed = sorted(
        {
            int(i)
            for (i,) in conn.execute(
                select(payment_items.c.claim_id).where(payment_items.c.claim_id.in_(ids))
            )
        }
    )
    if listed:
        raise XjmaError(
            f"第 {'、'.join(map(str, listed))} 号案件已列入支付清单，不能作废；请先确认或撤回该支付批次"
        )


def _log(
    conn: Connection, actor: Actor, action: str, found: Sequence[StoredCase], reason: str | None, total: Any
) -> int:
    from xjma.core.money import fmt_money
    from xjma.io.ledger.log import LogEntry, write_log

    numbers = [s.id for s in found]
    shown = "、".join(map(str, numbers[:20])) + (f" 等 {len(numbers)} 件" if len(numbers) > 20 else "")
    amount = f"（给付合计 {fmt_money(total)} 元）" if total is not None else ""
    entry = LogEntry(
        kind=LOG_KINDS[action],
        summary=f"claim {action}：{VERBS[action]}第 {shown} 号案件{amount}",
        reason=reason,
        refs={"cases": numbers},
        members=sorted({s.claim["id_number"] for s in found}),
    )
    return write_log(conn, actor, entry)
