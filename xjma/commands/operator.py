"""Who writes (office.md §0): `--operator NAME`, else $XJMA_OPERATOR, else the OS user's login name."""

from __future__ import annotations

import datetime as dt
import getpass
import os

import typer

from xjma.core.actor import Actor

OperatorOpt = typer.Option(
    None, "--operator", help="经办人姓名，记入台账日志（默认 $XJMA_OPERATOR，否则当前系统用户名）"
)


def operator_name(option: str | None) -> str:
    for value in (option, os.environ.get("XJMA_OPERATOR")):
        if value and value.strip():
            return value.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "未知"


def actor(option: str | None) -> Actor:
    """The Actor of a writing command: its operator, now (to the second; on the day XJMA_TODAY pins, for
    tests and demos), and this xjma's version."""
    from xjma import __version__
    from xjma.commands.common import today

    now = dt.datetime.now().replace(microsecond=0)
    return Actor(operator_name(option), dt.datetime.combine(today(), now.time()), __version__)
