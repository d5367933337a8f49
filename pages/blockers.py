"""Blockers: which requirements hold people back, why, and who exactly."""

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.connection import ask
from dashboard.downloads import table
from dashboard.filters import describe
from dashboard.router import start_page
from warehouse import queries

CHART_ROWS = 15

viewer, filters = start_page()

st.title("Blockers")
st.caption(describe(filters))

left, middle, right = st.columns([2, 3, 2])
categories = left.multiselect("Categories", ask(queries.categories, filters.framework), placeholder="All categories", key="blocker-categories")
reasons = middle.multiselect("Why", list(charts.REASON_LABELS), format_func=charts.REASON_LABELS.get,
                             placeholder="Any reason", key="blocker-reasons")
rank = right.radio("Rank by", ["People held back", "Last thing left"], horizontal=True, key="blocker-rank",
                   help="'Last thing left' counts people for whom this is the only requirement still missing: "
                        "the quickest wins.")

# The ranking and the people held back by the chosen requirement (the one in the link, else the
# top-ranked) come from one pass over the gaps.
board = ask(queries.blockers_board, viewer, filters, tuple(categories), tuple(reasons), rank == "Last thing left",
            st.query_params.get("requirement"))
ranked = board["ranked"]
if ranked.empty:
    st.info("Nothing holds anyone back under these filters.")
    st.stop()

top = ranked.head(CHART_ROWS)
if rank == "Last thing left":
    top = top[top["only_blocker"] > 0]
    if top.empty:
        st.info("No requirement is the last thing left for anyone under these filters.")
    else:
        st.altair_chart(charts.quick_wins_chart(top))
else:
    st.altair_chart(charts.blockers_chart(top, title=f"The {len(top)} requirements holding most people back"))

st.subheader("Every blocking requirement")
role_titles = ask(queries.framework_roles).set_index("role_code")["role_title"]
shown = pd.DataFrame({
    "Requirement": ranked["requirement_id"],
    "People held back": ranked["people_blocked"],
    "Last thing left for": ranked["only_blocker"],
    "Wording": ranked["criterion"],
    "Category": ranked["category"],
    "Role": ranked["role_code"].map(role_titles),
    "Level": ranked["target_level"],
    **{label: ranked[f"reason_{reason}"] for reason, label in charts.REASON_LABELS.items()},
})
table(shown, "blocking requirements")

st.subheader("Who does it hold back?")
labels = dict(zip(ranked["requirement_id"],
                  ranked["requirement_id"] + " · " + ranked["criterion"].map(lambda text: charts.short_text(text, 90)),
                  strict=True))
st.session_state["blocker-pick"] = board["requirement_id"]


def _remember_requirement() -> None:
    chosen = st.session_state["blocker-pick"]
    if chosen:
        st.query_params["requirement"] = chosen
    elif "requirement" in st.query_params:
        del st.query_params["requirement"]


st.selectbox("Requirement", list(labels), format_func=labels.get, key="blocker-pick",
             on_change=_remember_requirement, placeholder="Choose a requirement")
chosen = st.session_state["blocker-pick"]
if not chosen:
    st.info("Choose a requirement to see who it holds back.")
else:
    blocked = board["blocked"] if chosen == board["requirement_id"] else ask(queries.blocked_people, viewer, filters,
                                                                           chosen)
    table(pd.DataFrame({
        "Name": blocked["name"], "Team": blocked["team"], "Role": blocked["role_title"], "Level": blocked["level"],
        "Target level": blocked["target_level"], "Why": blocked["reason"].map(charts.reason_label),
        "Due": blocked["due_date"],
        "Last thing left": blocked["is_only_blocker"].map({True: "Yes", False: "No"}),
    }), f"held back by {chosen}", empty="Nobody under these filters is held back by it.")
