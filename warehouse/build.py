"""Applies the schema migrations and (re)creates every view and table macro, in layer order.

One entry point, `build_warehouse(con)`, used by the loaders, the app and the tests; and `refresh_facts(con)`,
which every write runs before it commits: a model whose file says `create or replace table` is a stored fact
(dbt's "table" materialisation), worked out from the loaded rows once per write instead of once per question.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import duckdb

WAREHOUSE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = WAREHOUSE_DIR / "migrations"
# Staged inputs first, then intermediate facts, then the public interface that pages and analysts read.
LAYERS = ("staging", "intermediate", "marts")
# A stored fact's file: its comment lines, then `create or replace table <name> as <select>`.
STORED = re.compile(r"^(?:--[^\n]*\n)*create or replace table (\w+) as\b(.*)$", re.S | re.I)


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
    facts = stored_facts()
    tables = {name for (name,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
    views = {name for (name,) in con.execute(
        "select view_name from duckdb_views() where not internal and schema_name = 'main'").fetchall()}
    for path in model_files():
        # A model that changed between view and stored fact since this database was built: drop the old kind.
        if path.stem in facts and path.stem in views:
            con.execute(f"drop view {path.stem}")
        elif path.stem not in facts and path.stem in tables:
            con.execute(f"drop table {path.stem}")
        try:
            con.execute(path.read_text())
        except duckdb.Error as error:
            raise RuntimeError(f"{path.relative_to(WAREHOUSE_DIR)}: {error}") from error


def stored_facts() -> dict[str, str]:
    """Each stored fact's name and its select, in build order (they may read one another)."""
    facts = {}
    for path in model_files():
        match = STORED.match(path.read_text())
        if match:
            facts[match.group(1)] = match.group(2)
    return facts


def reads_transitively(start: set[str], tables: set[str] = frozenset()) -> set[str]:
    """The models named in `start` and every model (and table of `tables`) they read, directly or through other
    models: by name, in the SQL outside comments (a name that merely looks like one only adds it)."""
    texts = {path.stem: re.sub(r"--[^\n]*", "", path.read_text()) for path in model_files()}
    names = set(texts) | set(tables)
    seen, todo = set(start), list(start)
    while todo:
        current = todo.pop()
        for name in names:
            if name not in seen and name != current and re.search(rf"\b{name}\b", texts[current]):
                seen.add(name)
                if name in texts:
                    todo.append(name)
    return seen


def fact_inputs(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """The loaded tables each stored fact reads, directly or through other models (erring on the side of more)."""
    facts = stored_facts()
    tables = {name for (name,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()} - set(facts)
    return {fact: set(inputs) for fact, inputs in _fact_inputs(views_fingerprint(), frozenset(tables)).items()}


@functools.lru_cache(maxsize=8)
def _fact_inputs(fingerprint: str, tables: frozenset[str]) -> dict[str, frozenset[str]]:
    # Reading every model's text for every write cost a load of a small file more than its rows (0.12 s): the
    # answer depends only on the models (their fingerprint) and the tables, so a process works it out once.
    return {fact: frozenset(reads_transitively({fact}, set(tables)) & tables) for fact in stored_facts()}


def refresh_facts(con: duckdb.DuckDBPyConnection, changed: set[str] | None = None,
                  staff_ids: list[str] | None = None) -> list[str]:
    """Work the stored facts out again from the loaded rows; a write calls this after changing them.

    `changed`: the loaded tables the write changed, to refresh only the facts that read one of them (an
    evidence decision leaves the people in post alone); None refreshes every one. `staff_ids`: the write
    changed only these people's rows of `changed`, so only their rows of those facts are worked out again
    (each fact reading `evidence_events` has a row per piece of evidence, worked out from that person's
    rows alone). Returns the names refreshed.
    """
    inputs = fact_inputs(con) if changed is not None else {}
    refreshed = []
    for name, select in stored_facts().items():
        if changed is not None and not inputs[name] & set(changed):
            continue
        if staff_ids is None:
            con.execute(f"create or replace table {name} as {select}")
        else:
            con.execute(f"delete from {name} where staff_id in (select unnest($ids))", {"ids": staff_ids})
            con.execute(f"insert into {name} select * from ({select}) where staff_id in (select unnest($ids))",
                        {"ids": staff_ids})
        refreshed.append(name)
    return refreshed


def stale_facts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The stored facts whose rows differ from what their select gives now (none, after every write)."""
    stale = []
    for name, select in stored_facts().items():
        differs = con.execute(
            f"select exists (select * from {name} except all ({select})) "
            f"or exists (({select}) except all select * from {name})").fetchone()[0]
        if differs:
            stale.append(name)
    return stale


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
