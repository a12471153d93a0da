"""`xjma claim calc`: payouts with a step-by-step explanation (cli.md `claim calc`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from xjma.commands.common import (
    DbOpt,
    JsonOpt,
    MaskOpt,
    OutputOpt,
    RulesOpt,
    emit_json,
    err,
    error_text,
    handled,
    json_on_failure,
    masked,
    out,
)
from xjma.errors import XjmaError

claim_app = typer.Typer(help="理赔计算命令", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(claim_app, name="claim")


@claim_app.command("calc", help="计算理赔给付金额并逐步说明：FILE 为理赔明细表，或用选项给出一笔理赔。")
@handled
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
) -> None:
    single = {
        "plan": plan,
        "benefit": benefit,
        "event_date": event_date,
        "id_number": id_number,
        "start": start,
        "end": end,
        "shares": shares,
        "renewal": renewal,
        "renewed_shares": renewed_shares,
        "grade": grade,
        "death": death,
        "expense": expense,
        "care": care,
        "accident_ref": accident_ref,
        "accident_date": accident_date,
        "pooled_self_pay": pooled_self_pay,
        "pooled_fund_paid": pooled_fund_paid,
        "major_self_pay": major_self_pay,
        "remote": remote,
        "cause": cause,
        "accident_kind": accident_kind,
        "disease": disease,
        "exclusion": exclusion,
    }

    def failed(exc: BaseException) -> dict[str, Any]:
        # Could not run (exit 2): no claim computed; the reason is the one error, as in a row error.
        return {"claims": [], "total": "0.00", "errors": [{"row": None, "message": error_text(exc)}]}

    with masked(mask), json_on_failure(as_json, failed):
        code = _calc(file, single, db, rules, record, output, as_json)
    raise typer.Exit(code)


def _calc(
    file: Path | None,
    single: dict[str, Any],
    db: str | None,
    rules: Path | None,
    record: bool,
    output: Path | None,
    as_json: bool,
) -> int:
    from xjma.io.rules_file import load_rules
    from xjma.jobs.claims import calc_claims

    given = [k for k, v in single.items() if v not in (None, False)]
    rules_data = load_rules(rules)
    target: Path | None
    if file is not None:
        if given:
            raise XjmaError("给出理赔明细表时不能再用单笔理赔选项（--plan、--benefit 等）")
        from xjma.io.claims_xlsx import read_claims_file

        rows: list[tuple[int | None, dict[str, object]]] = list(read_claims_file(file))
        target = output or file.with_name(f"{file.stem}_理赔结果.xlsx")
    else:
        missing = [
            o
            for o, k in (("--plan", "plan"), ("--benefit", "benefit"), ("--event-date", "event_date"))
            if single[k] is None
        ]
        if missing:
            raise XjmaError(f"请给出理赔明细表，或用 {'、'.join(missing)} 等选项给出一笔理赔")
        rows = [(None, {k: v for k, v in single.items() if v is not None})]
        target = output
    run = calc_claims(rows, rules_data, db, record=record, output=target)
    for note in run.notes:
        err.print(note)
    if run.recorded is not None:
        before = len(run.doc["claims"]) - run.recorded
        err.print(
            f"已记入台账 {run.recorded} 笔"
            + (f"；另 {before} 笔此前已记录，未重复记录。" if before else "。")
        )
    if run.report is not None:
        err.print(f"理赔结果已写入 {run.report}")
    if as_json:
        emit_json(run.doc)
    else:
        _render(run.doc, run.names)
    return 1 if run.doc["errors"] else 0


def _render(doc: dict[str, Any], names: dict[int | None, str]) -> None:
    from rich.table import Table

    from xjma.core.claims.model import REASON_LABELS
    from xjma.core.privacy import mask_id, mask_text
    from xjma.core.vocab import BENEFIT_NAMES, PLAN_SHORT

    table = Table(title="理赔计算结果", title_justify="left")
    for col in ("行", "姓名", "险种", "给付项目", "出险日期", "给付（元）", "原因"):
        table.add_column(
            col, justify="right" if col == "给付（元）" else "left", no_wrap=col in ("出险日期", "给付（元）")
        )
    for c in doc["claims"]:
        reasons = "、".join(REASON_LABELS.get(r, r) for r in c["reasons"])
        if c["warnings"]:
            reasons += ("；" if reasons else "") + "[yellow]" + "、".join(c["warnings"]) + "[/yellow]"
        table.add_row(
            str(c["row"] or ""),
            names.get(c["row"], ""),
            PLAN_SHORT.get(c["plan"], c["plan"]),
            BENEFIT_NAMES.get(c["benefit"], c["benefit"]),
            c["event_date"],
            c["payout"],
            reasons,
        )
    if doc["claims"]:
        out.print(table)
    for c in doc["claims"]:
        title = f"第 {c['row']} 行" if c["row"] is not None else "计算过程"
        who = f" {names.get(c['row'], '')} {mask_id(c['id_number'])}" if c["id_number"] else ""
        out.print(f"[bold]{title}[/bold]{who}", markup=True, highlight=False)
        for i, step in enumerate(c["steps"], start=1):
            out.print(f"  {i}. {step}", markup=False)
    out.print(f"给付合计：[bold]{doc['total']}[/bold] 元（{len(doc['claims'])} 笔）")
    for e in doc["errors"]:
        where = f"第 {e['row']} 行" if e["row"] is not None else "该理赔"
        err.print(f"[red]无法计算[/red]（{where}）：{mask_text(e['message'])}", markup=True)
