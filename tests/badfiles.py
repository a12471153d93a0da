"""The bad-input corpus of issue 6, built at test time: one function per case writes its file(s) into a
folder and returns a Case saying how to run it and what must happen.

No opaque binaries: workbooks come from xlsxwriter/openpyxl or from zip and OLE2 (compound file) byte
layouts built here. Rows come from benchmarks/gen.py (valid people for coverage start 2026-12-01); a
"readable" case plants one wrong phone number so that a correct reading ends with exit 1 and a problem
on a known Excel row.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = "2026-12-01"
BAD_PHONE = "1234567"


def _gen():  # benchmarks/ is not a package: load gen.py by path
    name = "xjma_bench_gen"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "gen.py")
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[name] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules[name]


@dataclass
class Case:
    """How to run one bad input and what must happen.

    code: the exit code of every command that applies (commands_of); args: extra options; env: extra
    environment; bad_row, bad_code: the Excel row planted wrong and the problem code it must get (readable
    cases); other_user: run without the capabilities that let root read any file (permission cases);
    output: the -o target (None: a fresh folder); rules: --rules.
    """

    path: Path
    code: int
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    bad_row: int | None = None
    bad_code: str = "phone-invalid"
    other_user: bool = False
    output: Path | None = None
    rules: Path | None = None
    sheet_name: str | None = None  # the sheet a readable case must have been read from


CASES: dict[str, Callable[[Path], Case]] = {}
ROSTER_ONLY: set[str] = set()  # cases about roster content: a claims file has other columns


def case(func: Callable[[Path], Case]) -> Callable[[Path], Case]:
    CASES[func.__name__] = func
    return func


def roster_case(func: Callable[[Path], Case]) -> Callable[[Path], Case]:
    ROSTER_ONLY.add(func.__name__)
    return case(func)


CLAIMS_ONLY: set[str] = set()  # cases built on a claims file


def claims_case(func: Callable[[Path], Case]) -> Callable[[Path], Case]:
    CLAIMS_ONLY.add(func.__name__)
    return case(func)


ENROLL_ONLY: set[str] = set()  # cases about the ledger a roster is recorded into


def enroll_case(func: Callable[[Path], Case]) -> Callable[[Path], Case]:
    ENROLL_ONLY.add(func.__name__)
    return case(func)


def commands_of(name: str) -> tuple[str, ...]:
    """validate, enroll, and claim (= claim calc) for faults of the file itself."""
    if name in ENROLL_ONLY:
        return ("enroll",)
    if name in CLAIMS_ONLY:
        return ("claim",)
    return ("validate", "enroll") if name in ROSTER_ONLY else ("validate", "enroll", "claim")


# --- building blocks ------------------------------------------------------------------------------


def people(count: int = 4, seed: int = 7, bad_at: int | None = 2) -> list[list[object]]:
    """`count` valid roster rows in gen.HEADERS order; row index `bad_at` gets a wrong phone number."""
    gen = _gen()
    maker = gen._Maker(seed)
    rows = [maker.row(i + 1, "甲建设集团有限公司", "巴州") for i in range(count)]
    for row in rows:  # keep them to plan 1 so every row is valid whatever the generator drew
        row[9:20] = ["正式职工", "", "是", "否", 1, 0, 0, 0, 0, "", ""]
    if bad_at is not None:
        rows[bad_at][8] = BAD_PHONE
    return rows


def headers() -> list[str]:
    return list(_gen().HEADERS)


def xlsx(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> Path:
    """Every value as typed: numbers as numbers, text as text (write_string: never a formula)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        if name in hidden:
            sheet.hide()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                elif value not in ("", None):
                    sheet.write_string(r, c, str(value))
    if hidden:  # Excel needs the active sheet visible
        book.get_worksheet_by_name(next(n for n in sheets if n not in hidden)).activate()
    book.close()
    return path


