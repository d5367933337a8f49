"""Overview: readiness at a glance for senior management, with a click through to any team."""

import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import charts, glossary, settings_words
from dashboard import evidence as evidence_forms
from dashboard.connection import ask
from dashboard.downloads import table
from dashboard.filters import describe, ignored_notice, quoted, url_params, why_empty
from dashboard.router import PAGES_DIR, start_page
from dashboard.text import counted
from warehouse import queries

# The tabs below the headline figures; a tab's name is its value in the URL (?view=...).
VIEWS = ("By team and range", "Over 24 months", "What holds people back")
STATUS_FIGURES = {"ready": "ready_now", "ready_on": "ready_on", "not_ready": "not_ready", "top_of_role": "top_of_role"}
STATUS_HELP = {
    "ready": "Every requirement of the next level met on the as-of date.",
    "ready_on": "Waiting only for minimum time at level, with everything else met; the People page shows each date.",
    "not_ready": "At least one requirement needs evidence, sign-off or training.",
    "top_of_role": "Already at the highest level of their role: their next step is another role (see Succession).",
}
LAPSE_WORDS = {**{reason: label.lower() for reason, label in charts.REASON_LABELS.items()}, "left": "left"}


viewer, filters = start_page()


def people_link(filters, params: dict) -> str:
    """A markdown link to the People page's named list, keeping the sidebar filters."""
    return f"[See who :material/arrow_forward:](people?{urlencode({**url_params(filters), **params}, doseq=True)})"


def tiles_css() -> str:
    # Each tile's left edge in its status's chart colour (the keys are constants; no user text reaches this CSS).
    colours = {**charts.STATUS_COLOURS, "staff_in_post": "#0072B2", "ready-by-3": charts.STATUS_COLOURS["ready"],
               "ready-by-12": charts.STATUS_COLOURS["ready"], "awaiting_signoff": charts.REASON_COLOURS["awaiting_signoff"],
               "training_expired": charts.REASON_COLOURS["training"]}
    rules = "".join(f".st-key-tile-{key} {{ border-left: 8px solid {colour} !important; }}"
                    for key, colour in colours.items())
    return f"<style>{rules}</style>"


st.title("Readiness overview")
st.caption(describe(filters))
forecast_assumption = settings_words.forecast_assumption(ask(queries.framework_settings, filters.framework))
if filters.as_of > dt.date.today():
    st.info(f"A future date: who will be ready by {filters.as_of:%d %b %Y}. {forecast_assumption}",
            icon=":material/event_upcoming:")

overview = ask(queries.overview_figures, viewer, filters)
figures = overview["headline"]
if figures["staff_in_post"] == 0:
    st.info(why_empty(viewer, filters))
    st.stop()

# Today's tiles partition the people in post into the charts' four statuses (same words, same colours); each opens
# the People page's named list. The forward-looking figures below them are the as-of replay of their dates.
st.html(tiles_css())
tiles = st.columns(5)
with tiles[0].container(border=True, key="tile-staff_in_post"):
    st.metric("Staff in post", figures["staff_in_post"], help="Everyone in post on the as-of date, in exactly one of "
              "the four tiles beside this one.")
    st.markdown(people_link(filters, {}))
for area, (status, help_text) in zip(tiles[1:], STATUS_HELP.items(), strict=True):
    with area.container(border=True, key=f"tile-{status}"):
        st.metric(charts.STATUS_LABELS[status], figures[STATUS_FIGURES[status]], help=help_text)
        st.markdown(people_link(filters, {"status": status}))

st.markdown("**Looking ahead** (each figure is the *Ready now* count with the as-of date set to its date)")
ahead = st.columns(len(queries.FORWARD_MONTHS) + 2)
for area, months in zip(ahead, queries.FORWARD_MONTHS, strict=False):
    forward = ask(queries.ready_by, viewer, filters, months)
    with area.container(border=True, key=f"tile-ready-by-{months}"):
        st.metric(f"Ready by {forward['ready_by']:%d %b %Y}", forward["ready"],
                  delta=forward["ready"] - forward["ready_today"], delta_color="normal",
                  help=f"Who will be ready on that date. {forecast_assumption}")
        st.markdown(people_link(filters, {"status": "ready", "as_of": forward["ready_by"].isoformat()}))
    if forward["lapsing"]:
        reasons = ask(queries.lapse_reasons, viewer, filters, months)
        who = (f"None of the {forward['ready_today']} ready now will still be ready then"
               if forward["lapsing"] == forward["ready_today"]
               else f"{forward['lapsing']} of the {forward['ready_today']} ready now will not be ready then")
        area.caption(f"{who}: "
                     + "; ".join(f"{LAPSE_WORDS.get(reason, reason)} ({people})"
                                 for reason, people in zip(reasons["reason"], reasons["people"], strict=True)) + ".")
with ahead[-2].container(border=True, key="tile-awaiting_signoff"):
    st.metric("Evidence awaiting sign-off", figures["evidence_awaiting_signoff"],
              help="Items submitted and not yet approved or rejected.")
    st.markdown(people_link(filters, {"status": "awaiting_signoff"}))
with ahead[-1].container(border=True, key="tile-training_expired"):
    st.metric("Expired mandatory training", figures["expired_mandatory_training"],
              help="People with at least one mandatory course out of date.")
    st.markdown(people_link(filters, {"status": "training_expired"}))
