"""Runs one load: read the file, validate every row, then write it in one transaction and log it.

Used by the command line, the Data page, the demo generator and the tests, so all of them take
the same path. A rejected file changes nothing but the one `load_log` row recording the rejection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from loaders import access, acting, evidence, framework, mandatory_courses, staff, training
from loaders.database import database_path, writing
from loaders.errors import LoadRejected, Problem, UnreadableFile
from loaders.reading import FileContents, read_into
from loaders.results import LoadContext, LoadResult, file_sha256
from loaders.validation import validate
from warehouse.build import build_warehouse

KINDS = {
    "framework": framework,
    "staff": staff,
    "evidence": evidence,
    "training": training,
    "acting": acting,
    "mandatory_courses": mandatory_courses,
    "access": access,
}
STAGED = "staged_rows"
# Loading any of these (that changes a row) makes the database real data: the demo flag (demo_marker) is deleted in the same
# transaction, for good, so "View as" and sign-in-free demo mode end with the first real file.
PERSONAL_DATA_KINDS = ("staff", "evidence", "training", "acting")
DEMO_CLEARED = "the demo flag is cleared: this database now holds real data (sign-in needed, no 'View as')"
Progress = Callable[[float, str], None]
# A file of these kinds changes rows of one person at a time, and each stored fact reading its table works a
# person's rows out from that person's rows alone (staff files are left out: a new person renumbers staff_key),
# so a load that changes few people refreshes only their rows of those facts. Past this share of the people
# in the staff list, one whole refresh costs less than deleting and inserting person by person.
PER_PERSON_KINDS = ("evidence", "training", "acting")
PER_PERSON_REFRESH_SHARE = 0.2


class ChangedPeople:
    """Whose rows of one loaded table a load changed: a fingerprint per person before the write, compared after."""

    def __init__(self, table: str):
        self.table = table
        self.con = None

    def _fingerprints(self) -> str:
        # One hash per row, combined per person; rows are unique by key, so a change to any row changes it.
        return f"select staff_id, bit_xor(hash(loaded)) as fingerprint from {self.table} as loaded group by staff_id"

    def before(self, con) -> None:
        self.con = con
        con.execute(f"create or replace temp table fingerprints_before as {self._fingerprints()}")

    def staff_ids(self) -> list[str] | None:
        """The people whose rows differ from before (None: too many for a refresh person by person)."""
        changed = [staff_id for (staff_id,) in self.con.execute(f"""
            select staff_id from ({self._fingerprints()}) as after
            full join fingerprints_before as before using (staff_id)
            where after.fingerprint is distinct from before.fingerprint""").fetchall()]
        people = self.con.execute("select count(*) from staff").fetchone()[0]
        return None if len(changed) > PER_PERSON_REFRESH_SHARE * people else changed


def _quiet(_fraction: float, _message: str) -> None:
    pass


def _read(con, kind: str, path: Path, table: str, today: dt.date) -> FileContents:
    # The spec does not depend on the file, so it can say which columns are dates before reading.
    spec = KINDS[kind].spec(table, LoadContext(path.name, path, today))
    date_columns = tuple(column.name for column in spec.columns if column.kind == "date")
    return read_into(con, path, table, outside_transaction=True, date_columns=date_columns)


def _read_ahead(con, kind: str, path: Path, table: str, today: dt.date) -> FileContents | UnreadableFile:
    """Stage one file before the load's transaction opens, keeping an unreadable file's error for later.

    Outside a transaction DuckDB's fast reader can read straight into the load's connection: a file it
    cannot parse fails that one statement, not the transaction (see reading.read_into).
    """
    try:
        return _read(con, kind, path, table, today)
    except UnreadableFile as error:
        return error


def _stage_and_validate(con, kind: str, path: Path, today: dt.date, progress: Progress,
                        table: str = STAGED, staged: FileContents | UnreadableFile | None = None,
                        ) -> tuple[LoadResult, LoadContext]:
    module = KINDS[kind]
    result = LoadResult(kind, path.name, file_sha256(path) if path.is_file() else None, "valid")
    context = LoadContext(path.name, path, today)
    progress(0.1, f"reading {path.name}")
    if isinstance(staged, UnreadableFile):
        raise staged
    contents = staged if staged is not None else _read(con, kind, path, table, today)
    if hasattr(module, "prepare"):
        module.prepare(con)
    result.rows = contents.row_count
    result.notes.extend(contents.notes)
    progress(0.4, f"checking {contents.row_count} rows of {path.name}")
    spec = module.spec(table, context)
    extra = sorted(set(contents.columns) - {column.name for column in spec.columns})
    if extra:
        result.notes.append(f"ignored columns: {', '.join(extra)}")
    problems, total = validate(con, spec, contents, table, path.name, today)
    if not problems:
        more, more_total = module.after_validation(con, table, context) if hasattr(module, "after_validation") else ([], 0)
        problems, total = more, more_total
    result.problems, result.problem_total = problems, total
    if problems:
        result.outcome = "rejected"
    return result, context


def load_files(kind: str, paths: list[Path | str], db: Path | str | None = None, *,
               today: dt.date | None = None, progress: Progress = _quiet) -> list[LoadResult]:
    """Validate every file, then write them all in one transaction; raise LoadRejected if any is bad.

    A file that cannot be read at all raises UnreadableFile; like a rejection, it writes nothing but
    its `rejected` row in the load log.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    today = today or dt.date.today()
    paths = [Path(path) for path in paths]
    if kind == "framework":
        paths = framework.pair_roles_files(paths)
    results: list[LoadResult] = []
    unreadable: UnreadableFile | None = None
    # A staff, evidence, training or acting file writes its own table (and the logs): only the stored facts
    # reading that table are worked out again. A framework or access file may touch anything: all of them.
    changed = {kind} if kind in PERSONAL_DATA_KINDS else None
    people = ChangedPeople(kind) if kind in PER_PERSON_KINDS else None
    with writing(database_path(db), changed=changed, staff_ids=people.staff_ids if people else None) as con:
        tables = [f"{STAGED}_{index}" for index in range(len(paths))]
        staged = []
        for index, (path, table) in enumerate(zip(paths, tables, strict=True)):
            progress(index / len(paths), f"reading {path.name}")
            staged.append(_read_ahead(con, kind, path, table, today))
        if people:
            people.before(con)
        con.execute("begin")
        try:
            for index, path in enumerate(paths):
                def step(fraction: float, message: str, index=index) -> None:
                    progress((index + fraction) / len(paths), message)

                try:
                    result, context = _stage_and_validate(con, kind, path, today, step, tables[index], staged[index])
                except UnreadableFile as error:
                    unreadable = error
                    result = _unreadable_result(kind, path, error)
                results.append(result)
                if result.outcome == "rejected":
                    break
                step(0.7, f"writing {path.name}")
                result.counts = KINDS[kind].write(con, tables[index], context)
                result.notes.extend(context.notes)
                result.outcome = "loaded" if result.counts.changed else "unchanged"
        except BaseException:
            con.execute("rollback")
            raise
        rejected = [result for result in results if result.outcome == "rejected"]
        if rejected:
            con.execute("rollback")
            con.execute("begin")
            results = rejected
        elif kind in PERSONAL_DATA_KINDS and any(result.outcome == "loaded" for result in results):
            # A load that changed nothing leaves the generated data as it was; any change makes it real data.
            _clear_demo_flag(con, results[-1])
        for result in results:
            _log(con, result)
        con.execute("commit")
    progress(1.0, "done")
    if unreadable is not None:
        raise unreadable
    if rejected:
        problems = [problem for result in rejected for problem in result.problems]
        raise LoadRejected(problems, sum(result.problem_total for result in rejected))
    return results


