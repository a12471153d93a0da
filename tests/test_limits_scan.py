"""The used-area scan before calamine parses a sheet (xjma/io/limits.py): the fast path must refuse
exactly what the exact scan refuses. calamine places a cell that carries a reference by that reference,
so a far reference inside an ordinary row tag, a prefixed cell or a cell without a reference must not
slip through."""

import re
import zipfile
from pathlib import Path

import pytest

from xjma.errors import XjmaError
from xjma.io import limits

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "roster_clean.xlsx"
SHEET = "xl/worksheets/sheet1.xml"


def _with_sheet(tmp_path: Path, edit) -> Path:
    target = tmp_path / "名册.xlsx"
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            data = source.read(name)
            out.writestr(name, edit(data) if name == SHEET else data)
    return target


def _first_cell_of_row(sheet: bytes, row: int) -> bytes:
    found = re.search(rb'<c r="([A-Z]+)%d"' % row, sheet)
    assert found is not None
    return found.group(0)


def test_the_sample_passes(tmp_path):
    limits.check_file(_with_sheet(tmp_path, lambda sheet: sheet))


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="A50000000"',  # a far row inside an ordinary <row r="5">
        b'<c r="XFD2000"',  # a far column: 2,000 rows x 16,384 columns
        b'<c s="0" r="A50000000"',  # another attribute before the reference
        b'<c  r="A50000000"',  # two spaces
        b'<x:c r="A50000000"',  # a prefixed cell
    ],
    ids=["far-row", "far-column", "attribute-first", "two-spaces", "prefixed"],
)
def test_a_far_cell_inside_an_ordinary_row_is_refused(tmp_path, cell):
    def edit(sheet: bytes) -> bytes:
        first = _first_cell_of_row(sheet, 5)
        out = sheet.replace(first, cell, 1)
        if cell.startswith(b"<x:c"):
            end = out.index(b"</c>", out.index(cell))
            out = out[:end] + b"</x:c>" + out[end + 4 :]
        return out

    path = _with_sheet(tmp_path, edit)
    with pytest.raises(XjmaError):
        limits.check_file(path)


def test_a_row_of_cells_without_references_wider_than_excel_is_refused(tmp_path):
    def edit(sheet: bytes) -> bytes:
        wide = b'<row r="3">' + b"<c><v>1</v></c>" * 16385 + b"</row>"
        return re.sub(rb'<row r="3".*?</row>', wide, sheet, count=1, flags=re.DOTALL)

    with pytest.raises(XjmaError):
        limits.check_file(_with_sheet(tmp_path, edit))


def test_a_lowered_row_limit_is_decided_exactly(tmp_path, monkeypatch):
    path = _with_sheet(tmp_path, lambda sheet: sheet)
    last = max(int(n) for n in re.findall(rb'<c r="[A-Z]+([0-9]+)"', zipfile.ZipFile(path).read(SHEET)))
    monkeypatch.setenv("XJMA_MAX_ROWS", str(last))
    limits.check_file(path)
    monkeypatch.setenv("XJMA_MAX_ROWS", str(last - 1))
    with pytest.raises(XjmaError):
        limits.check_file(path)