st.caption(f"Looking ahead: {forecast_assumption}")
waits = ask(queries.oldest_waits_by_team, viewer, filters)
if not waits.empty:
    overdue, limit = int(waits["overdue"].sum()), int(waits["overdue_after_working_days"].max())
    with st.expander(f"Oldest sign-off waits by team: {counted(overdue, 'item')} "
                     f"{'has' if overdue == 1 else 'have'} waited more than {limit} working days",
                     icon=":material/hourglass_top:"):
        table(evidence_forms.waits_table(waits), "sign-off waits by team")

by_team, by_range = overview["team"], overview["range"]
# Only the open tab's queries run (the trend and the blockers each take a second or more at 100,000 staff,
# see docs/benchmarks.md); the open tab is kept in the URL (?view=...) so a link reopens it.
if st.query_params.get("view") not in (None, *VIEWS):
    ignored_notice([f"tab “{quoted(st.query_params['view'])}” (no such tab; showing {VIEWS[0]})"])
    del st.query_params["view"]
by_group, over_time, holding_back = st.tabs(list(VIEWS), key="view", bind="query-params")
if by_group.open:
    with by_group:
        left, right = st.columns([3, 2])
        with left:
            teams_in_chart, order, others = by_team, None, None
            if by_team["team"].nunique() > charts.TEAM_CHART_LIMIT:
                # A large organisation: the top teams by a chosen measure; the rest summed up in words.
                measure = st.selectbox(f"Show the {charts.TEAM_CHART_LIMIT} teams with",
                                       list(charts.TEAM_MEASURES), format_func=charts.TEAM_MEASURES.get,
                                       key="team-measure")
                teams_in_chart, order, others = charts.top_teams(by_team, measure, charts.TEAM_CHART_LIMIT)
            event = charts.draw(charts.status_by_team_chart, teams_in_chart, options={"order": order},
                                on_select="rerun", key="team-bars", selection_mode=charts.TEAM_PICK)
            if others is not None:
                rest = dict(zip(others["status"], others["people"], strict=True))
                st.caption(f"The other {int(others['teams'].iloc[0]):,} teams: "
                           + ", ".join(f"{int(rest.get(status, 0)):,} {label.lower()}"
                                       for status, label in charts.STATUS_LABELS.items())
                           + ". Every team is in the table below.")
            # A click on a segment opens the named list behind it: that team's people with that status.
            picked = event.selection.get(charts.TEAM_PICK, []) if event else []
            point = next((point for point in picked if point.get("team") and point.get("status")), None)
            if point:
                st.switch_page(PAGES_DIR / "people.py", query_params={
                    **url_params(filters), "team": point["team"], "status": point["status"]})
        with right:
            event = charts.draw(charts.status_by_range_chart, by_range, on_select="rerun", key="range-bars",
                                selection_mode=charts.RANGE_PICK)
            picked = event.selection.get(charts.RANGE_PICK, []) if event else []
            point = next((point for point in picked if point.get("range") is not None and point.get("status")), None)
            if point:
                st.switch_page(PAGES_DIR / "people.py", query_params={
                    **url_params(filters), "range": str(int(point["range"])), "status": point["status"]})
        wide = charts.teams_table(by_team)
        if others is not None:
            st.markdown(f"**All {len(wide):,} teams**")
            st.caption("Search the table with its magnifying glass (top right of the table), or sort by any column.")
            table(wide, "readiness by team", key="all-teams",
                  column_config={"Team": st.column_config.TextColumn("Team", pinned=True)})
        with st.expander("The figures behind these charts"):
            if others is None:
                st.markdown("**By team**")
                table(wide, "readiness by team")
            st.markdown("**By grade range**")
            table(by_range.assign(status=by_range["status"].map(charts.STATUS_LABELS))
                  .rename(columns={"range": "Range", "status": "Readiness", "people": "People"}), "readiness by range")

if over_time.open:
    with over_time:
        trend = ask(queries.readiness_trend, viewer, filters, 24)
        if trend.empty:
            st.info("No readiness history for these filters.")
        else:
            charts.draw(charts.readiness_trend_chart, trend)
            with st.expander("The figures behind this chart"):
                table(trend.assign(status=trend["status"].map(charts.STATUS_LABELS))
                      .rename(columns={"month_end": "Month end", "status": "Readiness", "people": "People"}),
                      "readiness trend")

if holding_back.open:
    with holding_back:
        top = ask(queries.blockers, viewer, filters, limit=10)
        if top.empty:
            st.info("Nothing is holding anyone back under these filters.")
        else:
            charts.draw(charts.blockers_chart, top,
                        options={"title": "The ten requirements holding most people back, and why"})
            st.page_link(PAGES_DIR / "blockers.py", label="Every requirement, and who it holds back", icon=":material/arrow_forward:",
                         query_params=url_params(filters))
            with st.expander("The figures behind this chart"):
                table(pd.DataFrame({"Requirement": top["requirement_id"], "Wording": top["criterion"].map(glossary.flagged),
                                    "Category": top["category"], "People held back": top["people_blocked"],
                                    "Last thing left for": top["only_blocker"]}),
                      "top ten blockers")
