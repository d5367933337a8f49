"""People: the named list behind every figure (?status=ready|ready_on|not_ready|top_of_role|training_expired|
awaiting_signoff, optional ?ready_by=YYYY-MM-DD), with the sidebar's filters and a CSV of every row."""

import dataclasses
import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import charts, glossary
from dashboard.connection import ask
from dashboard.downloads import MAX_ROWS_SHOWN, table
from dashboard.filters import EARLIEST, describe, ignored_notice, latest_date, quoted, url_params, why_empty
from dashboard.router import start_page
from dashboard.text import counted
from warehouse import queries

viewer, filters = start_page()

# Each list's title is the glossary's term for the figure that links here, so a tile and its list agree.
LISTS = {
    "ready": glossary.READY_NOW,
    "ready_on": glossary.READY_ON_A_DATE,
    "not_ready": glossary.NOT_READY,
    "top_of_role": glossary.TOP_OF_ROLE,
    "training_expired": glossary.EXPIRED_TRAINING,
    "awaiting_signoff": glossary.EVIDENCE_AWAITING,
}
assert tuple(LISTS) == queries.PEOPLE_LISTS


def _remember_list() -> None:
    st.query_params["status"] = st.session_state["people-list"]


ignored: list[str] = []
wanted = st.query_params.get("status")
if wanted is not None and wanted not in LISTS:
    ignored.append(f"list “{quoted(wanted)}” (the lists are: {', '.join(LISTS)})")
    wanted = None
status = wanted or st.session_state.get("people-list") or "ready"
ready_by = None
text = st.query_params.get("ready_by")
if text:
    try:
        ready_by = dt.date.fromisoformat(text)
    except ValueError:
        ignored.append(f"ready-by date “{quoted(text)}” (not a real date; use YYYY-MM-DD)")
    else:
        if not EARLIEST <= ready_by <= latest_date(dt.date.today()):
            ignored.append(f"ready-by date {ready_by:%d %b %Y} (outside {EARLIEST:%d %b %Y} to "
                           f"{latest_date(dt.date.today()):%d %b %Y})")
            ready_by = None
ignored_notice(ignored)
if st.query_params.get("status") != status:
    st.query_params["status"] = status
if ready_by is None and "ready_by" in st.query_params:
    del st.query_params["ready_by"]

if ready_by and status == "ready_on":
    # "Ready by a date" is who is ready on that date (the contract of ?ready_by=), whichever list linked here.
    status = "ready"
    st.query_params["status"] = status
st.session_state["people-list"] = status
term = LISTS[status]
st.title(f"People ready by {ready_by:%-d %b %Y}" if ready_by and status == "ready" else f"People: {term.name}")
# A ready-by date is the as-of date of the list: who is ready on that day (readiness_on that date).
scope = dataclasses.replace(filters, as_of=ready_by) if ready_by else filters
st.caption(describe(scope))
st.segmented_control("List", list(LISTS), format_func=lambda key: LISTS[key].name, key="people-list",
                     on_change=_remember_list, required=True, label_visibility="collapsed")
st.caption(term.meaning + (f" Worked out for {ready_by:%d %b %Y}: {glossary.FORECAST_NOTE}" if ready_by else ""))

link = urlencode({key: value for key, value in url_params(scope).items() if key not in ("team", "range")}, doseq=True)


def person_links(staff_ids: pd.Series) -> pd.Series:
    return "person?staff_id=" + staff_ids + ("&" + link if link else "")


LINK_COLUMN = {"Person page": st.column_config.LinkColumn("Person page", display_text="Open",
                                                          help="Open this person's page: what is left and by when")}
PINNED = {"Name": st.column_config.TextColumn("Name", pinned=True)}


def person_table(frame: pd.DataFrame, columns: dict) -> pd.DataFrame:
    """A list of people: who they are and a link to their page first, the list's own `columns`, then where they sit."""
    return pd.DataFrame({
        "Name": frame["name"],
        "Staff ID": frame["staff_id"],
        "Person page": person_links(frame["staff_id"]),
        **columns,
        "Team": frame["team"],
        "Role": frame["role_title"],
        "Level": frame["level"],
    })


def readiness_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return person_table(frame, {
        "Status": frame["status"].map(charts.STATUS_LABELS),
        "Ready date": frame["ready_date"],
        "Requirements met": (frame["requirements_met"].astype(str) + " of " + frame["requirements_total"].astype(str))
        .where(frame["requirements_total"] > 0, "—"),
    })


def training_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return person_table(frame, {
        "Course": frame["course"],
        "Ran out on": frame["lapsed_date"],
        "Last completed": frame["last_completed_date"],
    })


def awaiting_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return person_table(frame, {
        glossary.EVIDENCE_AWAITING.name: frame["evidence_awaiting_signoff"],
        "Oldest submitted": frame["oldest_submitted_date"],
        "Criteria": frame["criteria"],
    })


if status == "training_expired":
    rows = ask(queries.people_training_expired, viewer, scope, MAX_ROWS_SHOWN)
    people = int(rows["people_in_total"].iloc[0]) if len(rows) else 0
    total = int(rows["rows_in_total"].iloc[0]) if len(rows) else 0
    st.metric(term.name, people, help=term.meaning)
    if people:
        st.caption(f"{people:,} people with {total:,} mandatory course(s) out of date, longest lapsed first; "
                   "“Ran out on” is empty for a course never completed.")
    shown_rows, all_rows = training_rows(rows), lambda: training_rows(ask(queries.people_training_expired, viewer, scope))
elif status == "awaiting_signoff":
    rows = ask(queries.people_awaiting_signoff, viewer, scope, MAX_ROWS_SHOWN)
    total = int(rows["rows_in_total"].iloc[0]) if len(rows) else 0
    items = int(rows["items_in_total"].iloc[0]) if len(rows) else 0
    st.metric(term.name, items, help=term.meaning)
    if total:
        st.caption(f"{counted(items, 'item')} of evidence from {counted(total, 'person', 'people')}, oldest first: "
                   "the assessor acts next.")
    shown_rows = awaiting_rows(rows)
    all_rows = lambda: awaiting_rows(ask(queries.people_awaiting_signoff, viewer, scope))  # noqa: E731
else:
    rows = ask(queries.people_by_status, viewer, scope, status, MAX_ROWS_SHOWN)
    total = int(rows["rows_in_total"].iloc[0]) if len(rows) else 0
    st.metric(term.name, total, help=term.meaning)
    shown_rows = readiness_rows(rows)
    all_rows = lambda: readiness_rows(ask(queries.people_by_status, viewer, scope, status))  # noqa: E731
    if status in ("ready", "ready_on"):
        shown_rows = shown_rows.drop(columns="Requirements met")

if rows.empty:
    # Say which filter emptied the list: the date, a filter, or simply nobody in this list.
    in_post = int(ask(queries.team_sizes, viewer, scope)["people"].sum())
    st.info(why_empty(viewer, scope) if not in_post else
            f"Nobody in post under these filters is in this list ({term.name.lower()}).")
    st.stop()

if len(filters.teams) == 1:
    shown_rows = shown_rows.drop(columns="Team")
table(shown_rows, f"people {status}" + (f" by {ready_by}" if ready_by else ""), links=("Person page",),
      total_rows=total, all_rows=all_rows, column_config={**PINNED, **LINK_COLUMN})