def roster_xlsx(path: Path, bad_at: int | None = 2) -> Path:
    return xlsx(path, {"名册": [headers(), *people(bad_at=bad_at)]})


def with_part(source: Path, target: Path, name: str, data: bytes, declared: int | None = None) -> Path:
    """A copy of the zip `source` with the part `name` replaced by `data`."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, data if info.filename == name else zin.read(info.filename))
    return target


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding `streams` in the root storage.

    Each stream is padded to 4096 bytes so it lives in ordinary sectors (no mini stream). Directory:
    the root, then the streams chained as right siblings, names in the compound file's order."""
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    datas = [streams[n].ljust(max(4096, -(-len(streams[n]) // 512) * 512), b"\0") for n in names]
    fat = [fat_sect, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for data in datas:
        count = len(data) // 512
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [end]
    assert len(fat) <= 128, "one FAT sector is enough for this corpus"
    fat_bytes = struct.pack("<128I", *(fat + [free] * (128 - len(fat))))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, free, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1 if names else free, free, end, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        entries.append(entry(name, 2, free, right, starts[i], len(datas[i])))  # >= 4096: no mini stream
    directory = b"".join(entries).ljust(512, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    return header + fat_bytes + directory + b"".join(datas)


def biff_record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


# --- the corpus -----------------------------------------------------------------------------------


@case
def empty_file(folder: Path) -> Case:
    path = folder / "名册.xlsx"
    path.write_bytes(b"")
    return Case(path, 2)


@case
def empty_csv(folder: Path) -> Case:
    path = folder / "名册.csv"
    path.write_bytes(b"\r\n \r\n")
    return Case(path, 2)


@case
def text_renamed_xlsx(folder: Path) -> Case:
    path = folder / "名册.xlsx"
    path.write_text("这是一段文字，不是工作簿。\n姓名,身份证号码\n", encoding="utf-8")
    return Case(path, 2)


@case
def image_renamed_xlsx(folder: Path) -> Case:
    path = folder / "名册.xlsx"
    png = (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    )
    path.write_bytes(png + b"\0" * 64)
    return Case(path, 2)


@case
def web_page_named_xls(folder: Path) -> Case:
    path = folder / "名册.xls"
    path.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding="utf-8")
    return Case(path, 2)


@case
def truncated_zip(folder: Path) -> Case:
    whole = roster_xlsx(folder / "whole.xlsx").read_bytes()
    (folder / "whole.xlsx").unlink()
    path = folder / "名册.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    return Case(path, 2)


@case
def zip_with_damaged_sheet(folder: Path) -> Case:
    """The central directory is intact, the deflate data of the sheet is not (bad CRC / stream)."""
    source = roster_xlsx(folder / "whole.xlsx")
    data = bytearray(source.read_bytes())
    source.unlink()
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 20
    data[at : at + 40] = b"\xff" * 40
    path = folder / "名册.xlsx"
    path.write_bytes(bytes(data))
    return Case(path, 2)


@case
def encrypted_xlsx(folder: Path) -> Case:
    """What Excel writes for "encrypt with password": an OLE2 file with EncryptionInfo + EncryptedPackage."""
    path = folder / "名册.xlsx"
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"
    path.write_bytes(
        cfb({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 5000) + b"\x5a" * 5000})
    )
    return Case(path, 2)


@case
def encrypted_xls(folder: Path) -> Case:
    """BIFF8 workbook stream whose globals start with BOF then FILEPASS (RC4): a password-protected .xls."""
    bof = biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x1F40, 0x07CD, 0, 0x0006))
    filepass = biff_record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x11" * 48)
    eof = biff_record(0x000A, b"")
    path = folder / "名册.xls"
    path.write_bytes(cfb({"Workbook": bof + filepass + eof}))
    return Case(path, 2)


@case
def ole_header_only_xls(folder: Path) -> Case:
    path = folder / "名册.xls"
    path.write_bytes(cfb({})[:512])
    return Case(path, 2)


@case
def ole_with_a_broken_directory(folder: Path) -> Case:
    """A small Workbook stream that claims to live in a mini stream the file does not have: calamine
    panics (Rust) on this one."""
    data = bytearray(cfb({"Workbook": b"\x09\x08" + b"\0" * 100}))
    entry = 512 * 2 + 128  # the Workbook entry in the directory sector
    data[entry + 120 : entry + 128] = struct.pack("<Q", 102)
    path = folder / "名册.xls"
    path.write_bytes(bytes(data))
    return Case(path, 2)


@case
def zip_bomb(folder: Path) -> Case:
    """The sheet XML inflates to 2 GiB from about 2 MB: one compressed 1 MiB block repeated 2048 times."""
    source = roster_xlsx(folder / "whole.xlsx")
    block = (b"<row><c><v>0</v></c></row>" * 40330)[: 1 << 20]
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    squeeze.compress(block)
    squeeze.flush(zlib.Z_FULL_FLUSH)
    again = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)  # same state: same bytes every time
    tail = squeeze.flush()
    count, crc = 2048, 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    path = folder / "名册.xlsx"
    _raw_zip(path, source, "xl/worksheets/sheet1.xml", again * count + tail, count << 20, crc)
    source.unlink()
    return Case(path, 2)


def _raw_zip(path: Path, source: Path, name: str, deflated: bytes, size: int, crc: int) -> None:
    """Copy `source` with `name` replaced by an already deflated stream (zipfile cannot write one)."""
    with zipfile.ZipFile(source) as zin:
        parts = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    out = io.BytesIO()
    central = []
    for filename, data in parts:
        raw = filename.encode()
        if filename == name:
            body, csize, usize, ccrc = deflated, len(deflated), size, crc
        else:
            body = zlib.compress(data, 9)[2:-4]
            csize, usize, ccrc = len(body), len(data), zlib.crc32(data)
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, ccrc, csize, usize, len(raw), 0))
        out.write(raw + body)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                ccrc,
                csize,
                usize,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0)
    )
    path.write_bytes(out.getvalue())


