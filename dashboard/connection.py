"""One cached read-only DuckDB connection that notices a load, and query results cached on the database's state.

Loads never write the live file: they build a copy and `os.replace()` it in (see loaders/database.py).
So on every use the connection compares the file's stamp (inode, mtime) with the one it opened; when it
changed, it closes the old connection first and then opens the new file (opening first would return the
old database from DuckDB's per-process instance cache). Query results are cached with the stamp in the key,
so a load invalidates them at once and nothing expires on a timer.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from loaders.database import connect_read_only, database_path, database_stamp, upgrade, writer_lock
from warehouse import queries

_build_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _holder() -> dict:
    # One per server process, shared by every session: {con, stamp, path, lock}.
    return {"con": None, "stamp": None, "path": None, "lock": threading.Lock()}


def ensure_database(path: Path) -> None:
    """Build the embedded default (shipped frameworks and the generated demo workforce) if no database exists.

    The demo is built in a scratch folder, then copied next to the live path and swapped in whole under the
    writer lock, so no session ever opens a half-built database; a second session waiting here finds it done.
    (Not built *under* the writer lock: the loaders take that lock themselves, and flock would deadlock.)
    """
    if database_stamp(path) is not None:
        _ensure_current(path)
        return
    from loaders.demo import build_demo

    with _build_lock:
        if database_stamp(path) is not None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with (st.spinner("First start: building the demo database (a few seconds)…"),
              tempfile.TemporaryDirectory(prefix="progression-demo-") as folder):
            scratch = Path(folder) / "default.duckdb"
            build_demo(scratch, folder=Path(folder) / "files")
            with writer_lock(path):
                if database_stamp(path) is None:
                    # Same name pattern as the loaders' copies: git-ignored, and cleared if we are killed.
                    staging = path.with_name(f"{path.name}.{os.getpid()}-demo.tmp")
                    shutil.copyfile(scratch, staging)
                    os.replace(staging, path)


_current: set[Path] = set()


def _ensure_current(path: Path) -> None:
    """Once per process and database: apply migrations and rebuild views left by an older version (a swap)."""
    if path in _current:
        return
    with _build_lock:
        if path not in _current:
            upgrade(path)
            _current.add(path)


def connection() -> tuple[duckdb.DuckDBPyConnection, tuple[int, int]]:
    """The shared read-only connection and the stamp of the file it reads, reopened after a load."""
    path = database_path()
    ensure_database(path)
    holder = _holder()
    with holder["lock"]:
        stamp = database_stamp(path)
        if holder["con"] is None or holder["stamp"] != stamp or holder["path"] != path:
            if holder["con"] is not None:
                # Close FIRST: connecting while the old one is open returns the old database.
                holder["con"].close()
                holder["con"] = None
            holder["con"] = connect_read_only(path)
            holder["stamp"], holder["path"] = stamp, path
        return holder["con"], holder["stamp"]


@st.cache_data(show_spinner=False, max_entries=4000)
def _cached(_con, stamp: tuple[int, int], path: str, name: str, args: tuple, kwargs: tuple) -> Any:
    # `_con` is left out of the key; the stamp and path stand for it.
    return getattr(queries, name)(_con, *args, **dict(kwargs))


def ask(function: Callable, *args, **kwargs) -> Any:
    """Call a `warehouse.queries` function through the shared connection, cached on the database's state.

    The key is (stamp, function name, viewer, filters, other arguments), so a load invalidates it.
    """
    if getattr(queries, function.__name__, None) is not function:
        raise ValueError(f"{function!r} is not a warehouse.queries function")
    for attempt in (1, 2):
        con, stamp = connection()
        try:
            return _cached(con, stamp, str(database_path()), function.__name__, args, tuple(sorted(kwargs.items())))
        except duckdb.ConnectionException:
            # Another session swapped the connection between our lookup and the query: reopen once.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
