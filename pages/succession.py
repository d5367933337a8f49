"""Succession: the bench for every role, roles at risk, who is in post, candidates, and the meeting pack."""

import datetime as dt
import functools

import pandas as pd
import streamlit as st

from dashboard import charts, glossary, settings_words
from dashboard.audit import logged_download, record_view
from dashboard.connection import ask
from dashboard.downloads import MAX_ROWS_SHOWN, table
from dashboard.filters import describe
from dashboard.pack import (
    AT_RISK,
    BANDS,
    RISK_RULE,
    backfill_table,
    candidates_table,
    forecast_assumption,
    meeting_pack,
    roles_table,
)
from dashboard.router import start_page
from warehouse import queries

# The tabs below the roles table; a tab's name is its value in the URL (?bench=...).
VIEWS = ("Candidates for a role", "Bench over 24 months")

viewer, filters = start_page()


def candidates_shown(candidates: pd.DataFrame) -> pd.DataFrame:
    shown = candidates_table(candidates).drop(columns="Role")
    return shown.assign(**{"Entry requirements covered": shown["Entry requirements covered"] * 100})


st.title("Succession")
st.caption(describe(filters) + ". Candidates for a role are the people in post in the roles that feed it (the range "
           "immediately below in the same framework, unless the framework names its feeders), within the teams and "
           "ranges chosen.")

assumption = forecast_assumption(filters)
if filters.as_of > dt.date.today():
    st.info(f"Forecast for {filters.as_of:%d %b %Y}. {assumption}", icon=":material/event_upcoming:")

# The summary and the chosen role's candidates come from one pass over the bench (the role chosen
# last time, or the first with anyone on its bench).
board = ask(queries.succession_board, viewer, filters, st.session_state.get("succession-role"), MAX_ROWS_SHOWN)
summary = board["summary"]
if summary.empty:
    st.info("No roles match these filters.")
    st.stop()
if summary[["in_post", "ready_now", "newly_ready_within_12_months", "ready_1_to_2_years",
            "longer_term"]].to_numpy().sum() == 0:
    st.info("Nobody in post matches these filters, so there is no bench to show. Widen the teams or ranges "
            "in the sidebar, or choose a later as-of date.")
    st.stop()

forecast_date = pd.Timestamp(summary["forecast_date"].iloc[0])
filled_from_within = summary[summary["has_feeders"]]
columns = st.columns(4)
columns[0].metric("Roles filled from within", len(filled_from_within),
                  help="Roles with other roles feeding them. Entry roles are recruited from outside.")
columns[1].metric("Roles at risk", int(summary["at_risk"].sum()), help=RISK_RULE)
columns[2].metric(glossary.CANDIDATES_READY_NOW.name, int(filled_from_within["ready_now"].sum()),
                  help=glossary.CANDIDATES_READY_NOW.meaning)
columns[3].metric(f"Ready on {forecast_date:%d %b %Y}", int(filled_from_within["ready_within_12_months"].sum()),
                  help="The 'ready now' count with the as-of date set 12 months on. " + assumption)
lapsing = int(filled_from_within["lapsing_within_12_months"].sum())
if lapsing:
    st.caption(f"{lapsing} of the candidates ready now will not be ready on {forecast_date:%d %b %Y}: some of the "
               "evidence they were assessed on will then be too old to count "
               f"({settings_words.evidence_window(ask(queries.framework_settings, filters.framework))}), unless it is "
               "renewed.")
with st.expander("How the bench, the forecast and the risk are worked out"):
    st.markdown(f"- **Bench.** {BANDS}\n- **Forecast.** {assumption}\n- **Risk.** {RISK_RULE}")

if len(filled_from_within):
    st.altair_chart(charts.succession_chart(summary))

st.subheader("Roles")
st.caption("Roles at risk are highlighted. Entry roles show their recruitment need instead of a bench.")
table(roles_table(summary), "succession roles",
      row_style=lambda row: "background-color: #FBE3C6" if row["Risk"] == AT_RISK else "")