def _clear_demo_flag(con, result: LoadResult) -> None:
    if con.execute("delete from demo_marker").fetchone()[0]:
        result.notes.append(DEMO_CLEARED)


def _unreadable_result(kind: str, path: Path, error: UnreadableFile) -> LoadResult:
    """An unreadable file is a rejection too: the load log records it like any other."""
    rule = str(error).removeprefix(f"{path.name}: ")
    sha256 = file_sha256(path) if path.is_file() else None
    return LoadResult(kind, path.name, sha256, "rejected", problems=[Problem(path.name, None, None, None, rule)],
                      problem_total=1)


def _log(con, result: LoadResult) -> None:
    message = "; ".join(result.notes) or None
    if result.outcome == "rejected":
        message = "; ".join(str(problem) for problem in result.problems[:20])
        if result.problem_total > 20:
            message += f"; ... {result.problem_total} problems in all"
    con.execute(
        "insert into load_log (loaded_at, kind, file_name, file_sha256, rows_inserted, rows_updated, "
        "rows_unchanged, rows_removed, outcome, message) values (current_timestamp, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [result.kind, result.file_name, result.file_sha256, result.counts.inserted, result.counts.updated,
         result.counts.unchanged, result.counts.removed, result.outcome, message],
    )


@contextlib.contextmanager
def scratch_copy(db: Path | str | None):
    """A throw-away copy of the database, for checks that must not write to the live one."""
    source = database_path(db)
    with tempfile.TemporaryDirectory(prefix="progression-check-") as folder:
        copy = Path(folder) / "check.duckdb"
        if source.exists():
            shutil.copyfile(source, copy)
        con = duckdb.connect(str(copy))
        try:
            build_warehouse(con)
            yield con
        finally:
            con.close()


def check_files(kind: str, paths: list[Path | str], db: Path | str | None = None, *,
                today: dt.date | None = None, progress: Progress = _quiet) -> list[LoadResult]:
    """Validate without writing: the same checks as a load, against a copy of the database."""
    today = today or dt.date.today()
    paths = [Path(path) for path in paths]
    if kind == "framework":
        paths = framework.pair_roles_files(paths)
    results = []
    with scratch_copy(db) as con:
        for index, path in enumerate(paths):
            result, _context = _stage_and_validate(
                con, kind, path, today, lambda fraction, message, i=index: progress((i + fraction) / len(paths), message))
            results.append(result)
    return results
