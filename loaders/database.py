"""Where the database lives and how it is changed: every write builds a copy and swaps it in.

DuckDB locks a database file per process, so a dashboard holding the live file open would block
every loader. Writers therefore never open the live file: they copy it, change the copy in one
transaction, close it and `os.replace()` it over the live file. Readers that still hold the old
file keep seeing the old data until they reopen; nobody ever sees a half-written load. A lock
file serialises writers; a writer killed at any point leaves only a stray copy behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb

from loaders.errors import DatabaseBusy
from warehouse.build import build_warehouse, refresh_facts

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = ROOT / "data" / "progression.duckdb"
LOCK_WAIT_SECONDS = float(os.environ.get("PROGRESSION_LOCK_WAIT_SECONDS", "60"))


def database_path(path: str | os.PathLike | None = None) -> Path:
    """The database to use: an explicit path, else $PROGRESSION_DB, else data/progression.duckdb."""
    if path:
        return Path(path)
    if os.environ.get("PROGRESSION_DB"):
        return Path(os.environ["PROGRESSION_DB"])
    return DEFAULT_DATABASE


def database_stamp(path: Path) -> tuple[int, int] | None:
    """Changes whenever a write swaps in a new file: readers compare it to know when to reopen."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return (status.st_ino, status.st_mtime_ns)


@contextlib.contextmanager
def writer_lock(path: Path, wait_seconds: float = LOCK_WAIT_SECONDS):
    """Hold the database's writer lock; wait up to `wait_seconds`, then give up with a clear message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DatabaseBusy(
                        f"{path}: another load is still running (waited {wait_seconds:.0f} s); "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stray_copies(path: Path) -> None:
    # Copies left by writers that were killed; safe because we hold the writer lock.
    for stray in path.parent.glob(path.name + ".*.tmp"):
        stray.unlink(missing_ok=True)
        Path(str(stray) + ".wal").unlink(missing_ok=True)


@contextlib.contextmanager
def writing(path: Path, wait_seconds: float = LOCK_WAIT_SECONDS, changed: set[str] | None = None,
            staff_ids: list[str] | Callable[[], list[str] | None] | None = None):
    """Yield a read-write connection to a copy of the database; swap it in if the block succeeds.

    The caller works inside one transaction of its own; if the block raises, the copy is thrown
    away and the live database is exactly as it was. `changed`: the loaded tables the block writes,
    when the caller knows them (only the stored facts reading them are refreshed); None: all of them;
    `staff_ids`: the only people whose rows of `changed` it writes (warehouse.build.refresh_facts), or a callable
    that says so after the block (None: anyone).
    """
    path = Path(path)
    with writer_lock(path, wait_seconds):
        _remove_stray_copies(path)
        copy = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        if path.exists():
            shutil.copyfile(path, copy)
        con = duckdb.connect(str(copy))
        try:
            build_warehouse(con)
            yield con
            # The stored facts follow the rows the block wrote, so no reader ever sees them disagree.
            refresh_facts(con, changed, staff_ids() if callable(staff_ids) else staff_ids)
            con.execute("checkpoint")
            con.close()
            _fsync(copy)
            os.replace(copy, path)
            _fsync(path.parent)
        except BaseException:
            con.close()
            copy.unlink(missing_ok=True)
            Path(str(copy) + ".wal").unlink(missing_ok=True)
            raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_current(path: Path) -> bool:
    """True when the database has every migration and the views and macros of this version of the code."""
    from warehouse.build import latest_version, schema_version, views_fingerprint

    con = connect_read_only(path)
    try:
        has_fingerprint = con.execute("select count(*) from duckdb_tables() where schema_name = 'main' "
                                      "and table_name = 'views_fingerprint'").fetchone()[0]
        stored = con.execute("select max(sha256) from views_fingerprint").fetchone()[0] if has_fingerprint else None
        version = schema_version(con)
    finally:
        con.close()
    return version >= latest_version() and stored == views_fingerprint()


def upgrade(path: Path) -> bool:
    """Bring a database built by an older version up to this one, like a load (a copy swapped in); False if current.

    Readers otherwise keep the SQL of the version that last wrote the file: an access rule fixed in the code
    (who may see what) would not apply until the next load.
    """
    if is_current(path):
        return False
    with writing(path):
        pass  # writing() applies the migrations and rebuilds the views on its copy before swapping it in
    return True


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the live file; many readers may share it with each other."""
    return duckdb.connect(str(path), read_only=True)
