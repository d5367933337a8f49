"""Whole-organisation results the server keeps on disk, so every viewer's scoped question reads one copy.

`readiness_on(d)`, `gaps_on(d)` and `evidence_waiting_on(d)` work out everyone before a question keeps the viewer's
scope (about 0.4, 0.6 and 0.1 CPU s at 100,000 staff). Thirty managers opening the Overview at once each paid that
on three dates, which two cores cannot do in time (docs/benchmarks.md, issue 21). So the dashboard gives its
connection a folder (`keep_results`), and `kept_sql` rewrites each `readiness_on($p)`, `gaps_on($p)` or
`evidence_waiting_on($p)` in a question to `read_parquet(...)` of a file holding that mart's rows on that date for
everyone. The file is made the first time anyone asks for the date, by one thread of one server process (the
others wait on a file lock, then read it): so several worker processes behind the proxy share one copy, and
reading it costs about a millisecond more than an in-memory table.

Why this repeats no rule: the file is the mart's own output for the same argument, written by the mart itself.
Why it is never stale: the folder belongs to one state of the database file (dashboard/connection.py names it
after the file's inode and modification time), and a load swaps the file. At most `KEEP_FILES` files stay in a
folder, the least recently used removed first; a question whose file was removed under it asks the mart
instead (`queries.query`). Without `keep_results` (the tests, the loaders, the benchmarks of the SQL) questions
run the marts themselves, and the test suite checks that both ways answer the same.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import shutil
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

KEPT_MARTS = ("readiness_on", "gaps_on", "evidence_waiting_on")
KEEP_FILES = 60
# A mart called with one named parameter, as the questions in warehouse/queries.py write it: readiness_on($as_of).
_CALL = re.compile(r"\b(" + "|".join(KEPT_MARTS) + r")\(\$(\w+)\)")

_folders: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, Path] = weakref.WeakKeyDictionary()
_folders_lock = threading.Lock()


def keep_results(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Let questions on `con` keep whole-organisation results in `folder` (made private to this user)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _folders_lock:
        _folders[con] = folder


def kept_files(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The results kept for `con` now (file names without `.parquet`), least recently used first."""
    folder = _folders.get(con)
    if folder is None:
        return []
    return [path.stem for path in sorted(folder.glob("*.parquet"), key=lambda path: path.stat().st_mtime_ns)]


def remove_other_folders(folder: Path, older_than_seconds: float = 3600) -> list[Path]:
    """Remove the folders beside `folder` (results of older database states) untouched for `older_than_seconds`;
    newer ones may still be read by a process that has not yet noticed the load."""
    removed = []
    now = time.time()
    for other in folder.parent.glob("*"):
        if other != folder and other.is_dir() and now - other.stat().st_mtime > older_than_seconds:
            shutil.rmtree(other, ignore_errors=True)
            removed.append(other)
    return removed


def _date(value) -> dt.date | None:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    # flock on a descriptor of our own: excludes other processes and, opened per call, other threads too.
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sql_text(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _kept_file(con: duckdb.DuckDBPyConnection, folder: Path, mart: str, on: dt.date) -> Path:
    """The file of `mart(on)` for everyone, written now if no process has written it yet."""
    path = folder / f"{mart}_{on:%Y%m%d}.parquet"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # removed meanwhile (only ever an old state's)
        with _file_lock(folder / f"{path.stem}.lock"):
            if not path.exists():  # another thread or process may have written it while we waited
                _write(con, path, mart, on)
                _remove_least_recently_used(folder)
    try:
        os.utime(path)  # used now: the last to be removed
    except FileNotFoundError:
        pass  # removed just now by another process: the question asks the mart (queries.query)
    return path


def _write(con: duckdb.DuckDBPyConnection, path: Path, mart: str, on: dt.date) -> None:
    # Written beside and renamed in, so a reader never meets half a file.
    partial = path.with_name(f"{path.stem}.{os.getpid()}-{threading.get_ident()}.partial")
    cursor = con.cursor()
    try:
        cursor.execute(f"copy (select * from {mart}(?)) to {_sql_text(partial)} (format parquet)", [on])
    finally:
        cursor.close()
    os.replace(partial, path)


def _remove_least_recently_used(folder: Path) -> None:
    kept = sorted(folder.glob("*.parquet"), key=lambda path: path.stat().st_mtime_ns)
    for path in kept[:max(0, len(kept) - KEEP_FILES)]:
        path.unlink(missing_ok=True)
        (folder / f"{path.stem}.lock").unlink(missing_ok=True)


def kept_sql(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict) -> str:
    """`sql` with each `readiness_on($p)`, `gaps_on($p)` or `evidence_waiting_on($p)` read from its kept file.

    Unchanged when `con` keeps nothing, or when the parameter is not a date (the mart then handles it)."""
    folder = _folders.get(con)
    if folder is None:
        return sql

    def kept_call(match: re.Match) -> str:
        mart, parameter = match.group(1), match.group(2)
        on = _date(parameters.get(parameter))
        if on is None:
            return match.group(0)
        return f"read_parquet({_sql_text(_kept_file(con, folder, mart, on))})"

    return _CALL.sub(kept_call, sql)
