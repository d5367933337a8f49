"""Set-based writes shared by the loaders: merge staged rows into a table by key, counting what changed."""

from __future__ import annotations

from loaders.results import Counts


def merge_rows(con, target: str, incoming_sql: str, key: list[str], values: list[str],
               parameters: list | None = None) -> Counts:
    """Insert new keys, update changed rows, leave identical rows alone; rows absent from the file stay."""
    columns = key + values
    listed = ", ".join(columns)
    if not con.execute(f"select exists (select 1 from {target})").fetchone()[0]:
        # A first load into an empty table: every row is new, and one plain insert straight from the
        # staged rows is several times cheaper than staging them again and merging.
        inserted = con.execute(
            f"insert into {target} ({listed}) select {listed} from ({incoming_sql})", parameters or []
        ).fetchone()[0]
        return Counts(inserted, 0, 0, 0)
    con.execute(f"create or replace temp table incoming as {incoming_sql}", parameters or [])
    on = " and ".join(f"target.{name} = incoming.{name}" for name in key)
    differs = (f"({', '.join('target.' + name for name in values)}) is distinct from "
               f"({', '.join('incoming.' + name for name in values)})")
    # One pass: the target's keys are unique (every load merges by key), so a left join finds each
    # incoming row's match, if any, exactly once.
    inserted, updated, unchanged = con.execute(f"""
        select
            count(*) filter (where target.{key[0]} is null),
            count(*) filter (where target.{key[0]} is not null and {differs}),
            count(*) filter (where target.{key[0]} is not null and not {differs})
        from incoming
        left join {target} as target on {on}
    """).fetchone()
    if inserted or updated:
        con.execute(f"""
            merge into {target} as target using incoming on ({on})
            when matched and {differs} then update set {', '.join(f'{name} = incoming.{name}' for name in values)}
            when not matched then insert ({listed}) values ({', '.join('incoming.' + name for name in columns)})
        """)
    return Counts(inserted, updated, unchanged, 0)


def replace_rows(con, target: str, incoming_sql: str, columns: list[str]) -> Counts:
    """Make `target` exactly the staged rows (for small configuration lists such as access)."""
    con.execute(f"create or replace temp table incoming as {incoming_sql}")
    listed = ", ".join(columns)
    inserted, unchanged = con.execute(f"""
        select count(*) filter (where ({listed}) not in (select ({listed}) from {target})),
               count(*) filter (where ({listed}) in (select ({listed}) from {target}))
        from incoming
    """).fetchone()
    removed = con.execute(
        f"select count(*) from {target} where ({listed}) not in (select ({listed}) from incoming)").fetchone()[0]
    if inserted or removed:
        con.execute(f"delete from {target}")
        con.execute(f"insert into {target} ({listed}) select {listed} from incoming")
    return Counts(inserted, 0, unchanged, removed)
