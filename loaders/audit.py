"""The view log: who saw whose personal data, and when (accountability under data protection law).

It lives in its own small DuckDB file beside the database (`progression.duckdb` -> `progression.audit.duckdb`)
because the dashboard reads the main file read-only and loads swap it; each write opens the audit file
briefly under a lock, so the dashboard, the loaders and erasure never hold it at the same time.

One row per view of personal data (a person's record, a team's members and heatmap, a blockers list,
succession candidates) and per download: the viewer and their role, the real signed-in identity behind
a "View as", the page, what was viewed, how many people, the page's filters and the time.

Append-only and tamper-evident: rows are numbered (`seq`) and each carries `row_hash`, the SHA-256 of the
previous row's hash followed by this row's canonical fields (`chain_hash`), so editing, deleting or
reordering any row breaks every link after it; `verify()` (`python -m loaders audit verify`) names the
first broken one. The chain covers a digest of the staff_id rather than the id itself, so erasure can
replace the id with the person's anonymous id without breaking the chain (verify checks that the anonymous
id belongs to the digest). Cutting rows off the end leaves a shorter valid chain: keep the head hash that
verify prints (and backups) to notice that.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from loaders.database import database_path

GENESIS = "0" * 64
VIEW_LOG_DDL = """
create table if not exists view_log (
    seq bigint not null,
    viewed_at timestamp not null,
    viewer_email varchar,
    viewer_role varchar,
    real_email varchar,
    real_role varchar,
    page varchar not null,
    action varchar not null,
    staff_id varchar,
    subject varchar,
    people bigint,
    filters varchar,
    staff_digest varchar,
    previous_hash varchar not null,
    row_hash varchar not null,
)
"""
# The fields the hash covers, in order (staff_id through its digest).
CHAINED = ("seq", "viewed_at", "viewer_email", "viewer_role", "real_email", "real_role", "page", "action",
           "staff_digest", "subject", "people", "filters")
SHOWN = ["viewed_at", "viewer_email", "viewer_role", "real_email", "real_role", "page", "action", "staff_id",
         "subject", "people", "filters"]
BACKUP_FILE = "view_log.parquet"


def audit_path(db: Path | str | None = None) -> Path:
    path = database_path(db)
    return path.with_name(path.stem + ".audit.duckdb")


def staff_digest(staff_id: str | None) -> str | None:
    """What the chain records of a staff_id; an erased person's anonymous id is made from it too."""
    return None if staff_id is None else hashlib.sha256(staff_id.encode()).hexdigest()


