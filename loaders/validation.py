"""The one validation path every loader shares: column specs checked set-wise in SQL.

A loader declares its columns (`Column`) and its own rules (`Check`: a query returning the
offending rows); `validate()` runs them all over the staged file and returns every problem found,
capped for display but counted in full.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from loaders.errors import Problem
from loaders.reading import FileContents, add_column, parsed_date

EARLIEST_DATE = dt.date(1950, 1, 1)
PROBLEMS_SHOWN = 200


@dataclass(frozen=True)
class Column:
    """One input column: its name, type and whether each row must fill it."""

    name: str
    kind: str = "text"  # text | date | integer | choice
    required: bool = True  # the header must have it
    not_empty: bool = True  # every row must give a value
    choices: tuple[str, ...] = ()
    future_allowed: bool = False
    minimum: int | None = None
    # How the loader stores a text key when that is not the text itself (e.g. 'upper("criterion_id")'),
    # so that rows the write would merge into one are caught as duplicate keys.
    key_sql: str | None = None

    def sql_value(self) -> str:
        """The expression that turns the staged text into the stored type."""
        quoted = f'"{self.name}"'
        if self.kind == "date":
            return parsed_date(self.name)
        if self.kind == "integer":
            return f"try_cast({quoted} as integer)"
        if self.kind == "choice":
            return f"lower({quoted})"
        return quoted


@dataclass(frozen=True)
class Check:
    """A rule of one loader: `sql` selects `source_row, value` of every row that breaks it."""

    column: str | None
    rule: str
    sql: str
    parameters: tuple = ()
    # A row check (a condition on one row of `table`, reporting `value`) is counted in one scan with the
    # other row checks, rather than in a query of its own: see row_check() and run_checks().
    table: str | None = None
    condition: str | None = None
    value: str | None = None


def row_check(column: str | None, rule: str, table: str, condition: str, value: str = "null",
              parameters: tuple = ()) -> Check:
    """A check that flags each row of `table` where `condition` holds, reporting `value`."""
    return Check(column, rule, f"select source_row, {value} from {table} where {condition}", parameters,
                 table, condition, value)


@dataclass
class Spec:
    kind: str
    columns: list[Column]
    key: tuple[str, ...] = ()
    checks: list[Check] = field(default_factory=list)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def header_problems(spec: Spec, contents: FileContents, file_name: str) -> list[Problem]:
    present = set(contents.columns)
    problems = []
    for column in spec.columns:
        if column.name in contents.duplicated:
            problems.append(Problem(file_name, 1, column.name, None,
                                    "this column appears more than once in the header: which one is meant?"))
        if column.required and column.name not in present:
            problems.append(
                Problem(file_name, 1, column.name, None,
                        f"required column is missing; the header has: {', '.join(contents.columns) or 'nothing'}")
            )
    return problems


def add_missing_optional_columns(con: duckdb.DuckDBPyConnection, spec: Spec, contents: FileContents, table: str) -> None:
    for column in spec.columns:
        if column.name not in contents.columns:
            add_column(con, table, column.name, is_date=column.kind == "date")
            contents.columns.append(column.name)


def column_checks(spec: Spec, table: str, today: dt.date) -> list[Check]:
    checks = []
    for column in spec.columns:
        quoted = f'"{column.name}"'
        if column.not_empty:
            checks.append(row_check(column.name, "a value is required", table, f"{quoted} is null"))
        if column.kind == "date":
            parsed = parsed_date(column.name)
            checks.append(row_check(column.name, "not a date: write YYYY-MM-DD or DD/MM/YYYY", table,
                                    f"{quoted} is not null and {parsed} is null", quoted))
            checks.append(row_check(column.name, "date before 1950", table, f"{parsed} < ?", quoted,
                                    (EARLIEST_DATE,)))
            if not column.future_allowed:
                checks.append(row_check(column.name, f"date in the future (today is {today.isoformat()})", table,
                                        f"{parsed} > ?", quoted, (today,)))
        elif column.kind == "integer":
            # Digits only: DuckDB's cast would round '3.5' and read '1e3', '0x10' and '1_000'.
            checks.append(row_check(column.name, "not a whole number", table,
                                    f"{quoted} is not null and (not regexp_full_match({quoted}, '[+-]?[0-9]+') "
                                    f"or try_cast({quoted} as integer) is null)", quoted))
            if column.minimum is not None:
                checks.append(row_check(column.name, f"must be at least {column.minimum}", table,
                                        f"try_cast({quoted} as integer) < ?", quoted, (column.minimum,)))
        elif column.kind == "choice":
            checks.append(row_check(column.name, f"must be one of: {', '.join(column.choices)}", table,
                                    f"{quoted} is not null and lower({quoted}) not in (select unnest(?))", quoted,
                                    (list(column.choices),)))
    if spec.key:
        key_columns = ", ".join(f'"{name}"' for name in spec.key)
        key_text = " || ' / ' || ".join(f'coalesce("{name}"::varchar, \'\')' for name in spec.key)
        key_values = ", ".join(_key_value(spec, name) for name in spec.key)
        checks.append(Check(
            spec.key[-1] if len(spec.key) == 1 else ", ".join(spec.key),
            "duplicate key: the same " + " + ".join(spec.key) + " appears on an earlier row",
            # Numbering every row by key is a sort of the whole file; the keys that occur twice are found
            # by a cheaper group by first (on the keys' hash: equal keys hash alike, and a collision only
            # brings rows into the exact numbering), and only their rows are numbered.
            f"select source_row, {key_text} from (select source_row, {key_columns}, "
            f"row_number() over (partition by {key_values} order by source_row) as occurrence from {table} "
            f"where hash({key_values}) in (select hash({key_values}) from {table} group by all having count(*) > 1)) "
            f"where occurrence > 1",
        ))
    return checks


def _key_value(spec: Spec, name: str) -> str:
    column = spec.column(name)
    if column.key_sql:
        return column.key_sql
    return column.sql_value() if column.kind in ("date", "choice") else f'"{name}"'


def _row_check_counts(con: duckdb.DuckDBPyConnection, checks: list[Check]) -> dict[int, int]:
    """How many rows each row check flags (by its position in `checks`), one scan per table for them all."""
    counts: dict[int, int] = {}
    for table in sorted({check.table for check in checks if check.condition is not None}):
        chosen = [(position, check) for position, check in enumerate(checks)
                  if check.table == table and check.condition is not None]
        # Conditions may contain "in (select unnest(?))": a filter clause takes no subquery, so each
        # condition becomes a 0/1 column first and is summed.
        flags = ", ".join(f"({check.condition})::integer as flag_{index}" for index, (_, check) in enumerate(chosen))
        sums = ", ".join(f"coalesce(sum(flag_{index}), 0)" for index in range(len(chosen)))
        parameters = [parameter for _, check in chosen for parameter in check.parameters]
        row = con.execute(f"select {sums} from (select {flags} from {table})", parameters).fetchone()
        counts.update({position: int(count) for (position, _), count in zip(chosen, row, strict=True)})
    return counts


def run_checks(con: duckdb.DuckDBPyConnection, checks: list[Check], file_name: str) -> tuple[list[Problem], int]:
    """Run every check; return up to PROBLEMS_SHOWN problems (in row order) and the full count."""
    problems: list[Problem] = []
    total = 0
    row_counts = _row_check_counts(con, checks)
    for position, check in enumerate(checks):
        count = row_counts.get(position)
        if count is None:
            count = con.execute(f"select count(*) from ({check.sql})", list(check.parameters)).fetchone()[0]
        if not count:
            continue
        total += count
        rows = con.execute(f"{check.sql} order by 1 limit {PROBLEMS_SHOWN}", list(check.parameters)).fetchall()
        problems.extend(
            Problem(file_name, row, check.column, None if value is None else str(value), check.rule)
            for row, value in rows
        )
    problems.sort(key=lambda problem: (problem.row or 0, problem.column or ""))
    return problems[:PROBLEMS_SHOWN], total


def validate(con: duckdb.DuckDBPyConnection, spec: Spec, contents: FileContents, table: str,
             file_name: str, today: dt.date) -> tuple[list[Problem], int]:
    """All problems of one staged file: header, then the generic column rules, then the loader's own."""
    problems = list(contents.problems) + header_problems(spec, contents, file_name)
    if any(problem.row == 1 for problem in problems):
        return problems, len(problems)  # without the right columns no row can be checked
    add_missing_optional_columns(con, spec, contents, table)
    if contents.row_count == 0:
        return [Problem(file_name, None, None, None, "the file has a header but no data rows")], 1
    found, total = run_checks(con, column_checks(spec, table, today) + spec.checks, file_name)
    return (problems + found)[:PROBLEMS_SHOWN], total + len(problems)
