"""Every command has Chinese help, --version works, and the CLI module stays light to import."""

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xjma import __version__
from xjma.cli import app

ROOT = Path(__file__).resolve().parent.parent
XJMA = str(Path(sys.executable).parent / "xjma")
COMMANDS = [
    ["plans"],
    ["rules", "check"],
    ["template", "roster"],
    ["template", "claims"],
    ["validate"],
    ["enroll"],
    ["fees", "summary"],
    ["claim", "calc"],
    ["member", "show"],
    ["serve"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_in_chinese(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`xjma {command[0]} " in readme


def test_version_through_the_installed_command():
    result = subprocess.run([XJMA, "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.strip() == f"xjma {__version__}"


def test_help_and_version_import_neither_pandas_nor_openpyxl():
    code = (
        "import sys, xjma.cli\n"
        "heavy = [m for m in ('pandas', 'openpyxl', 'xlsxwriter', 'sqlalchemy', 'python_calamine') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_a_bad_option_exits_2_without_a_traceback():
    result = subprocess.run(
        [XJMA, "plans", "--on", "2026-13-45"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "不是有效日期" in result.stderr
