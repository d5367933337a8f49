"""Loads the access list: who is an administrator (HR, data owners) or a senior manager.

Managers and staff need no entry: their scope comes from the staff file's line-management tree.
Loading replaces the whole list. A row grants nothing while its email belongs to a leaver or to someone not
in post today (warehouse/marts/access_status.sql); the Data page lists such rows for tidying.
"""

from __future__ import annotations

from loaders.results import Counts
from loaders.staff import EMAIL_NOT_ASCII
from loaders.upsert import replace_rows
from loaders.validation import Check, Column, Spec

ACCESS_ROLES = ("admin", "senior")


def spec(table: str, context) -> Spec:
    columns = [Column("email", key_sql='email_key("email")'), Column("role", "choice", choices=ACCESS_ROLES)]
    checks = [
        Check("email", "not an email address",
              f"select source_row, email from {table} where not regexp_full_match(email, '[^@\\s]+@[^@\\s]+\\.[^@\\s]+')"),
        Check("email", EMAIL_NOT_ASCII, f"select source_row, email from {table} where email_key(email) is null"),
    ]
    return Spec("access", columns, key=("email",), checks=checks)


def write(con, table: str, context) -> Counts:
    return replace_rows(con, "access", f"select email_key(email) as email, lower(role) as access_role from {table}",
                        ["email", "access_role"])