@case
def xml_entity_expansion(folder: Path) -> Case:
    source = roster_xlsx(folder / "whole.xlsx")
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    lol = (
        b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10) for i in range(9)
        )
        + b"]>"
    )
    sheet = sheet.replace(b"?>", b"?>" + lol, 1).replace(b"<v>", b"<v>&j;", 1)
    path = with_part(source, folder / "名册.xlsx", "xl/worksheets/sheet1.xml", sheet)
    source.unlink()
    return Case(path, 2)


def _far_cell(folder: Path, ref: str) -> Path:
    source = roster_xlsx(folder / "whole.xlsx")
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    row = "".join(ch for ch in ref if ch.isdigit())
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    sheet = sheet.replace(b"</sheetData>", cell.encode())
    path = with_part(source, folder / "名册.xlsx", "xl/worksheets/sheet1.xml", sheet)
    source.unlink()
    return path


def _far_raw(folder: Path, row_xml: bytes) -> Path:
    """The roster with one crafted row element put at the end of its sheet data (issue 23)."""
    source = roster_xlsx(folder / "whole.xlsx")
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b"</sheetData>", row_xml + b"</sheetData>")
    path = with_part(source, folder / "名册.xlsx", "xl/worksheets/sheet1.xml", sheet)
    source.unlink()
    return path


@case
def a_far_cell_with_a_single_quoted_reference(folder: Path) -> Case:
    return Case(_far_raw(folder, b"<row r='9'><c r='A50000000' t='inlineStr'><is><t>x</t></is></c></row>"), 2)


@case
def a_far_cell_with_a_lower_case_ten_digit_reference(folder: Path) -> Case:
    return Case(
        _far_raw(folder, b'<row r="9"><c r=" a0005000000000 " t="inlineStr"><is><t>x</t></is></c></row>'), 2
    )


