"""`xjma template roster|claims`: blank workbooks with canonical headers and drop-down lists (cli.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from xjma.commands.common import OutputOpt, RulesOpt, command, out, today

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
def roster(output: Path = OutputOpt, rules: Path = RulesOpt) -> None:
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