def chain_hash(previous_hash: str, row: dict) -> str:
    """SHA-256 over the previous row's hash and this row's canonical fields."""
    fields = [row[name].isoformat() if isinstance(row[name], dt.datetime) else row[name] for name in CHAINED]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


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
                _upgrade(con)
                yield con
            finally:
                con.close()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _upgrade(con) -> None:
    """Create the table; a log from before the chain (no row_hash) is sealed into it once, oldest first."""
    columns = {row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_name = 'view_log'").fetchall()}
    if columns and "row_hash" not in columns:
        old = con.execute("select viewed_at, viewer_email, viewer_role, staff_id, page from view_log "
                          "order by viewed_at, staff_id").fetchall()
        con.execute("begin")
        con.execute("alter table view_log rename to view_log_before_chain")
        con.execute(VIEW_LOG_DDL)
        previous = GENESIS
        for seq, (viewed_at, email, role, staff_id, page) in enumerate(old, start=1):
            previous = _insert(con, seq, previous, viewed_at, {
                "viewer_email": email, "viewer_role": role, "real_email": email, "real_role": role, "page": page,
                "action": "view", "staff_id": staff_id, "subject": None, "people": 1, "filters": None})
        con.execute("drop table view_log_before_chain")
        con.execute("commit")
    else:
        con.execute(VIEW_LOG_DDL)


def _insert(con, seq: int, previous: str, viewed_at: dt.datetime, entry: dict) -> str:
    row = {"seq": seq, "viewed_at": viewed_at, **entry, "staff_digest": staff_digest(entry.get("staff_id"))}
    row["previous_hash"] = previous
    row["row_hash"] = chain_hash(previous, row)
    names = ["seq", "viewed_at", "viewer_email", "viewer_role", "real_email", "real_role", "page", "action",
             "staff_id", "subject", "people", "filters", "staff_digest", "previous_hash", "row_hash"]
    con.execute(f"insert into view_log ({', '.join(names)}) values ({', '.join('?' * len(names))})",
                [row[name] for name in names])
    return row["row_hash"]


def record(page: str, action: str = "view", *, viewer_email: str | None, viewer_role: str | None,
           real_email: str | None = None, real_role: str | None = None, staff_id: str | None = None,
           subject: str | None = None, people: int | None = None, filters: dict | None = None,
           db: Path | str | None = None) -> None:
    """Append one row to the view log, chained to the last one."""
    entry = {"viewer_email": viewer_email, "viewer_role": viewer_role,
             "real_email": real_email if real_email is not None else viewer_email,
             "real_role": real_role if real_role is not None else viewer_role,
             "page": page, "action": action, "staff_id": staff_id, "subject": subject,
             "people": None if people is None else int(people),
             "filters": json.dumps(filters, sort_keys=True, ensure_ascii=False) if filters else None}
    with _audit_connection(db) as con:
        con.execute("begin")
        last = con.execute("select seq, row_hash from view_log order by seq desc limit 1").fetchone()
        seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
        # Microseconds, as DuckDB keeps them, so the hash recomputed from the stored row is the same.
        _insert(con, seq, previous, dt.datetime.now(), entry)
        con.execute("commit")


def record_view(viewer_email: str | None, viewer_role: str | None, staff_id: str, page: str,
                db: Path | str | None = None) -> None:
    """One opening of a person's record (kept for callers from before the chain)."""
    record(page, viewer_email=viewer_email, viewer_role=viewer_role, staff_id=staff_id, people=1, db=db)


def view_log(db: Path | str | None = None, limit: int = 500, *, who: str = "", staff_id: str = "",
             page: str = "", since: dt.date | None = None, until: dt.date | None = None) -> pd.DataFrame:
    """The most recent views, newest first; `who` matches part of the viewer's or the real identity's email."""
    with _audit_connection(db, read_only=True) as con:
        if con is None:
            return pd.DataFrame(columns=SHOWN)
        return con.execute(f"""
            select {', '.join(SHOWN)} from view_log
            where ($who = '' or contains(lower(coalesce(viewer_email, '')), lower($who))
                   or contains(lower(coalesce(real_email, '')), lower($who)))
              and ($staff_id = '' or staff_id = $staff_id)
              and ($page = '' or page = $page)
              and ($since::date is null or viewed_at >= $since::date)
              and ($until::date is null or viewed_at < $until::date + interval 1 day)
            order by seq desc limit $limit
        """, {"who": who or "", "staff_id": staff_id or "", "page": page or "", "since": since,
              "until": until, "limit": limit}).df()


@dataclass(frozen=True)
class Verdict:
    rows: int
    head_hash: str
    broken_at: int | None = None  # the seq of the first row that does not check out
    problem: str = ""

    @property
    def is_intact(self) -> bool:
        return self.broken_at is None

    def __str__(self) -> str:
        if self.is_intact:
            return f"view log intact: {self.rows} row(s), head hash {self.head_hash}"
        return f"view log BROKEN at row {self.broken_at}: {self.problem} (rows after it cannot be trusted either)"


def verify(db: Path | str | None = None) -> Verdict:
    """Walk the chain from the first row; the first row whose number, link, hash or staff id does not check out."""
    with _audit_connection(db, read_only=True) as con:
        if con is None:
            return Verdict(0, GENESIS)
        cursor = con.execute("select * from view_log order by seq")
        names = [column[0] for column in cursor.description]
        previous, expected, count = GENESIS, 1, 0
        while batch := cursor.fetchmany(10_000):
            for values in batch:
                row = dict(zip(names, values, strict=True))
                problem = _check(row, expected, previous)
                if problem:
                    return Verdict(count, previous, expected, problem)
                previous, expected, count = row["row_hash"], expected + 1, count + 1
        return Verdict(count, previous)


def _check(row: dict, expected: int, previous: str) -> str:
    if row["seq"] != expected:
        return f"row {expected} is missing (found {row['seq']} next): rows were deleted or renumbered"
    if row["previous_hash"] != previous:
        return "it does not link to the row before it: a row before it was deleted, added or changed"
    if chain_hash(previous, row) != row["row_hash"]:
        return "its contents do not match its hash: the row was changed"
    staff_id, digest = row["staff_id"], row["staff_digest"]
    if staff_id is None and digest is not None:
        return "its person was removed"
    if staff_id is not None:
        erased = staff_id.startswith("ERASED-") and digest and staff_id == "ERASED-" + digest[:10].upper()
        if not erased and staff_digest(staff_id) != digest:
            return "its person was changed"
    return ""


def anonymise(staff_id: str, replacement: str, db: Path | str | None = None) -> None:
    """Erasure: the person's id in the view log becomes their anonymous id (the chain covers only its digest)."""
    with _audit_connection(db) as con:
        con.execute("update view_log set staff_id = ? where staff_id = ?", [replacement, staff_id])


def backup(folder: Path, db: Path | str | None = None) -> Path | None:
    """Write the view log into a backup folder as Parquet (None when there is no log yet)."""
    with _audit_connection(db, read_only=True) as con:
        if con is None:
            return None
        target = Path(folder) / BACKUP_FILE
        con.execute(f"copy (select * from view_log order by seq) to '{_quoted(target)}' (format parquet)")
        return target


def restore(folder: Path, db: Path | str | None = None) -> str:
    """Bring back the view log of a backup, never losing newer rows; returns what was done, in words.

    The live log is kept when it continues the backup's chain (it holds every row the backup has, and more).
    Otherwise (no live log, or one that does not contain the backup's chain) the backup's log is restored and
    any live log is kept aside beside it, renamed, for whoever investigates.
    """
    source = Path(folder) / BACKUP_FILE
    if not source.is_file():
        return "the backup holds no view log; the live view log is unchanged"
    path = audit_path(db)
    with _audit_connection(db, read_only=True) as con:
        reader = duckdb.connect()
        try:
            backup_head = reader.execute(
                f"select seq, row_hash from '{_quoted(source)}' order by seq desc limit 1").fetchone()
        finally:
            reader.close()
        if con is not None and backup_head is not None and con.execute(
                "select count(*) from view_log where seq = ? and row_hash = ?", list(backup_head)).fetchone()[0]:
            return "the live view log already continues the backup's; it is unchanged"
        if con is not None and backup_head is None:
            return "the backup's view log is empty; the live view log is unchanged"
    with open(path.with_name(path.name + ".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            staging = path.with_name(f"{path.name}.{os.getpid()}-restore.tmp")
            staging.unlink(missing_ok=True)
            con = duckdb.connect(str(staging))
            try:
                con.execute(VIEW_LOG_DDL)
                con.execute(f"insert into view_log select * from '{_quoted(source)}' order by seq")
            finally:
                con.close()
            kept = ""
            if path.exists():
                aside = path.with_name(f"{path.stem}.replaced-{dt.datetime.now():%Y%m%d-%H%M%S}.duckdb")
                os.replace(path, aside)
                kept = f"; the live view log, which did not continue it, is kept as {aside.name}"
            os.replace(staging, path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return "the view log was restored from the backup" + kept


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
