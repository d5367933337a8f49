"""The strongest peer: the readiness rules of docs/rules.md written as a skilled analyst would in Polars.

The tables are read into Polars DataFrames (`read_tables`), then one lazy query plans the whole answer
(`readiness`): joins, filters, window expressions and group-bys, collected once, on every core Polars
is given. It must give exactly what `readiness_on(d)` gives for the columns bench.peer compares (checked
before it is timed); the framework's rules (evidence window, training condition, categories, mandatory
courses) are read from the rules tables like any other input.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from bench.peer import COMPARED, TABLES


def read_tables(con) -> dict[str, pl.DataFrame]:
    """Every table the rules need, as Polars DataFrames (through DuckDB's Arrow export)."""
    return {table: pl.from_arrow(con.sql(f"select * from {table}").to_arrow_table()) for table in TABLES}


def _add_months(date: pl.Expr, months: pl.Expr) -> pl.Expr:
    """date + months calendar months, the day clamped to the month's last day (as SQL's date + INTERVAL)."""
    return date.dt.offset_by(pl.format("{}mo", months.cast(pl.Int64)))


def readiness(tables: dict[str, pl.DataFrame], as_of: dt.date) -> pl.DataFrame:
    """One row per person in post on `as_of`, with staff_id and the columns of bench.peer.COMPARED."""
    return plan(tables, as_of).collect()


def plan(tables: dict[str, pl.DataFrame], as_of: dt.date) -> pl.LazyFrame:
    d = pl.lit(as_of, dtype=pl.Date)
    lazy = {name: frame.lazy() for name, frame in tables.items()}
    rules = lazy["framework_rules"]

    # Target level: the next level of the person's own role.
    levels = lazy["levels"].sort("role_code", "level_order").with_columns(
        target_level=pl.col("level").shift(-1).over("role_code"))

    # Who counts: in post on d.
    people = (
        lazy["staff"]
        .filter((pl.col("level_start_date") <= d) & (pl.col("left_on").is_null() | (pl.col("left_on") > d)))
        .join(lazy["roles"].select("role_code", "framework"), on="role_code")
        .join(levels.select("role_code", "level", "target_level"), on=["role_code", "level"])
        .join(rules, on="framework")
    )

    # Requirements: criteria sharing an any_of label are one, named after the first in document order.
    members = (
        lazy["criteria"]
        .join(lazy["roles"].select("role_code", "framework"), on="role_code")
        .join(lazy["framework_categories"], on=["framework", "category"])
        .with_columns(group=pl.coalesce("any_of", "criterion_id"), is_time_based=pl.col("min_months").is_not_null())
        .sort("role_code", "level", "group", "category_order", "number")
        .with_columns(requirement_id=pl.col("criterion_id").first().over("role_code", "level", "group"))
        .with_columns(is_all_time_based=pl.col("is_time_based").all().over("requirement_id"))
    )

    # Acting-up and secondment days in the current role before level_start_date, overlaps counted once.
    day_before = pl.col("level_start_date") - pl.duration(days=1)
    credit = (
        lazy["acting"]
        .join(people.select("staff_id", "role_code", "level_start_date"), on=["staff_id", "role_code"])
        .filter(pl.col("start_date") < pl.col("level_start_date"))
        .with_columns(end_date=pl.min_horizontal(pl.coalesce("end_date", day_before), day_before))
        .filter(pl.col("end_date") >= pl.col("start_date"))
        .sort("staff_id", "start_date", "end_date")
        .with_columns(previous_end=pl.col("end_date").cum_max().shift(1).over("staff_id"))
        .with_columns(island=(pl.col("previous_end").is_null() | (pl.col("start_date") > pl.col("previous_end")))
                      .cast(pl.Int32).cum_sum().over("staff_id"))
        .group_by("staff_id", "island")
        .agg(days=(pl.col("end_date").max() - pl.col("start_date").min()).dt.total_days() + 1)
        .group_by("staff_id")
        .agg(credited_days=pl.col("days").sum())
    )
    start = pl.col("effective_start_date")
    months = (as_of.year - start.dt.year().cast(pl.Int64)) * 12 + (as_of.month - start.dt.month().cast(pl.Int64))
    people = (
        people.join(credit, on="staff_id", how="left")
        .with_columns(effective_start_date=pl.col("level_start_date")
                      - pl.duration(days=pl.col("credited_days").fill_null(0)))
        .with_columns(calendar_months=months)
        .with_columns(tenure_months=pl.when(_add_months(start, pl.col("calendar_months")) <= d)
                      .then(pl.col("calendar_months")).otherwise(pl.col("calendar_months") - 1))
    )

    # Mandatory training up to date on d: every mandatory course of the person's framework (its list, or
    # every course of the mandatory list) current on d; after today, a record current today counts as renewed.
    courses = pl.concat([
        lazy["framework_mandatory_courses"].select("framework", "course")
        .join(rules.filter(pl.col("mandatory_courses_listed")).select("framework"), on="framework"),
        rules.filter(~pl.col("mandatory_courses_listed")).select("framework")
        .join(lazy["mandatory_courses"].select("course"), how="cross"),
    ])
    today = dt.date.today()
    expires = pl.col("expires_on")
    if as_of > today:
        current_today = (pl.col("completed_on") <= today) & (expires.is_null() | (expires > today))
        expires = pl.when(current_today).then(None).otherwise(expires)
    current_courses = (
        lazy["training"]
        .join(people.select("staff_id", "framework"), on="staff_id")
        .join(courses, on=["framework", "course"])
        .filter((pl.col("completed_on") <= d) & (expires.is_null() | (expires > d)))
        .group_by("staff_id")
        .agg(current_courses=pl.col("course").n_unique())
    )
    required = courses.group_by("framework").agg(required_courses=pl.len())
    people = (
        people.join(current_courses, on="staff_id", how="left")
        .join(required, on="framework", how="left")
        .with_columns(training_ok=pl.col("current_courses").fill_null(0) == pl.col("required_courses").fill_null(0))
    )

    # Evidence: approved evidence counts from its date until its date plus the framework's window.
    evidenced = (
        lazy["evidence"]
        .filter((pl.col("status") == "approved") & (pl.col("evidence_date") <= d))
        .join(lazy["criteria"].select("criterion_id", "role_code"), on="criterion_id")
        .join(lazy["roles"].select("role_code", "framework"), on="role_code")
        .join(rules.select("framework", "evidence_window_months"), on="framework")
        .filter(d < _add_months(pl.col("evidence_date"), pl.col("evidence_window_months")))
        .select("staff_id", "criterion_id")
        .unique()
        .with_columns(has_evidence=pl.lit(True))
    )

    # Each person's checklist: every criterion of their target level.
    timed = pl.col("is_time_based")
    reached = pl.col("tenure_date") <= d
    trained = pl.col("training_ok") | ~pl.col("time_criteria_need_training")
    checklist = (
        people.filter(pl.col("target_level").is_not_null())
        .join(members.select("role_code", "level", "criterion_id", "requirement_id", "min_months", "is_time_based",
                             "is_all_time_based"),
              left_on=["role_code", "target_level"], right_on=["role_code", "level"])
        .join(evidenced, on=["staff_id", "criterion_id"], how="left")
        .with_columns(tenure_date=pl.when(timed).then(_add_months(start, pl.col("min_months"))))
        .with_columns(
            is_met=pl.when(timed).then(reached & trained).otherwise(pl.col("has_evidence").fill_null(False)),
            is_waiting=timed & ~reached.fill_null(False) & trained,
        )
    )
    requirements = (
        checklist.group_by("staff_id", "requirement_id")
        .agg(is_met=pl.col("is_met").any(), all_waiting=pl.col("is_waiting").all(),
             all_time=pl.col("is_all_time_based").all(), ready_on_date=pl.col("tenure_date").min())
        .with_columns(is_waiting=~pl.col("is_met") & pl.col("all_waiting") & pl.col("all_time"))
        .with_columns(is_blocked=~pl.col("is_met") & ~pl.col("is_waiting"),
                      waiting_date=pl.when(pl.col("is_waiting")).then(pl.col("ready_on_date")))
    )
    per_person = requirements.group_by("staff_id").agg(
        requirements_total=pl.len(), requirements_met=pl.col("is_met").sum(),
        blocked=pl.col("is_blocked").sum(), ready_date=pl.col("waiting_date").max())

    total, met = pl.col("requirements_total"), pl.col("requirements_met")
    status = (pl.when(pl.col("target_level").is_null()).then(pl.lit("top_of_role"))
              .when(met == total).then(pl.lit("ready"))
              .when(pl.col("blocked") == 0).then(pl.lit("ready_on"))
              .otherwise(pl.lit("not_ready")))
    return (
        people.join(per_person, on="staff_id", how="left")
        .with_columns(pl.col("requirements_total", "requirements_met", "blocked").fill_null(0))
        .with_columns(status=status)
        .with_columns(ready_date=pl.when(pl.col("status") == "ready_on").then(pl.col("ready_date")))
        .select("staff_id", *COMPARED)
        .sort("staff_id")
    )
