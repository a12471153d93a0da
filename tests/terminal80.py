"""Look at a command's screen on an ordinary 80-column terminal (documents.md "The terminal").

`at_80_columns(args)` runs the command through Typer's CliRunner with COLUMNS=80 and xjma's rich
consoles 80 columns wide; `hidden_behind_ellipsis(text)` lists the lines where rich cut a value short
("…"). A table that does not fit must wrap, drop to a list form or put the message on its own line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence

from typer.testing import CliRunner, Result

from xjma.cli import app
from xjma.commands import common

WIDTH = 80
ELLIPSIS = "…"


@contextlib.contextmanager
def consoles_width(width: int) -> Iterator[None]:
    """xjma's stdout and stderr consoles `width` columns wide, for the duration of the block."""
    try:
        common.out.width = width
        common.err.width = width
        yield
    finally:  # back to following the terminal (COLUMNS or the real size)
        common.out.width = None  # type: ignore[assignment]
        common.err.width = None  # type: ignore[assignment]


def at_80_columns(args: Sequence[str], env: Mapping[str, str] | None = None) -> Result:
    """Run `xjma ARGS` as on an 80-column terminal."""
    with consoles_width(WIDTH):
        return CliRunner().invoke(app, list(args), env={"COLUMNS": str(WIDTH), **(env or {})})


def hidden_behind_ellipsis(text: str, allowed: Sequence[str] = ()) -> list[str]:
    """Lines of `text` with a "…" that is not one of the `allowed` phrases (e.g. a progress note)."""
    found = []
    for line in text.splitlines():
        rest = line
        for phrase in allowed:
            rest = rest.replace(phrase, "")
        if ELLIPSIS in rest:
            found.append(line)
    return found


def too_wide(text: str) -> list[str]:
    """Lines wider than the terminal (CJK characters take two columns)."""
    from rich.cells import cell_len

    return [line for line in text.splitlines() if cell_len(line) > WIDTH]
