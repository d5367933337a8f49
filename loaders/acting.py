"""Loads acting-up and secondment periods: time that counts as experience in the role acted in."""

from __future__ import annotations

from loaders.results import Counts
from loaders.staff import RESOLVE_ROLE_MACRO
from loaders.upsert import merge_rows
from loaders.validation import Column, Spec, row_check

KINDS = ("acting_up", "secondment")


def spec(table: str, context) -> Spec:
    columns = [
        Column("staff_id"),
        Column("role", key_sql='coalesce(resolve_role("role"), "role")'),  # a code and its title are one role
        Column("start_date", "date"),
        Column("end_date", "date", not_empty=False, future_allowed=True),
        Column("kind", "choice", choices=KINDS),
    ]
    checks = [
        row_check("staff_id", "unknown staff_id: load the staff file first", table,
                  "staff_id not in (select staff_id from staff)", "staff_id"),
        row_check("role", "unknown role: give a role_code or the exact role title of a loaded framework", table,
                  "resolve_role(role) is null", "role"),
        row_check("end_date", "end_date is before start_date", table,
                  "end_date__parsed_date < start_date__parsed_date", "end_date"),
    ]
    return Spec("acting", columns, key=("staff_id", "role", "start_date"), checks=checks)


def prepare(con) -> None:
    con.execute(RESOLVE_ROLE_MACRO)


def write(con, table: str, context) -> Counts:
    return merge_rows(
        con, "acting",
        f"""select staff_id, resolve_role(role) as role_code, start_date__parsed_date as start_date,
                   end_date__parsed_date as end_date, lower(kind) as kind
            from {table}""",
        key=["staff_id", "role_code", "start_date"],
        values=["end_date", "kind"],
    )
