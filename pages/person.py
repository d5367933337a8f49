"""Person: one member's plan for a one-to-one: where they stand, what is left, who acts next and by when."""

import pandas as pd
import streamlit as st

from dashboard import charts, downloads, glossary
from dashboard import evidence as evidence_forms
from dashboard.audit import record_person_view
from dashboard.connection import ask
from dashboard.downloads import table
from dashboard.filters import ignored_notice, quoted, why_empty
from dashboard.router import PAGES_DIR, start_page
from dashboard.text import plain
from warehouse import queries

viewer, filters = start_page()


def _remember_person() -> None:
    chosen = st.session_state["person-pick"]
    if chosen:
        st.query_params["staff_id"] = chosen
    elif "staff_id" in st.query_params:
        del st.query_params["staff_id"]


def _label(row) -> str:
    # The staff ID is part of the label, so the picker's own search finds "S0096" at any size.
    return f"{row['name']} ({row['staff_id']}) · {row['team']} · {row['role_title']}"


def _tile(column, label: str, value: str, note: str = "") -> None:
    # Wrapped text in a box, never cut short ("Ready on a d..."), as st.metric would on a narrow column.
    with column.container(border=True):
        st.caption(label)
        st.markdown(f"**{value}**")
        if note:
            st.caption(note)


def _due(row) -> str:
    if pd.isna(row["due_date"]):
        return ""
    return f"{row['due_label']} {row['due_date']:%-d %b %Y}"


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
options = {row["staff_id"]: _label(row) for _, row in people.iterrows()}
wanted = st.query_params.get("staff_id")
if wanted and wanted not in options:
    # A link to someone outside the sidebar's teams: still fine if they are in the viewer's scope.
    outside = ask(queries.person, viewer, filters.as_of, wanted)
    if outside is None:
        ignored_notice([f"staff ID “{quoted(wanted)}” (nobody with that ID is in post in your view on "
                        f"{filters.as_of:%-d %b %Y})"])
        del st.query_params["staff_id"]
        wanted = None
    else:
        options[wanted] = _label({**outside, "staff_id": wanted})
if not wanted and len(options) == 1:
    wanted = next(iter(options))
st.session_state["person-pick"] = wanted

if not options and not in_scope:
    st.info(why_empty(viewer, filters))
    st.stop()
st.selectbox("Person", list(options), format_func=options.get, key="person-pick", on_change=_remember_person,
             placeholder="Type a name or a staff ID to find someone")
if not wanted:
    st.info("Choose a person to see their plan: what is left, who acts next and by when.")
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
st.caption(f"{plain(wanted)} · {plain(person['role_title'])} · level {plain(person['level'])}"
           + (f" working towards level {plain(target)}" if target else " (top of role)")
           + f" · {plain(person['team'])} · as of {filters.as_of:%-d %b %Y}")

evidence_forms.submit_form(viewer, wanted, "person")  # their own page only

requirements = ask(queries.person_requirements, viewer, filters.as_of, wanted)
actions = ask(queries.person_next_actions, viewer, filters.as_of, wanted)
unmet = actions[actions["kind"] == "unmet"]
renew = actions[actions["kind"] == "renew"]
status = person["status"]
ready_date = person["ready_date"]

# ---------------------------------------------------------------- the plan, first
if status == "ready":
    move, note = "Now", f"Every requirement of level {target} is met."
elif status == "ready_on":
    move, note = f"{ready_date:%-d %b %Y}", "When the minimum time at level is reached, if training stays up to date."
elif status == "top_of_role":
    move, note = "Another role", "Already at the top level of this role: see the options below."
else:
    reasons = unmet["reason"].map(charts.reason_label).value_counts()
    move = "Not yet"
    note = "In the way: " + "; ".join(f"{label.lower()} ({count})" for label, count in reasons.items()) + "."
left, middle, right = st.columns(3)
_tile(left, "Readiness", charts.status_label(status))
_tile(middle, "Can move up", move, note)
if target:
    _tile(right, "What's left", f"{len(unmet)} of {person['requirements_total']} requirements",
          f"{person['requirements_met']} met. Mandatory training "
          + ("up to date." if person["training_ok"] else "out of date."))
else:
    _tile(right, "Mandatory training", "Up to date" if person["training_ok"] else "Out of date")


def plan_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Requirement": frame["requirement_id"].fillna(""),
        "Wording": frame["criterion"].map(glossary.flagged),
        "Why": frame["reason"].map(charts.reason_label),
        "Who acts next": frame["next_actor"].map(glossary.ACTORS),
        "Next step": frame["next_step"],
        "Due": frame.apply(_due, axis=1) if len(frame) else pd.Series(dtype=str),
    })


