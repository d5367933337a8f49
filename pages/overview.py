"""Overview: readiness at a glance for senior management, with a click through to any team."""

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.connection import ask
from dashboard.downloads import table
from dashboard.filters import describe, url_params
from dashboard.router import PAGES_DIR, start_page
from warehouse import queries

# The tabs below the headline figures; a tab's name is its value in the URL (?view=...).
VIEWS = ("By team and range", "Over 24 months", "What holds people back")

viewer, filters = start_page()

st.title("Readiness overview")
st.caption(describe(filters))

overview = ask(queries.overview_figures, viewer, filters)
figures = overview["headline"]
if figures["staff_in_post"] == 0:
    st.info("Nobody in post matches these filters. Widen the teams or ranges in the sidebar.")
    st.stop()

first, second = st.columns(4), st.columns(4)
first[0].metric("Staff in post", figures["staff_in_post"])
first[1].metric("Ready now", figures["ready_now"], help="Every requirement of the next level met on the as-of date.")
first[2].metric("Ready within 3 months", figures["ready_within_3_months"],
                help="Not ready yet, but only waiting for minimum time at level, which completes within 3 months.")
first[3].metric("Ready within 6 months", figures["ready_within_6_months"],
                help="As above, within 6 months (includes those within 3 months).")
second[0].metric("Not ready", figures["not_ready"], help="At least one requirement needs evidence, sign-off or training.")
second[1].metric("Top of role", figures["top_of_role"], help="Already at the highest level of their role.")
second[2].metric("Evidence awaiting sign-off", figures["evidence_awaiting_signoff"],
                 help="Items submitted and not yet approved or rejected.")
second[3].metric("Expired mandatory training", figures["expired_mandatory_training"],
                 help="People with at least one mandatory course out of date.")

by_team, by_range = overview["team"], overview["range"]
# Only the open tab's queries run (the trend and the blockers each take a second or more at 100,000 staff,
# see docs/benchmarks.md); the open tab is kept in the URL (?view=...) so a link reopens it.
by_group, over_time, holding_back = st.tabs(list(VIEWS), key="view", bind="query-params")
if by_group.open:
    with by_group:
        left, right = st.columns([3, 2])
        with left:
            event = charts.draw(charts.status_by_team_chart, by_team, on_select="rerun", key="team-bars",
                                selection_mode=charts.TEAM_PICK)
            picked = event.selection.get(charts.TEAM_PICK, []) if event else []
            team = next((point.get("team") for point in picked if point.get("team")), None)
            if team:
                st.switch_page(PAGES_DIR / "team.py", query_params={**url_params(filters), "team": team})
        with right:
            charts.draw(charts.status_by_range_chart, by_range)
        with st.expander("The figures behind these charts"):
            st.markdown("**By team**")
            wide = by_team.assign(status=by_team["status"].map(charts.STATUS_LABELS)).pivot_table(
                index="team", columns="status", values="people", aggfunc="sum", fill_value=0)
            wide = wide.reindex(columns=[label for label in charts.STATUS_LABELS.values() if label in wide.columns])
            table(wide.assign(Total=wide.sum(axis=1)).reset_index().rename(columns={"team": "Team"}),
                  "readiness by team")
            st.markdown("**By grade range**")
            table(by_range.assign(status=by_range["status"].map(charts.STATUS_LABELS))
                  .rename(columns={"range": "Range", "status": "Readiness", "people": "People"}), "readiness by range")

if over_time.open:
    with over_time:
        trend = ask(queries.readiness_trend, viewer, filters, 24)
        if trend.empty:
            st.info("No readiness history for these filters.")
        else:
            charts.draw(charts.readiness_trend_chart, trend)
            with st.expander("The figures behind this chart"):
                table(trend.assign(status=trend["status"].map(charts.STATUS_LABELS))
                      .rename(columns={"month_end": "Month end", "status": "Readiness", "people": "People"}),
                      "readiness trend")

if holding_back.open:
    with holding_back:
        top = ask(queries.blockers, viewer, filters, limit=10)
        if top.empty:
            st.info("Nothing is holding anyone back under these filters.")
        else:
            charts.draw(charts.blockers_chart, top,
                        options={"title": "The ten requirements holding most people back, and why"})
            st.page_link(PAGES_DIR / "blockers.py", label="Every requirement, and who it holds back", icon=":material/arrow_forward:",
                         query_params=url_params(filters))
            with st.expander("The figures behind this chart"):
                table(pd.DataFrame({"Requirement": top["requirement_id"], "Wording": top["criterion"],
                                    "Category": top["category"], "People held back": top["people_blocked"],
                                    "Last thing left for": top["only_blocker"]}),
                      "top ten blockers")
