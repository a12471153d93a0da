"""What a roster file really is, before any parser runs (roster.md "Reading the files clerks really send").

A path must name a regular file (a FIFO or a device would hang the reader or never end); its suffix
says what the clerk meant, its first bytes what it is: a zip (.xlsx/.ods), an OLE container (.xls, or
an encrypted .xlsx), a web page saved as .xls, or plain text (CSV, also under the name .xls).
"""

from __future__ import annotations

import io
import os
import re
import stat
from pathlib import Path

from xjma.errors import XjmaError
from xjma.io import limits

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # its name in the OLE directory
# The password Excel uses when a workbook is "encrypted" without one (it opens without a prompt).
DEFAULT_PASSWORD = "VelvetSweatshop"


def check_file(file: Path) -> str:
    """The file's lower-case suffix, once it is known to be a readable, non-empty regular file within
    the limits (xjma/io/limits.py); else XjmaError with the sentence for the clerk."""
    try:
        info = os.stat(file)
    except FileNotFoundError:
        raise XjmaError(f"找不到文件 {file}，请检查路径和文件名是否正确。") from None
    except OSError as exc:
        raise XjmaError(f"无法读取文件 {file}（{exc.strerror}），请检查文件后重试。") from None
    if stat.S_ISDIR(info.st_mode):
        raise XjmaError(f"{file} 是一个文件夹，请指定名册文件本身（.xlsx、.xls、.ods 或 .csv）。")
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise XjmaError(
            f"不支持的文件类型“{file.suffix or '无扩展名'}”：请提供 .xlsx、.xlsm、.xls、.ods 或 .csv 文件"
            "（可在 Excel 中“另存为”Excel 工作簿）。"
        )
    if not stat.S_ISREG(info.st_mode):  # a FIFO, a device, a socket: never opened
        raise XjmaError(f"{file} 不是普通文件（可能是设备或管道），请指定保存在磁盘上的名册文件。")
    try:
        with file.open("rb") as handle:
            first = handle.read(1)
    except PermissionError:
        raise XjmaError(f"没有权限读取文件 {file}，请检查文件权限，或先关闭正在使用它的程序。") from None
    except OSError as exc:
        raise XjmaError(f"无法读取文件 {file}（{exc.strerror}），请检查文件后重试。") from None
    if not first:
        raise XjmaError(f"文件 {file} 是空的（0 字节），请确认选择了正确的文件。")
    limits.check_file(file)  # size, zip bombs, entity declarations, used area: before any parser runs
    return suffix


_ESCAPED = re.compile("[\udc80-\udcff]+")


def readable(text: str) -> str:
    """A path as a person can read it: the bytes of a name that is not UTF-8 (a GBK name from a Windows
    share, held by Python as surrogate escapes) decoded as GB18030, so messages and workbooks can hold
    it."""
    if not _ESCAPED.search(text):
        return text
    return _ESCAPED.sub(
        lambda m: bytes(ord(c) - 0xDC00 for c in m.group()).decode("gb18030", "replace"), text
    )


def head(file: Path, size: int = 4096) -> bytes:
    with open(file, "rb") as handle:
        return handle.read(size)


def is_text(file: Path, suffix: str) -> bool:
    """A CSV, or plain text under a workbook's name (exports of government and bank systems)."""
    if suffix == ".csv":
        return True
    start = head(file)
    if start.startswith((_ZIP_MAGIC, OLE_MAGIC)) or _looks_like_markup(start):
        return False
    return suffix == ".xls" and _looks_like_text(start)


def _looks_like_markup(start: bytes) -> bool:
    return start.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _looks_like_text(start: bytes) -> bool:
    if start.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    control = sum(1 for b in start if b < 32 and b not in (9, 10, 13))
    return b"\x00" not in start and control <= len(start) // 100


def workbook_bytes(file: Path, suffix: str) -> io.BytesIO | None:
    """The decrypted workbook when the file is encrypted with Excel's default password; None when it is
    not encrypted. A web page named .xls, or a real password, is an XjmaError."""
    start = head(file, 512)
    if _looks_like_markup(start):
        raise XjmaError(
            f"文件 {file} 实际上是网页或 XML 格式，不是 Excel 工作簿：请用 Excel 打开后另存为 .xlsx 再试。"
        )
    if not start.startswith(OLE_MAGIC) or not _encrypted(file, suffix):
        return None
    import msoffcrypto

    try:
        with open(file, "rb") as handle:
            office = msoffcrypto.OfficeFile(handle)
            office.load_key(password=DEFAULT_PASSWORD)
            plain = io.BytesIO()
            office.decrypt(plain)
    except Exception:  # any failure to decrypt with the default password: a real password
        raise XjmaError(password_message(file)) from None
    plain.seek(0)
    return plain


def _encrypted(file: Path, suffix: str) -> bool:
    """An encrypted .xlsx is an OLE file with an EncryptedPackage stream; an encrypted .xls (BIFF) has a
    FILEPASS record, which msoffcrypto reports."""
    with open(file, "rb") as handle:
        data = handle.read()
    if _ENCRYPTED_PACKAGE in data:
        return True
    if suffix != ".xls":
        return False
    import msoffcrypto

    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # not an Office file msoffcrypto knows: calamine decides
        return False


def password_message(file: Path) -> str:
    return f"文件 {file} 设置了打开密码，xjma 无法读取：请在 Excel 中取消密码（或另存一份不设密码的副本）后再试。"


def corrupt_message(file: Path) -> str:
    return f"无法读取文件 {file}：文件已损坏或不是有效的工作簿，请用 Excel 打开后另存为 .xlsx 再试。"
