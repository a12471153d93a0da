"""What every command shares: options, the one error handler, JSON output, consoles, the ledger target.

Heavy libraries (pandas, openpyxl, xlsxwriter, SQLAlchemy) are imported inside the job functions only,
so that `xjma --help` and `xjma --version` stay fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from xjma.errors import XjmaError

out = Console(highlight=False)  # stdout: what people read
err = Console(stderr=True, highlight=False)  # stderr: progress, notes, errors

F = TypeVar("F", bound=Callable[..., Any])

# Option declarations shared by the commands (cli.md "Common options").
RulesOpt = typer.Option(
    None, "--rules", readable=False, help="规则文件路径（默认：随程序提供的 rules/plans.yaml）"
)
DbOpt = typer.Option(
    None,
    "--db",
    help="台账数据库：SQLite 文件路径、sqlite:///路径 或 postgresql://…（默认 $XJMA_DB，否则用户数据目录下的 xjma.db）",
)
StartOpt = typer.Option(None, "--start", help="保障起始日 S，如 2026-12-01（默认：今天的次日）")
JsonOpt = typer.Option(False, "--json", help="只在标准输出打印一个 JSON 文档")
OutputOpt = typer.Option(None, "-o", "--output", help="输出文件路径")
MaskOpt = typer.Option(
    False,
    "--mask",
    help="遮盖输出中的身份证号码（保留前6位和后4位）和电话号码（保留前3位和后4位），用于对外传送",
)
_MASK_JSON = [False]


@contextlib.contextmanager
def masked(on: bool) -> Iterator[None]:
    """--mask: ID and phone numbers masked in the JSON document and in every workbook written meanwhile."""
    from xjma.io.xlsx_util import masking

    before, _MASK_JSON[0] = _MASK_JSON[0], on
    try:
        with masking(on):
            yield
    finally:
        _MASK_JSON[0] = before


def today() -> dt.date:
    """The one place that reads the clock; XJMA_TODAY (YYYY-MM-DD) pins it for tests and demos."""
    pinned = os.environ.get("XJMA_TODAY")
    return parse_date_option(pinned, "XJMA_TODAY") if pinned else dt.date.today()


def parse_date_option(value: str | None, name: str) -> dt.date:
    from xjma.core.normalize import parse_date

    parsed = parse_date(value) if value else None
    if parsed is None:
        raise XjmaError(f"{name} 不是有效日期：{value!r}，请写成 2026-12-01 的形式")
    return parsed


def start_date(value: str | None) -> dt.date:
    """--start, default the day after today (rules.md §0)."""
    return parse_date_option(value, "--start") if value else today() + dt.timedelta(days=1)


def emit_json(doc: Any, text: str | None = None) -> None:
    """Exactly one JSON document on stdout (masked under --mask); `text`: json_text(doc), made earlier."""
    sys.stdout.write(json_text(doc) if text is None else text)
    sys.stdout.flush()


def json_text(doc: Any) -> str:
    """The JSON document as emit_json writes it."""
    if _MASK_JSON[0]:
        from xjma.core.privacy import mask_document

        doc = mask_document(doc)
    # Indented for a person at a terminal; compact for a pipe or file, where json's C encoder makes a
    # 100k-member enroll document 2 s faster.
    indent = 2 if sys.stdout.isatty() else None
    return json.dumps(doc, ensure_ascii=False, indent=indent, default=_json_default) + "\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@contextlib.contextmanager
def json_on_failure(enabled: bool, make_doc: Callable[[BaseException], Any]) -> Iterator[None]:
    """With --json, a run that cannot go on (exit 2) still prints its one document on stdout: the
    empty document of the command, `report` null (cli.md), so that a script can always parse stdout."""
    try:
        yield
    except (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:
        if enabled:
            with contextlib.suppress(Exception):
                emit_json(make_doc(exc))
        raise


def error_text(exc: BaseException) -> str:
    """The one sentence of a user mistake, or a neutral line for a bug (details only with --debug)."""
    return exc.message if isinstance(exc, XjmaError) else f"内部错误：{exc.__class__.__name__}"


def date_or_none(value: str | None, default: Callable[[], dt.date]) -> str | None:
    """An option's date for a fallback document: ISO, or None when the option itself is the mistake."""
    try:
        return (parse_date_option(value, "date") if value else default()).isoformat()
    except XjmaError:
        return None


def debug_enabled() -> bool:
    return os.environ.get("XJMA_DEBUG", "") not in ("", "0")


def handled(func: F) -> F:
    """The one error handler: XjmaError -> one Chinese sentence on stderr, exit 2; a bug -> exit 2
    with a short notice (the traceback only with --debug, never with locals)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except XjmaError as exc:
            err.print(f"[red]错误：[/red]{exc.message}", markup=True, soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("已中断。")
            raise typer.Exit(130) from None
        except Exception as exc:
            if debug_enabled():
                raise
            err.print(
                f"[red]内部错误：[/red]{exc.__class__.__name__}。请用 --debug 重新运行并把输出发给维护人员"
                "（输出可能含个人信息，请先遮盖）。",
                markup=True,
            )
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]