@case
def a_shared_string_index_that_is_not_a_number(folder: Path) -> Case:
    return Case(_far_raw(folder, b'<row r="9"><c r="A9" t="s"><v>abc</v></c></row>'), 2)


@case
def more_rows_than_excel_allows(folder: Path) -> Case:
    return Case(_far_cell(folder, "A1048577"), 2)


@case
def a_cell_in_the_last_excel_cell(folder: Path) -> Case:
    """A1 and XFD1048576: legal for Excel, but calamine would allocate the whole sheet and abort."""
    return Case(_far_cell(folder, "XFD1048576"), 2)


@case
def more_rows_than_the_configured_limit(folder: Path) -> Case:
    return Case(roster_xlsx(folder / "名册.xlsx"), 2, env={"XJMA_MAX_ROWS": "4"})  # header + 4 rows = 5


@case
def a_csv_over_the_configured_row_limit(folder: Path) -> Case:
    path = folder / "名册.csv"
    _csv(path, [headers(), *people()], "utf-8")
    return Case(path, 2, env={"XJMA_MAX_ROWS": "4"})


@case
def a_file_over_the_configured_size_limit(folder: Path) -> Case:
    return Case(roster_xlsx(folder / "名册.xlsx"), 2, env={"XJMA_MAX_FILE_BYTES": "1000"})


@roster_case
def header_row_only(folder: Path) -> Case:
    return Case(xlsx(folder / "名册.xlsx", {"名册": [headers()]}), 2)


@case
def no_sheet_with_a_header(folder: Path) -> Case:
    rows = [["张三", "13800138000"], ["李四", "13900139000"]]
    return Case(xlsx(folder / "名册.xlsx", {"Sheet1": rows, "Sheet2": [["说明"]]}), 2)


@roster_case
def merged_header_cells(folder: Path) -> Case:
    """A title merged across the top, and 住院+意外 merged over two header cells (WPS habit)."""
    import xlsxwriter

    path = folder / "名册.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("名册")
    head = headers()
    sheet.merge_range(0, 0, 0, len(head) - 1, "2027年度参保人员名册")
    for c, text in enumerate(head):
        sheet.write_string(1, c, text)
    sheet.merge_range(1, 3, 1, 4, "姓名")  # 姓名 spans the 姓名 and 性别 columns: 性别 header is lost
    for r, row in enumerate(people(), start=2):
        for c, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            elif value != "":
                sheet.write_string(r, c, str(value))
    book.close()
    return Case(path, 1, bad_row=5)


@roster_case
def two_header_rows(folder: Path) -> Case:
    """A group row (基本信息 / 参保份数) above the real header."""
    head = headers()
    group = ["基本信息"] + [""] * 12 + ["参保份数"] + [""] * (len(head) - 14)
    return Case(xlsx(folder / "名册.xlsx", {"名册": [group, head, *people()]}), 1, bad_row=5)


@roster_case
def hidden_sheets(folder: Path) -> Case:
    """A hidden first sheet with an old roster; the visible sheet is the one to read."""
    old = [headers(), *people(seed=99, bad_at=None)]
    path = xlsx(folder / "名册.xlsx", {"旧名册": old, "名册": [headers(), *people()]}, hidden=("旧名册",))
    return Case(path, 1, bad_row=4, sheet_name="名册")


@roster_case
def formulas_with_cached_values(folder: Path) -> Case:
    import xlsxwriter

    path = folder / "名册.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("名册")
    sheet.write_row(0, 0, headers())
    for r, row in enumerate(people(), start=1):
        for c, value in enumerate(row):
            if c == 0:
                sheet.write_formula(r, c, "=ROW()-1", None, value)  # 序号 as a formula, cached value
            elif c == 14:
                sheet.write_formula(r, c, "=0+1", None, value)  # 住院+意外 shares computed
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            elif value != "":
                sheet.write_string(r, c, str(value))
    book.close()
    return Case(path, 1, bad_row=4)


