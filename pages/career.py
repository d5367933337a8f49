"""What would it take? For a person and any role's level in any loaded framework: what they meet, what is left, and when."""

import pandas as pd
import streamlit as st

from dashboard import downloads
from dashboard import evidence as evidence_forms
from dashboard.connection import ask
from dashboard.downloads import table
from dashboard.filters import framework_label
from dashboard.router import start_page
from warehouse import queries

viewer, filters = start_page(fields=("as_of",))

STATUS_LABELS = {
    "met": "Met",
    "time": "Minimum time",
    "awaiting_signoff": "Awaiting sign-off",
    "wording_match": "Wording match to review",
    "left": "Still to do",
}


def _remember(key: str, parameter: str) -> None:
    value = st.session_state[key]
    if value:
        st.query_params[parameter] = value
    elif parameter in st.query_params:
        del st.query_params[parameter]


st.title("What would it take?")
st.caption("Choose a person and any role and level, in any loaded framework: what they already meet from their "
           "evidence, what is left, and the earliest date a minimum time allows.")

# ---------------------------------------------------------------- who
# Everyone in the viewer's scope: this page shows no team or range filters, so none applies.
everyone = queries.Filters(as_of=filters.as_of)
people = ask(queries.people, viewer, everyone, "", downloads.MAX_PEOPLE_LISTED)
in_scope = int(people["rows_in_total"].iloc[0]) if len(people) else 0
if in_scope > downloads.MAX_PEOPLE_LISTED:
    search = st.text_input("Find a person", key="career-search", placeholder="Part of a name or a staff ID")
    if search.strip():
        people = ask(queries.people, viewer, everyone, search, downloads.MAX_PEOPLE_LISTED)
    else:
        st.caption(f"{in_scope:,} people in your view: type part of a name or a staff ID to find someone.")
if not in_scope:
    st.info("Nobody in post is in your view on this date.")
    st.stop()
options = dict(zip(people["staff_id"], people["name"] + " · " + people["team"] + " · " + people["role_title"],
                   strict=True))
wanted = st.query_params.get("staff_id")
if wanted and wanted not in options:
    outside = ask(queries.person, viewer, filters.as_of, wanted)
    if outside is None:
        wanted = None  # someone outside the viewer's scope, or not in post: never shown
    else:
        options[wanted] = f"{outside['name']} · {outside['team']} · {outside['role_title']}"
if not wanted and len(options) == 1:
    wanted = next(iter(options))
st.session_state["career-person"] = wanted
st.selectbox("Person", list(options), format_func=options.get, key="career-person",
             on_change=_remember, args=("career-person", "staff_id"), placeholder="Type a name to find someone")
if not wanted:
    st.info("Choose a person.")
    st.stop()
person = ask(queries.person, viewer, filters.as_of, wanted)
if person is None:
    st.info("This person is not in post on the as-of date.")
    st.stop()

# ---------------------------------------------------------------- which role and level
roles = ask(queries.framework_roles, None)
if roles.empty:
    st.info("No framework is loaded yet.")
    st.stop()
titles = dict(zip(roles["role_code"], roles["role_title"] + " · " + roles["framework"].map(framework_label)
                  + " · range " + roles["range"].astype(str), strict=True))
role = st.query_params.get("role")
if role not in titles:
    role = person["role_code"]
st.session_state["career-role"] = role
left, right = st.columns([3, 1])
left.selectbox("Role", list(titles), format_func=titles.get, key="career-role",
               on_change=_remember, args=("career-role", "role"))
levels = ask(queries.framework_levels, role)
level_names = dict(zip(levels["level"], "Level " + levels["level"] + ": " + levels["level_name"], strict=True))
level_titles = dict(zip(levels["level"], "level " + levels["level"] + " (" + levels["level_name"] + ")", strict=True))
own_next = person["target_level"] if role == person["role_code"] and isinstance(person["target_level"], str) else None
level = st.query_params.get("level")
if level not in level_names:
    level = own_next or (levels["level"].iloc[0] if len(levels) else None)
st.session_state["career-level"] = level
right.selectbox("Level", list(level_names), format_func=level_names.get, key="career-level",
                on_change=_remember, args=("career-level", "level"))
if level is None:
    st.info("This role has no levels loaded.")
    st.stop()

gap = ask(queries.career_gap, viewer, filters.as_of, wanted, role, level)
if gap.empty:
    st.info("This level has no requirements loaded.")
    st.stop()

# ---------------------------------------------------------------- the answer
st.subheader(f"{person['name']}: {titles[role].split(' · ')[0]}, {level_titles[level]}")
if bool(gap["holds_level_already"].iloc[0]):
    st.success(f"{person['name']} already holds this level of this role, or a higher one.")
met = int(gap["is_met"].sum())
time_rows = gap[gap["is_time_based"]]
earliest = time_rows["earliest_date"].dropna()
columns = st.columns(4)
columns[0].metric("Requirements met", f"{met} of {len(gap)}")
columns[1].metric("Still to do", int((~gap["is_met"]).sum()))
columns[2].metric("Wording matches to review", int((gap["status"] == "wording_match").sum()))
if time_rows.empty:
    columns[3].metric("Minimum time", "None asked")
elif time_rows["is_met"].all():
    columns[3].metric("Minimum time", "Served")
elif len(earliest):
    columns[3].metric("Earliest date time allows", f"{max(earliest):%d %b %Y}")
else:
    previous = gap["previous_level"].iloc[0]
    columns[3].metric("Minimum time", f"{int(time_rows['min_months'].max())} months",
                      help=f"Counted from the day they start at level {previous} of this role.")
if not bool(gap["training_ok"].iloc[0]):
    st.warning("Their mandatory training is not up to date: a minimum time counts only with it current.")

frame = pd.DataFrame({
    "Status": gap["status"].map(STATUS_LABELS),
    "Category": gap["category"],
    "Requirement": gap["requirement_id"],
    "Wording": gap["requirement"],
    "Evidence date": gap["evidence_date"],
    "Minimum time served on": gap["earliest_date"],
    "Matching wording they have evidence for": gap["matched_criterion"],
})
table(frame, f"what it would take {wanted} {role} {level}", empty="No requirements.")
matches = gap[gap["status"] == "wording_match"]
if len(matches):
    st.markdown("**Wording matches to review.** These requirements are not met by their own criterion, but the person "
                "has current evidence for a criterion worded much the same (often in another framework). A "
                "manager can decide whether that evidence also shows this one.")
    table(pd.DataFrame({"Requirement": matches["requirement_id"], "Wording": matches["requirement"],
                        "Evidence held for": matches["matched_criterion_id"],
                        "Its wording": matches["matched_criterion"],
                        "Words shared": matches["match_similarity"]}),
          f"wording matches {wanted} {role} {level}",
          column_config={"Words shared": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)})

# Their own record: evidence for this role's level's criteria can be submitted from here (a role they can aim for).
evidence_forms.submit_form(viewer, wanted, "career", role_code=role, level=level, key="career-submit")
