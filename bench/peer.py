"""The peer: the readiness rules of docs/rules.md written the way an analyst would in pandas.

The framework's rules (evidence window, training condition, categories, mandatory courses) are read from
the rules tables like any other input.

Read the tables into DataFrames, then merge, filter and group by. No per-person Python loop: this is
the fair alternative a competent analyst would write, and the benchmark holds `readiness_on` to being
at least ten times faster than it. `readiness()` must give exactly what `readiness_on(d)` gives for
status, requirements_met, requirements_total, ready_date, tenure_months and training_ok; `compare()`
says where it does not.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

COMPARED = ["status", "requirements_met", "requirements_total", "ready_date", "tenure_months", "training_ok"]
DATE_COLUMNS = {"level_start_date", "left_on", "evidence_date", "completed_on", "expires_on", "start_date", "end_date"}
TABLES = ("staff", "roles", "levels", "criteria", "evidence", "training", "acting", "mandatory_courses",
          "framework_rules", "framework_categories", "framework_mandatory_courses")


def read_tables(con) -> dict[str, pd.DataFrame]:
    """Every table the rules need, as DataFrames (what `pd.read_sql` would give an analyst)."""
    frames = {}
    for table in TABLES:
        frame = con.execute(f"select * from {table}").df()
        for column in set(frame.columns) & DATE_COLUMNS:
            frame[column] = pd.to_datetime(frame[column])
        frames[table] = frame
    return frames


def add_months(start: pd.Series, months: pd.Series) -> pd.Series:
    """start + months calendar months, the day clamped to the month's last day (as SQL's date + INTERVAL)."""
    month_index = start.dt.year * 12 + (start.dt.month - 1) + months.astype("int64")
    year, month = month_index // 12, month_index % 12 + 1
    first = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    day = np.minimum(start.dt.day, first.dt.days_in_month)
    return first + pd.to_timedelta(day - 1, unit="D")


def readiness(tables: dict[str, pd.DataFrame], as_of: dt.date) -> pd.DataFrame:
    """One row per person in post on `as_of`, with the columns of COMPARED (and staff_id)."""
    d = pd.Timestamp(as_of)
    staff, roles, levels, criteria = tables["staff"], tables["roles"], tables["levels"], tables["criteria"]

    # Target level: the next level of the person's own role.
    levels = levels.sort_values(["role_code", "level_order"]).copy()
    levels["target_level"] = levels.groupby("role_code")["level"].shift(-1)

    # Who counts: in post on d.
    in_post = staff[(staff["level_start_date"] <= d) & (staff["left_on"].isna() | (staff["left_on"] > d))]
    people = in_post.merge(roles[["role_code", "framework"]], on="role_code").merge(
        levels[["role_code", "level", "target_level"]], on=["role_code", "level"]).merge(
        tables["framework_rules"], on="framework")

    # Requirements: criteria sharing an any_of label are one requirement, named after the first in document order.
    # Categories are ordered as the criterion's framework lists them (its rules file).
    members = criteria.merge(roles[["role_code", "framework"]], on="role_code").merge(
        tables["framework_categories"], on=["framework", "category"])
    members["group"] = members["any_of"].fillna(members["criterion_id"])
    members = members.sort_values(["role_code", "level", "group", "category_order", "number"])
    members["requirement_id"] = members.groupby(["role_code", "level", "group"])["criterion_id"].transform("first")
    members["is_time_based"] = members["min_months"].notna()
    members["is_all_time_based"] = members.groupby("requirement_id")["is_time_based"].transform("all")

    # Acting-up and secondment days in the current role before level_start_date, overlaps counted once.
    acting = tables["acting"].merge(people[["staff_id", "role_code", "level_start_date"]], on=["staff_id", "role_code"])
    acting = acting[acting["start_date"] < acting["level_start_date"]].copy()
    credit = pd.Series(0, index=pd.Index([], name="staff_id"), name="credited_days")
    if len(acting):
        day_before = acting["level_start_date"] - pd.Timedelta(days=1)
        end_date = acting["end_date"].fillna(day_before)
        acting["end_date"] = end_date.mask(end_date > day_before, day_before)
        acting = acting[acting["end_date"] >= acting["start_date"]].sort_values(["staff_id", "start_date", "end_date"])
        acting["previous_end"] = acting.groupby("staff_id")["end_date"].transform(lambda end: end.cummax().shift())
        acting["island"] = (acting["previous_end"].isna() | (acting["start_date"] > acting["previous_end"])).astype(int)
        acting["island"] = acting.groupby("staff_id")["island"].cumsum()
        islands = acting.groupby(["staff_id", "island"]).agg(start=("start_date", "min"), end=("end_date", "max"))
        credit = ((islands["end"] - islands["start"]).dt.days + 1).groupby("staff_id").sum().rename("credited_days")

    people = people.merge(credit, on="staff_id", how="left")
    people["effective_start_date"] = people["level_start_date"] - pd.to_timedelta(
        people["credited_days"].fillna(0), unit="D")
    start = people["effective_start_date"]
    months = (d.year - start.dt.year) * 12 + (d.month - start.dt.month)
    people["tenure_months"] = months.where(add_months(start, months) <= d, months - 1)

    # Mandatory training up to date on d: every mandatory course of the person's framework (its list, or every
    # course of the mandatory list when it lists none) has a record completed by d and not expired by d. For
    # a date after today, a record current today counts as renewed (the forecast assumption).
    rules = tables["framework_rules"]
    listed = tables["framework_mandatory_courses"][["framework", "course"]]
    unlisted = rules.loc[~rules["mandatory_courses_listed"], ["framework"]].merge(
        tables["mandatory_courses"][["course"]], how="cross")
    framework_courses = pd.concat([listed.merge(rules.loc[rules["mandatory_courses_listed"], ["framework"]]),
                                   unlisted])
    training = tables["training"].merge(people[["staff_id", "framework"]], on="staff_id").merge(
        framework_courses, on=["framework", "course"])
    today = pd.Timestamp(dt.date.today())
    expires = training["expires_on"]
    if d > today:
        current_today = (training["completed_on"] <= today) & (expires.isna() | (expires > today))
        expires = expires.mask(current_today)
    current = training[(training["completed_on"] <= d) & (expires.isna() | (expires > d))]
    courses = current.groupby("staff_id")["course"].nunique().rename("current_courses")
    people = people.merge(courses, on="staff_id", how="left").merge(
        framework_courses.groupby("framework").size().rename("required_courses"), on="framework", how="left")
    people["training_ok"] = people["current_courses"].fillna(0).astype(int) == people["required_courses"].fillna(0)

    # Each person's checklist: every criterion of their target level.
    checklist = people[people["target_level"].notna()].merge(
        members[["role_code", "level", "criterion_id", "requirement_id", "min_months", "is_time_based",
                 "is_all_time_based"]],
        left_on=["role_code", "target_level"], right_on=["role_code", "level"], suffixes=("", "_criterion"))

    # Evidence-based criteria: approved evidence counts from its date until its date plus the framework's
    # evidence window (calendar months).
    evidence = tables["evidence"]
    evidence = evidence[(evidence["status"] == "approved") & (evidence["evidence_date"] <= d)].merge(
        criteria[["criterion_id", "role_code"]], on="criterion_id").merge(
        roles[["role_code", "framework"]], on="role_code").merge(rules[["framework", "evidence_window_months"]])
    valid = evidence[d < add_months(evidence["evidence_date"], evidence["evidence_window_months"])]
    evidenced = valid[["staff_id", "criterion_id"]].drop_duplicates().assign(has_evidence=True)
    checklist = checklist.merge(evidenced, on=["staff_id", "criterion_id"], how="left")
    checklist["has_evidence"] = checklist["has_evidence"].astype("boolean").fillna(False).astype(bool)

    # Time-based criteria: tenure reached (effective start + min_months <= d) with training up to date.
    timed = checklist["is_time_based"]
    checklist["tenure_date"] = pd.NaT
    checklist.loc[timed, "tenure_date"] = add_months(
        checklist.loc[timed, "effective_start_date"], checklist.loc[timed, "min_months"])
    reached = checklist["tenure_date"] <= d
    trained = checklist["training_ok"] | ~checklist["time_criteria_need_training"]
    checklist["is_met"] = np.where(timed, reached & trained, checklist["has_evidence"])
    checklist["is_waiting"] = timed & ~reached & trained

    requirements = checklist.groupby(["staff_id", "requirement_id"]).agg(
        is_met=("is_met", "any"), all_waiting=("is_waiting", "all"), all_time=("is_all_time_based", "all"),
        ready_on_date=("tenure_date", "min"))
    requirements["is_waiting"] = ~requirements["is_met"] & requirements["all_waiting"] & requirements["all_time"]
    requirements["is_blocked"] = ~requirements["is_met"] & ~requirements["is_waiting"]
    requirements["waiting_date"] = requirements["ready_on_date"].where(requirements["is_waiting"])
    per_person = requirements.groupby("staff_id").agg(
        requirements_total=("is_met", "size"), requirements_met=("is_met", "sum"),
        blocked=("is_blocked", "sum"), ready_date=("waiting_date", "max"))

    people = people.merge(per_person, on="staff_id", how="left")
    for column in ("requirements_total", "requirements_met", "blocked"):
        people[column] = people[column].fillna(0).astype(int)
    people["status"] = np.select(
        [people["target_level"].isna(), people["requirements_met"] == people["requirements_total"],
         people["blocked"] == 0],
        ["top_of_role", "ready", "ready_on"], default="not_ready")
    people["ready_date"] = people["ready_date"].where(people["status"] == "ready_on")
    return people[["staff_id", *COMPARED]].sort_values("staff_id").reset_index(drop=True)


def readiness_from_sql(con, as_of: dt.date) -> pd.DataFrame:
    """The same columns from the warehouse's readiness_on(d)."""
    return con.execute(
        f"select staff_id, {', '.join(COMPARED)} from readiness_on(?) order by staff_id", [as_of]).df()