def _short_term(folder: Path, end_value: object, number_format: str | None) -> Path:
    import xlsxwriter

    path = folder / "名册.xlsx"
    book = xlsxwriter.Workbook(str(path))
    fmt = book.add_format({"num_format": number_format}) if number_format else None
    sheet = book.add_worksheet("名册")
    sheet.write_row(0, 0, headers())
    rows = people()
    for r, row in enumerate(rows, start=1):
        row[18:20] = [1, "10"]  # one share of short-term accident, tier 10
        for c, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            elif value != "":
                sheet.write_string(r, c, str(value))
        if isinstance(end_value, (int, float)):
            sheet.write_number(r, 19, end_value, fmt)
        else:
            sheet.write_string(r, 19, str(end_value))
    book.close()
    return path


@roster_case
def dates_as_text(folder: Path) -> Case:
    return Case(_short_term(folder, "2027/5/31", None), 1, bad_row=4)


@roster_case
def dates_as_numbers(folder: Path) -> Case:
    """46538 = 2027-05-31 as an Excel serial day, once with a date format and once without."""
    return Case(_short_term(folder, 46538, "yyyy-mm-dd"), 1, bad_row=4)


@roster_case
def dates_as_unformatted_numbers(folder: Path) -> Case:
    return Case(_short_term(folder, 46538, None), 1, bad_row=4)


@roster_case
def cells_of_32767_characters(folder: Path) -> Case:
    rows = people()
    rows[0][3] = "张" * 32767  # a name no one has: an error on row 2
    rows[1][6] = "岗" * 32767  # 职业: no check, but the report must still hold it
    return Case(xlsx(folder / "名册.xlsx", {"名册": [headers(), *rows]}), 1, bad_row=4)


@roster_case
def control_characters_in_names(folder: Path) -> Case:
    """Every C0 control character in names, in a CSV (openpyxl cannot even write them)."""
    rows = people(count=4)
    rows[0][3] = "王" + "".join(chr(c) for c in range(0x20)) + "伟"
    rows[1][3] = "李\x00娜"
    path = folder / "名册.csv"
    _csv(path, [headers(), *rows], "utf-8")
    return Case(path, 1, bad_row=4)


@roster_case
def id_column_of_numbers(folder: Path) -> Case:
    """IDs typed as numbers: Excel keeps 15 digits, so the 18-digit numbers come back wrong."""
    rows = people(bad_at=None)
    for row in rows:
        number = str(row[7])
        row[7] = float(number[:17] + "0") if number[17] == "X" else float(number)
    path = xlsx(folder / "名册.xlsx", {"名册": [headers(), *rows]})
    return Case(path, 1, bad_row=2, bad_code="id-as-number")


@roster_case
def mixed_full_and_half_width(folder: Path) -> Case:
    full = str.maketrans("0123456789X()", "０１２３４５６７８９Ｘ（）")
    head = [h.translate(full) for h in headers()]
    rows = people()
    rows[0][7] = str(rows[0][7]).translate(full)
    rows[1][8] = str(rows[1][8]).translate(full)
    return Case(xlsx(folder / "名册.xlsx", {"名册": [head, *rows]}), 1, bad_row=4)


def _csv(path: Path, rows: list[list[object]], encoding: str, delimiter: str = ",") -> Path:
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter).writerows([["" if v is None else v for v in r] for r in rows])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


@roster_case
def csv_in_gbk(folder: Path) -> Case:
    return Case(_csv(folder / "名册.csv", [headers(), *people()], "gbk"), 1, bad_row=4)


@roster_case
def csv_in_utf16(folder: Path) -> Case:
    return Case(_csv(folder / "名册.csv", [headers(), *people()], "utf-16"), 1, bad_row=4)


