"""Loads evidence against criteria and its sign-off, keyed by (staff_id, criterion_id, evidence_date).

A reload updates status, assessor, note and reference; it never duplicates. Evidence rows absent from a
later file are kept: the file adds to and corrects the record, it does not replace it.
"""

from __future__ import annotations

from loaders.results import Counts
from loaders.upsert import merge_rows
from loaders.validation import Column, Spec, row_check

STATUSES = ("approved", "submitted", "rejected")


def spec(table: str, context) -> Spec:
    columns = [
        Column("staff_id"),
        Column("criterion_id", key_sql='upper("criterion_id")'),
        Column("evidence_date", "date"),
        Column("status", "choice", choices=STATUSES),
        Column("assessor", not_empty=False),
        Column("note", required=False, not_empty=False),
        Column("evidence_ref", required=False, not_empty=False),
    ]
    checks = [
        row_check("staff_id", "unknown staff_id: load the staff file first", table,
                  "staff_id not in (select staff_id from staff)", "staff_id"),
        row_check("criterion_id", "unknown criterion_id (see the Framework page for the ids)", table,
                  "upper(criterion_id) not in (select upper(criterion_id) from criteria)", "criterion_id"),
        row_check("criterion_id", "this criterion is a minimum time at level; it is worked out from dates, not evidenced",
                  table, "upper(criterion_id) in (select upper(criterion_id) from criteria where min_months is not null)",
                  "criterion_id"),
        row_check("assessor", "an assessor is required once evidence is approved or rejected", table,
                  "assessor is null and lower(status) in ('approved', 'rejected')", "status"),
    ]
    return Spec("evidence", columns, key=("staff_id", "criterion_id", "evidence_date"), checks=checks)


def write(con, table: str, context) -> Counts:
    return merge_rows(
        con, "evidence",
        f"""select staff_id, criteria.criterion_id, evidence_date__parsed_date as evidence_date,
                   lower(status) as status, assessor, note, evidence_ref
            from {table} join criteria on upper(criteria.criterion_id) = upper({table}.criterion_id)""",
        key=["staff_id", "criterion_id", "evidence_date"],
        values=["status", "assessor", "note", "evidence_ref"],
    )
