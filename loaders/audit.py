"""The view log: who opened which person's record, and when (accountability under data protection law).

It lives in its own small DuckDB file beside the database (`progression.duckdb` -> `progression.audit.duckdb`)
because the dashboard reads the main file read-only and loads swap it; each write opens the audit file
briefly under a lock, so the dashboard, the loaders and erasure never hold it at the same time.
"""

from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path

import duckdb
import pandas as pd

from loaders.database import database_path

VIEW_LOG_DDL = """
create table if not exists view_log (
    viewed_at timestamp not null,
    viewer_email varchar,
    viewer_role varchar,
    staff_id varchar not null,
    page varchar not null,
)
"""


def audit_path(db: Path | str | None = None) -> Path:
    path = database_path(db)
    return path.with_name(path.stem + ".audit.duckdb")


@contextlib.contextmanager
def _audit_connection(db: Path | str | None, read_only: bool = False):
    path = audit_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if read_only and not path.exists():
                yield None
                return
            con = duckdb.connect(str(path))
            try:
                con.execute(VIEW_LOG_DDL)
                yield con
            finally:
                con.close()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record_view(viewer_email: str | None, viewer_role: str | None, staff_id: str, page: str,
                db: Path | str | None = None) -> None:
    with _audit_connection(db) as con:
        con.execute("insert into view_log values (current_timestamp, ?, ?, ?, ?)",
                    [viewer_email, viewer_role, staff_id, page])


def view_log(db: Path | str | None = None, limit: int = 500) -> pd.DataFrame:
    """The most recent views, newest first."""
    with _audit_connection(db, read_only=True) as con:
        if con is None:
            return pd.DataFrame(columns=["viewed_at", "viewer_email", "viewer_role", "staff_id", "page"])
        return con.execute("select * from view_log order by viewed_at desc limit ?", [limit]).df()


def anonymise(staff_id: str, replacement: str, db: Path | str | None = None) -> None:
    """Erasure: the person's id in the view log becomes their anonymous id."""
    with _audit_connection(db) as con:
        con.execute("update view_log set staff_id = ? where staff_id = ?", [replacement, staff_id])