@roster_case
def csv_with_bom(folder: Path) -> Case:
    return Case(_csv(folder / "名册.csv", [headers(), *people()], "utf-8-sig"), 1, bad_row=4)


@roster_case
def csv_with_semicolons(folder: Path) -> Case:
    path = _csv(folder / "名册.csv", [headers(), *people()], "utf-8", delimiter=";")
    return Case(path, 1, bad_row=4)


@case
def binary_named_csv(folder: Path) -> Case:
    path = folder / "名册.csv"
    path.write_bytes(b"\x00\x01\x02\xff\xfe\xfd" * 200)
    return Case(path, 2)


@roster_case
def unknown_sheet_name(folder: Path) -> Case:
    return Case(roster_xlsx(folder / "名册.xlsx"), 2, args=("--sheet", "不存在的表"))


@case
def a_directory_instead_of_a_file(folder: Path) -> Case:
    path = folder / "名册.xlsx"
    path.mkdir()
    return Case(path, 2)


@case
def a_missing_file(folder: Path) -> Case:
    return Case(folder / "没有这个文件.xlsx", 2)


@case
def a_file_without_read_permission(folder: Path) -> Case:
    path = roster_xlsx(folder / "名册.xlsx")
    path.chmod(0o000)
    return Case(path, 2, other_user=True)


@roster_case
def an_output_in_a_missing_folder(folder: Path) -> Case:
    return Case(
        roster_xlsx(folder / "名册.xlsx", bad_at=None),
        2,
        output=folder / "没有的文件夹" / "结果.xlsx",
    )


@roster_case
def an_output_in_a_read_only_folder(folder: Path) -> Case:
    locked = folder / "只读"
    locked.mkdir()
    locked.chmod(0o555)
    return Case(
        roster_xlsx(folder / "名册.xlsx", bad_at=None),
        2,
        output=locked / "结果.xlsx",
        other_user=True,
    )


def _rules(folder: Path, edit: Callable[[str], str]) -> Path:
    text = (ROOT / "rules" / "plans.yaml").read_text(encoding="utf-8")
    path = folder / "规则.yaml"
    changed = edit(text)
    assert changed != text, "the rules edit must change the file"
    path.write_text(changed, encoding="utf-8")
    return path


@case
def rules_with_a_syntax_error(folder: Path) -> Case:
    rules = _rules(folder, lambda t: t.replace(":", ": [", 3))
    return Case(roster_xlsx(folder / "名册.xlsx", bad_at=None), 2, rules=rules)


@case
def rules_with_a_duplicate_key(folder: Path) -> Case:
    def twice(text: str) -> str:
        lines = text.splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("fee:"))
        return "".join(lines[: at + 1] + [lines[at]] + lines[at + 1 :])

    return Case(roster_xlsx(folder / "名册.xlsx", bad_at=None), 2, rules=_rules(folder, twice))


@case
def rules_with_a_negative_fee(folder: Path) -> Case:
    def negative(text: str) -> str:
        lines = text.splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("fee:"))
        key, _, _ = lines[at].partition(":")
        lines[at] = f"{key}: -110\n"
        return "".join(lines)

    return Case(roster_xlsx(folder / "名册.xlsx", bad_at=None), 2, rules=_rules(folder, negative))


