"""Loads the access list: who is an administrator (HR, data owners) or a senior manager.

Managers and staff need no entry: their scope comes from the staff file's line-management tree.
Loading replaces the whole list.
"""

from __future__ import annotations

from loaders.results import Counts
from loaders.upsert import replace_rows
from loaders.validation import Check, Column, Spec

ACCESS_ROLES = ("admin", "senior")


def spec(table: str, context) -> Spec:
    columns = [Column("email", key_sql='lower("email")'), Column("role", "choice", choices=ACCESS_ROLES)]
    checks = [
        Check("email", "not an email address",
              f"select source_row, email from {table} where not regexp_full_match(email, '[^@\\s]+@[^@\\s]+\\.[^@\\s]+')"),
    ]
    return Spec("access", columns, key=("email",), checks=checks)


def write(con, table: str, context) -> Counts:
    return replace_rows(con, "access", f"select lower(email) as email, lower(role) as access_role from {table}",
                        ["email", "access_role"])
