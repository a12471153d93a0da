"""`xjma claim calc`: payouts with a step-by-step explanation (cli.md `claim calc`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    MaskOpt,
    OutputOpt,
    RulesOpt,
    command,
    emit_json,
    err,
    ledger_target,
    out,
    today,
)
from xjma.commands.operator import OperatorOpt
from xjma.errors import XjmaError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from xjma.core.rules import Rules
    from xjma.jobs.claims import ClaimsRun

claim_app = typer.Typer(help="理赔计算命令", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(claim_app, name="claim")


def _failed(_options: dict[str, Any], message: str) -> dict[str, Any]:
    """The exit-2 document: no claim computed; the reason is the one error, as in a row error."""
    from xjma.commands.documents import failed_claims_document

    return failed_claims_document(message)


@claim_app.command("calc", help="计算理赔给付金额并逐步说明：FILE 为理赔明细表，或用选项给出一笔理赔。")
@command(failure=_failed)
def calc(
    file: Path = typer.Argument(
        None, readable=False, help="理赔明细表（.xlsx/.xls/.ods/.csv）；不给时用下面的选项计算一笔"
    ),
    plan: str = typer.Option(None, "--plan", help="险种：代码或中文名（住院+意外、重大疾病…）"),
    benefit: str = typer.Option(None, "--benefit", help="给付项目：代码或中文名（住院、意外、重度、伤残…）"),
    event_date: str = typer.Option(None, "--event-date", help="出险日期（确诊、入院、就诊、身故或鉴定日）"),
    id_number: str = typer.Option(None, "--id", help="身份证号码（用于查台账）"),
    start: str = typer.Option(None, "--start", help="保障起始日（台账中没有该参保记录时必填）"),
    end: str = typer.Option(None, "--end", help="保障止期（短期意外必填）"),
    shares: int = typer.Option(None, "--shares", help="份数（住院+意外可不填，为 1）"),
    renewal: bool = typer.Option(False, "--renewal", help="续保"),
    renewed_shares: int = typer.Option(None, "--renewed-shares", help="其中续保份数（默认：续保时为全部）"),
    grade: int = typer.Option(None, "--grade", help="伤残等级 1–10"),
    death: bool = typer.Option(False, "--death", help="身故"),
    expense: str = typer.Option(None, "--expense", help="医疗费用（合规自付部分）"),
    care: str = typer.Option(None, "--care", help="就诊类型 outpatient|门诊 / inpatient|住院"),
    accident_ref: str = typer.Option(None, "--accident-ref", help="事故编号"),
    accident_date: str = typer.Option(None, "--accident-date", help="事故发生日期（默认出险日期）"),
    pooled_self_pay: str = typer.Option(None, "--pooled-self-pay", help="统筹段个人自付"),
    pooled_fund_paid: str = typer.Option(None, "--pooled-fund-paid", help="统筹基金支付"),
    major_self_pay: str = typer.Option(None, "--major-self-pay", help="大额段个人自付"),
    remote: bool = typer.Option(False, "--remote", help="异地就医"),
    cause: str = typer.Option(None, "--cause", help="病因 illness|疾病 / accident|意外"),
    accident_kind: str = typer.Option(None, "--accident-kind", help="意外类型 life|生活 / work|工作"),
    disease: str = typer.Option(None, "--disease", help="疾病名称"),
    exclusion: str = typer.Option(None, "--exclusion", help="除外原因：代码、中文名称或手册序号"),
    db: str = DbOpt,
    rules: Path = RulesOpt,
    record: bool = typer.Option(False, "--record", help="把计算结果记入台账（同一笔理赔只记一次）"),
    output: Path = OutputOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
    operator: str = OperatorOpt,
) -> int:
    single = SingleClaim(
        plan=plan,
        benefit=benefit,
        event_date=event_date,
        id_number=id_number,
        start=start,
        end=end,
        shares=shares,
        renewal=renewal,
        renewed_shares=renewed_shares,
        grade=grade,
        death=death,
        expense=expense,
        care=care,
        accident_ref=accident_ref,
        accident_date=accident_date,
        pooled_self_pay=pooled_self_pay,
        pooled_fund_paid=pooled_fund_paid,
        major_self_pay=major_self_pay,
        remote=remote,
        cause=cause,
        accident_kind=accident_kind,
        disease=disease,
        exclusion=exclusion,
    )

    return _calc(file, single, db, rules, record, output, as_json, operator)


@dataclass(frozen=True)
class SingleClaim:
    """The single-claim options as given (cli.md): raw text, read by core/claims/parse like a file row."""

    plan: str | None = None
    benefit: str | None = None
    event_date: str | None = None
    id_number: str | None = None
    start: str | None = None
    end: str | None = None
    shares: int | None = None
    renewal: bool = False
    renewed_shares: int | None = None
    grade: int | None = None
    death: bool = False
    expense: str | None = None
    care: str | None = None
    accident_ref: str | None = None
    accident_date: str | None = None
    pooled_self_pay: str | None = None
    pooled_fund_paid: str | None = None
    major_self_pay: str | None = None
    remote: bool = False
    cause: str | None = None
    accident_kind: str | None = None
    disease: str | None = None
    exclusion: str | None = None

    def given(self) -> dict[str, object]:
        """The options given (neither None nor a False flag), as a claims-file row."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) not in (None, False)}

    def missing(self) -> list[str]:
        required = (("--plan", self.plan), ("--benefit", self.benefit), ("--event-date", self.event_date))
        return [option for option, value in required if value is None]