def ods(path: Path, rows: list[list[object]], repeated: tuple[int, int] | None = None) -> Path:
    """A minimal OpenDocument spreadsheet. Like LibreOffice, it ends the sheet with a million repeated
    empty rows; `repeated` = (rows, columns) adds one row of a value repeated that many times first."""
    from xml.sax.saxutils import escape

    def cell(value: object) -> str:
        if value in ("", None):
            return "<table:table-cell/>"
        if isinstance(value, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = "".join(f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in rows)
    if repeated:
        body += (
            f'<table:table-row table:number-rows-repeated="{repeated[0]}"><table:table-cell '
            f'table:number-columns-repeated="{repeated[1]}" office:value-type="string"><text:p>x</text:p>'
            "</table:table-cell></table:table-row>"
        )
    body += (
        '<table:table-row table:number-rows-repeated="1048550"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="名册">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


@roster_case
def ods_from_libreoffice(folder: Path) -> Case:
    """A million repeated empty rows at the end, as LibreOffice saves every sheet: read normally."""
    return Case(ods(folder / "名册.ods", [headers(), *people()]), 1, bad_row=4)


@case
def ods_with_a_value_repeated_a_million_times(folder: Path) -> Case:
    """1 KB on disk, 90 million cells once expanded: calamine would allocate gigabytes and abort."""
    return Case(ods(folder / "名册.ods", [headers(), *people()], repeated=(1_000_000, 90)), 2)


def _without_references(folder: Path, extra: bytes = b"") -> Path:
    """The roster's sheet with every r="…" removed (some writers leave them out); `extra` is put before
    the end of the sheet data."""
    import re

    source = roster_xlsx(folder / "whole.xlsx")
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb'\sr="[A-Z]*[0-9]+"', b"", sheet).replace(b"</sheetData>", extra + b"</sheetData>")
    sheet = re.sub(rb"<dimension[^>]*/>", b"", sheet)
    path = with_part(source, folder / "名册.xlsx", "xl/worksheets/sheet1.xml", sheet)
    source.unlink()
    return path


@roster_case
def cells_without_references(folder: Path) -> Case:
    return Case(_without_references(folder), 1, bad_row=4)


@case
def a_row_wider_than_excel_without_references(folder: Path) -> Case:
    return Case(_without_references(folder, b"<row>" + b"<c><v>1</v></c>" * 16385 + b"</row>"), 2)


CLAIMS_HEADER = ["身份证号码", "姓名", "险种", "给付项目", "出险日期", "保障起始日", "份数", "疾病名称"]


def claims_xlsx(path: Path, rows: int = 2) -> Path:
    ids = [str(r[7]) for r in people(count=max(rows, 1), bad_at=None)][:rows]
    lines = [[i, "张三", "重大疾病", "重度", "2027-06-01", START, "1", "恶性肿瘤"] for i in ids]
    return xlsx(path, {"理赔": [CLAIMS_HEADER, *lines]})


@claims_case
def a_claims_file_with_a_header_only(folder: Path) -> Case:
    return Case(claims_xlsx(folder / "理赔.xlsx", rows=0), 2)


@claims_case
def a_claims_output_in_a_missing_folder(folder: Path) -> Case:
    return Case(claims_xlsx(folder / "理赔.xlsx"), 2, output=folder / "没有的文件夹" / "结果.xlsx")


# --- issue 23, round two: crafted parts, special files, names, hostile options ---------------------


def _sheet_of(source: Path) -> bytes:
    with zipfile.ZipFile(source) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _edited_sheet(folder: Path, edit: Callable[[bytes], bytes], name: str = "名册.xlsx") -> Path:
    source = roster_xlsx(folder / "whole.xlsx")
    path = with_part(source, folder / name, "xl/worksheets/sheet1.xml", edit(_sheet_of(source)))
    source.unlink()
    return path


@case
def a_far_cell_in_a_sheet_part_outside_the_worksheets_folder(folder: Path) -> Case:
    """The relationships name xl/data/hidden.xml as the sheet: a guard reading xl/worksheets/ misses it."""
    source = roster_xlsx(folder / "whole.xlsx")
    far = b'<row r="9"><c r="A50000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    path = folder / "名册.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                out.writestr("xl/data/hidden.xml", data.replace(b"</sheetData>", far))
                continue
            if name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"worksheets/sheet1.xml", b"data/hidden.xml")
            if name == "[Content_Types].xml":
                data = data.replace(b"/xl/worksheets/sheet1.xml", b"/xl/data/hidden.xml")
            out.writestr(name, data)
    source.unlink()
    return Case(path, 2)


