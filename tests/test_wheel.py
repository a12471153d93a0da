"""A wheel built from the checkout installs into a fresh virtual environment outside it and runs
`xjma validate` on a sample: the rules, regions and templates travel as package data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import in_ci

ROOT = Path(__file__).resolve().parent.parent


def pip(python: Path | str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=900,
        check=False,
    )


def test_a_wheel_from_the_checkout_installs_elsewhere_and_validates_a_sample(tmp_path: Path) -> None:
    built = pip(
        sys.executable,
        "wheel",
        str(ROOT),
        "--no-deps",
        "-w",
        str(tmp_path),
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("xjma-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    installed = pip(python, "install", "-q", str(wheel), cwd=tmp_path)
    if installed.returncode != 0:
        unreachable = any(
            word in installed.stderr
            for word in (
                "No matching distribution",
                "Could not find a version",
                "NewConnectionError",
                "Network",
            )
        )
        if unreachable and not in_ci():
            pytest.skip(f"pip cannot reach an index here: {installed.stderr.strip().splitlines()[-1]}")
        pytest.fail(installed.stderr)
    work = tmp_path / "elsewhere"
    work.mkdir()
    roster = shutil.copy(ROOT / "samples" / "roster_clean.xlsx", work / "名册.xlsx")
    xjma = python.parent / "xjma"
    env = {k: v for k, v in os.environ.items() if k not in ("XJMA_DB", "PYTHONPATH")}
    env["XJMA_TODAY"] = "2026-11-20"
    env["XJMA_DB"] = str(work / "absent.db")
    result = subprocess.run(
        [str(xjma), "validate", str(roster)],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (work / "名册_检查结果.xlsx").exists()
    origin = subprocess.run(
        [str(python), "-c", "import xjma, sys; print(xjma.__file__)"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        check=True,
    )
    assert str(ROOT) not in origin.stdout, "the installed package, not the checkout"
