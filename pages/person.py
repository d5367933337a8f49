"""Person: one member's requirements for their next level and their timeline, ready for a one-to-one."""

import pandas as pd
import streamlit as st

from dashboard import charts, downloads
from dashboard.audit import record_person_view
from dashboard.connection import ask
from dashboard.downloads import table
from dashboard.router import start_page
from dashboard.text import plain
from warehouse import queries

viewer, filters = start_page()


def _remember_person() -> None:
    chosen = st.session_state["person-pick"]
    if chosen:
        st.query_params["staff_id"] = chosen
    elif "staff_id" in st.query_params:
        del st.query_params["staff_id"]


st.title("Person")
people = ask(queries.people, viewer, filters, "", downloads.MAX_PEOPLE_LISTED)
in_scope = int(people["rows_in_total"].iloc[0]) if len(people) else 0
if in_scope > downloads.MAX_PEOPLE_LISTED:
    search = st.text_input("Find a person", key="person-search", placeholder="Part of a name or a staff ID")
    if search.strip():
        people = ask(queries.people, viewer, filters, search, downloads.MAX_PEOPLE_LISTED)
    matches = int(people["rows_in_total"].iloc[0]) if len(people) else 0
    if not search.strip():
        st.caption(f"{in_scope:,} people match the filters: type part of a name or a staff ID to find someone.")
    elif matches > downloads.MAX_PEOPLE_LISTED:
        st.caption(f"Listing the first {downloads.MAX_PEOPLE_LISTED:,} of {matches:,} matches: type more to narrow them.")
    elif not matches:
        st.caption("Nobody matches that search.")
    elif matches > 1:
        st.caption(f"{matches:,} people match: choose one below.")
options = dict(zip(people["staff_id"], people["name"] + " · " + people["team"] + " · " + people["role_title"],
                   strict=True))
wanted = st.query_params.get("staff_id")
if wanted and wanted not in options:
    # A link to someone outside the sidebar's teams: still fine if they are in the viewer's scope.
    outside = ask(queries.person, viewer, filters.as_of, wanted)
    if outside is None:
        wanted = None
    else:
        options[wanted] = f"{outside['name']} · {outside['team']} · {outside['role_title']}"
if not wanted and len(options) == 1:
    wanted = next(iter(options))
st.session_state["person-pick"] = wanted

if not options and not in_scope:
    st.info("Nobody in post matches these filters. Widen the teams or ranges in the sidebar.")
    st.stop()
st.selectbox("Person", list(options), format_func=options.get, key="person-pick", on_change=_remember_person,
             placeholder="Type a name to find someone")
if not wanted:
    st.info("Choose a person to see their requirements and timeline.")
    st.stop()
if st.query_params.get("staff_id") != wanted:
    st.query_params["staff_id"] = wanted

person = ask(queries.person, viewer, filters.as_of, wanted)
if person is None:
    st.info("This person is not in post on the as-of date. Choose another date or person.")
    st.stop()
record_person_view(viewer, wanted, "person")
print_view = st.toggle("Print view", help="Plain tables and still charts that print well (use your browser's Print).")

st.header(plain(person["name"]))
target = person["target_level"] if isinstance(person["target_level"], str) else None
st.caption(f"{plain(person['role_title'])} · level {plain(person['level'])}"
           + (f" working towards level {plain(target)}" if target else " (top of role)")
           + f" · {plain(person['team'])} · as of {filters.as_of:%d %b %Y}")
columns = st.columns(4)
columns[0].metric("Readiness", charts.status_label(person["status"]))
columns[1].metric("Requirements met", f"{person['requirements_met']} of {person['requirements_total']}")
ready_date = person["ready_date"]
columns[2].metric("Ready date", f"{ready_date:%d %b %Y}" if pd.notna(ready_date) else "—")
columns[3].metric("Mandatory training", "Up to date" if person["training_ok"] else "Out of date")

requirements = ask(queries.person_requirements, viewer, filters.as_of, wanted)
st.subheader(f"Requirements for level {plain(target)}" if target else "Requirements")
if requirements.empty:
    st.info(f"{plain(person['name'])} is at the top of their role: there is no next level to work towards.")
for category, group in requirements.groupby("category", sort=False):
    st.markdown(f"**{plain(category)}**")
    table(pd.DataFrame({
        "Requirement": group["requirement_id"],
        "Wording": group["criterion"],
        "Status": group["status"].map({"met": "Met", "not met": "Not met"}),
        "Why not": group["reason"].map(charts.reason_label),
        "Evidence date": group["evidence_date"],
        "Evidence two years old on": group["evidence_expires_date"],
        "Due": group["due_date"],
    }), f"{person['name']} {category} requirements", plain=True, download=not print_view,
        key=f"download-{category}")

timeline = ask(queries.person_timeline, viewer, filters.as_of, wanted)
if timeline.empty:
    st.info("No dated events yet: no level start, acting period or evidence on record.")
else:
    st.altair_chart(charts.person_timeline_chart(timeline, interactive=not print_view))
    events = pd.DataFrame({"Event": timeline["event"], "From": timeline["start_date"], "To": timeline["end_date"],
                           "Detail": timeline["detail"]})
    if print_view:
        table(events, f"{person['name']} timeline", plain=True, download=False)
    else:
        with st.expander("Timeline as a table"):
            table(events, f"{person['name']} timeline")
