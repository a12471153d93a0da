"""`xjma claim submit | approve | return | reject | void | list | show` (office.md §5): claims as cases,
on the `claim` group of commands/claims.py. ID and account numbers are masked on the terminal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer

from xjma.commands.claims import claim_app
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

MaterialsOpt = typer.Option(
    None, "--materials", help="申领材料规则文件（默认：随程序提供的 rules/materials.yaml）"
)
ReasonOpt = typer.Option(None, "--reason", help="原因（必填），记入案件历史和台账日志")
CasesArg = typer.Argument(None, help="案件编号，可给多个")


def _failed_submit(_options: dict[str, Any], message: str) -> dict[str, Any]:
    from xjma.commands.documents.cases import failed_submit_document

    return failed_submit_document(message)


def _no_cases(options: dict[str, Any], message: str) -> dict[str, Any]:
    from xjma.commands.documents.cases import no_cases_document

    return no_cases_document(options, message)


def register(app: typer.Typer) -> None:
    """The case commands live on the `claim` group (registered by commands/claims.py)."""
    del app


def _materials(path: Path | None) -> Any:
    from xjma.io.materials_file import load_materials

    return load_materials(path)


@claim_app.command("submit", help="受理理赔：把理赔明细表的每一行记为一个待审批案件（一批），写出汇总表。")
@command(failure=_failed_submit)
def submit(
    file: Path = typer.Argument(..., readable=False, help="理赔明细表（.xlsx/.xls/.ods/.csv）"),
    prefecture: str = typer.Option(None, "--prefecture", help="所属地州市（明细表中未填写时使用）"),
    output: Path = OutputOpt,
    db: str = DbOpt,
    rules: Path = RulesOpt,
    materials: Path = MaterialsOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
    operator: str = OperatorOpt,
) -> int:
    from xjma.commands.operator import actor
    from xjma.io.rules_file import load_rules
    from xjma.jobs.cases import submit as submit_cases

    target = output or file.with_name(f"{file.stem}_汇总表.xlsx")
    run = submit_cases(
        ledger_target(db, writes=True), file, load_rules(rules), _materials(materials), prefecture,
        actor(operator), target, today(),
    )  # fmt: skip
    for note in run.notes:
        err.print(note)
    if as_json:
        from xjma.commands.documents.cases import submit_document

        emit_json(submit_document(run))
    else:
        from xjma.commands.case_screens import render_submission

        render_submission(run)
    return 1 if run.errors else 0


def _split(values: list[str] | None) -> list[str]:
    """The items of repeated values, each of which may be a list separated by , ， or 、."""
    parts = (p.strip() for text in values or [] for p in re.split(r"[,，、]", text))
    return [p for p in parts if p]


def _ids(values: list[str] | None, what: str = "案件编号") -> tuple[int, ...]:
    numbers = []
    for part in _split(values):
        if not part.isdigit():
            raise XjmaError(f"{what}“{part}”应为数字")
        numbers.append(int(part))
    return tuple(numbers)


def _approval(
    cases: list[str] | None, submission: int | None, excepted: list[str] | None, waive: list[str] | None
) -> tuple[Any, tuple[str, ...]]:
    """The cases to approve and the materials waived. After --waive, words that are not numbers are more
    materials; with --submission and --except, the case numbers given are more exceptions."""
    from xjma.jobs.case_review import Selection

    given = _split(cases)
    more = [g for g in given if waive and not g.isdigit()]
    ids = _ids([g for g in given if g not in more])
    if submission is not None and excepted and ids:
        excepted, ids = [*excepted, *map(str, ids)], ()
    if (submission is None) == (not ids):
        raise XjmaError("请用 --submission N 审批一批，或给出案件编号（二者选一）")
    return Selection(ids, submission, _ids(excepted)), (*_split(waive), *more)


@claim_app.command(
    "approve", help="审批案件：按台账现状重新计算金额并确定给付；材料不全的须 --waive 并写明原因。"
)
@command(failure=_no_cases)
def approve(
    cases: list[str] = CasesArg,
    submission: int = typer.Option(None, "--submission", help="审批该批次中全部待审批的案件"),
    excepted: list[str] = typer.Option(
        None,
        "--except",
        help="不审批的案件编号：可多次给出，或用逗号、顿号分隔（--except 3,4）；"
        "与 --submission 同用时，其后的案件编号也都算作除外（--submission 1 --except 3 4）",
    ),
    waive: list[str] = typer.Option(
        None,
        "--waive",
        help="免交的申领材料，须与 --reason 同用：可多次给出，或用逗号、顿号分隔（--waive 身份证明、出院记录）；"
        "其后不是数字的词也都算作免交材料",
    ),
    reason: str = typer.Option(None, "--reason", help="免交材料的原因"),
    db: str = DbOpt,
    rules: Path = RulesOpt,
    materials: Path = MaterialsOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
    operator: str = OperatorOpt,
) -> int:
    from xjma.commands.operator import actor
    from xjma.io.rules_file import load_rules
    from xjma.jobs.case_review import Waiver
    from xjma.jobs.case_review import approve as approve_cases

    which, waived = _approval(cases, submission, excepted, waive)
    run = approve_cases(
        ledger_target(db, writes=True), which, Waiver(waived, reason), load_rules(rules),
        _materials(materials), actor(operator),
    )  # fmt: skip
    return _done(run, VERBS["approve"], as_json)


VERBS = {"approve": "已审批", "return": "已退回", "reject": "已拒付", "void": "已作废"}


def _review(action: str, cases: list[str] | None, reason: str | None, db: str | None, materials: Path | None,
            operator: str | None, as_json: bool, output: Path | None = None) -> int:  # fmt: skip
    """return, reject and void: the cases named, the reason required; a reject also writes its notices."""
    from xjma.commands.operator import actor
    from xjma.jobs.case_review import review

    ids = _ids(cases)
    if not ids:
        raise XjmaError("请给出案件编号")
    if not (reason or "").strip():
        raise XjmaError("必须用 --reason 写明原因")
    run = review(
        ledger_target(db, writes=True), action, ids, reason or "", _materials(materials), actor(operator)
    )
    if action == "reject":
        from xjma.io.refusal_notice import write_refusal_notices

        target = output or Path(f"拒付通知-{run.cases[0].id}.xlsx")
        write_refusal_notices(target, [c.stored for c in run.cases], today())
        err.print(f"拒付通知已写入 {target}")
    return _done(run, VERBS[action], as_json)


@claim_app.command("return", help="退回补件：案件退回提交单位补齐材料或更正，须写明原因。")
@command(failure=_no_cases)
def return_(
    cases: list[str] = CasesArg,
    reason: str = ReasonOpt,
    db: str = DbOpt,
    materials: Path = MaterialsOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
    operator: str = OperatorOpt,
) -> int:
    return _review("return", cases, reason, db, materials, operator, as_json)


@claim_app.command("reject", help="拒付：案件不予给付，须写明原因；每个案件写一页拒付通知。")
@command(failure=_no_cases)
def reject(
    cases: list[str] = CasesArg,
    reason: str = ReasonOpt,
    output: Path = OutputOpt,
    db: str = DbOpt,
    materials: Path = MaterialsOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
    operator: str = OperatorOpt,
) -> int:
    return _review("reject", cases, reason, db, materials, operator, as_json, output)


@claim_app.command("void", help="作废已审批、尚未支付的案件（其金额不再计入限额），须写明原因。")
@command(failure=_no_cases)
def void(
    case: int = typer.Argument(..., help="案件编号"),
    reason: str = ReasonOpt,
    db: str = DbOpt,
    materials: Path = MaterialsOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
    operator: str = OperatorOpt,
) -> int:
    return _review("void", [str(case)], reason, db, materials, operator, as_json)


@claim_app.command("list", help="列出理赔案件，可按状态、地州市、会员、批次筛选。")
@command(failure=_no_cases)
def list_(
    state: str = typer.Option(None, "--state", help="状态：submitted|returned|approved|rejected|paid|voided"),
    prefecture: str = typer.Option(None, "--prefecture", help="所属地州市"),
    member: str = typer.Option(None, "--member", help="会员身份证号码"),
    submission: int = typer.Option(None, "--submission", help="提交批次号"),
    db: str = DbOpt,
    materials: Path = MaterialsOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> int:
    from xjma.commands.documents.cases import cases_document
    from xjma.core.cases import STATE_LABELS, STATES
    from xjma.io.ledger.cases import CaseFilter
    from xjma.jobs.cases import list_cases
    from xjma.jobs.member import normalise_id

    code = _state(state, STATES, STATE_LABELS)
    f = CaseFilter(code, prefecture, normalise_id(member) if member else None, submission)
    run = list_cases(ledger_target(db, writes=False), f, _materials(materials))
    if as_json:
        emit_json(cases_document(run))
    else:
        from xjma.commands.case_screens import render_cases

        render_cases(run.cases)
    return 0


def _state(text: str | None, states: tuple[str, ...], labels: dict[str, str]) -> str | None:
    if not text:
        return None
    by_label = {v: k for k, v in labels.items()}
    code = text if text in states else by_label.get(text.strip())
    if code is None:
        raise XjmaError(f"状态“{text}”无法识别，应为 {'、'.join(f'{s}（{labels[s]}）' for s in states)} 之一")
    return code


@claim_app.command("show", help="显示一个案件：计算过程、申领材料、状态历史（经办人与时间）。")
@command(failure=_no_cases)
def show(
    case: int = typer.Argument(..., help="案件编号"),
    db: str = DbOpt,
    materials: Path = MaterialsOpt,
    as_json: bool = JsonOpt,
    mask: bool = MaskOpt,
) -> int:
    from xjma.commands.documents.cases import case_document
    from xjma.jobs.cases import show_case

    item = show_case(ledger_target(db, writes=False), case, _materials(materials))
    if as_json:
        emit_json(case_document(item))
    else:
        from xjma.commands.case_screens import render_case

        render_case(item)
    return 0


def _done(run: Any, verb: str, as_json: bool) -> int:
    from xjma.commands.documents.cases import cases_document

    if as_json:
        emit_json(cases_document(run))
        return 0
    from xjma.commands.case_screens import SHOWN, render_cases

    out.print(f"{verb} {len(run.cases)} 个案件。")
    changed = [c for c in run.cases if c.note]
    for c in changed[:SHOWN]:
        out.print(f"第 {c.id} 号：{c.note}")
    if len(changed) > SHOWN:
        out.print(f"另有 {len(changed) - SHOWN} 个案件审批时金额有变化（见 xjma claim show）。")
    render_cases(run.cases, limit=SHOWN)
    return 0
