"""Builds a synthetic workforce of any size for the benchmark, with the demo's generator.

The demo (loaders/demo.py) and the benchmark share one generator, `generate_workforce`: the demo is its
150-person, named instance, written to files and loaded through the real loaders; here it makes
numbered people ('Person 0000123', never real), with about 2% leavers, and writes the rows straight
into the tables in one transaction through the atomic-swap writer (the loaders' per-row checks would
dominate the time at 100,000 staff). The shipped frameworks and mandatory courses go in through the
real loaders, so the schema, views and macros are the ones users get. The same seed and as-of date give
the same data.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pandas as pd

from loaders.database import ROOT, writing
from loaders.demo import (
    COLUMNS,
    NUMBERED,
    generate_workforce,
    is_criteria_file,
    mark_demo,
    only_frameworks,
    read_framework,
)
from loaders.load import load_files

FRAMEWORKS_FOLDER = ROOT / "data" / "frameworks"
MANDATORY_COURSES_FILE = ROOT / "data" / "mandatory_courses.csv"
DEFAULT_SEED = 7
TABLE_COLUMNS = {
    "staff": ("staff_id", "name", "team", "line_manager_id", "role_code", "level", "level_start_date", "email"),
    "evidence": COLUMNS["evidence"],
    "training": COLUMNS["training"],
    "acting": ("staff_id", "role_code", "start_date", "end_date", "kind"),
}


def framework_files() -> list[Path]:
    return sorted(path for path in FRAMEWORKS_FOLDER.glob("*.csv") if is_criteria_file(path))


def load_configuration(db: Path, as_of: dt.date) -> None:
    """The shipped frameworks and mandatory courses, through the real loaders."""
    load_files("framework", framework_files(), db, today=as_of)
    load_files("mandatory_courses", [MANDATORY_COURSES_FILE], db, today=as_of)


def generate(db: Path | str, staff: int, *, seed: int = DEFAULT_SEED, as_of: dt.date | None = None,
             log=None, frameworks: list[str] | None = None) -> dict[str, int]:
    """Build a fresh database at `db` with `staff` people; returns the row count of each table."""
    if staff < 1:
        raise ValueError("--staff must be at least 1")
    as_of = as_of or dt.date.today()
    db = Path(db)
    for stale in (db, Path(str(db) + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    load_configuration(db, as_of)
    framework = only_frameworks(read_framework(db), frameworks)
    workforce = generate_workforce(framework, staff, seed=seed, as_of=as_of, style=NUMBERED)
    _say(log, started, "generated")
    frames = {kind: pd.DataFrame(rows, columns=TABLE_COLUMNS[kind]) for kind, rows in workforce.rows.items()}
    frames["staff"]["left_on"] = [person.left_on for person in workforce.people]
    with writing(db) as con:
        con.execute("begin")
        try:
            for kind, frame in frames.items():
                con.register("generated", frame)
                columns = ", ".join(frame.columns)
                con.execute(f"insert into {kind} ({columns}) select {columns} from generated")
                con.unregister("generated")
                _say(log, started, kind)
            con.execute("""
                insert into load_log (loaded_at, kind, file_name, rows_inserted, outcome, message)
                select current_timestamp, kind, 'bench generate', rows, 'loaded', 'synthetic benchmark data'
                from (values ('staff', (select count(*) from staff)), ('evidence', (select count(*) from evidence)),
                             ('training', (select count(*) from training)), ('acting', (select count(*) from acting)))
                     as counts(kind, rows)
            """)
            mark_demo(con, "bench generate")  # generated people only: shown without sign-in, like the demo
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        counts = {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("staff", "evidence", "training", "acting")
        }
    _say(log, started, "written")
    return counts


def _say(log, started: float, what: str) -> None:
    if log:
        log(f"  {time.perf_counter() - started:7.1f} s  {what}")
