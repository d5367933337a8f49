"""Loads mandatory (and other) training records, keyed by (staff_id, course, completed_on).

A course matching a mandatory course ignoring case is stored with the mandatory course's spelling,
so "gdpr and data protection" counts towards "GDPR and data protection".
"""

from __future__ import annotations

from loaders.results import Counts
from loaders.upsert import merge_rows
from loaders.validation import Column, Spec, row_check


def spec(table: str, context) -> Spec:
    columns = [
        Column("staff_id"),
        # Stored with the mandatory course's spelling, so "GDPR" and "gdpr" on one day are the same record.
        Column("course", key_sql='case when lower("course") in (select lower(course) from mandatory_courses) '
                                 'then lower("course") else "course" end'),
        Column("completed_on", "date"),
        Column("expires_on", "date", not_empty=False, future_allowed=True),
    ]
    checks = [
        row_check("staff_id", "unknown staff_id: load the staff file first", table,
                  "staff_id not in (select staff_id from staff)", "staff_id"),
        row_check("expires_on", "expires before it was completed", table,
                  "expires_on__parsed_date < completed_on__parsed_date", "expires_on"),
    ]
    return Spec("training", columns, key=("staff_id", "course", "completed_on"), checks=checks)


def write(con, table: str, context) -> Counts:
    return merge_rows(
        con, "training",
        f"""select staff_id,
                   coalesce((select min(course) from mandatory_courses
                             where lower(mandatory_courses.course) = lower({table}.course)), course) as course,
                   completed_on__parsed_date as completed_on, expires_on__parsed_date as expires_on
            from {table}""",
        key=["staff_id", "course", "completed_on"],
        values=["expires_on"],
    )
