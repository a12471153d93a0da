"""The root command knows every command from the start and builds each when first looked up (xjma/cli.py
COMMANDS): `--help` lists them all in their order, a run imports the modules of its own command only."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from xjma.cli import COMMANDS, app

COMMAND_MODULES = Path(__file__).resolve().parent.parent / "xjma" / "commands"


def test_every_module_that_registers_commands_is_in_the_root_table() -> None:
    registering = {p.stem for p in COMMAND_MODULES.glob("*.py") if "\ndef register(" in p.read_text("utf-8")}
    assert registering and registering <= {m for modules in COMMANDS.values() for m in modules}


def test_the_root_lists_every_command_in_its_order_and_each_is_found() -> None:
    root = typer.main.get_command(app)
    ctx = root.make_context("xjma", ["--help"], resilient_parsing=True)
    assert root.list_commands(ctx) == list(COMMANDS)  # type: ignore[attr-defined]
    assert [root.get_command(ctx, n).name for n in COMMANDS] == list(COMMANDS)  # type: ignore[attr-defined]
    shown = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    assert [n for n in COMMANDS if re.search(rf"│ {n} ", shown)] == list(COMMANDS)


def test_a_run_imports_the_modules_of_its_command_only() -> None:
    script = (
        "import sys\n"
        "from xjma.cli import app\n"
        "app(['unit', '--help'], standalone_mode=False)\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('xjma.commands.'))), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stderr.split())
    assert "xjma.commands.unit" in loaded
    assert not loaded & {"xjma.commands.cases", "xjma.commands.batch", "xjma.commands.member"}, loaded