candidates_tab, trend_tab = st.tabs(list(VIEWS), key="bench", bind="query-params")
if candidates_tab.open:
    with candidates_tab:
        role_titles = dict(zip(summary["role_code"],
                               summary["role_title"] + " (range " + summary["range"].astype(str) + ")", strict=True))
        if st.session_state.get("succession-role") not in role_titles:
            st.session_state["succession-role"] = board["role_code"]
        role = st.selectbox("Role", list(role_titles), format_func=role_titles.get, key="succession-role")
        chosen = summary.set_index("role_code").loc[role]

        st.markdown("**In post**")
        incumbents = board["incumbents"]
        table(incumbents[["name", "team", "level", "level_start_date"]].rename(columns={
            "name": "Name", "team": "Team", "level": "Level", "level_start_date": "At this level since"}),
              f"in post {role_titles[role]}", empty="Nobody in these teams and ranges holds this role.")

        st.markdown("**Candidates**")
        if not chosen["has_feeders"]:
            need = chosen["recruitment_need"]
            st.info(f"An entry role: no role feeds it, so it is filled by recruitment, not from a bench. Recruitment "
                    f"need: {0 if pd.isna(need) else int(need)} of its holders are ready to move up within 12 months.")
        else:
            # Only the rows drawn are fetched; the CSV asks for them all when it is clicked.
            candidates = board["candidates"]
            record_view(viewer, "succession", subject=role,
                        people=int(candidates["rows_in_total"].iloc[0]) if len(candidates) else 0)
            table(candidates_shown(candidates), f"candidates {role_titles[role]}",
                  empty="Nobody in these teams and ranges covers enough of this role's entry requirements to be on "
                        "its bench.",
                  total_rows=int(candidates["rows_in_total"].iloc[0]) if not candidates.empty else 0,
                  all_rows=lambda: candidates_shown(ask(queries.succession_candidates, viewer, filters, role)),
                  column_config={"Entry requirements covered": st.column_config.ProgressColumn(
                      "Entry requirements covered", min_value=0, max_value=100, format="%.0f%%",
                      help="Share of the role's first-level evidence requirements the candidate has current "
                           "evidence for")})
            backfill = board["backfill"]
            if not backfill.empty:
                st.markdown("**Who backfills**: for each candidate ready now, the role they would leave and its own "
                            "bench")
                table(backfill_table(backfill), f"backfill {role_titles[role]}")

if trend_tab.open:
    with trend_tab:
        trend = ask(queries.succession_trend, viewer, filters, 24)
        if trend.empty:
            st.info("No roles filled from within match these filters.")
        else:
            st.caption("At each month-end: candidates ready now, and ready 12 months on (the same reconstruction "
                       "as the Overview's trend, from the dated records held today).")
            st.altair_chart(charts.succession_trend_chart(trend))
            with st.expander("The figures behind this chart"):
                table(trend.rename(columns={"month_end": "Month end", "role_title": "Role", "range": "Range",
                                            "ready_now": "Ready now",
                                            "ready_within_12_months": "Ready within 12 months"})
                      .drop(columns="role_code"), "succession trend")

st.subheader("Meeting pack")
st.download_button("Download the meeting pack (Excel)",
                   logged_download(functools.partial(meeting_pack, viewer, filters), f"succession-pack-{filters.as_of}.xlsx",
                                   lambda _pack: len(ask(queries.succession_candidates, viewer, filters))),
                   file_name=f"succession-pack-{filters.as_of}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", type="primary",
                   on_click="ignore", icon=":material/download:", key="meeting-pack")
st.caption("One workbook: an About sheet (as-of date, forecast assumption, filters, who it was prepared for), the "
           "roles with those at risk highlighted, the people in post, a shortlist of up to five candidates per role "
           "with columns for the meeting's decisions, every candidate, readiness by team and the top blockers.")
