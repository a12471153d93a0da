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


# ---------------------------------------------------------------- issue 23: what an adversary found
# Each crafted file is built here; the guard must refuse it (one sentence), or calamine must read it
# without allocating the grid: no input may abort the process.


@pytest.mark.parametrize(
    "cell",
    [
        b"<c r='A50000000'",  # single quotes
        b'<c r=" A50000000 "',  # spaces inside the quotes
        b'<c r = "A50000000"',  # spaces around =
        b'<c r="a50000000"',  # lower case
        b'<c r="A5000000000"',  # a 10-digit reference
        b'<c r="A000050000000"',  # leading zeros
        b'<c\tr="A50000000"',  # a tab before the attribute
        b'<c r="&#65;50000000"',  # a character reference
    ],
    ids=[
        "single-quotes",
        "spaces-inside",
        "spaces-around",
        "lower-case",
        "ten-digits",
        "leading-zeros",
        "tab",
        "char-ref",
    ],
)
def test_a_far_reference_written_any_way_xml_allows_is_refused(tmp_path, cell):
    path = _with_sheet(tmp_path, lambda sheet: sheet.replace(_first_cell_of_row(sheet, 5), cell, 1))
    with pytest.raises(XjmaError, match="行|列"):
        limits.check_file(path)


def test_a_sheet_part_stored_outside_the_worksheets_folder_is_scanned(tmp_path):
    """The workbook's relationships name the part; its path is no pattern's business."""
    target = tmp_path / "名册.xlsx"
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            data = source.read(name)
            if name == SHEET:
                first = _first_cell_of_row(data, 5)
                out.writestr("xl/data/hidden.xml", data.replace(first, b'<c r="A50000000"', 1))
                continue
            if name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"worksheets/sheet1.xml", b"data/hidden.xml")
            if name == "[Content_Types].xml":
                data = data.replace(b"/xl/worksheets/sheet1.xml", b"/xl/data/hidden.xml")
            out.writestr(name, data)
    assert limits.sheet_parts(zipfile.ZipFile(target)) >= {"xl/data/hidden.xml"}
    with pytest.raises(XjmaError, match="行"):
        limits.check_file(target)


def test_a_part_that_inflates_past_its_declared_size_is_refused(tmp_path):
    """zipfile stops at the declared size; calamine's zip reader would inflate it all."""
    path = _with_sheet(tmp_path, lambda sheet: sheet)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    declared = info.file_size.to_bytes(4, "little")
    smaller = (info.file_size // 2).to_bytes(4, "little")
    at = data.rfind(declared)  # the central directory's entry (after the local header's)
    data[at : at + 4] = smaller
    path.write_bytes(bytes(data))
    with pytest.raises(XjmaError):
        limits.check_file(path)


def test_an_entity_declaration_after_64_kb_of_prolog_is_refused(tmp_path):
    def edit(sheet: bytes) -> bytes:
        head, rest = sheet.split(b"?>", 1)
        padding = b"<!--" + b"x" * 70_000 + b"-->"
        return head + b"?>" + padding + b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]>' + rest

    with pytest.raises(XjmaError, match="实体"):
        limits.check_file(_with_sheet(tmp_path, edit))


def test_a_shared_string_index_that_is_not_a_number_is_a_damaged_file(tmp_path):
    """calamine would read `<v>abc</v>` as the first shared string (a member's unit "序号")."""

    def edit(sheet: bytes) -> bytes:
        found = re.search(rb'(<c r="[A-Z]6"[^>]*t="s"[^>]*><v>)([0-9]+)(</v>)', sheet)
        assert found is not None
        return sheet[: found.start(2)] + b"abc" + sheet[found.end(2) :]

    with pytest.raises(XjmaError, match="损坏"):
        limits.check_file(_with_sheet(tmp_path, edit))


def _ods(tmp_path: Path, rows: bytes) -> Path:
    path = tmp_path / "名册.ods"
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        b'<table:table table:name="S">'
        + rows
        + b"</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        out.writestr("content.xml", content)
    return path


@pytest.mark.parametrize(
    "attr",
    [
        b'table:number-rows-repeated="5000000"',
        b"table:number-rows-repeated='5000000'",
        b'table:number-rows-repeated = "5000000"',
        b'table:number-rows-repeated="0005000000"',
    ],
    ids=["plain", "single-quotes", "spaces", "leading-zeros"],
)
def test_an_ods_row_repeated_with_a_value_is_refused_however_quoted(tmp_path, attr):
    row = (
        b"<table:table-row "
        + attr
        + b'><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    )
    with pytest.raises(XjmaError, match="行"):
        limits.check_file(_ods(tmp_path, row))


def test_empty_repeated_ods_rows_do_not_count(tmp_path):
    row = b'<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    empty = b'<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>'
    limits.check_file(_ods(tmp_path, row + empty))
