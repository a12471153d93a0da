"""What every command shares: the options, the one decorator (errors, --json fallback, --mask, --debug),
JSON output, the consoles, dates and the ledger target.

Heavy libraries (openpyxl, xlsxwriter, SQLAlchemy, calamine) are imported inside the command bodies, so
that `xjma --help` and `xjma --version` stay fast.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import typer

from xjma.commands.consoles import err as err  # re-exported: the commands import them from here
from xjma.commands.consoles import out as out
from xjma.errors import DEBUG, XjmaError

F = TypeVar("F", bound=Callable[..., Any])

# Option declarations shared by the commands (cli.md "Common options"), declared once (review D1).
RulesOpt = typer.Option(
    None, "--rules", readable=False, help="规则文件路径（默认：随程序提供的 rules/plans.yaml）"
)
DbOpt = typer.Option(
    None,
    "--db",
    help="台账数据库：SQLite 文件路径、sqlite:///路径 或 postgresql://…（默认 $XJMA_DB，否则用户数据目录下的 xjma.db）",
)
StartOpt = typer.Option(None, "--start", help="保障起始日 S，如 2026-12-01（默认：今天的次日）")
UnitOpt = typer.Option(None, "--unit", help="工作单位（名册中未填写时使用）")
PrefectureOpt = typer.Option(None, "--prefecture", help="所属地州市（名册中未填写时使用）")
EndOpt = typer.Option(None, "--end", help="短期意外保障止期（名册中未填写时使用），如 2027-05-31")
SheetOpt = typer.Option(None, "--sheet", help="工作表名称（默认：第一个有表头的工作表）")
JsonOpt = typer.Option(False, "--json", help="只在标准输出打印一个 JSON 文档")
OutputOpt = typer.Option(None, "-o", "--output", help="输出文件路径")
MaskOpt = typer.Option(
    False,
    "--mask",
    help="遮盖输出中的身份证号码（保留前6位和后4位）和电话号码（保留前3位和后4位），用于对外传送",
)


@dataclass(frozen=True)
class RunOptions:
    """What the decorator took from the command line for this run."""

    as_json: bool = False
    mask: bool = False


_PLAIN = RunOptions()
_RUN: contextvars.ContextVar[RunOptions] = contextvars.ContextVar("xjma_run", default=_PLAIN)  # noqa: B039 - frozen
# Set once the run's document has begun on stdout: a failure after that prints no second document.
_STARTED: contextvars.ContextVar[bool] = contextvars.ContextVar("xjma_document_started", default=False)

# Dates beyond these years are refused as options: a period a year or a hundred years on must still be a
# date (Python's dates end in 9999).
FIRST_YEAR, LAST_YEAR = 1900, 2199


def today() -> dt.date:
    """The one place that reads the clock; XJMA_TODAY (YYYY-MM-DD) pins it for tests and demos."""
    import os

    pinned = os.environ.get("XJMA_TODAY")
    return parse_date_option(pinned, "XJMA_TODAY") if pinned else dt.date.today()


def parse_date_option(value: str | None, name: str) -> dt.date:
    from xjma.core.normalize import parse_date

    parsed = parse_date(value) if value else None
    if parsed is None:
        raise XjmaError(f"{name} 不是有效日期：{value!r}，请写成 2026-12-01 的形式")
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise XjmaError(
            f"{name} 超出可用的日期范围：{value!r}，请写 {FIRST_YEAR} 至 {LAST_YEAR} 年之间的日期"
        )
    return parsed


def start_date(value: str | None) -> dt.date:
    """--start, default the day after today (rules.md §0)."""
    return parse_date_option(value, "--start") if value else today() + dt.timedelta(days=1)


def end_date(value: str | None) -> dt.date | None:
    """--end, the short-term accident cover's end for rows that give none (None: not given)."""
    return parse_date_option(value, "--end") if value else None


def start_or_none(value: str | None) -> dt.date | None:
    """--start for a command's exit-2 document: None when --start itself is the mistake."""
    return date_or_none(value, lambda: start_date(None))


def date_or_none(value: str | None, default: Callable[[], dt.date]) -> dt.date | None:
    """An option's date for a fallback document, or None when the option itself is the mistake."""
    try:
        return parse_date_option(value, "date") if value else default()
    except XjmaError:
        return None


def ledger_target(value: str | None, *, writes: bool) -> str | None:
    """--db as given (None: the default), refusing an empty text and, for a command that records, a
    ledger in memory that would be gone when the command ends."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        raise XjmaError("--db 不能为空：请写台账的 SQLite 文件路径、sqlite:///路径 或 postgresql://…")
    if writes and _in_memory(text):
        raise XjmaError(
            "--db 指向内存数据库，命令结束后登记的内容会全部丢失：请写台账文件路径或 postgresql://…"
        )
    return value


INPUT_OPTIONS = {"file": "名册或理赔明细表", "rules": "规则文件"}


def check_input(path: Path, what: str) -> None:
    """An input that is a FIFO, a device or a socket is refused before anything opens it: reading one
    could wait for ever or never end. (A missing file or a folder is told by its reader.)"""
    import os
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise XjmaError(
            f"{what} {path} 不是普通文件（是设备、管道等特殊文件），xjma 不读取它：请给出文件本身的路径"
        )


def _in_memory(text: str) -> bool:
    lower = text.lower()
    if ":memory:" in lower or "mode=memory" in lower:
        return True
    return lower.startswith("sqlite") and lower.split("://", 1)[-1].strip("/") == ""


# --- output ---------------------------------------------------------------------------------------


def show_document(
    doc: dict[str, Any], render: Callable[[dict[str, Any]], None], sentence: str, as_json: bool
) -> int:
    """A read command's JSON document (its report sentence then on stderr), or its screen and the
    sentence on stdout; exit 0."""
    if as_json:
        emit_json(doc)
        err.print(sentence, markup=False)
    else:
        render(doc)
        out.print(sentence, markup=False)
    return 0


def emit_json(doc: Any) -> None:
    """Exactly one JSON document on stdout (masked under --mask)."""
    write_stdout(json_text(doc))


def json_text(doc: Any) -> str:
    if _RUN.get().mask:
        from xjma.core.privacy import mask_document

        doc = mask_document(doc)
    # Indented for a person at a terminal; compact for a pipe or file (json's C encoder, much faster).
    indent = 2 if sys.stdout.isatty() else None
    return json.dumps(doc, ensure_ascii=False, indent=indent, default=_json_default) + "\n"


def prepare_consoles() -> None:
    """A console that cannot encode Chinese (an ASCII locale, a redirected stream with a narrow codec)
    shows a replacement character instead of failing with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if not can_encode_chinese(stream) and hasattr(stream, "reconfigure"):
            with contextlib.suppress(Exception):
                stream.reconfigure(errors="replace")


