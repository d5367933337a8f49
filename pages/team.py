"""Team: a team manager's view of every member, who has met what, and what to do next."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import charts, downloads, glossary, settings_words
from dashboard import evidence as evidence_forms
from dashboard.audit import record_view
from dashboard.connection import ask
from dashboard.downloads import MAX_ROWS_SHOWN, table
from dashboard.filters import describe, ignored_notice, quoted, url_params, why_empty
from dashboard.router import PAGES_DIR, start_page
from dashboard.text import counted, plain
from warehouse import queries

HEATMAP_MAX_PEOPLE = 40
# The next-action tabs; a tab's name is its value in the URL (?actions=...). The names hold no number of days, so
# a link keeps working if keep_in_date_settings changes; each tab states its horizon from there.
ACTIONS = ("Awaiting sign-off", "Training expiring soon", "Evidence going out of date soon",
           "Minimum time completing soon")


viewer, filters = start_page()


def awaiting_table(awaiting: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Submitted": awaiting["evidence_date"], "Name": awaiting["name"],
                         "Staff ID": awaiting["staff_id"], "Team": awaiting["team"],
                         "Requirement": awaiting["criterion_id"], "Wording": awaiting["criterion"].map(glossary.flagged),
                         "Evidence reference": awaiting["evidence_ref"]})


if not filters.teams:
    # Everyone in scope as one "team" is no use past a few hundred people (and slow at 100,000): ask for a team.
    sizes = ask(queries.team_sizes, viewer, filters)
    in_scope = int(sizes["people"].sum())
    if in_scope > downloads.MAX_PEOPLE_LISTED:
        st.title("Teams")
        st.caption(describe(filters))
        st.info(f"{in_scope:,} people in {len(sizes):,} teams match these filters: choose a team to see its "
                "members and next actions.")
        people_in = dict(zip(sizes["team"], sizes["people"], strict=True))
        team = st.selectbox("Team", list(people_in), index=None, placeholder="Type part of a team's name",
                            format_func=lambda name: f"{name} ({people_in[name]:,} people)")
        if team:
            st.switch_page(PAGES_DIR / "team.py", query_params={**url_params(filters), "team": team})
        st.stop()

members = ask(queries.team_members, viewer, filters)
teams = sorted(members["team"].unique()) if not members.empty else list(filters.teams)
st.title(f"Team: {plain(teams[0])}" if len(teams) == 1 else "Teams")
st.caption(describe(filters))
if members.empty:
    st.info(why_empty(viewer, filters))
    st.stop()

record_view(viewer, "team", subject=", ".join(teams), people=len(members))  # members, heatmap and next actions
counts = members["status"].value_counts()
columns = st.columns(5)
columns[0].metric(glossary.STAFF_IN_POST.name, len(members), help=glossary.STAFF_IN_POST.meaning)
columns[1].metric(glossary.READY_NOW.name, int(counts.get("ready", 0)), help=glossary.READY_NOW.meaning)
columns[2].metric(glossary.READY_ON_A_DATE.name, int(counts.get("ready_on", 0)), help=glossary.READY_ON_A_DATE.meaning)
columns[3].metric(glossary.EVIDENCE_AWAITING.name, int(members["evidence_awaiting_signoff"].sum()),
                  help=glossary.EVIDENCE_AWAITING.meaning)
evidence_forms.overdue_figure(columns[4], viewer, filters)
# Every figure opens the named list behind it (the People page, with these filters).
lists = {"ready": glossary.READY_NOW, "ready_on": glossary.READY_ON_A_DATE, "not_ready": glossary.NOT_READY,
         "training_expired": glossary.EXPIRED_TRAINING, "awaiting_signoff": glossary.EVIDENCE_AWAITING}
with st.container(horizontal=True, wrap=True):  # labels in full, wrapping onto a second line when narrow
    for status, term in lists.items():
        st.page_link(PAGES_DIR / "people.py", label=f"List: {term.name}", icon=":material/format_list_bulleted:",
                     query_params={**url_params(filters), "status": status}, help=term.meaning)

# The viewer's own queue: their line-management tree, whatever team is chosen above.
evidence_forms.signoff_queue(viewer, "team")

st.subheader("Members")
st.caption("Readiest first: ready now, then by ready date, then those with fewest requirements left.")
link = urlencode({key: value for key, value in url_params(filters).items() if key != "team"}, doseq=True)
shown = pd.DataFrame({
    "Name": members["name"],
    "Staff ID": members["staff_id"],
    "Person page": "person?staff_id=" + members["staff_id"] + ("&" + link if link else ""),
    "Status": members["status"].map(charts.STATUS_LABELS),
    "Ready date": members["ready_date"],
    glossary.REQUIREMENTS_MET.name: (members["progress"] * 100).round(0),
    "Met": (members["requirements_met"].astype(str) + " of " + members["requirements_total"].astype(str)).where(
        members["requirements_total"] > 0, "—"),
    glossary.EVIDENCE_AWAITING.name: members["evidence_awaiting_signoff"],
    "Mandatory training": members["training_ok"].map({True: "Up to date", False: "Out of date"}),
    "Role": members["role_title"],
    "Level": members["level"],
    "Target level": members["target_level"].fillna("—"),
    "Team": members["team"],
})
if len(teams) == 1:
    shown = shown.drop(columns="Team")
table(shown, f"team members {'-'.join(teams) if len(teams) == 1 else 'all'}", links=("Person page",), column_config={
    "Name": st.column_config.TextColumn("Name", pinned=True),
    "Person page": st.column_config.LinkColumn("Person page", display_text="Open",
                                              help="Open this person's page: what is left and by when"),
    glossary.REQUIREMENTS_MET.name: st.column_config.ProgressColumn(
        glossary.REQUIREMENTS_MET.name, min_value=0, max_value=100, format="%.0f%%",
        help=glossary.REQUIREMENTS_MET.meaning),
    glossary.EVIDENCE_AWAITING.name: st.column_config.NumberColumn(
        glossary.EVIDENCE_AWAITING.name, help=glossary.EVIDENCE_AWAITING.meaning),
})

if len(members) > HEATMAP_MAX_PEOPLE:
    st.info(f"{len(members)} people match these filters: choose a team in the sidebar to see who has met "
            "which requirement.")
else:
    heatmap = ask(queries.team_heatmap, viewer, filters)
    if heatmap.empty:
        st.info("Nobody here has a next level to work towards (everyone is at the top of their role).")
    else:
        st.altair_chart(charts.team_heatmap_chart(heatmap), width="content")
        top = int((members["status"] == "top_of_role").sum())
        if top:
            st.caption(f"{top} member(s) at the top of their role have no next level, so no row here.")

st.subheader("Next actions")
# Only the open tab's query runs: each reads readiness for everyone in scope.
if st.query_params.get("actions") not in (None, *ACTIONS):
    ignored_notice([f"tab “{quoted(st.query_params['actions'])}” (no such tab; showing {ACTIONS[0]})"])
    del st.query_params["actions"]
awaiting_tab, training_tab, evidence_tab, tenure_tab = st.tabs(list(ACTIONS), key="actions", bind="query-params")
horizon = ask(queries.keep_in_date_settings)
if awaiting_tab.open:
    with awaiting_tab:
        # Only the rows drawn are fetched; the CSV asks for them all when it is clicked.
        awaiting = ask(queries.awaiting_signoff, viewer, filters, MAX_ROWS_SHOWN)
        awaiting_total = int(awaiting["rows_in_total"].iloc[0]) if not awaiting.empty else 0
        st.caption(f"{counted(awaiting_total, 'item')} of evidence submitted and not yet signed off, oldest first.")
        table(awaiting_table(awaiting), "awaiting sign-off", empty="Nothing is waiting for sign-off.",
              total_rows=awaiting_total,
              all_rows=lambda: awaiting_table(ask(queries.awaiting_signoff, viewer, filters)))
if training_tab.open:
    with training_tab:
        days = horizon["training_expiring_days"]
        training = ask(queries.training_expiring, viewer, filters, days)
        st.caption(f"{len(training):,} mandatory course record(s) run out within {days} days of the as-of date.")
        table(pd.DataFrame({"Expires": training["expires_on"], "Name": training["name"],
                            "Staff ID": training["staff_id"], "Team": training["team"],
                            "Course": training["course"]}),
              "training expiring", empty=f"No mandatory training runs out in the next {days} days.")
if evidence_tab.open:
    with evidence_tab:
        days = horizon["evidence_expiring_days"]
        evidence = ask(queries.evidence_expiring, viewer, filters, days)
        window = settings_words.evidence_window(ask(queries.framework_settings, filters.framework))
        st.caption(f"{len(evidence):,} requirement(s) met today on evidence that stops counting within {days} days "
                   f"(approved evidence counts for {window}): time to renew it.")
        table(pd.DataFrame({"Stops counting on": evidence["evidence_expires_date"], "Name": evidence["name"],
                            "Staff ID": evidence["staff_id"], "Team": evidence["team"], "Requirement": evidence["requirement_id"],
                            "Wording": evidence["criterion"].map(glossary.flagged)}),
              "evidence going out of date", empty=f"No evidence stops counting in the next {days} days.")
if tenure_tab.open:
    with tenure_tab:
        days = horizon["tenure_completing_days"]
        tenure = ask(queries.tenure_completing, viewer, filters, days)
        st.caption(f"{len(tenure):,} minimum time(s) at level complete within {days} days.")
        table(pd.DataFrame({"Completes on": tenure["tenure_date"], "Name": tenure["name"],
                            "Staff ID": tenure["staff_id"], "Team": tenure["team"],
                            "Requirement": tenure["requirement_id"], "Wording": tenure["criterion"].map(glossary.flagged)}),
              "minimum time completing", empty=f"Nobody completes their minimum time in the next {days} days.")
