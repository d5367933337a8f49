"""Framework: browse a role's levels side by side (in tabs beyond four), criteria grouped by category, with a search box."""

import pandas as pd
import streamlit as st

from dashboard import glossary, settings_words
from dashboard.connection import ask
from dashboard.downloads import table
from dashboard.filters import framework_label
from dashboard.router import start_page
from dashboard.text import plain
from warehouse import queries

viewer, filters = start_page(fields=("framework",))
MAX_SIDE_BY_SIDE = 4


st.title("Career framework")
roles = ask(queries.framework_roles, filters.framework)
if roles.empty:
    st.info("No framework is loaded yet. An administrator can load one on the Data page.")
    st.stop()

incomplete = ask(queries.incomplete_criteria, filters.framework)
if not incomplete.empty:
    with st.expander(f"⚠ {len(incomplete)} criteria incomplete in the source document", expanded=False):
        st.caption("Words of these criteria were lost from the source document (shown as […]). Until HR completes "
                   "them in data/frameworks/ and reloads the framework, every page shows them as they are, flagged.")
        table(pd.DataFrame({"Requirement": incomplete["criterion_id"], "Role": incomplete["role_title"],
                            "Level": incomplete["level"], "Category": incomplete["category"],
                            "Wording": incomplete["criterion"]}), "criteria incomplete in the source", key="incomplete")

titles = dict(zip(roles["role_code"],
                  roles["role_title"] + " · range " + roles["range"].astype(str) + " · "
                  + roles["framework"].map(framework_label), strict=True))
# Open on a framework the viewer's people are on (the demo's Medway), not the first loaded by name.
staffed = ask(queries.filter_options, viewer, None)["frameworks"]
first = next((position for position, framework in enumerate(roles["framework"]) if framework in staffed), 0)
left, right = st.columns([3, 2])
role = left.selectbox("Role", list(titles), index=first, format_func=titles.get, key="framework-role")
search = right.text_input("Search the criteria", key="framework-search", placeholder="e.g. training, complaints",
                          max_chars=100)

duties = roles.loc[roles["role_code"] == role, "duties"].iloc[0]
if isinstance(duties, str) and duties:
    st.caption(plain(duties))
settings = ask(queries.framework_settings, roles.loc[roles["role_code"] == role, "framework"].iloc[0])
if not settings.empty:
    st.caption(f"**Rules of this framework.** {settings_words.framework_rules(settings.iloc[0])}")

criteria = ask(queries.framework_criteria, role, search.strip())
if criteria.empty:
    st.info(f"No criteria of this role contain “{plain(search.strip())}”." if search.strip()
            else "This role has no criteria loaded.")
    st.stop()

levels = criteria.drop_duplicates("level").sort_values("level_order")
# Side by side up to four levels (Medway's A-C, Maldon's 1-4); a longer ladder (Derbyshire's thirteen) in tabs.
columns = (st.columns(len(levels)) if len(levels) <= MAX_SIDE_BY_SIDE
           else st.tabs([f"{level.level}: {level.level_name}" for level in levels.itertuples()]))
for column, level in zip(columns, levels.itertuples(), strict=True):
    with column:
        st.subheader(f"Level {plain(level.level)}: {plain(level.level_name)}")
        for category, group in criteria[criteria["level"] == level.level].groupby("category", sort=False):
            lines = []
            for item in group.itertuples():
                months = f" *(at least {int(item.min_months)} months)*" if pd.notna(item.min_months) else ""
                either = " *(one of a choice)*" if isinstance(item.any_of, str) and item.any_of else ""
                flag = f" *({glossary.INCOMPLETE_FLAG})*" if glossary.is_incomplete(item.criterion) else ""
                lines.append(f"- {plain(item.criterion)}{months}{either}{flag}")
            st.markdown(f"**{plain(category)}**\n\n" + "\n".join(lines))

with st.expander("All criteria of this role as a table"):
    table(pd.DataFrame({"Level": criteria["level"], "Level name": criteria["level_name"],
                        "Category": criteria["category"], "Requirement": criteria["criterion_id"],
                        "Wording": criteria["criterion"], "Minimum months": criteria["min_months"]}),
          f"framework {role}", empty="No criteria.")