def can_encode_chinese(stream: Any) -> bool:
    try:
        "中文".encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def document_started() -> None:
    """The run's one document has begun on stdout (written whole by write_stdout, or streamed by the
    command): from now on a failure is told on stderr only."""
    _STARTED.set(True)


def write_stdout(text: str) -> None:
    """Text on stdout; a console that cannot encode Chinese gets UTF-8 bytes rather than an error."""
    document_started()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None and not can_encode_chinese(sys.stdout):
        sys.stdout.flush()  # a document for a program: UTF-8, whatever the console's codec
        buffer.write(text.encode("utf-8"))
        buffer.flush()
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def error_text(exc: BaseException) -> str:
    """The one sentence of a user mistake, or a neutral line for a bug (details only with --debug)."""
    return exc.message if isinstance(exc, XjmaError) else f"内部错误：{exc.__class__.__name__}"


def say_error(message: str) -> None:
    err.print(f"[red]错误：[/red]{message}", markup=True, soft_wrap=True, highlight=False)


# --- the one decorator --------------------------------------------------------------------------


Failure = Callable[[dict[str, Any], str], Any]


def command(failure: Failure | None = None) -> Callable[[F], F]:
    """Wrap a command function (its parameters are the Typer options; it returns the exit code).

    - XjmaError -> one Chinese sentence on stderr, exit 2; with --json also the command's exit-2
      document on stdout: `failure(options, message)`, the options as the function received them and
      the sentence told on stderr.
    - A bug -> exit 2 with a short notice; the traceback only with --debug (xjma.errors.DEBUG).
    - --mask (a `mask` parameter): ID and phone numbers masked in the JSON document and in every
      workbook written by the run (xjma.io.xlsx_util.masking).
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(**options: Any) -> Any:
            run = RunOptions(bool(options.get("as_json")), bool(options.get("mask")))
            token, fresh = _RUN.set(run), _STARTED.set(False)
            try:
                code = _run(func, options, run, failure)
            finally:
                _STARTED.reset(fresh)
                _RUN.reset(token)
            raise typer.Exit(code)

        wrapper.xjma_failure = failure  # type: ignore[attr-defined]  # for usage_failure, below
        return wrapper  # type: ignore[return-value]

    return decorate


def usage_failure(exc: BaseException, args: Sequence[str]) -> None:
    """A usage error (an unknown option, a missing argument, a value of the wrong kind) of a command run
    with --json: its exit-2 document on stdout all the same (cli.md: with --json, stdout holds exactly one
    JSON document), from the options as far as the parser read them (the others at their defaults)."""
    ctx = getattr(exc, "ctx", None)
    failure = getattr(getattr(getattr(ctx, "command", None), "callback", None), "xjma_failure", None)
    if ctx is None or failure is None or "--json" not in args:
        return
    options = {p.name: ctx.params.get(p.name, p.default) for p in ctx.command.params if p.name}
    token = _RUN.set(RunOptions(True, "--mask" in args))
    try:
        with contextlib.suppress(Exception):  # the sentence on stderr still tells what happened
            emit_json(failure(options, f"命令行写法不对，请用 {ctx.command_path} --help 查看用法"))
    finally:
        _RUN.reset(token)


def _run(
    func: Callable[..., Any],
    options: dict[str, Any],
    run: RunOptions,
    failure: Failure | None,
) -> int:
    from xjma.io.xlsx_util import masking

    try:
        for name, what in INPUT_OPTIONS.items():
            if isinstance(options.get(name), Path):
                check_input(options[name], what)
        with masking(run.mask):
            code = func(**options)
        return int(code or 0)
    except (typer.Exit, typer.Abort):
        raise
    except KeyboardInterrupt:
        err.print("已中断。")
        return 130
    except BrokenPipeError:  # the reader of stdout stopped (`xjma log --json | head`): not our error
        _quiet_stdout()
        return 1
    except Exception as exc:
        if not isinstance(exc, XjmaError) and DEBUG.get():
            raise
        if run.as_json and failure is not None and not _STARTED.get():
            with contextlib.suppress(Exception):  # the sentence below still tells what happened
                emit_json(failure(options, error_text(exc)))
        _tell(exc)
        return 2


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush of what the closed pipe
    did not take raises nothing more (as the Python documentation advises for SIGPIPE)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _tell(exc: BaseException) -> None:
    if isinstance(exc, XjmaError):
        say_error(exc.message)
    else:
        err.print(
            f"[red]内部错误：[/red]{exc.__class__.__name__}。请用 --debug 重新运行并把输出发给维护人员"
            "（输出可能含个人信息，请先遮盖）。",
            markup=True,
        )
