"""The succession meeting pack, and the tables it shares with the Succession page."""

from __future__ import annotations

import pandas as pd

from dashboard import charts, settings_words
from dashboard.connection import ask
from dashboard.downloads import generated_at, workbook_bytes
from dashboard.filters import framework_label
from dashboard.viewer import describe as describe_viewer
from warehouse import queries
from warehouse.queries import Filters, Viewer

AT_RISK, COVERED, ENTRY_ROLE = "At risk", "Covered", "Entry role"
SHORTLIST_SIZE = 5  # candidates per role in the pack's shortlist, in bench order
DECISIONS = ("Decision", "Owner", "Action date")  # left empty for the meeting to fill in
FORECAST_QUESTION = ("A future date answers: who will be ready by then if they keep their mandatory training "
                     "current, with the evidence recorded today ageing as it will.")
BANDS = ("Ready now: every entry requirement of the role met today. Ready within 12 months: not ready today, ready "
         "on the forecast date. Ready in 1 to 2 years: at least half of the entry requirements met today. Longer "
         "term: at least a quarter met today. Below a quarter: not on the bench.")
RISK_RULE = ("At risk: a role with people in post, filled from roles below it, with fewer than 1 candidate ready "
             "now or fewer than 2 ready on the forecast date (12 months on). An entry role (no role feeds it) is "
             "recruited from outside and never at risk; its recruitment need is how many of its holders are ready "
             "to move up within 12 months.")


def _bench_count(counts: pd.Series, has_feeders: pd.Series) -> pd.Series:
    # A bench count means nothing for an entry role: blank, not 0.
    return counts.where(has_feeders).astype("Int64")


def risk_words(summary: pd.DataFrame) -> pd.Series:
    """'At risk', 'Covered' or 'Entry role' for each role of a succession summary."""
    return pd.Series([ENTRY_ROLE if not has_feeders else AT_RISK if at_risk else COVERED
                      for has_feeders, at_risk in zip(summary["has_feeders"], summary["at_risk"], strict=True)],
                     index=summary.index, dtype=object)


NAMES_LISTED = 10  # a role's people in post named in the roles table; the rest are on the People in post sheet


def incumbent_names(incumbents: pd.DataFrame) -> dict[str, str]:
    """Each role's people in post, by name, joined with '; ' (the first NAMES_LISTED, then how many more)."""
    names = {}
    for role, group in incumbents.groupby("role_code", sort=False):
        listed = "; ".join(group["name"].head(NAMES_LISTED))
        more = len(group) - NAMES_LISTED
        names[role] = listed + (f"; and {more} more (see People in post)" if more > 0 else "")
    return names


