"""One cached read-only DuckDB connection that notices a load, and query results cached on the database's state.

Loads never write the live file: they build a copy and `os.replace()` it in (see loaders/database.py).
So on every use the connection compares the file's stamp (inode, mtime) with the one it opened; when it
changed, it closes the old connection first and then opens the new file (opening first would return the
old database from DuckDB's per-process instance cache). Query results are cached with the stamp in the key,
so a load invalidates them at once and nothing expires on a timer.

Serving many people at once (docs/operations.md, "Serving many people at once"):
- DuckDB's memory and threads are bounded on the read-only connection (`PROGRESSION_DUCKDB_MEMORY_LIMIT`,
  default 1GB per server process; `PROGRESSION_DUCKDB_THREADS`, default the number of cores), and at most
  `PROGRESSION_DUCKDB_QUERIES` (default 2) queries run at once in a process, the others waiting their turn,
  so thirty cold queries at once cannot take the machine or run DuckDB out of memory.
- Results are cached on the viewer's *scope* (access role and, for managers and staff, their staff_id),
  not their email: every administrator shares one cache entry, every senior manager another.
- Each time this process opens a new database (the first use, or after a load), a background thread
  works out the common views (the Overview for administrators and senior managers with the default
  filters, the sidebar's choices), so the first person after a load does not pay for everyone.
  `PROGRESSION_WARM_CACHE=0` turns that off.
- Whole-organisation `readiness_on(d)`, `gaps_on(d)` and `evidence_waiting_on(d)` are kept per date in a folder
  per database state (`kept_folder`, warehouse/kept.py), written once by one worker and read by all, so thirty
  managers' scopes read one copy instead of working out everyone thirty times.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from loaders.database import connect_read_only, database_path, database_stamp, upgrade, writer_lock
from warehouse import queries
from warehouse.kept import keep_results, remove_other_folders
from warehouse.queries import Filters, Viewer

_build_lock = threading.Lock()
_log = logging.getLogger(__name__)
MEMORY_LIMIT_ENV, THREADS_ENV, WARM_ENV = "PROGRESSION_DUCKDB_MEMORY_LIMIT", "PROGRESSION_DUCKDB_THREADS", \
    "PROGRESSION_WARM_CACHE"
QUERIES_ENV = "PROGRESSION_DUCKDB_QUERIES"
DEFAULT_MEMORY_LIMIT = "1GB"
_warming: set[threading.Thread] = set()
_warming_stop = threading.Event()


def duckdb_settings() -> dict:
    """The read-only connection's DuckDB settings, from the environment; a doubtful value stops with its name."""
    memory = os.environ.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_MEMORY_LIMIT
    threads_text = os.environ.get(THREADS_ENV, "").strip()
    if threads_text and not (threads_text.isdigit() and int(threads_text) >= 1):
        raise ValueError(f"{THREADS_ENV}={threads_text!r}: give a whole number of threads, 1 or more")
    threads = int(threads_text) if threads_text else (os.cpu_count() or 1)
    spill = Path(tempfile.gettempdir()) / f"progression-duckdb-{os.getpid()}"
    return {"memory_limit": memory, "threads": threads, "temp_directory": str(spill)}


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    # Set after connecting, not as connect(config=...): DuckDB refuses a second connection to the same file
    # in this process "with a different configuration", and the settings belong to the whole database instance.
    settings = duckdb_settings()
    con = connect_read_only(path)
    try:
        con.execute(f"set threads = {int(settings['threads'])}")
        con.execute("set memory_limit = ?", [settings["memory_limit"]])
        con.execute("set temp_directory = ?", [settings["temp_directory"]])
    except duckdb.Error as error:
        con.close()
        if "memory" in str(error).lower():
            raise ValueError(f"{MEMORY_LIMIT_ENV}={settings['memory_limit']!r}: not a DuckDB memory size "
                             f"such as 1GB or 512MB ({error})") from None
        raise
    return con


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
                _close(holder["con"])
                holder["con"] = None
            holder["con"] = _open(path)
            holder["stamp"], holder["path"] = stamp, path
            folder = kept_folder(path, stamp)
            keep_results(holder["con"], folder)
            remove_other_folders(folder)
            if os.environ.get(WARM_ENV, "1").strip() != "0":
                thread = threading.Thread(target=warm, args=(holder["con"], stamp, path),
                                          name="progression-warm-cache", daemon=True)
                _warming.add(thread)
                thread.start()
        return holder["con"], holder["stamp"]


def kept_folder(path: Path, stamp: tuple[int, int]) -> Path:
    """Where the server keeps whole-organisation results for this state of the database (warehouse/kept.py): one
    folder per file and stamp, private to this user, shared by every worker process serving that file."""
    database = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"progression-kept-{os.getuid()}" / database / f"{stamp[0]}-{stamp[1]}"


