"""Where the ledger lives: a --db target as a SQLAlchemy URL, and how an address is shown.

Target (`--db`): a SQLite file path, `sqlite:///path`, or `postgresql://…` (psycopg 3); default `$XJMA_DB`,
else `xjma.db` in the user data folder. A password, whether written as `user:password@` or as
`?password=…`, is never shown: `shown_url` masks it and `blank_password` removes it from driver text.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from xjma.errors import XjmaError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

POSTGRES_DRIVERS = ("postgresql", "postgres", "postgresql+psycopg")


def default_target() -> str:
    """$XJMA_DB, else xjma.db in the user data folder (created when needed)."""
    env = os.environ.get("XJMA_DB", "").strip()
    if env:
        return env
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("xjma", appauthor=False)) / "xjma.db")


def is_default_target(target: str | None) -> bool:
    """True when neither --db nor $XJMA_DB names the ledger (the user data folder's xjma.db)."""
    return not (target or "").strip() and not os.environ.get("XJMA_DB", "").strip()


def resolve_url(target: str | None) -> URL:
    """The SQLAlchemy URL for a --db target; a bad or unsupported address is an XjmaError."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    path = _file_path(target)
    if path is not None:
        return make_url("sqlite://").set(database=str(path))
    text = (target or "").strip() or default_target()
    try:
        url = _password_out_of_query(make_url(text))
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise XjmaError(
            "--db 不是有效的数据库地址，请写 SQLite 文件路径、sqlite:///路径 或 postgresql://…"
        ) from None
    if url.drivername in POSTGRES_DRIVERS:
        return url.set(drivername="postgresql+psycopg")
    if url.drivername == "sqlite" and url.database:
        return url
    raise XjmaError(
        f"不支持的数据库地址 {shown_url(url)}：只支持 SQLite 文件路径、sqlite:///路径 或 postgresql://…"
    )


def _password_out_of_query(url: URL) -> URL:
    """`?password=…` moved to the URL's password (libpq takes either), where rendering masks it."""
    if "password" not in url.query:
        return url
    given = url.query["password"]
    password = given if isinstance(given, str) else (given[-1] if given else "")
    return url.difference_update_query(["password"]).set(password=password)  # as libpq: the query wins


def _file_path(target: str | None) -> Path | None:
    """A --db target (default: default_target()) that is a file path, not an address; else None."""
    text = (target or "").strip() or default_target()
    return None if "://" in text else Path(text).expanduser()


def missing_sqlite_file(target: str | None) -> str | None:
    """For a SQLite file path (not an address) that does not exist: the ledger as `display` shows it;
    else None. Decided without importing SQLAlchemy (~0.1 s of a validate run without a ledger)."""
    path = _file_path(target)
    if path is None or path.exists():
        return None
    from urllib.parse import quote

    return "sqlite:///" + quote(str(path), safe=" +/")  # as SQLAlchemy's URL.render_as_string writes it


def shown_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def blank_password(text: str, url: URL) -> str:
    """`text` with the URL's password blanked (a driver may echo the connection string)."""
    return _blank(text, str(url.password)) if url.password else text


def _blank(text: str, password: str) -> str:
    """Blank the password; a very short one only where it stands alone, so that blanking "p" does not
    turn "port" into "***ort" (a short password inside a word tells nothing about it)."""
    if len(password) >= 4:
        return text.replace(password, "***")
    return re.sub(rf"(?<![0-9A-Za-z]){re.escape(password)}(?![0-9A-Za-z])", "***", text)
