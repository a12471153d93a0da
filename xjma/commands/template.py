"""`xjma template roster|claims`: blank workbooks with canonical headers and drop-down lists (cli.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from xjma.commands.common import (
    DbOpt,
    OutputOpt,
    RulesOpt,
    command,
    ledger_target,
    out,
    parse_date_option,
    today,
)

template_app = typer.Typer(
    help="生成空白模板：参保人员名册（roster）或理赔明细（claims）", no_args_is_help=True
)

ROSTER_DEFAULT = "参保人员名册模板.xlsx"
CLAIMS_DEFAULT = "理赔明细模板.xlsx"


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")


@template_app.command(
    "roster", help="生成参保人员名册模板：标准表头、身份证号码列为文本格式、下拉选项、填表说明和险种会费表。"
)
@command()
def roster(
    output: Path = OutputOpt,
    rules: Path = RulesOpt,
    renewal: bool = typer.Option(False, "--renewal", help="续保名册：按台账预填该单位会员（需 --unit）"),
    unit: str = typer.Option(None, "--unit", help="工作单位（与 --renewal 同用）"),
    start: str = typer.Option(None, "--start", help="下期保障起始日（默认：该单位最常见保障止期的次日）"),
    db: str = DbOpt,
) -> None:
    if renewal or unit:
        return _renewal_roster(unit, start, db, rules, output)
    from xjma.io.prefectures import load_prefectures
    from xjma.io.rules_file import load_rules
    from xjma.io.template_xlsx import write_roster_template
    from xjma.jobs.plans import plans_document

    loaded = load_rules(rules)
    doc = plans_document(loaded, today())
    version = loaded.version_on(today())
    assert version is not None  # plans_document raised otherwise
    target = output or Path(ROSTER_DEFAULT)
    write_roster_template(target, loaded, version, load_prefectures(), doc)
    out.print(f"已生成名册模板：{target}", markup=False)


def _renewal_roster(
    unit: str | None, start: str | None, db: str | None, rules: Path | None, output: Path | None
) -> None:
    from xjma.errors import XjmaError
    from xjma.jobs.renewals import renewal_roster

    if not unit:
        raise XjmaError("续保名册请用 --renewal --unit 单位名称")
    day = parse_date_option(start, "--start") if start else None
    target = output or Path(f"续保名册_{unit}.xlsx")
    made = renewal_roster(
        unit, day, db=ledger_target(db, writes=False), rules_path=rules, output=target, today=today()
    )
    out.print(
        f"已生成续保名册：{made.report}（{made.rows} 人，保障起始日 {made.start.isoformat()}，"
        f"{made.flagged} 行需核对，见备注）",
        markup=False,
    )


@template_app.command(
    "claims", help="生成理赔明细模板：标准表头、身份证号码列为文本格式、险种/给付项目/除外原因等下拉选项。"
)
@command()
def claims(output: Path = OutputOpt, rules: Path = RulesOpt) -> None:
    from xjma.io.rules_file import load_rules
    from xjma.io.template_xlsx import write_claims_template
    from xjma.jobs.plans import plans_document

    loaded = load_rules(rules)
    target = output or Path(CLAIMS_DEFAULT)
    write_claims_template(target, loaded, plans_document(loaded, today()))
    out.print(f"已生成理赔明细模板：{target}", markup=False)
