"""Opening the ledger: where it lives, the SQLite settings, migrations, and the read-only empty view.

Target (`--db`): a SQLite file path, `sqlite:///path`, or `postgresql://…` (psycopg 3); default `$XJMA_DB`,
else `xjma.db` in the user data folder. Messages never show a password.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from xjma.errors import XjmaError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

    from xjma.core.model import Enrollment

BUSY_TIMEOUT_MS = 30000


def default_target() -> str:
    """$XJMA_DB, else xjma.db in the user data folder (created when needed)."""
    env = os.environ.get("XJMA_DB", "").strip()
    if env:
        return env
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("xjma", appauthor=False)) / "xjma.db")


def resolve_url(target: str | None) -> URL:
    """The SQLAlchemy URL for a --db target; a bad or unsupported address is an XjmaError."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    path = _file_path(target)
    if path is not None:
        return make_url("sqlite://").set(database=str(path))
    text = (target or "").strip() or default_target()
    try:
        url = make_url(text)
    except ArgumentError:
        raise XjmaError(
            "--db 不是有效的数据库地址，请写 SQLite 文件路径、sqlite:///路径 或 postgresql://…"
        ) from None
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg")
    if url.drivername == "sqlite" and url.database:
        return url
    shown = url.render_as_string(hide_password=True)
    raise XjmaError(f"不支持的数据库地址 {shown}：只支持 SQLite 文件路径、sqlite:///路径 或 postgresql://…")


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


class Ledger:
    """The enrollment and claims ledger. `engine` is None for the empty read-only view of a SQLite
    ledger that does not exist yet (claim calc and validate read it without creating the file)."""

    def __init__(self, engine: Engine | None, url: URL) -> None:
        self.engine = engine
        self.url = url

    @property
    def exists(self) -> bool:
        return self.engine is not None

    @property
    def display(self) -> str:
        return shown_url(self.url)

    def enrollments_for(
        self, id_numbers: Iterable[str], voided_as_empty: bool = False
    ) -> dict[str, list[Enrollment]]:
        """LedgerView: every recorded enrollment of these members, all plans, oldest first; voided ones
        left out, or (voided_as_empty, for claims) kept with an empty period."""
        from xjma.io.ledger.enrollments import read_enrollments_for

        if self.engine is None:
            return {}
        with self.connect() as conn:
            return read_enrollments_for(conn, id_numbers, voided_as_empty)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading (nothing is committed)."""
        if self.engine is None:
            raise XjmaError(f"台账 {self.display} 还不存在")
        with _translated(self.url), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back entirely on any exception."""
        if self.engine is None:
            raise XjmaError(f"台账 {self.display} 是只读的空视图，不能写入")
        with _translated(self.url), self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_ledger(target: str | None, create: bool = True) -> Ledger:
    """Open (and migrate) the ledger at `target`; create=False never creates a missing SQLite file."""
    url = resolve_url(target)
    if url.drivername == "sqlite":
        path = Path(str(url.database))
        if not path.exists():
            if not create:
                return Ledger(None, url)
            _create_sqlite_file(path, default=not (target or "").strip() and not os.environ.get("XJMA_DB"))
        elif path.is_dir():
            raise XjmaError(f"台账路径是一个文件夹，不是数据库文件：{path}")
    engine = _engine(url)
    ledger = Ledger(engine, url)
    _migrate(ledger)
    return ledger


def _create_sqlite_file(path: Path, default: bool) -> None:
    """An empty file with mode 0600: the ledger holds ID numbers (privacy)."""
    if default:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.exists():
        raise XjmaError(f"台账所在的文件夹不存在：{path.parent}")
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise XjmaError(f"无法创建台账文件 {path}：{exc.strerror or exc.__class__.__name__}") from None
    os.close(fd)


def _engine(url: URL) -> Engine:
    from sqlalchemy import create_engine, event

    if url.drivername != "sqlite":
        try:
            # A firewalled host would otherwise hang for minutes before the error message.
            return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
        except ImportError:
            raise XjmaError("连接 PostgreSQL 需要 psycopg 3：请安装 xjma[pg]") from None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _migrate(ledger: Ledger) -> None:
    from xjma.io.ledger.schema import SCHEMA_VERSION, current_version, migrate

    with ledger.begin() as conn:
        if current_version(conn) > SCHEMA_VERSION:
            raise XjmaError(f"台账 {ledger.display} 由更新版本的 xjma 创建，请升级 xjma 后再使用")
        migrate(conn)


@contextmanager
def _translated(url: URL) -> Iterator[None]:
    """Database failures become one Chinese sentence; the password is never shown."""
    from sqlalchemy.exc import DatabaseError, IntegrityError, InterfaceError, OperationalError

    try:
        yield
    except IntegrityError:
        raise
    except (OperationalError, InterfaceError) as exc:
        raise XjmaError(f"无法连接或读写台账 {shown_url(url)}：{_reason(exc, url)}") from None
    except DatabaseError as exc:
        raise XjmaError(
            f"台账 {shown_url(url)} 无法使用（不是有效的数据库文件？）：{_reason(exc, url)}"
        ) from None


def _reason(exc: Exception, url: URL) -> str:
    """The driver's first line, with the password blanked should a driver ever echo it."""
    orig = getattr(exc, "orig", None)
    text = (str(orig) if orig is not None else "").strip() or exc.__class__.__name__
    first = text.splitlines()[0][:200]
    if url.password:
        first = _blank(first, str(url.password))
    return first


def _blank(text: str, password: str) -> str:
    """Blank the password; a very short one only where it stands alone, so that blanking "p" does not
    turn "port" into "***ort" (a short password inside a word tells nothing about it)."""
    if len(password) >= 4:
        return text.replace(password, "***")
    return re.sub(rf"(?<![0-9A-Za-z]){re.escape(password)}(?![0-9A-Za-z])", "***", text)