def _calc(
    file: Path | None,
    single: SingleClaim,
    db: str | None,
    rules: Path | None,
    record: bool,
    output: Path | None,
    as_json: bool,
    operator: str | None = None,
) -> int:
    from xjma.commands.operator import actor
    from xjma.io.rules_file import load_rules
    from xjma.jobs.claims import calc_claims

    db = ledger_target(db, writes=record)
    rules_data = load_rules(rules)
    rows, target = _claims_rows(file, single, output)
    who = actor(operator) if record else None
    run = calc_claims(
        rows, rules_data, db, record=record, output=target, actor=who, source=file, today=today()
    )
    _notes(run)
    if as_json:
        from xjma.commands.documents import claims_document

        emit_json(claims_document(run))
    else:
        _render(run, rules_data)
    return 1 if run.errors else 0


def _claims_rows(
    file: Path | None, single: SingleClaim, output: Path | None
) -> tuple[list[tuple[int | None, dict[str, object]]], Path | None]:
    """The rows to compute (the file's, or the one claim of the options) and the workbook to write."""
    if file is not None:
        if single.given():
            raise XjmaError("给出理赔明细表时不能再用单笔理赔选项（--plan、--benefit 等）")
        from xjma.io.claims_xlsx import read_claims_file

        rows: list[tuple[int | None, dict[str, object]]] = list(read_claims_file(file))
        return rows, output or file.with_name(f"{file.stem}_理赔结果.xlsx")
    missing = single.missing()
    if missing:
        raise XjmaError(f"请给出理赔明细表，或用 {'、'.join(missing)} 等选项给出一笔理赔")
    return [(None, single.given())], output


def _notes(run: ClaimsRun) -> None:
    for note in run.notes:
        err.print(note)
    if run.recorded is not None:
        before = len(run.results) - run.recorded
        err.print(
            f"已记入台账 {run.recorded} 笔"
            + (f"；另 {before} 笔此前已记录，未重复记录。" if before else "。")
        )
    if run.report is not None:
        err.print(f"理赔结果已写入 {run.report}")


def _render(run: ClaimsRun, rules: Rules) -> None:
    from xjma.commands.screen import numbered
    from xjma.core.money import fmt_money
    from xjma.core.privacy import mask_id, mask_text

    if run.results:
        out.print(_table(run, rules))
    for r in run.results:
        title = f"第 {r.claim.row} 行" if r.claim.row is not None else "计算过程"
        who = f" {run.names.get(r.claim.row, '')} {mask_id(r.claim.id_number)}" if r.claim.id_number else ""
        out.print(f"[bold]{title}[/bold]{who}", markup=True, highlight=False)
        out.print(numbered(list(r.steps)))  # a wrapped step goes on under its own text
    out.print(f"给付合计：[bold]{fmt_money(run.total)}[/bold] 元（{len(run.results)} 笔）")
    for e in run.errors:
        where = f"第 {e.row} 行" if e.row is not None else "该理赔"
        err.print(f"[red]无法计算[/red]（{where}）：{mask_text(e.message)}", markup=True)


def _table(run: ClaimsRun, rules: Rules) -> RenderableType:
    """One line per claim in Chinese labels, sized to the terminal: cells wrap, never end in "…"
    (commands/screen.fitting_table; a list when the columns cannot fit)."""
    from xjma.commands.screen import fitting_table
    from xjma.core.labels import label, labels
    from xjma.core.money import fmt_money

    rows = []
    for r in run.results:
        c = r.claim
        reasons = labels(list(r.reasons), sep="、")
        if r.warnings:
            reasons += ("；" if reasons else "") + labels(list(r.warnings), sep="、")
        when, payout = c.event_date.isoformat(), fmt_money(r.payout)
        rows.append(
            (
                c.row or "",
                run.names.get(c.row, ""),
                rules.plan_label(c.plan, c.event_date),
                label(c.benefit),
                when,
                payout,
                reasons,
            )  # fmt: skip
        )
    heads = ("行", "姓名", "险种", "给付项目", "出险日期", "给付（元）", "原因")
    return fitting_table("理赔计算结果", heads, rows, out.width, right=(5,))
