"""Compare frameworks: browse one by role, level and category, or put two levels side by side, matched on wording."""

import pandas as pd
import streamlit as st

from dashboard.connection import ask
from dashboard.downloads import table
from dashboard.filters import framework_label
from dashboard.router import start_page
from warehouse import queries

viewer, filters = start_page(fields=())

ALL = ""


def _pick_level(prefix: str, roles: pd.DataFrame, default_framework: str, column) -> tuple[str, str, str]:
    """Framework, role and level pickers in `column`; returns (role_code, level, label)."""
    frameworks = list(dict.fromkeys(roles["framework"]))
    framework = column.selectbox("Framework", frameworks, format_func=framework_label, key=f"{prefix}-framework",
                                 index=frameworks.index(default_framework))
    own = roles[roles["framework"] == framework]
    titles = dict(zip(own["role_code"], own["role_title"] + " · range " + own["range"].astype(str), strict=True))
    role = column.selectbox("Role", list(titles), format_func=titles.get, key=f"{prefix}-role")
    levels = ask(queries.framework_levels, role)
    names = dict(zip(levels["level"], "Level " + levels["level"] + ": " + levels["level_name"], strict=True))
    level = column.selectbox("Level", list(names), format_func=names.get, key=f"{prefix}-level")
    return role, level, f"{titles[role].split(' · ')[0]}, level {level}"


st.title("Compare frameworks")
roles = ask(queries.framework_roles, None)
if roles.empty:
    st.info("No framework is loaded yet. An administrator can load one on the Data page.")
    st.stop()
frameworks = list(dict.fromkeys(roles["framework"]))
browse, side_by_side = st.tabs(["Browse a framework", "Two levels side by side"])

with browse:
    columns = st.columns(4)
    framework = columns[0].selectbox("Framework", frameworks, format_func=framework_label, key="browse-framework")
    own = roles[roles["framework"] == framework]
    titles = {ALL: "All roles", **dict(zip(own["role_code"], own["role_title"], strict=True))}
    role = columns[1].selectbox("Role", list(titles), format_func=titles.get, key="browse-role")
    level_names = {ALL: "All levels"}
    if role:
        levels = ask(queries.framework_levels, role)
        level_names.update(zip(levels["level"], "Level " + levels["level"] + ": " + levels["level_name"], strict=True))
    level = columns[2].selectbox("Level", list(level_names), format_func=level_names.get, key="browse-level")
    categories = [ALL, *ask(queries.categories, framework)]
    category = columns[3].selectbox("Category", categories, format_func=lambda value: value or "All categories",
                                    key="browse-category")
    criteria = ask(queries.framework_browse, framework, role or None, level or None, category or None)
    st.caption(f"{len(criteria):,} criteria in {framework_label(framework)}"
               + (f", {titles[role]}" if role else "") + (f", level {level}" if level else "")
               + (f", {category}" if category else "") + ".")
    table(pd.DataFrame({"Role": criteria["role_title"], "Level": criteria["level"] + ": " + criteria["level_name"],
                        "Category": criteria["category"], "Requirement": criteria["criterion_id"],
                        "Wording": criteria["criterion"], "Minimum months": criteria["min_months"]}),
          f"framework {framework}", empty="No criteria match these choices.")

with side_by_side:
    st.caption("Two levels of any roles, in the same framework or two different ones. Criteria are matched on their "
               "wording (the share of meaningful words they have in common); what has no match is what one asks "
               "and the other does not. Matches are suggestions to review, not equivalences.")
    left_column, right_column = st.columns(2)
    left = _pick_level("left", roles, frameworks[-1], left_column)
    right = _pick_level("right", roles, frameworks[0], right_column)
    cumulative = st.toggle("Include the levels below each", key="compare-cumulative",
                           help="What holding each level takes: its own criteria and those of the levels under it "
                                "(Maldon's levels, for example, are written 'in addition to the above').")
    compared = ask(queries.level_comparison, left[0], left[1], right[0], right[1], cumulative)
    if compared.empty:
        st.info("Neither level has criteria loaded.")
        st.stop()
    sides = {"left": compared[compared["side"] == "left"], "right": compared[compared["side"] == "right"]}
    figures = st.columns(3)
    figures[0].metric("Only on the left", int((~sides["left"]["has_match"]).sum()), help=f"Only in {left[2]}")
    figures[1].metric("Matched on wording", int(sides["left"]["has_match"].sum()))
    figures[2].metric("Only on the right", int((~sides["right"]["has_match"]).sum()), help=f"Only in {right[2]}")
    only_left, only_right = st.columns(2)
    for column, side, label in ((only_left, "left", left[2]), (only_right, "right", right[2])):
        with column:
            st.subheader(f"Only in {label}")
            rows = sides[side][~sides[side]["has_match"]]
            if rows.empty:
                st.info("Nothing: every criterion has a match on the other side.")
            else:
                # A static table, so long wording wraps; the requirement ID is its index.
                st.table(pd.DataFrame({"Requirement": rows["criterion_id"], "Level": rows["level"],
                                       "Category": rows["category"], "Wording": rows["criterion"]})
                         .set_index("Requirement"))
    st.subheader("Matched on wording")
    matched = sides["left"][sides["left"]["has_match"]]
    table(pd.DataFrame({left[2]: matched["criterion"], right[2]: matched["matched_criterion"],
                        "Words shared": matched["match_similarity"]}),
          f"matched {left[2]} {right[2]}", empty="No criteria match on wording.",
          column_config={"Words shared": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)})
