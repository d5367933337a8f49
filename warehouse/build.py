"""Applies the schema migrations and (re)creates every view and table macro, in layer order.

One entry point, `build_warehouse(con)`, used by the loaders, the app and the tests.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

WAREHOUSE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = WAREHOUSE_DIR / "migrations"
# Staged inputs first, then intermediate facts, then the public interface that pages and analysts read.
LAYERS = ("staging", "intermediate", "marts")


def migration_files() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def model_files() -> list[Path]:
    """Every view/macro file, in the order they must be created (layers, then the order in `_order.txt`)."""
    files = []
    for layer in LAYERS:
        folder = WAREHOUSE_DIR / layer
        order_file = folder / "_order.txt"
        names = [line.strip() for line in order_file.read_text().splitlines() if line.strip()]
        listed = {name for name in names}
        present = {path.stem for path in folder.glob("*.sql")}
        if listed != present:
            raise RuntimeError(
                f"{order_file}: lists {sorted(listed - present)} without a file and "
                f"misses {sorted(present - listed)}"
            )
        files.extend(folder / f"{name}.sql" for name in names)
    return files


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations the database has not seen yet; returns the new version."""
    con.execute(
        "create table if not exists schema_version (version integer not null, applied_at timestamp not null)"
    )
    current = schema_version(con)
    for path in migration_files():
        version = int(path.name[:3])
        if version <= current:
            continue
        con.execute(path.read_text())
        con.execute("insert into schema_version values (?, current_timestamp)", [version])
        current = version
    return current


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    for path in model_files():
        try:
            con.execute(path.read_text())
        except duckdb.Error as error:
            raise RuntimeError(f"{path.relative_to(WAREHOUSE_DIR)}: {error}") from error


def views_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in model_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a database to the current schema and (re)create every view and macro that changed."""
    migrate(con)
    fingerprint = views_fingerprint()
    stored = con.execute("select max(sha256) from views_fingerprint").fetchone()[0]
    if stored == fingerprint:
        return
    create_views(con)
    con.execute("delete from views_fingerprint")
    con.execute("insert into views_fingerprint values (?, current_timestamp)", [fingerprint])


def latest_version() -> int:
    return max(int(path.name[:3]) for path in migration_files())
