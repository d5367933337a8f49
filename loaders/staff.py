"""Loads the staff file: the whole current establishment, which replaces the staff list.

People missing from the file are kept as leavers (`left_on` = the load date) with their history;
someone who reappears is in post again. `role` may be a role_code or the exact role title.
"""

from __future__ import annotations

from loaders.results import Counts
from loaders.upsert import merge_rows
from loaders.validation import Check, Column, Spec, row_check

# Emails are compared by warehouse/staging/email_key.sql everywhere (loaders, sign-in, access): one rule.
EMAIL_NOT_ASCII = ("the email must be plain ASCII letters, digits and symbols (look-alike letters such as the "
                   "Kelvin sign or a dotted capital I are refused, so nobody can sign in as someone else)")

# A role given by code or by its exact title (case and surrounding spaces ignored).
RESOLVE_ROLE_MACRO = """
create or replace temp macro resolve_role(value) as coalesce(
    (select min(role_code) from roles where role_code = upper(trim(value))),
    (select min(role_code) from roles where lower(role_title) = lower(trim(value)))
)
"""


def spec(table: str, context) -> Spec:
    columns = [
        Column("staff_id"),
        Column("name"),
        Column("team"),
        Column("line_manager_id", not_empty=False),
        Column("role"),
        Column("level"),
        Column("level_start_date", "date"),
        Column("email", required=False, not_empty=False),
    ]
    checks = [
        row_check("role", "unknown role: give a role_code or the exact role title of a loaded framework", table,
                  "resolve_role(role) is null", "role"),
        Check("level", "the role has no such level",
              f"select source_row, level from {table} where resolve_role(role) is not null and not exists "
              f"(select 1 from levels where levels.role_code = resolve_role(role) and levels.level = {table}.level)"),
        row_check("line_manager_id", "line manager is not in this staff file", table,
                  f"line_manager_id is not null and line_manager_id not in (select staff_id from {table})",
                  "line_manager_id"),
        row_check("line_manager_id", "a person cannot be their own line manager", table,
                  "line_manager_id = staff_id", "line_manager_id"),
        row_check("email", "not an email address", table,
                  "email is not null and not regexp_full_match(email, '[^@\\s]+@[^@\\s]+\\.[^@\\s]+')", "email"),
        row_check("email", EMAIL_NOT_ASCII, table, "email is not null and email_key(email) is null", "email"),
        Check("email", "duplicate email: each person needs their own",
              f"select source_row, email from (select source_row, email, row_number() over "
              f"(partition by email_key(email) order by source_row) as occurrence from {table} where email is not null) "
              f"where occurrence > 1"),
    ]
    return Spec("staff", columns, key=("staff_id",), checks=checks)


def prepare(con) -> None:
    con.execute(RESOLVE_ROLE_MACRO)


def write(con, table: str, context) -> Counts:
    counts = merge_rows(
        con, "staff",
        f"""select staff_id, name, team, line_manager_id, resolve_role(role) as role_code, level,
                   level_start_date__parsed_date as level_start_date, email_key(email) as email,
                   null::date as left_on
            from {table}""",
        key=["staff_id"],
        values=["name", "team", "line_manager_id", "role_code", "level", "level_start_date", "email", "left_on"],
    )
    counts.removed = con.execute(
        f"select count(*) from staff where left_on is null and staff_id not in (select staff_id from {table})"
    ).fetchone()[0]
    con.execute(f"update staff set left_on = ? where left_on is null and staff_id not in (select staff_id from {table})",
                [context.today])
    return counts