def compare(peer: pd.DataFrame, sql: pd.DataFrame) -> list[str]:
    """Differences between the peer's answer and readiness_on's, as readable lines (empty when identical)."""
    problems = []
    left, right = _normalise(peer), _normalise(sql)
    if list(left["staff_id"]) != list(right["staff_id"]):
        only_peer = sorted(set(left["staff_id"]) - set(right["staff_id"]))[:5]
        only_sql = sorted(set(right["staff_id"]) - set(left["staff_id"]))[:5]
        return [f"different people: {len(left)} vs {len(right)} rows; only in peer {only_peer}, only in SQL {only_sql}"]
    for column in COMPARED:
        differs = left[column] != right[column]
        if differs.any():
            first = left.index[differs][0]
            problems.append(f"{column}: {int(differs.sum())} people differ, e.g. {left.at[first, 'staff_id']}: "
                            f"peer {left.at[first, column]!r}, SQL {right.at[first, column]!r}")
    return problems


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values("staff_id").reset_index(drop=True).copy()
    frame["ready_date"] = pd.to_datetime(frame["ready_date"]).dt.strftime("%Y-%m-%d").fillna("")
    for column in ("requirements_met", "requirements_total", "tenure_months"):
        frame[column] = frame[column].astype("int64")
    frame["training_ok"] = frame["training_ok"].astype(bool)
    frame["status"] = frame["status"].astype(str)
    return frame
