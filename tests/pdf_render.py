"""Look at a workbook as a clerk would: print it to PDF with LibreOffice and read the pages back.

`printed(xlsx)` converts with `soffice --headless --convert-to pdf` (one LibreOffice profile per test
session, so a clerk's own LibreOffice or another run does not interfere) and returns the pages' text
(poppler's `pdftotext -layout`). Each xjma sheet prints its title in the page header, so the pages of a
sheet are the pages whose first line holds that title (`pages_of`).

Outside CI a machine without LibreOffice or poppler skips these tests with the reason; with CI=true
they must run (.ci/run installs libreoffice-calc, fonts-noto-cjk and poppler-utils).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

TOOLS = {"soffice": "libreoffice-calc", "pdftotext": "poppler-utils", "pdfinfo": "poppler-utils"}
_PROFILE: list[Path] = []


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_printing() -> None:
    """Skip (outside CI) or fail (CI=true) when LibreOffice or poppler is missing."""
    missing = [f"{tool} ({package})" for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if not missing:
        return
    reason = "cannot print workbooks to PDF, missing: " + ", ".join(missing)
    if in_ci():
        pytest.fail(f"CI=true but {reason}: .ci/run must apt-install them")
    pytest.skip(reason + " (apt-get install libreoffice-calc fonts-noto-cjk poppler-utils)")


@dataclass(frozen=True)
class Printout:
    pages: list[str]  # the text of each page, in order
    sizes: list[tuple[float, float]]  # (width, height) in points of each page

    def pages_of(self, title: str) -> list[int]:
        """Indexes of the pages whose page header (the first text line) names `title`."""
        return [i for i, text in enumerate(self.pages) if title in _first_line(text)]

    def landscape(self, page: int) -> bool:
        width, height = self.sizes[page]
        return width > height


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def printed(xlsx: Path) -> Printout:
    """Print `xlsx` to PDF with LibreOffice (headless) and read each page's text and size."""
    require_printing()
    outdir = Path(tempfile.mkdtemp(prefix="xjma-pdf-"))
    if not _PROFILE:
        _PROFILE.append(Path(tempfile.mkdtemp(prefix="xjma-lo-profile-")))
    command = [
        "soffice",
        f"-env:UserInstallation={_PROFILE[0].as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        str(xlsx),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    pdf = outdir / (xlsx.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice wrote no PDF for {xlsx.name}"
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return Printout(pages=pages, sizes=_page_sizes(pdf, len(pages)))


def _page_sizes(pdf: Path, count: int) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(max(count, 1)), str(pdf)], check=True, capture_output=True
    ).stdout.decode("utf-8", "replace")
    sizes = []
    for line in info.splitlines():
        if line.startswith("Page") and "size:" in line:
            dims = line.split("size:")[1].split("pts")[0].split("x")
            sizes.append((float(dims[0]), float(dims[1])))
    return sizes


def one_page_wide(printout: Printout, title: str, first: str, last: str) -> list[int]:
    """The pages of sheet `title` that miss its first or last column header: a sheet printed one
    page wide repeats its whole header row on every page, so the list is empty."""
    pages = printout.pages_of(title)
    assert pages, f"no printed page has the title {title!r} in its header"
    return [i for i in pages if first not in printout.pages[i] or last not in printout.pages[i]]