def _close(con: duckdb.DuckDBPyConnection) -> None:
    # DuckDB refuses to close a connection while another thread is in a call on it (making its cursor):
    # that lasts a moment, so wait for it, boundedly.
    for _ in range(500):
        try:
            con.close()
            return
        except duckdb.ResourceInUseException:
            time.sleep(0.01)
    con.close()


def _stop_warming() -> None:
    # At exit, let a warming thread finish its query rather than die inside DuckDB mid-query (which aborts).
    _warming_stop.set()
    for thread in list(_warming):
        thread.join(timeout=30)


atexit.register(_stop_warming)


def common_views(today: dt.date) -> list[tuple[str, tuple]]:
    """(query name, arguments) of what nearly everyone opens first, most used first: the sidebar's choices and
    the Overview with the default filters, for administrators and senior managers (they see everyone,
    so one entry serves them all); then the Overview's other two tabs."""
    found: list[tuple[str, tuple]] = [("is_demo_database", ())]
    everyone = Filters(as_of=today)
    for role in ("admin", "senior"):
        viewer = Viewer(None, role, None)
        found += [("filter_options", (viewer, None)), ("overview_figures", (viewer, everyone))]
    # The Overview's forward figures: for everyone, they make the kept readiness and gaps on those dates that
    # every manager's scope then reads (warehouse/kept.py).
    admin = Viewer(None, "admin", None)
    found += [(name, (admin, everyone, months))
              for months in queries.FORWARD_MONTHS for name in ("ready_by", "lapse_reasons")]
    found.append(("view_as_choices", (Viewer(None, "admin", None),)))
    for role in ("admin", "senior"):
        viewer = Viewer(None, role, None)
        found += [("readiness_trend", (viewer, everyone, 24)), ("blockers", (viewer, everyone))]
    return found


def warm(con: duckdb.DuckDBPyConnection, stamp: tuple[int, int], path: Path) -> int:
    """Fill the query cache with `common_views` for this database; returns how many were worked out.

    Runs in a background thread after each (re)open; a load that swaps the file meanwhile makes the rest
    pointless, so it stops as soon as the stamp moves on. Failures are logged, never raised.
    """
    done = 0
    for name, args in common_views(dt.date.today()):
        if database_stamp(path) != stamp or _warming_stop.is_set():
            break
        kwargs = (("limit", 10),) if name == "blockers" else ()
        try:
            _cached(con, stamp, str(path), name, args, kwargs)
            done += 1
        except Exception as error:  # a closed connection (a load came in) or anything else: never fatal
            _log.info("warming the query cache stopped at %s: %s", name, error)
            break
    _warming.discard(threading.current_thread())
    return done


def scope_key(value: Any) -> Any:
    """A Viewer as the cache sees it: only what the queries scope on (role, and staff_id below senior)."""
    if isinstance(value, Viewer):
        return Viewer(None, value.access_role, None if value.access_role in ("admin", "senior") else value.staff_id)
    return value


@st.cache_data(show_spinner=False, max_entries=4000)
def _cached(_con, stamp: tuple[int, int], path: str, name: str, args: tuple, kwargs: tuple) -> Any:
    # `_con` is left out of the key; the stamp and path stand for it. Only a cache miss reaches DuckDB, and
    # at most `query_slots()` of those at once in this process share its memory_limit.
    with _query_slots():
        return getattr(queries, name)(_con, *args, **dict(kwargs))


def query_slots() -> int:
    """How many queries this process lets DuckDB run at once (PROGRESSION_DUCKDB_QUERIES, default 2)."""
    text = os.environ.get(QUERIES_ENV, "").strip()
    if text and not (text.isdigit() and int(text) >= 1):
        raise ValueError(f"{QUERIES_ENV}={text!r}: give a whole number of queries at once, 1 or more")
    return int(text) if text else 2


_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def _query_slots() -> threading.BoundedSemaphore:
    # Ten managers' cold queries at once in one DuckDB instance ran it out of memory (512MB) where one at a
    # time needs under 128MB; the cores are busy with two anyway, so the others wait their turn instead.
    count = query_slots()
    with _slots_lock:
        return _slots.setdefault(count, threading.BoundedSemaphore(count))


def ask(function: Callable, *args, **kwargs) -> Any:
    """Call a `warehouse.queries` function through the shared connection, cached on the database's state.

    The key is (stamp, function name, the viewer's scope, filters, other arguments), so a load invalidates it.
    Queries scope on the viewer's role and staff_id only (`queries._parameters`), so the function is called
    with the scope (`scope_key`): two administrators share one entry.
    """
    if getattr(queries, function.__name__, None) is not function:
        raise ValueError(f"{function!r} is not a warehouse.queries function")
    for attempt in (1, 2):
        con, stamp = connection()
        try:
            return _cached(con, stamp, str(database_path()), function.__name__, tuple(map(scope_key, args)),
                           tuple(sorted((key, scope_key(value)) for key, value in kwargs.items())))
        except duckdb.ConnectionException:
            # Another session swapped the connection between our lookup and the query: reopen once.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
