"""xjma command line: a thin Typer skin over the jobs (cli.md is the contract)."""

from __future__ import annotations

import contextvars
import functools
import importlib
import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

from xjma import __version__
from xjma.commands.common import err, prepare_consoles, say_error, usage_failure
from xjma.errors import DEBUG, XjmaError

# The root's commands, in the order `xjma --help` lists them, each with the modules of xjma.commands that
# register it (claims, cases and claim_pay each add commands to the `claim` group). A module is imported
# when its command is first asked for: a run imports only the command it runs, `--help` all of them.
COMMANDS: dict[str, tuple[str, ...]] = {
    "plans": ("rules_cmd",),
    "validate": ("validate",),
    "enroll": ("enroll",),
    "serve": ("serve",),
    "void": ("void",),
    "log": ("log",),
    "rules": ("rules_cmd",),
    "template": ("template",),
    "fees": ("fees",),
    "claim": ("claims", "cases", "claim_pay"),
    "member": ("member", "member_correct"),
    "db": ("db",),
    "unit": ("unit",),
    "batch": ("batch",),
    "renewals": ("renewals",),
    "medical": ("medical",),
    "report": ("report",),
    "claims": ("claims_summary",),
}


@functools.cache
def _registered(modules: tuple[str, ...]) -> typer.Typer:
    """A Typer of the root's settings with the commands these modules register (once per process)."""
    holder = typer.Typer(rich_markup_mode="rich")
    for name in modules:
        importlib.import_module(f"xjma.commands.{name}").register(holder)
    return holder


class RootCommands(MutableMapping[str, Any]):
    """The root group's commands by name (click's `Group.commands`): all names known from the start,
    each command built by Typer when first looked up."""

    def __init__(self, built: Mapping[str, Any]) -> None:
        self._built = dict(built)

    def __getitem__(self, name: str) -> Any:
        if name not in self._built and name in COMMANDS:
            found = typer.main.get_group(_registered(COMMANDS[name])).commands
            self._built.update((n, c) for n, c in found.items() if n not in self._built)
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*COMMANDS, *(n for n in self._built if n not in COMMANDS)])

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self._built))

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]


class XjmaGroup(TyperGroup):
    """The root command: runs in its own context (so --debug ends with the run) and tells a usage error
    (an unknown option, a missing argument, a value of the wrong kind) in one Chinese sentence, exit 2.
    Its commands are built when first looked up (RootCommands)."""

    def __init__(self, *, commands: dict[str, Any] | None = None, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = RootCommands(commands or {})

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        def run() -> int:
            prepare_consoles()
            try:
                rv = super(XjmaGroup, self).main(
                    args=args,
                    prog_name=prog_name,
                    complete_var=complete_var,
                    standalone_mode=False,
                    **extra,
                )
            except typer.Abort:
                err.print("已中断。")
                return 130
            except XjmaError as exc:  # from an option's callback
                say_error(exc.message)
                return 2
            except typer.TyperException as exc:
                usage_failure(exc, sys.argv[1:] if args is None else args)
                return _usage_error(exc)
            return rv if isinstance(rv, int) else 0

        code = contextvars.copy_context().run(run)
        if standalone_mode:
            sys.exit(code)
        return code


def _usage_error(exc: typer.TyperException) -> int:
    """A usage error of the parser as one Chinese sentence (the parser's own words are English)."""
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "xjma"
    help_hint = f"请用 {path} --help 查看用法"
    param = getattr(exc, "param", None)
    hint = param.get_error_hint() if param is not None else None
    option = getattr(exc, "option_name", None)
    if option and hasattr(exc, "possibilities"):  # an option the command does not have
        say_error(f"没有选项 {option}，{help_hint}")
    elif option:  # an option without its value
        say_error(f"选项 {option} 后面缺少要填的值，{help_hint}")
    elif hasattr(exc, "param_type"):  # a missing argument or option
        if param is not None and param.param_type_name == "argument":
            say_error(f"缺少参数 {(param.metavar or param.name or '').upper()}，{help_hint}")
        else:
            say_error(f"缺少 {hint or '必需的参数'}，{help_hint}")
    elif isinstance(exc, typer.BadParameter):
        say_error(f"{hint or '选项'} 的值无效，{help_hint}")
    elif not exc.message.strip() or exc.message.lstrip().startswith("Usage:"):
        if exc.message.strip():  # no arguments: the help itself (rich prints it, plain text returns it)
            err.print(exc.message, markup=False, highlight=False)
    else:
        say_error(f"命令行写法不对（没有这个命令，或参数多了），{help_hint}")
    return 2


app = typer.Typer(
    name="xjma",
    cls=XjmaGroup,
    help="职工互助保障工具（中国职工保险互助会新疆办事处）：名册校验、参保登记、缴费汇总、理赔计算。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"xjma {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="显示版本号并退出"
    ),
    debug: bool = typer.Option(False, "--debug", help="出错时显示完整的技术信息（traceback）"),
) -> None:
    """职工互助保障工具：名册校验、参保登记、缴费汇总、理赔计算。"""
    DEBUG.set(debug)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