def roles_table(summary: pd.DataFrame, incumbents: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per role: in post (named, with `incumbents`), the bench, the forecast, risk and recruitment need."""
    forecast_date = summary["forecast_date"].iloc[0] if len(summary) else None
    forecast = f"Ready on {forecast_date:%d %b %Y}" if forecast_date is not None else "Ready within 12 months"
    table = pd.DataFrame({
        "Role": summary["role_title"],
        "Framework": summary["framework"].map(framework_label),
        "Range": summary["range"],
        "In post": summary["in_post"],
        "Ready now": _bench_count(summary["ready_now"], summary["has_feeders"]),
        forecast: _bench_count(summary["ready_within_12_months"], summary["has_feeders"]),
        "Ready now, lapsing by then": _bench_count(summary["lapsing_within_12_months"], summary["has_feeders"]),
        "Ready in 1 to 2 years": _bench_count(summary["ready_1_to_2_years"], summary["has_feeders"]),
        "Longer term": _bench_count(summary["longer_term"], summary["has_feeders"]),
        "Risk": risk_words(summary),
        "Recruitment need": summary["recruitment_need"],
    })
    if incumbents is not None:
        table.insert(4, "People in post", summary["role_code"].map(incumbent_names(incumbents)).fillna(""))
    return table


def candidates_table(candidates: pd.DataFrame) -> pd.DataFrame:
    """One row per role and candidate, in bench order, with their coverage of the role's entry requirements."""
    return pd.DataFrame({
        "Role": candidates["role_title"],
        "Name": candidates["name"],
        "Team": candidates["team"],
        "Bench": candidates["bench"].map(charts.BENCH_LABELS),
        "Entry requirements covered": candidates["coverage"].astype(float),
        "Covered": candidates["entry_requirements_met"].astype(str) + " of "
        + candidates["entry_requirements_total"].astype(str),
        "Still ready on the forecast date": candidates["is_ready_on_forecast_date"].map({True: "Yes", False: "No"}),
        "Current role": candidates["current_role_title"],
        "Range": candidates["current_range"],
        "Level": candidates["current_level"],
    })


def backfill_table(backfill: pd.DataFrame) -> pd.DataFrame:
    """Who backfills: each ready-now candidate, the role they would leave and that role's own bench."""
    return pd.DataFrame({
        "Name": backfill["name"],
        "Would leave": backfill["current_role_title"],
        "In post there": backfill["in_post"],
        "Its bench ready now": _bench_count(backfill["ready_now"], backfill["has_feeders"]),
        "Its bench ready within 12 months": _bench_count(backfill["ready_within_12_months"], backfill["has_feeders"]),
        "Its risk": risk_words(backfill),
        "Its recruitment need": backfill["recruitment_need"],
    })


def shortlist_table(candidates: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """At most SHORTLIST_SIZE candidates per role in bench order, with who would backfill them and empty
    columns for the meeting's decision, owner and action date."""
    top = candidates.groupby("role_code", sort=False).head(SHORTLIST_SIZE)
    leaving = summary.set_index("role_code")
    backfill = [
        "" if bench != "ready_now" or role not in leaving.index else
        (f"{leaving.at[role, 'role_title']}: entry role, recruitment need {leaving.at[role, 'recruitment_need']}"
         if not leaving.at[role, "has_feeders"] else
         f"{leaving.at[role, 'role_title']}: {leaving.at[role, 'ready_now']} ready now, "
         f"{leaving.at[role, 'ready_within_12_months']} within 12 months")
        for bench, role in zip(top["bench"], top["current_role_code"], strict=True)]
    table = candidates_table(top).drop(columns="Covered").reset_index(drop=True)
    table.insert(1, "Rank", top.groupby("role_code", sort=False).cumcount().to_numpy() + 1)
    table["Who backfills them"] = backfill
    for column in DECISIONS:
        table[column] = None
    return table


def forecast_assumption(filters: Filters) -> str:
    """What a future date assumes, with the evidence window of the frameworks in view (framework_settings)."""
    settings = ask(queries.framework_settings, filters.framework)
    return f"{FORECAST_QUESTION} {settings_words.forecast_assumption(settings)}"


def about(viewer: Viewer, filters: Filters, forecast_date=None) -> dict[str, object]:
    return {
        "As-of date": filters.as_of,
        "Forecast date": forecast_date if forecast_date is not None else "",
        "Forecast assumption": forecast_assumption(filters),
        "Bench": BANDS,
        "Risk": RISK_RULE,
        "Framework": framework_label(filters.framework),
        "Teams": ", ".join(filters.teams) or "All teams",
        "Ranges": ", ".join(str(value) for value in filters.ranges) or "All ranges",
        "Prepared for": describe_viewer(viewer),
        "Generated": generated_at(),
        "Note": "Personal data: keep within the succession meeting.",
    }


def meeting_pack(viewer: Viewer, filters: Filters) -> bytes:
    """The Excel workbook for a succession meeting: About, roles (at risk highlighted), people in post, a shortlist
    per role, every candidate, readiness by team and the top blockers."""
    summary = ask(queries.succession_summary, viewer, filters)
    candidates = ask(queries.succession_candidates, viewer, filters)
    incumbents = ask(queries.succession_incumbents, viewer, filters)
    by_team = ask(queries.status_counts, viewer, filters, "team")
    blockers = ask(queries.blockers, viewer, filters, limit=20)
    readiness = charts.teams_table(by_team)
    roles = roles_table(summary, incumbents)
    for column in DECISIONS:
        roles[column] = None
    people = pd.DataFrame({"Role": incumbents["role_title"], "Name": incumbents["name"], "Team": incumbents["team"],
                           "Level": incumbents["level"], "At this level since": incumbents["level_start_date"]})
    percent = {"Entry requirements covered": "0%"}
    forecast_date = pd.Timestamp(summary["forecast_date"].iloc[0]).date() if len(summary) else None
    return workbook_bytes(about(viewer, filters, forecast_date), {
        "Roles": roles,
        "People in post": people,
        "Shortlist": shortlist_table(candidates, summary),
        "Candidates": candidates_table(candidates).drop(columns="Covered"),
        "Readiness by team": readiness,
        "Top blockers": pd.DataFrame({"Requirement": blockers["requirement_id"], "Wording": blockers["criterion"],
                                      "People held back": blockers["people_blocked"],
                                      "Last thing left for": blockers["only_blocker"]}),
    }, formats={"Shortlist": {**percent, "Action date": "d mmm yyyy"}, "Candidates": percent,
                "Roles": {"Action date": "d mmm yyyy"}},
       highlight={"Roles": summary["at_risk"].tolist()})