@case
def a_far_cell_with_leading_zeros_and_a_tab(folder: Path) -> Case:
    return Case(
        _far_raw(folder, b'<row r="9"><c\tr = "A000050000000" t="inlineStr"><is><t>x</t></is></c></row>'), 2
    )


@case
def a_far_cell_written_as_a_character_reference(folder: Path) -> Case:
    return Case(
        _far_raw(folder, b'<row r="9"><c r="&#65;50000000" t="inlineStr"><is><t>x</t></is></c></row>'), 2
    )


def _ods_repeated(folder: Path, attr: str) -> Path:
    path = ods(folder / "名册.ods", [headers(), *people()], repeated=(5_000_000, 1))
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["content.xml"] = parts["content.xml"].replace(
        b'table:number-rows-repeated="5000000"', attr.encode(), 1
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return path


@case
def an_ods_row_repeated_with_single_quotes_and_leading_zeros(folder: Path) -> Case:
    return Case(_ods_repeated(folder, "table:number-rows-repeated = '0005000000'"), 2)


@case
def a_part_that_understates_its_size(folder: Path) -> Case:
    """The central directory says half the sheet's real size: refused before it is inflated."""
    path = roster_xlsx(folder / "名册.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        size = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    at = data.rfind(size.to_bytes(4, "little"))
    data[at : at + 4] = (size // 2).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return Case(path, 2)


@case
def an_entity_declaration_after_64_kb_of_prolog(folder: Path) -> Case:
    def edit(sheet: bytes) -> bytes:
        head, rest = sheet.split(b"?>", 1)
        padding = b"<!--" + b"x" * 70_000 + b"-->"
        return head + b"?>" + padding + b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]>' + rest

    return Case(_edited_sheet(folder, edit), 2)


@case
def a_fifo_instead_of_a_file(folder: Path) -> Case:
    path = folder / "名册.xlsx"
    os.mkfifo(path)  # nobody writes it: reading it would wait for ever
    return Case(path, 2)


@case
def a_fifo_as_the_rules_file(folder: Path) -> Case:
    rules = folder / "rules.yaml"
    os.mkfifo(rules)
    return Case(roster_xlsx(folder / "名册.xlsx"), 2, rules=rules)


@roster_case
def a_fifo_as_the_output(folder: Path) -> Case:
    target = folder / "结果.xlsx"
    os.mkfifo(target)
    return Case(roster_xlsx(folder / "名册.xlsx"), 2, output=target)


@roster_case
def a_device_as_the_output(folder: Path) -> Case:
    """A /dev/null of the test's own (as root, `-o /dev/null` once destroyed the machine's)."""
    import stat

    target = folder / "结果.xlsx"
    try:
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        target = Path("/dev/null")  # not root: the real one, which cannot be replaced either
    return Case(roster_xlsx(folder / "名册.xlsx"), 2, output=target)


@roster_case
def a_file_name_that_is_not_utf8(folder: Path) -> Case:
    """A GBK name from a Windows share: read like any other."""
    name = os.fsdecode("名册".encode("gbk") + b".xlsx")
    path = roster_xlsx(folder / name)
    return Case(path, 1, bad_row=4)


@roster_case
def a_date_past_the_calendar(folder: Path) -> Case:
    return Case(roster_xlsx(folder / "名册.xlsx"), 2, args=("--start", "9999-06-01"))


@enroll_case
def a_postgresql_port_that_is_not_a_number(folder: Path) -> Case:
    return Case(
        roster_xlsx(folder / "名册.xlsx"), 2, args=("--db", "postgresql://xjma:secret@127.0.0.1:abc/xjma")
    )


@enroll_case
def a_ledger_in_memory(folder: Path) -> Case:
    """enroll would record into nothing (claim calc --record: tests/test_adversary_round2.py)."""
    return Case(roster_xlsx(folder / "名册.xlsx"), 2, args=("--db", "sqlite:///:memory:"))
