"""What the case commands print for people (documents.md "The terminal"): tables that fit 80 columns,
Chinese labels, ID numbers and accounts masked."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from xjma.commands.common import err, out
from xjma.core.cases import STATE_LABELS, counts_against_caps
from xjma.core.labels import label, labels
from xjma.core.money import fmt_money
from xjma.core.privacy import mask_id, mask_text

if TYPE_CHECKING:
    from xjma.jobs.cases import CaseItem, SubmitRun


def mask_account(account: str | None) -> str:
    """An account number on a screen: only its last 4 digits."""
    text = "".join((account or "").split())
    return "" if not text else "****" + text[-4:] if len(text) > 4 else "****"


def _rows(items: Sequence[CaseItem]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for c in items:
        s = c.stored
        rows.append(
            (
                str(c.id),
                s.facts.name,
                mask_id(s.claim["id_number"] or ""),
                label(s.claim["plan"]) + "·" + label(s.claim["benefit"]),
                s.claim["event_date"].isoformat(),
                fmt_money(s.view.payout),
                STATE_LABELS.get(s.view.state, s.view.state),
                "、".join(c.materials_missing),
            )
        )
    return rows


SHOWN = 200  # a run of more cases (submit, approve) is summed up; the lines are in the 汇总表 / claim list


def render_cases(items: Sequence[CaseItem], title: str = "理赔案件", limit: int | None = None) -> None:
    from xjma.commands.screen import fitting_table

    if not items:
        out.print("没有符合条件的案件。")
        return
    if limit is not None and len(items) > limit:
        first, last = items[0].id, items[-1].id
        out.print(f"共 {len(items)} 件（第 {first}–{last} 号）：{amounts(items)}；逐件见 xjma claim list。")
        return
    heads = ("案件", "姓名", "身份证号码", "险种·给付项目", "出险日期", "金额（元）", "状态", "缺少材料")
    out.print(fitting_table(title, heads, _rows(items), out.width, right=(5,)))
    out.print(f"共 {len(items)} 件：{amounts(items)}。")


def amounts(items: Sequence[CaseItem]) -> str:
    """The cases' amounts by what they are (each part when it has cases): the approved and paid ones'
    给付合计 (what counts against the caps), the pending ones' (submitted, returned) provisional 暂计;
    rejected and voided cases count for nothing."""
    approved = [c.stored.view.payout for c in items if counts_against_caps(c.stored.view.state)]
    pending = [c.stored.view.payout for c in items if c.stored.view.state in ("submitted", "returned")]
    parts = []
    if approved:
        parts.append(f"已审批、已支付 {len(approved)} 件，给付合计 {fmt_money(sum(approved, Decimal(0)))} 元")
    if pending:
        parts.append(f"待审批 {len(pending)} 件，暂计 {fmt_money(sum(pending, Decimal(0)))} 元")
    others = len(items) - len(approved) - len(pending)
    if others:
        parts.append(f"拒付、作废 {others} 件，不计金额")
    return "；".join(parts)


def render_submission(run: SubmitRun) -> None:
    if run.submission is not None and run.new:
        out.print(f"[bold]第 {run.submission} 批[/bold]：受理 {run.new} 件。", markup=True, highlight=False)
    render_cases(run.cases, "本批案件", SHOWN)
    if run.materials_missing:
        out.print(f"{run.materials_missing} 个案件申领材料不全（见“缺少材料”列），审批前须补齐或免交。")
    for e in run.errors:
        where = f"第 {e.row} 行" if e.row is not None else "该行"
        err.print(f"[red]未受理[/red]（{where}）：{mask_text(e.message)}", markup=True)
    if run.report is not None:
        err.print(f"汇总表已写入 {run.report}")


def render_case(item: CaseItem) -> None:
    from xjma.commands.screen import key_values, numbered

    s = item.stored
    result = s.claim["result"]
    reasons = labels(list(result.get("reasons", ())), sep="、")
    facts = s.facts
    out.print(
        key_values(
            f"第 {item.id} 号案件",
            [
                ("状态", STATE_LABELS.get(s.view.state, s.view.state)),
                ("姓名", facts.name),
                ("身份证号码", mask_id(s.claim["id_number"] or "")),
                ("险种", label(s.claim["plan"])),
                ("给付项目", label(s.claim["benefit"])),
                ("出险日期", s.claim["event_date"].isoformat()),
                (
                    "金额",
                    f"{fmt_money(s.view.payout)} 元" + ("" if s.view.amount is not None else "（暂计）"),
                ),
                ("原因", reasons or "—"),
                ("提交批次", s.view.submission or "—"),
                ("支付批次", s.view.payment_batch or "—"),
                ("地州市 / 单位", " / ".join(x for x in (facts.prefecture, facts.unit) if x) or "—"),
                ("收款人", " ".join(x for x in (facts.payee or "", facts.payee_relation or "") if x) or "—"),
                (
                    "开户行 / 账号",
                    " ".join(x for x in (facts.bank or "", mask_account(facts.account)) if x) or "—",
                ),
                ("已交材料", "、".join(s.view.materials) or "—"),
                ("缺少材料", "、".join(item.materials_missing) or "无"),
            ],
        )
    )
    out.print("[bold]计算过程[/bold]", markup=True)
    out.print(numbered(list(result.get("steps", ()))))
    out.print("[bold]状态历史[/bold]", markup=True)
    for e in s.view.history:
        note = f"：{mask_text(e.note)}" if e.note else ""
        out.print(
            f"  {e.at:%Y-%m-%d %H:%M} {STATE_LABELS.get(e.state, e.state)}（{e.operator}）{note}",
            highlight=False,
        )
