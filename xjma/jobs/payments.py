"""`claim pay` and `claim pay --confirm` (office.md §5): a payment batch of approved, unpaid cases with
its bank transfer list and 给付通知, and the confirmation that marks its cases paid. Each is one
transaction with its `claim-pay` log entry; bad input (an account that is not digits, an unknown or
already confirmed batch) changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from xjma.core.actor import Actor
from xjma.core.money import fmt_money
from xjma.core.payments import PayItem, PayPlan, plan_payments
from xjma.errors import XjmaError


@dataclass(frozen=True)
class PayRequest:
    until: dt.date | None = None
    prefecture: str | None = None  # as given (resolved against prefectures.yaml)
    output: Path | None = None  # the bank file; default 理赔支付第N批_银行转账清单.xlsx here


@dataclass(frozen=True)
class PayResult:
    batch: int
    cases: list[Any]  # jobs.cases.CaseItem, in batch order
    amount: Decimal
    bank_file: Path
    notices: Path | None  # None for a confirmation
    items: tuple[PayItem, ...] = ()  # the batch's lines (a new batch; a confirmation has none)
    left_out: tuple[tuple[int, str], ...] = ()
    paid_on: dt.date | None = None


def default_bank_file(batch: int, folder: Path | None = None) -> Path:
    """理赔支付第N批_银行转账清单.xlsx in the current folder (the batch has no input file to sit beside)."""
    return (folder or Path.cwd()) / f"理赔支付第{batch}批_银行转账清单.xlsx"


def notices_path(bank_file: Path) -> Path:
    """The 给付通知 beside the bank file: <stem>_给付通知.xlsx (…_银行转账清单 becomes …_给付通知)."""
    stem = bank_file.stem.removesuffix("_银行转账清单")
    return bank_file.with_name(f"{stem}_给付通知.xlsx")


def pay(db: str | None, request: PayRequest, actor: Actor) -> PayResult:
    """Choose the cases, take a batch number, write both workbooks and record the batch, all or nothing:
    the workbooks are written to temporary files that replace their targets once the batch is committed."""
    import contextlib

    from xjma.io.ledger import payments as store
    from xjma.io.ledger.changes import lock_members
    from xjma.jobs.ledger_access import writing

    prefecture = _prefecture(request.prefecture)
    with contextlib.ExitStack() as files, writing(db) as ledger, ledger.begin() as conn:
        store.lock_payments(conn)
        found = store.pay_candidates(conn, request.until, prefecture)
        lock_members(conn, {c.claim.id_number or "" for c in found})
        plan = plan_payments(store.pay_candidates(conn, request.until, prefecture))
        _refuse_bad(plan)
        number = store.next_batch_number(conn)
        bank_file = (request.output or default_bank_file(number)).absolute()
        records = store.read_cases(conn, [i.case for i in plan.items])
        _write_workbooks(files, bank_file, number, plan.items, records, actor.at.date())
        log_id = _log(conn, actor, number, plan.items, plan.amount, bank_file)
        batch = store.NewBatch(number, request.until, prefecture or "", str(bank_file), plan.items)
        store.record_batch(conn, actor, batch, log_id)
    cases = _in_order(store, db, [i.case for i in plan.items])
    return PayResult(
        number, cases, plan.amount, bank_file, notices_path(bank_file), plan.items, plan.left_out
    )


def _refuse_bad(plan: PayPlan) -> None:
    if plan.bad_accounts:
        listed = "、".join(f"第 {n} 号" for n in plan.bad_accounts)
        raise XjmaError(f"案件{listed}的收款账号不是数字，请在理赔明细表中改正收款账号后再支付")
    if not plan.items:
        raise XjmaError(_nothing_to_pay(plan.left_out))


def _nothing_to_pay(left_out: tuple[tuple[int, str], ...]) -> str:
    """Why no case is paid: each reason a case was left out, with its cases (the reasons are core's)."""
    if not left_out:
        return "没有可支付的案件：没有已审批、未支付且不在未确认支付批次中的案件"
    by_reason: dict[str, list[int]] = {}
    for case, why in left_out:
        by_reason.setdefault(why, []).append(case)
    parts = []
    for why, cases in by_reason.items():
        shown = "、".join(map(str, cases[:10])) + (f" 等 {len(cases)} 件" if len(cases) > 10 else "")
        parts.append(f"第 {shown} 号：{why}")
    return f"没有可支付的案件：{len(left_out)} 个已审批案件未列入（{'；'.join(parts)}）"


def _prefecture(given: str | None) -> str | None:
    if given is None:
        return None
    from xjma.io.prefectures import load_prefectures

    short = load_prefectures().resolve(given.strip())
    if short is None:
        raise XjmaError(f"--prefecture 不是已知的地州市：{given!r}")
    return short


def _write_workbooks(
    files: Any, bank_file: Path, batch: int, items: tuple[PayItem, ...], records: list[Any], made_on: dt.date
) -> None:
    """The bank file and the notices, each to a temporary file held by `files` (replaced on success)."""
    from xjma.io.payout_xlsx import PayoutNotice, write_bank_file, write_payout_notices
    from xjma.io.prefectures import load_prefectures
    from xjma.io.xlsx_util import atomic_target

    prefectures = load_prefectures()
    steps = {r.case: tuple(str(s) for s in r.result.get("steps", ())) for r in records}
    bank_tmp = files.enter_context(atomic_target(bank_file))
    notice_tmp = files.enter_context(atomic_target(notices_path(bank_file)))
    write_bank_file(bank_tmp, batch, items, made_on, prefectures.office.name)
    notices = [PayoutNotice(i, steps.get(i.case, ())) for i in items]
    write_payout_notices(notice_tmp, batch, notices, made_on, prefectures)


def _log(
    conn: Any, actor: Actor, batch: int, items: tuple[PayItem, ...], amount: Decimal, bank_file: Path
) -> int:
    from xjma.io.ledger.log import LogEntry, write_log

    entry = LogEntry(
        kind="claim-pay",
        summary=f"理赔支付第 {batch} 批：{len(items)} 个案件，金额 {fmt_money(amount)} 元（待确认支付）",
        file=bank_file.name,
        refs={"payment_batch": batch, "cases": [i.case for i in items]},
        members=sorted({i.candidate.claim.id_number or "" for i in items} - {""}),
    )
    return write_log(conn, actor, entry)


def confirm(db: str | None, batch: int, paid_on: dt.date, actor: Actor) -> PayResult:
    """Mark every case of the batch paid on `paid_on`; a batch confirmed before is refused."""
    from xjma.io.ledger import payments as store
    from xjma.io.ledger.changes import lock_members
    from xjma.io.ledger.log import LogEntry, write_log
    from xjma.jobs.ledger_access import writing

    with writing(db) as ledger, ledger.begin() as conn:
        store.lock_payments(conn)
        items = store.batch_items(conn, batch)
        if items is None:
            raise XjmaError(f"台账中没有第 {batch} 批理赔支付")
        lock_members(conn, {i.id_number for i in items})
        done = store.batch_confirmed_on(conn, batch)
        if done is not None:
            raise XjmaError(f"第 {batch} 批理赔支付已于 {done.isoformat()} 确认支付，不能再次确认")
        changed = [i for i in items if i.state != "approved"]
        if changed:
            listed = "、".join(f"第 {i.case} 号" for i in changed)
            raise XjmaError(f"第 {batch} 批中的案件{listed}已不是已审批状态，不能确认支付；请核对后处理")
        amount = sum((i.amount for i in items), Decimal("0.00"))
        entry = LogEntry(
            kind="claim-pay",
            summary=f"确认理赔支付第 {batch} 批：{len(items)} 个案件，金额 {fmt_money(amount)} 元，支付日期 {paid_on.isoformat()}",
            refs={"payment_batch": batch, "paid_on": paid_on.isoformat(), "cases": [i.case for i in items]},
            members=sorted({i.id_number for i in items}),
        )
        store.record_paid(conn, actor, batch, items, paid_on, write_log(conn, actor, entry))
    cases = _in_order(store, db, [i.case for i in items])
    bank_file = Path(items[0].bank_file or "") if items else Path()
    return PayResult(batch, cases, amount, bank_file, None, paid_on=paid_on)


def _in_order(store: Any, db: str | None, ids: list[int]) -> list[Any]:
    """The cases as recorded now (after the commit), in the batch's order, as `claim show` shows them
    (jobs.cases.CaseItem: the one case view and its missing materials)."""
    from xjma.io.ledger.cases import read_cases
    from xjma.io.materials_file import load_materials
    from xjma.jobs.cases import case_items
    from xjma.jobs.ledger_access import reading

    with reading(db) as ledger, ledger.connect() as conn:
        items = case_items(read_cases(conn, ids), load_materials())
    found = {item.stored.view.case: item for item in items}
    return [found[i] for i in ids if i in found]
