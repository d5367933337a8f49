"""Backups, restores and the right to erasure: the operations the person running the service needs.

Backups are DuckDB `EXPORT DATABASE` folders (Parquet plus schema.sql and load.sql) of the stored tables
only; views and macros are code and are rebuilt from `warehouse/` on restore, so a backup taken by an
older version restores into a newer one through the migrations.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from loaders import audit
from loaders.database import _fsync, database_path, writer_lock, writing
from loaders.errors import LoadError, UnreadableFile
from warehouse.build import build_warehouse, refresh_facts, stored_facts


def _drop_code(con: duckdb.DuckDBPyConnection) -> None:
    # Views and macros depend on each other in ways IMPORT DATABASE cannot order; they are rebuilt anyway.
    for (name,) in con.execute("select view_name from duckdb_views() where not internal and schema_name = 'main'").fetchall():
        con.execute(f'drop view if exists "{name}"')
    macros = con.execute(
        "select distinct function_name, function_type from duckdb_functions() "
        "where not internal and schema_name = 'main' and function_type in ('macro', 'table_macro')").fetchall()
    for name, kind in macros:
        con.execute(f'drop {"macro table" if kind == "table_macro" else "macro"} if exists "{name}"')
    # Stored facts are worked out from the tables, so a backup holds the tables alone.
    for name in stored_facts():
        con.execute(f'drop table if exists "{name}"')
    con.execute("delete from views_fingerprint")


def backup(folder: Path | str, db: Path | str | None = None) -> Path:
    """Export every stored table to `folder` (created; must be empty or absent)."""
    source = database_path(db)
    folder = Path(folder)
    if not source.exists():
        raise LoadError(f"{source}: no database to back up")
    if folder.exists() and any(folder.iterdir()):
        raise LoadError(f"{folder}: the backup folder must be empty")
    with writer_lock(source), tempfile.TemporaryDirectory(prefix="progression-backup-") as scratch:
        copy = Path(scratch) / "backup.duckdb"
        shutil.copyfile(source, copy)
        con = duckdb.connect(str(copy))
        try:
            build_warehouse(con)
            _drop_code(con)
            con.execute(f"export database {_quote(folder)} (format parquet)")
        finally:
            con.close()
    # The view log too (its own file beside the database), so a restore does not lose who saw what.
    audit.backup(folder, source)
    return folder


def restore(folder: Path | str, db: Path | str | None = None) -> str:
    """Replace the database with a backup, atomically; the load log records the restore.

    The view log comes back too, unless the live one already continues it (audit.restore); returns what
    happened to the view log, in words.
    """
    folder = Path(folder)
    target = database_path(db)
    if not (folder / "schema.sql").is_file() or not (folder / "load.sql").is_file():
        raise UnreadableFile(f"{folder}: not a backup folder (schema.sql and load.sql are missing)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(target):
        copy = target.with_name(f"{target.name}.{os.getpid()}-restore.tmp")
        copy.unlink(missing_ok=True)
        con = duckdb.connect(str(copy))
        try:
            con.execute("begin")
            con.execute(f"import database {_quote(folder)}")
            build_warehouse(con)
            refresh_facts(con)
            con.execute(
                "insert into load_log (loaded_at, kind, file_name, outcome, message) "
                "values (current_timestamp, 'restore', ?, 'loaded', 'database restored from a backup')",
                [folder.name])
            con.execute("commit")
            con.execute("checkpoint")
            con.close()
            _fsync(copy)
            os.replace(copy, target)
            return audit.restore(folder, target)
        except duckdb.Error as error:
            con.close()
            copy.unlink(missing_ok=True)
            raise UnreadableFile(f"{folder}: the backup could not be restored ({error})") from None
        except BaseException:
            con.close()
            copy.unlink(missing_ok=True)
            raise


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def anonymous_id(staff_id: str) -> str:
    # Made from the same digest the view log's chain records, so the log still verifies after erasure.
    return "ERASED-" + audit.staff_digest(staff_id)[:10].upper()


def erase(staff_id: str, db: Path | str | None = None) -> str:
    """Remove a person's personal data, keeping anonymous rows so past counts and trends still add up.

    Their staff_id becomes an anonymous id everywhere (staff, evidence, training, acting, line managers),
    name and email are removed, and evidence notes, references and assessors are cleared.
    """
    replacement = anonymous_id(staff_id)
    with writing(database_path(db)) as con:
        con.execute("begin")
        if not con.execute("select count(*) from staff where staff_id = ?", [staff_id]).fetchone()[0]:
            con.execute("rollback")
            raise LoadError(f"no staff member with staff_id {staff_id!r}")
        name, email = con.execute("select name, email from staff where staff_id = ?", [staff_id]).fetchone()
        # Their access row too: with their email gone it would otherwise look like an outside user's and grant.
        con.execute("delete from access where email_key(email) = email_key(?)", [email])
        con.execute("update staff set staff_id = ?, name = 'Erased person', email = null where staff_id = ?",
                    [replacement, staff_id])
        # Their name as the assessor of other people's evidence is their personal data too.
        con.execute("update evidence set assessor = 'Erased person' where assessor = ?", [name])
        con.execute("update staff set line_manager_id = ? where line_manager_id = ?", [replacement, staff_id])
        con.execute("update evidence set staff_id = ?, note = null, evidence_ref = null, assessor = null "
                    "where staff_id = ?", [replacement, staff_id])
        # Evidence submitted and signed off in the product: the same, as submitter and as assessor.
        con.execute("update evidence_events set assessor = 'Erased person', recorded_by = ?, recorded_by_email = null "
                    "where recorded_by = ? and status <> 'submitted'", [replacement, staff_id])
        con.execute("update evidence_events set staff_id = ?, note = null, evidence_ref = null, assessor = null, "
                    "recorded_by = case when recorded_by = ? then ? else recorded_by end, "
                    "recorded_by_email = case when recorded_by = ? then null else recorded_by_email end "
                    "where staff_id = ?", [replacement, staff_id, replacement, staff_id, staff_id])
        for table in ("training", "acting"):
            con.execute(f"update {table} set staff_id = ? where staff_id = ?", [replacement, staff_id])
        con.execute(
            "insert into load_log (loaded_at, kind, file_name, outcome, message) values "
            "(current_timestamp, 'erase', ?, 'loaded', 'personal data erased; anonymous records kept for counts')",
            [replacement])
        con.execute("commit")
    audit.anonymise(staff_id, replacement, db)
    return replacement
