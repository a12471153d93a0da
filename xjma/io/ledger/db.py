"""Opening the ledger: the one door, in read or write mode, and the connection holder `Ledger`.

- mode="read" never creates, never migrates, never writes: a SQLite file is opened read-only (`mode=ro`),
  a PostgreSQL session is read-only; a SQLite file that does not exist (or a database without the
  ledger's tables) reads as empty (`Ledger.exists` is False); an older schema is refused (OUTDATED).
- mode="write" creates a new ledger (safe when several writers create it at once: the schema is made
  inside one locked transaction) and refuses an older one too: office.md §0, `db migrate` is the only
  command that changes the schema of an existing ledger.
- mode="migrate" (`db migrate`) brings an existing ledger up to date in one locked transaction.

The tables and migrations are in `schema`; addresses and passwords in `address`.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from xjma.errors import XjmaError
from xjma.io.ledger.address import (
    _blank,  # noqa: F401  (tests import it from here)
    blank_password,
    default_target,
    is_default_target,
    missing_sqlite_file,
    resolve_url,
    shown_url,
)
from xjma.io.ledger.engines import engine_for

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

__all__ = [
    "OUTDATED",
    "Ledger",
    "Mode",
    "default_target",
    "missing_sqlite_file",
    "open_ledger",
    "resolve_url",
    "shown_url",
]

Mode = Literal["read", "write", "migrate"]
OUTDATED = "台账结构版本较旧，请先备份，再运行 xjma db migrate"
SCHEMA_LOCK = 0x786A6D61  # PostgreSQL advisory lock key ("xjma") held while the schema is made or migrated


class Ledger:
    """A connection holder: the engine and the address. `engine` is None for the empty view of a ledger
    that does not exist yet (read mode). `version` is the schema version found when it was opened."""

    def __init__(self, engine: Engine | None, url: URL, version: int | None = None) -> None:
        self.engine = engine
        self.url = url
        self.version = version

    @property
    def exists(self) -> bool:
        return self.engine is not None

    @property
    def display(self) -> str:
        return shown_url(self.url)

    @property
    def backend(self) -> str:
        return "postgresql" if self.url.drivername.startswith("postgresql") else "sqlite"

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading (nothing is committed)."""
        if self.engine is None:
            raise XjmaError(f"台账 {self.display} 还不存在")
        with translated(self.url), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back entirely on any exception."""
        if self.engine is None:
            raise XjmaError(f"台账 {self.display} 是只读的空视图，不能写入")
        with translated(self.url), self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_ledger(target: str | None, *, mode: Mode = "write", any_version: bool = False) -> Ledger:
    """Open the ledger at `target` (see the module docstring for the modes). `any_version=True` (read
    mode, `db check`) opens a ledger of any schema version and only reports it in `Ledger.version`."""
    url = resolve_url(target)
    if mode == "read":
        return _open_for_reading(url, any_version)
    return _open_for_writing(url, is_default_target(target), migrating=mode == "migrate")


def _open_for_reading(url: URL, any_version: bool) -> Ledger:
    from xjma.io.ledger.schema import found_version

    if url.drivername == "sqlite":
        path = _sqlite_path(url)
        if not path.exists():
            return Ledger(None, url)
    ledger = Ledger(engine_for(url, read_only=True), url)
    try:
        with ledger.connect() as conn:
            ledger.version = found_version(conn)
        if not any_version:
            _require_current(ledger)
    except BaseException:
        ledger.close()
        raise
    if ledger.version == 0 and not any_version:
        ledger.close()  # no ledger tables yet: the empty view, as for a SQLite file not yet created
        return Ledger(None, url, 0)
    return ledger


def _open_for_writing(url: URL, default: bool, migrating: bool) -> Ledger:
    if url.drivername == "sqlite":
        path = _sqlite_path(url)
        if not path.exists():
            _create_sqlite_file(path, default)
        _require_writable(url, path)
    ledger = Ledger(engine_for(url, read_only=False), url)
    try:
        _bring_schema(ledger, migrating)
    except BaseException:
        ledger.close()
        raise
    return ledger


def _bring_schema(ledger: Ledger, migrating: bool) -> None:
    """Create the schema of a new ledger, or migrate (db migrate); refuse an older or newer one. The
    version is first read without a lock (the usual case: up to date), then again under the lock."""
    from xjma.io.ledger.schema import SCHEMA_VERSION, create_schema, found_version, migrate

    with ledger.connect() as conn:
        ledger.version = found_version(conn)
        if ledger.backend == "postgresql":
            from xjma.io.ledger.access import require_may_write

            require_may_write(conn, migrating)  # office.md §9: read-only roles, migrate by the owner
    if ledger.version == SCHEMA_VERSION:
        return
    _require_current(ledger, outdated_ok=migrating or ledger.version == 0)
    with schema_transaction(ledger) as conn:
        now = found_version(conn)  # another writer may have created it while we waited for the lock
        if migrating:
            migrate(conn)
        elif now == 0:
            create_schema(conn)
        elif now != SCHEMA_VERSION:
            raise XjmaError(OUTDATED)


def _require_current(ledger: Ledger, outdated_ok: bool = False) -> None:
    from xjma.io.ledger.schema import SCHEMA_VERSION

    version = ledger.version or 0
    if version > SCHEMA_VERSION:
        raise XjmaError(f"台账 {ledger.display} 由更新版本的 xjma 创建，请升级 xjma 后再使用")
    if 0 < version < SCHEMA_VERSION and not outdated_ok:
        raise XjmaError(OUTDATED)


@contextmanager
def schema_transaction(ledger: Ledger) -> Iterator[Connection]:
    """One transaction that holds the ledger's write lock from its first statement: SQLite `BEGIN
    IMMEDIATE` (the driver would otherwise run DDL outside any transaction), PostgreSQL an advisory
    transaction lock. Two processes creating one new ledger take turns; the second finds it made."""
    assert ledger.engine is not None
    with translated(ledger.url), ledger.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
        yield conn
        conn.commit()


def _sqlite_path(url: URL) -> Path:
    path = Path(str(url.database))
    if path.is_dir():
        raise XjmaError(f"台账路径是一个文件夹，不是数据库文件：{path}")
    return path


def _create_sqlite_file(path: Path, default: bool) -> None:
    """An empty file with mode 0600: the ledger holds ID numbers (privacy)."""
    if default:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.exists():
        raise XjmaError(f"台账所在的文件夹不存在：{path.parent}")
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise XjmaError(read_only_sentence(shown_url_of_path(path))) from None
        raise XjmaError(f"无法创建台账文件 {path}：{exc.strerror or exc.__class__.__name__}") from None
    os.close(fd)


def shown_url_of_path(path: Path) -> str:
    from sqlalchemy.engine import make_url

    return shown_url(make_url("sqlite://").set(database=str(path)))


def read_only_sentence(shown: str) -> str:
    return (
        f"台账 {shown} 是只读的（文件或所在文件夹不能写入），不能写入；请检查权限，或把台账放在可写的文件夹"
    )


def _require_writable(url: URL, path: Path) -> None:
    """SQLite writes the file and, in WAL mode, its -wal and -shm files beside it."""
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise XjmaError(read_only_sentence(shown_url(url)))


@contextmanager
def translated(url: URL) -> Iterator[None]:
    """Database failures become one Chinese sentence; the password is never shown."""
    from sqlalchemy.exc import DatabaseError, IntegrityError, InterfaceError, OperationalError

    try:
        yield
    except IntegrityError:
        raise
    except (OperationalError, InterfaceError) as exc:
        reason = _reason(exc, url)
        if "readonly" in reason or "read-only" in reason:
            raise XjmaError(read_only_sentence(shown_url(url))) from None
        raise XjmaError(f"无法连接或读写台账 {shown_url(url)}：{reason}") from None
    except DatabaseError as exc:
        if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":  # privilege or row policy
            raise XjmaError(
                f"台账 {shown_url(url)} 拒绝了这次操作，当前数据库账号没有这部分数据的权限：{_reason(exc, url)}"
            ) from None
        raise XjmaError(
            f"台账 {shown_url(url)} 无法使用（不是有效的数据库文件？）：{_reason(exc, url)}"
        ) from None


def _reason(exc: Exception, url: URL) -> str:
    """The driver's first line, with the password blanked should a driver ever echo it."""
    orig = getattr(exc, "orig", None)
    text = (str(orig) if orig is not None else "").strip() or exc.__class__.__name__
    return blank_password(text.splitlines()[0][:200], url)
