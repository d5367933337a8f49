"""Succession: the bench for every role, roles at risk, candidates, and the meeting pack."""

import functools

import pandas as pd
import streamlit as st

from dashboard import charts, glossary
from dashboard.connection import ask
from dashboard.downloads import MAX_ROWS_SHOWN, table
from dashboard.filters import describe
from dashboard.pack import AT_RISK, candidates_table, meeting_pack, roles_table
from dashboard.router import start_page
from warehouse import queries

viewer, filters = start_page()


def candidates_shown(candidates: pd.DataFrame) -> pd.DataFrame:
    shown = candidates_table(candidates).drop(columns="Role")
    return shown.assign(**{"Entry requirements covered": shown["Entry requirements covered"] * 100})


st.title("Succession")
st.caption(describe(filters) + ". Candidates are people in lower ranges of the same framework "
           "(or in roles named as feeding it), within the teams and ranges chosen.")

# The summary and the chosen role's candidates come from one pass over the bench (the role chosen
# last time, or the first with anyone on its bench).
board = ask(queries.succession_board, viewer, filters, st.session_state.get("succession-role"), MAX_ROWS_SHOWN)
summary = board["summary"]
if summary.empty:
    st.info("No roles match these filters.")
    st.stop()
if summary[["incumbents", "ready_now", "ready_1_2_years", "longer_term"]].to_numpy().sum() == 0:
    st.info("Nobody in post matches these filters, so there is no bench to show. Widen the teams or ranges "
            "in the sidebar, or choose a later as-of date.")
    st.stop()

at_risk = int(summary["is_at_risk"].sum())
columns = st.columns(3)
columns[0].metric("Roles", len(summary))
columns[1].metric("Roles at risk", at_risk, help="Roles with nobody ready to step in now.")
columns[2].metric(glossary.CANDIDATES_READY_NOW.name, int(summary["ready_now"].sum()),
                  help=glossary.CANDIDATES_READY_NOW.meaning)

st.altair_chart(charts.succession_chart(summary))

st.subheader("Roles")
st.caption("Roles at risk, with nobody ready to step in now, are highlighted.")
table(roles_table(summary), "succession roles",
      row_style=lambda row: "background-color: #FBE3C6" if row["Risk"] == AT_RISK else "")

st.subheader("Candidates for a role")
role_titles = dict(zip(summary["role_code"], summary["role_title"] + " (range " + summary["range"].astype(str) + ")",
                       strict=True))
if st.session_state.get("succession-role") not in role_titles:
    st.session_state["succession-role"] = board["role_code"]
role = st.selectbox("Role", list(role_titles), format_func=role_titles.get, key="succession-role")
# Only the rows drawn are fetched; the CSV asks for them all when it is clicked.
candidates = board["candidates"]
table(candidates_shown(candidates), f"candidates {role_titles[role]}",
      empty="Nobody in these teams and ranges is a candidate for this role.",
      total_rows=int(candidates["rows_in_total"].iloc[0]) if not candidates.empty else 0,
      all_rows=lambda: candidates_shown(ask(queries.succession_candidates, viewer, filters, role)),
      column_config={"Entry requirements covered": st.column_config.ProgressColumn(
          "Entry requirements covered", min_value=0, max_value=100, format="%.0f%%",
          help="Share of the role's first-level evidence requirements the candidate already has current evidence for")})

st.subheader("Meeting pack")
st.download_button("Download the meeting pack (Excel)", functools.partial(meeting_pack, viewer, filters),
                   file_name=f"succession-pack-{filters.as_of}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", type="primary",
                   on_click="ignore", icon=":material/download:", key="meeting-pack")
st.caption("One workbook: an About sheet (as-of date, filters, who it was prepared for), then roles, candidates, "
           "readiness by team and the top blockers.")
