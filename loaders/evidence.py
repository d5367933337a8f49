"""Loads evidence against criteria and its sign-off, keyed by (staff_id, criterion_id, evidence_date).

A reload updates status, assessor, note and reference; it never duplicates. Evidence rows absent from a
later file are kept: the file adds to and corrects the record, it does not replace it.
"""

from __future__ import annotations

from loaders.evidence_events import unescape_formula_sql
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
    # A cell our own export escaped against spreadsheet formulas ('=...) is read back as it was (=...).
    text = {name: unescape_formula_sql(name) for name in ("assessor", "note", "evidence_ref")}
    counts = merge_rows(
        con, "evidence",
        f"""select staff_id, criteria.criterion_id, evidence_date__parsed_date as evidence_date,
                   lower(status) as status, {text["assessor"]} as assessor, {text["note"]} as note,
                   {text["evidence_ref"]} as evidence_ref
            from {table} join criteria on upper(criteria.criterion_id) = upper({table}.criterion_id)""",
        key=["staff_id", "criterion_id", "evidence_date"],
        values=["status", "assessor", "note", "evidence_ref"],
    )
    _report_conflicts(con, table, context)
    return counts


def _report_conflicts(con, table: str, context) -> None:
    """Rows of this file that would reverse a decision made in the product: the decision stands (stg_evidence's
    rule), and each is reported here and listed on the Data page (evidence_conflicts) for the administrator."""
    conflicts = con.execute(f"""
        select conflicts.staff_id, conflicts.criterion_id, conflicts.evidence_date, conflicts.file_status,
               conflicts.product_status, conflicts.product_assessor
        from evidence_conflicts as conflicts
        semi join (select staff_id, upper(criterion_id) as criterion_id, evidence_date__parsed_date as evidence_date
                   from {table}) as file_rows
            on file_rows.staff_id = conflicts.staff_id and file_rows.criterion_id = upper(conflicts.criterion_id)
            and file_rows.evidence_date = conflicts.evidence_date
        order by all
    """).fetchall()
    if not conflicts:
        return
    examples = "; ".join(f"{staff_id} {criterion_id} {evidence_date}: the file says {file_status}, "
                         f"{assessor or 'the product'} {product_status} it in the product"
                         for staff_id, criterion_id, evidence_date, file_status, product_status, assessor
                         in conflicts[:5])
    more = f" (and {len(conflicts) - 5} more)" if len(conflicts) > 5 else ""
    context.notes.append(f"CONFLICT: {len(conflicts)} row(s) would reverse a decision made in the product; the "
                         f"product's decision stands and the Data page lists them under 'Evidence conflicts': "
                         f"{examples}{more}")
