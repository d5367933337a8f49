"""Whole-organisation results a server process keeps, so every viewer's scoped question reads one copy.

`readiness_on(d)` and `gaps_on(d)` work out everyone before a question keeps the viewer's scope (about 0.4 and
0.6 CPU s at 100,000 staff). Thirty managers opening the Overview at once each paid that on three dates, which
two cores cannot do in time (docs/benchmarks.md, issue 21). So the dashboard's connection attaches an in-memory
database `kept` (`keep_results`), and `kept_sql` rewrites each `readiness_on($p)` or `gaps_on($p)` in a question
to a table holding that mart's rows on that date for everyone, made the first time anyone asks for the date (one
thread makes it while the others wait) and then read by every viewer's scope.

Why this repeats no rule: the table is the mart's own output for the same argument, made by the mart itself.
Why it is never stale: it belongs to the connection, and a load swaps the database file, which makes the
dashboard open a new connection (dashboard/connection.py). At most `KEEP_TABLES` are kept; the least recently
used one that no running question reads is dropped first. Without `keep_results` (the tests, the loaders, the
benchmarks of the SQL) questions run the macros themselves, and the test suite checks both ways agree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterator

import duckdb
import pandas as pd

KEPT_MARTS = ("readiness_on", "gaps_on", "evidence_waiting_on")
KEEP_TABLES = 16
CHECKPOINT_ATTEMPTS = 20
_log = logging.getLogger(__name__)
# A mart called with one named parameter, as the questions in warehouse/queries.py write it: readiness_on($as_of).
_CALL = re.compile(r"\b(" + "|".join(KEPT_MARTS) + r")\(\$(\w+)\)")


class _Kept:
    """What one connection keeps: table name -> readers now, least recently used first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.readers: OrderedDict[str, int] = OrderedDict()
        self.making = threading.Lock()


_connections: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, _Kept] = weakref.WeakKeyDictionary()
_connections_lock = threading.Lock()


def keep_results(con: duckdb.DuckDBPyConnection) -> None:
    """Let questions on `con` (a read-only connection) keep whole-organisation results in memory."""
    # Compressed: three dates of readiness at 100,000 staff take 8 MB instead of 73 MB.
    con.execute("attach if not exists ':memory:' as kept (read_only false, compress)")
    with _connections_lock:
        _connections.setdefault(con, _Kept())


def kept_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables `con` keeps now, least recently used first (empty when it keeps none)."""
    state = _connections.get(con)
    if state is None:
        return []
    with state.lock:
        return list(state.readers)


def _date(value) -> dt.date | None:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _make(con: duckdb.DuckDBPyConnection, state: _Kept, mart: str, on: dt.date) -> str:
    """The kept table of `mart(on)`, made now if it is not there, and counted as read until `_release`."""
    name = f"{mart}_{on:%Y%m%d}"
    with state.lock:
        if name in state.readers:
            state.readers[name] += 1
            state.readers.move_to_end(name)
            return name
    # One table made at a time per connection: the others asking for it wait here, then find it made; and the
    # checkpoint below (which compresses it) must not meet another table half-written.
    with state.making:
        with state.lock:
            if name in state.readers:
                state.readers[name] += 1
                state.readers.move_to_end(name)
                return name
        cursor = con.cursor()
        try:
            _make_table(cursor, name, mart, on)
        finally:
            cursor.close()
        with state.lock:
            state.readers[name] = 1
            _evict(con, state)
    return name


def _make_table(cursor: duckdb.DuckDBPyConnection, name: str, mart: str, on: dt.date) -> None:
    cursor.execute(f"create or replace table kept.{name} as select * from {mart}(?)", [on])
    # An in-memory table is compressed only at a checkpoint: gaps on one date at 100,000 staff take 12 MB
    # after it and 200 MB before. DuckDB refuses one while another connection is writing (the Blockers page's
    # temporary table, for a moment), so try again briefly; if it never comes, the table stays uncompressed.
    for attempt in range(CHECKPOINT_ATTEMPTS):
        try:
            cursor.execute("checkpoint kept")
            return
        except duckdb.TransactionException:
            time.sleep(0.02 * (attempt + 1))
    _log.warning("kept table %s left uncompressed: other writes kept the checkpoint away", name)


def _evict(con: duckdb.DuckDBPyConnection, state: _Kept) -> None:
    # Called holding state.lock. A table some question is reading stays; it is dropped on a later call.
    idle = [name for name, readers in state.readers.items() if readers == 0]
    for name in idle[:max(0, len(state.readers) - KEEP_TABLES)]:
        del state.readers[name]
        cursor = con.cursor()
        try:
            cursor.execute(f"drop table if exists kept.{name}")
        finally:
            cursor.close()


def _release(state: _Kept, names: list[str]) -> None:
    with state.lock:
        for name in names:
            if name in state.readers:
                state.readers[name] -= 1


@contextlib.contextmanager
def kept_sql(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict) -> Iterator[str]:
    """`sql` with each `readiness_on($p)` / `gaps_on($p)` read from its kept table, while the block runs.

    Unchanged when `con` keeps nothing or the parameter is not a date (the macro then handles it)."""
    state = _connections.get(con)
    if state is None:
        yield sql
        return
    used: list[str] = []

    def kept_call(match: re.Match) -> str:
        mart, parameter = match.group(1), match.group(2)
        on = _date(parameters.get(parameter))
        if on is None:
            return match.group(0)
        used.append(_make(con, state, mart, on))
        return f"kept.{used[-1]}"

    try:
        yield _CALL.sub(kept_call, sql)
    finally:
        _release(state, used)
