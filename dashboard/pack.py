"""The succession meeting pack, and the tables it shares with the Succession page."""

from __future__ import annotations

import pandas as pd

from dashboard import charts
from dashboard.connection import ask
from dashboard.downloads import generated_at, workbook_bytes
from dashboard.filters import framework_label
from dashboard.viewer import describe as describe_viewer
from warehouse import queries
from warehouse.queries import Filters, Viewer

AT_RISK = "At risk"


def roles_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per role: in post, the bench, and whether it is at risk, in plain words."""
    return pd.DataFrame({
        "Role": summary["role_title"],
        "Framework": summary["framework"].map(framework_label),
        "Range": summary["range"],
        "In post": summary["incumbents"],
        "Ready now": summary["ready_now"],
        "Ready in 1 to 2 years": summary["ready_1_2_years"],
        "Longer term": summary["longer_term"],
        "Risk": summary["is_at_risk"].map({True: AT_RISK, False: "Covered"}),
    })


def candidates_table(candidates: pd.DataFrame) -> pd.DataFrame:
    """One row per role and candidate, with their coverage of the role's entry requirements."""
    return pd.DataFrame({
        "Role": candidates["role_title"],
        "Name": candidates["name"],
        "Team": candidates["team"],
        "Bench": candidates["bench"].map(charts.BENCH_LABELS),
        "Entry requirements covered": candidates["coverage"],
        "Covered": candidates["entry_requirements_met"].astype(str) + " of "
        + candidates["entry_requirements_total"].astype(str),
        "Current role": candidates["current_role_title"],
        "Range": candidates["current_range"],
        "Level": candidates["current_level"],
        "Readiness in current role": candidates["readiness_status"].map(charts.STATUS_LABELS),
    })


def about(viewer: Viewer, filters: Filters) -> dict[str, str]:
    return {
        "As-of date": f"{filters.as_of:%d %b %Y}",
        "Framework": framework_label(filters.framework),
        "Teams": ", ".join(filters.teams) or "All teams",
        "Ranges": ", ".join(str(value) for value in filters.ranges) or "All ranges",
        "Prepared for": describe_viewer(viewer),
        "Generated": generated_at(),
        "Note": "Personal data: keep within the succession meeting.",
    }


def meeting_pack(viewer: Viewer, filters: Filters) -> bytes:
    """The Excel workbook for a succession meeting: About, then roles, candidates, readiness and blockers."""
    summary = ask(queries.succession_summary, viewer, filters)
    candidates = ask(queries.succession_candidates, viewer, filters)
    by_team = ask(queries.status_counts, viewer, filters, "team")
    blockers = ask(queries.blockers, viewer, filters, limit=20)
    readiness = (by_team.assign(status=by_team["status"].map(charts.STATUS_LABELS))
                 .pivot_table(index="team", columns="status", values="people", aggfunc="sum", fill_value=0)
                 .reset_index().rename(columns={"team": "Team"}))
    coverage = candidates_table(candidates).drop(columns="Covered")
    return workbook_bytes(about(viewer, filters), {
        "Roles": roles_table(summary),
        "Candidates": coverage.assign(**{"Entry requirements covered": coverage["Entry requirements covered"].map(
            lambda share: "" if pd.isna(share) else f"{share:.0%}")}),
        "Readiness by team": readiness,
        "Top blockers": pd.DataFrame({"Requirement": blockers["requirement_id"], "Wording": blockers["criterion"],
                                      "People held back": blockers["people_blocked"],
                                      "Last thing left for": blockers["only_blocker"]}),
    })