def plan_list(frame: pd.DataFrame, reasons: bool = True) -> str:
    """The plan as a Markdown list: reads on a phone, where a six-column table does not."""
    lines = []
    for _, row in frame.iterrows():
        named = row["requirement_id"] if isinstance(row["requirement_id"], str) else row["category"]
        head = f"**{plain(named)}**"
        if reasons and isinstance(row["reason"], str):
            head += f" · {charts.reason_label(row['reason'])}"
        due = _due(row)
        lines.append(f"- {head} · **{glossary.ACTORS[row['next_actor']]}**: {plain(row['next_step'])}"
                     + (f" · *{due}*" if due else "")
                     + f"  \n  :small[:gray[{plain(glossary.flagged(row['criterion']))}]]")
    return "\n".join(lines)


if target:
    st.subheader(f"What's left for level {plain(target)}")
    if unmet.empty:
        st.success(f"Nothing: every requirement of level {target} is met.")
    elif print_view:
        table(plan_table(unmet), f"{person['name']} what is left", plain=True, download=False)
    else:
        st.markdown(plan_list(unmet))
        st.download_button("Download CSV", downloads.csv_bytes(plan_table(unmet)),
                           file_name=downloads.file_name(f"{person['name']} what is left"), mime="text/csv",
                           key="download-left", on_click="ignore", icon=":material/download:")
        if unmet["criterion"].map(glossary.is_incomplete).any():
            st.page_link(PAGES_DIR / "framework.py", label="⚠ Wording incomplete in the source document: see the "
                         "Framework page's list for HR to complete", icon=":material/menu_book:")
if not renew.empty:
    st.subheader("Keep in date")
    if print_view:
        renewals = plan_table(renew).drop(columns="Why")
        renewals["Requirement"] = renewals["Requirement"].where(renewals["Requirement"] != "", renew["category"].values)
        table(renewals, f"{person['name']} keep in date", plain=True, download=False)
    else:
        st.markdown(plan_list(renew, reasons=False))

if status == "top_of_role":
    st.subheader("Options: roles this role feeds")
    options_frame = ask(queries.person_options, viewer, filters.as_of, wanted)
    if options_frame.empty:
        st.info("No role lists this role as feeding it, so there is no next role to show.")
    else:
        bench = options_frame["bench"].map(lambda value: charts.BENCH_LABELS.get(value, value)
                                           if isinstance(value, str) else "")
        choices = pd.DataFrame({
            "Role": options_frame["role_title"],
            "Range": options_frame["target_range"] if "target_range" in options_frame else "",
            glossary.COVERAGE.name: (options_frame["coverage"] * 100).round(0),
            "Bench": bench,
        })
        table(choices, f"{person['name']} options", download=not print_view, key="download-options",
              column_config={glossary.COVERAGE.name: st.column_config.ProgressColumn(
                  glossary.COVERAGE.name, min_value=0, max_value=100, format="%.0f%%", help=glossary.COVERAGE.meaning)})

met = requirements[requirements["status"] == "met"]
if not met.empty:
    with st.expander(f"Met requirements ({len(met)})", expanded=print_view):
        for category, group in met.groupby("category", sort=False):
            st.markdown(f"**{plain(category)}**")
            table(pd.DataFrame({
                "Requirement": group["requirement_id"],
                "Wording": group["criterion"].map(glossary.flagged),
                "Evidence date": group["evidence_date"],
                "Evidence stops counting on": group["evidence_expires_date"],
            }), f"{person['name']} {category} met", plain=True, download=not print_view, key=f"download-{category}")

evidence = ask(queries.person_evidence, viewer, filters.as_of, wanted)
if not evidence.empty:
    st.subheader("Evidence on record")
    statuses = {"approved": "Approved", "submitted": "Awaiting sign-off", "rejected": "Rejected"}
    table(pd.DataFrame({
        "Date": evidence["evidence_date"],
        "Criterion": evidence["criterion_id"],
        "Requirement": evidence["requirement_id"].fillna("(another role or level)"),
        "Status": evidence["status"].map(lambda value: statuses.get(value, value)),
        "Assessor": evidence["assessor"].fillna("—"),
        "Decided on": evidence["decided_on"],
        "Note": evidence["note"].fillna(""),
        "Saved at": evidence["evidence_ref"].fillna(""),
    }), f"{person['name']} evidence", download=not print_view, key="download-evidence")

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
