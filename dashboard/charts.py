"""Every chart in the dashboard: pure functions from a DataFrame to an Altair chart, one method chain each.

One status palette and one reason palette are used everywhere (Okabe-Ito, safe for colour-blind readers),
always with plain-word labels, a legend, titled axes and tooltips.

Pages draw them with `draw(builder, frame, ...)`: the chart's Vega-Lite specification (Altair's `to_dict`,
with its schema validation, and the data as Arrow: 50 to 200 ms a chart) is worked out once per chart and
data, and shared by every session showing the same figures, instead of once per person per page view.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.glossary import is_incomplete

# ---------------------------------------------------------------- words and colours used on every page

STATUS_LABELS = {
    "ready": "Ready now",
    "ready_on": "Ready on a date",
    "not_ready": "Not ready",
    "top_of_role": "Top of role",
}
STATUS_COLOURS = {
    "ready": "#009E73",
    "ready_on": "#56B4E9",
    "not_ready": "#E69F00",
    "top_of_role": "#999999",
}
REASON_LABELS = {
    "tenure": "Minimum time not reached",
    "training": "Training out of date",
    "awaiting_signoff": "Awaiting sign-off",
    "expired": "Evidence too old to count",
    "rejected": "Evidence rejected",
    "no_evidence": "No evidence",
}
REASON_COLOURS = {
    "tenure": "#56B4E9",
    "training": "#D55E00",
    "awaiting_signoff": "#F0E442",
    "expired": "#CC79A7",
    "rejected": "#0072B2",
    "no_evidence": "#BBBBBB",
}
# The heatmap shows requirements already met beside the reasons the others are not.
MET_LABEL, MET_COLOUR = "Met", "#009E73"
BENCH_LABELS = {
    "ready_now": "Ready now",
    "ready_within_12_months": "Ready within 12 months",
    "ready_1_to_2_years": "Ready in 1 to 2 years",
    "longer_term": "Longer term",
}
BENCH_COLOURS = {"ready_now": "#009E73", "ready_within_12_months": "#56B4E9", "ready_1_to_2_years": "#0072B2",
                 "longer_term": "#E69F00"}
# The succession summary's count of each bench band (its "ready within 12 months" column is the forecast, which
# also counts people ready now; the band holds only those not ready now).
BENCH_COUNTS = {"ready_now": "ready_now", "ready_within_12_months": "newly_ready_within_12_months",
                "ready_1_to_2_years": "ready_1_to_2_years", "longer_term": "longer_term"}
RISK_LABELS = {True: "At risk", False: "Covered"}
# The succession trend's two measures.
FORECAST_LABELS = {"ready_now": "Ready now", "ready_within_12_months": "Ready within 12 months"}
FORECAST_COLOURS = {"ready_now": "#009E73", "ready_within_12_months": "#56B4E9"}
EVENT_COLOURS = {
    "Level start": "#0072B2",
    "Acting up": "#CC79A7",
    "Secondment": "#CC79A7",
    "Evidence approved": "#009E73",
    "Evidence submitted": "#F0E442",
    "Evidence rejected": "#D55E00",
    "Projected ready date": "#56B4E9",
}
# The Overview's click-a-segment selections (team or range, and status); st.altair_chart returns them by name.
TEAM_PICK = "pick"
RANGE_PICK = "range_pick"


def draw(builder: Callable[..., alt.TopLevelMixin], frame: pd.DataFrame, *, options: dict | None = None,
         **streamlit_options):
    """`st.altair_chart(builder(frame, **options), **streamlit_options)`, its specification cached and shared.

    The cache key is the builder's name, the data (hashed by content) and the options, so the same figures
    give the same specification whoever looks, and a load (new figures) gives a new one.
    """
    options = options or {}
    spec = _specification(builder.__name__, frame, tuple(sorted(options.items())))
    if spec is None:  # this Streamlit cannot convert ahead: draw as usual
        return st.altair_chart(builder(frame, **options), **streamlit_options)
    return st.vega_lite_chart(spec=spec, **streamlit_options)


@st.cache_data(show_spinner=False, max_entries=500)
def _specification(builder_name: str, frame: pd.DataFrame, options: tuple) -> dict | None:
    try:  # Streamlit's own conversion, exactly what st.altair_chart does on every call
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
    except ImportError:
        return None
    builder = globals()[builder_name]
    return _convert_altair_to_vega_lite_spec(builder(frame, **dict(options)))


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status, status or "")


def reason_label(reason: str | None) -> str:
    if reason is None or (isinstance(reason, float) and pd.isna(reason)):
        return ""
    return REASON_LABELS.get(reason, reason)


def _scale(labels: dict[str, str], colours: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(labels.values()), range=[colours[key] for key in labels])


def _legend(title: str, columns: int = 2) -> alt.Legend:
    # Below the chart, two entries a line, labels never cut: on the right it took the bars' width on a
    # phone (a 390 px screen drew labels and no bars) and clipped long labels ("Ready on a dat").
    # (It starts where the plot does, after the axis labels: a chart with wide labels takes one column.)
    return alt.Legend(title=title, orient="bottom", direction="horizontal", columns=columns, labelLimit=0,
                      titleOrient="top", symbolType="square")



def short_text(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------- charts


# Past this many teams the Overview's team chart shows the top ones by a chosen measure and sums up the rest
# (at 100,000 staff, 7,097 teams made a chart about 185,000 px tall).
TEAM_CHART_LIMIT = 25
TEAM_MEASURES = {
    "people": "most people",
    "not_ready": "most people not ready",
    "least_ready": "the lowest share ready now or on a date",
}


# Cached on the figures' content (like the chart specifications): at 100,000 staff these two pivot 7,000 teams,
# which every session would otherwise do again for the same figures.
@st.cache_data(show_spinner=False, max_entries=200)
def top_teams(frame: pd.DataFrame, measure: str, limit: int) -> tuple[pd.DataFrame, list[str], pd.DataFrame]:
    """People per team and status cut to the `limit` teams first by `measure`; returns their rows, the teams in
    measure order, and the rest summed up per status (`status`, `people`, `teams`). The rest is not drawn as a
    bar: beside thousands of people it would flatten every other bar."""
    totals = frame.pivot_table(index="team", columns="status", values="people", aggfunc="sum", fill_value=0)
    totals = totals.reindex(columns=list(STATUS_LABELS), fill_value=0)
    people = totals.sum(axis=1)
    ready_share = (totals["ready"] + totals["ready_on"]) / people.where(people > 0)
    keys = {"people": (-people,), "not_ready": (-totals["not_ready"], -people),
            "least_ready": (ready_share, -people)}[measure]
    ranked = pd.DataFrame({f"key{index}": key for index, key in enumerate(keys)}).rename_axis(None)
    ranked = ranked.assign(team=totals.index.to_list()).reset_index(drop=True)
    order = ranked.sort_values([*ranked.columns[:-1], "team"])["team"].tolist()
    chosen, rest = order[:limit], order[limit:]
    in_chart = frame["team"].isin(chosen)  # the short list: isin over thousands of teams is slow on Arrow strings
    others = (frame[frame["team"].notna() & ~in_chart].groupby("status", as_index=False)["people"].sum()
              .assign(teams=len(rest)))
    return frame[in_chart].reset_index(drop=True), chosen, others


@st.cache_data(show_spinner=False, max_entries=200)
def teams_table(frame: pd.DataFrame) -> pd.DataFrame:
    """People per team and status as a table: one row per team (`Team`), a column per status label, and `Total`."""
    wide = frame.assign(status=frame["status"].map(STATUS_LABELS)).pivot_table(
        index="team", columns="status", values="people", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=[label for label in STATUS_LABELS.values() if label in wide.columns])
    return wide.assign(Total=wide.sum(axis=1)).reset_index().rename(columns={"team": "Team"})


def status_by_team_chart(frame: pd.DataFrame, order: list[str] | None = None) -> alt.Chart:
    """People per readiness status in each team, as stacked bars; clicking a segment selects its team and status."""
    pick = alt.selection_point(name=TEAM_PICK, fields=["team", "status"], on="click", clear=False)
    return (
        alt.Chart(frame.assign(Readiness=frame["status"].map(STATUS_LABELS)))
        .mark_bar(cursor="pointer")
        .encode(
            y=alt.Y("team:N", title="Team", sort=order or "ascending", axis=alt.Axis(labelLimit=180)),
            x=alt.X("sum(people):Q", title="People", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("Readiness:N", scale=_scale(STATUS_LABELS, STATUS_COLOURS),
                            legend=_legend("Readiness", columns=1), sort=list(STATUS_LABELS.values())),
            # The status code rides along (detail), so a click can name it: the aggregate keeps only encoded fields.
            detail="status:N",
            opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.85)),
            tooltip=[alt.Tooltip("team:N", title="Team"), alt.Tooltip("Readiness:N", title="Readiness"),
                     alt.Tooltip("sum(people):Q", title="People")],
        )
        .add_params(pick)
        .properties(title=alt.Title("Readiness by team", subtitle="Click a bar to list its people"),
                    height=alt.Step(26))
    )


def status_by_range_chart(frame: pd.DataFrame) -> alt.Chart:
    """People per readiness status in each grade range, as stacked bars; clicking a segment selects it."""
    pick = alt.selection_point(name=RANGE_PICK, fields=["range", "status"], on="click", clear=False)
    return (
        alt.Chart(frame.assign(Readiness=frame["status"].map(STATUS_LABELS),
                               Range="Range " + frame["range"].astype(str)))
        .mark_bar(cursor="pointer")
        .encode(
            y=alt.Y("Range:N", title="Grade range", sort="ascending"),
            x=alt.X("sum(people):Q", title="People", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("Readiness:N", scale=_scale(STATUS_LABELS, STATUS_COLOURS), legend=_legend("Readiness"),
                            sort=list(STATUS_LABELS.values())),
            detail=[alt.Detail("status:N"), alt.Detail("range:O")],
            opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.85)),
            tooltip=[alt.Tooltip("Range:N", title="Grade range"), alt.Tooltip("Readiness:N", title="Readiness"),
                     alt.Tooltip("sum(people):Q", title="People")],
        )
        .add_params(pick)
        .properties(title=alt.Title("Readiness by grade range", subtitle="Click a bar to list its people"),
                    height=alt.Step(34))
    )


def readiness_trend_chart(frame: pd.DataFrame) -> alt.Chart:
    """People per readiness status at each month-end, as stacked columns."""
    return (
        alt.Chart(frame.assign(Readiness=frame["status"].map(STATUS_LABELS)))
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month_end):O", title="Month end", axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y("sum(people):Q", title="People in post"),
            color=alt.Color("Readiness:N", scale=_scale(STATUS_LABELS, STATUS_COLOURS), legend=_legend("Readiness"),
                            sort=list(STATUS_LABELS.values())),
            tooltip=[alt.Tooltip("month_end:T", title="Month end", format="%d %b %Y"),
                     alt.Tooltip("Readiness:N", title="Readiness"), alt.Tooltip("sum(people):Q", title="People")],
        )
        .properties(title="Readiness at each month-end, last 24 months", height=300)
    )


def blocker_reasons(frame: pd.DataFrame) -> pd.DataFrame:
    """The blockers table in long form: one row per requirement and reason, with a readable label."""
    columns = [f"reason_{reason}" for reason in REASON_LABELS]
    long = frame.melt(
        id_vars=["requirement_id", "criterion", "people_blocked", "only_blocker"],
        value_vars=columns, var_name="reason", value_name="people",
    )
    long = long[long["people"] > 0]
    return long.assign(
        Reason=long["reason"].str.removeprefix("reason_").map(REASON_LABELS),
        Requirement=long["criterion"].map(lambda text: "⚠ " if is_incomplete(text) else "")
        + long["criterion"].map(short_text) + " (" + long["requirement_id"] + ")",
    )


def blockers_chart(frame: pd.DataFrame, title: str = "Requirements holding most people back") -> alt.Chart:
    """Requirements by people blocked, each bar split by the reason the requirement is not met."""
    return (
        alt.Chart(blocker_reasons(frame))
        .mark_bar()
        .encode(
            y=alt.Y("Requirement:N", title=None, sort=alt.EncodingSortField("people_blocked", op="max", order="descending"),
                    axis=alt.Axis(labelLimit=420)),
            x=alt.X("sum(people):Q", title="People held back", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("Reason:N", scale=_scale(REASON_LABELS, REASON_COLOURS), legend=_legend("Why", columns=1),
                            sort=list(REASON_LABELS.values())),
            tooltip=[alt.Tooltip("requirement_id:N", title="Requirement"), alt.Tooltip("criterion:N", title="Wording"),
                     alt.Tooltip("Reason:N", title="Why"), alt.Tooltip("sum(people):Q", title="People"),
                     alt.Tooltip("people_blocked:Q", title="People held back in all"),
                     alt.Tooltip("only_blocker:Q", title="For whom it is the last thing left")],
        )
        .properties(title=title, height=alt.Step(24))
    )


def quick_wins_chart(frame: pd.DataFrame) -> alt.Chart:
    """Requirements by the number of people for whom they are the only thing still missing."""
    return (
        alt.Chart(frame.assign(Requirement=frame["criterion"].map(lambda text: "⚠ " if is_incomplete(text) else "")
                               + frame["criterion"].map(short_text) + " (" + frame["requirement_id"] + ")"))
        .mark_bar(color="#0072B2")
        .encode(
            y=alt.Y("Requirement:N", title=None, sort="-x", axis=alt.Axis(labelLimit=420)),
            x=alt.X("only_blocker:Q", title="People for whom it is the last thing left", axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("requirement_id:N", title="Requirement"), alt.Tooltip("criterion:N", title="Wording"),
                     alt.Tooltip("only_blocker:Q", title="Last thing left for"),
                     alt.Tooltip("people_blocked:Q", title="People held back in all")],
        )
        .properties(title="Quick wins: requirements that are the last thing left", height=alt.Step(24))
    )


def team_heatmap_chart(frame: pd.DataFrame) -> alt.Chart:
    """Members by requirements of their target level: green when met, else coloured by the reason it is not."""
    labels = {"met": MET_LABEL, **REASON_LABELS}
    colours = {"met": MET_COLOUR, **REASON_COLOURS}
    return (
        alt.Chart(frame.assign(State=frame["state"].map(labels)))
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("requirement_id:N", title="Requirement of the next level (hover over a square for its wording)",
                    sort="ascending", axis=alt.Axis(labelAngle=-90, labelFontSize=10, orient="top", labelOverlap=False)),
            y=alt.Y("name:N", title=None, sort="ascending", axis=alt.Axis(labelLimit=200)),
            color=alt.Color("State:N", scale=_scale(labels, colours), legend=_legend("Requirement", columns=1)),
            tooltip=[alt.Tooltip("name:N", title="Person"), alt.Tooltip("requirement_id:N", title="Requirement"),
                     alt.Tooltip("category:N", title="Category"), alt.Tooltip("criterion:N", title="Wording"),
                     alt.Tooltip("State:N", title="State"),
                     alt.Tooltip("due_date:T", title="Due", format="%d %b %Y")],
        )
        # Sized by its cells, not stretched: "pad" keeps the whole legend even when there are few rows.
        .properties(title="Who has met what: each person against their next level", height=alt.Step(20),
                    width=alt.Step(18), autosize=alt.AutoSizeParams(type="pad", contains="padding"))
    )


def person_timeline_chart(frame: pd.DataFrame, interactive: bool = True) -> alt.LayerChart:
    """A person's dated events: level start, acting periods, evidence and the projected ready date."""
    events = frame.assign(end_date=frame["end_date"].where(frame["end_date"].notna(), frame["start_date"]))
    base = alt.Chart(events).encode(
        y=alt.Y("event:N", title=None, sort=list(EVENT_COLOURS), axis=alt.Axis(labelLimit=200)),
        x=alt.X("start_date:T", title="Date", axis=alt.Axis(format="%b %Y")),
        color=alt.Color("event:N", scale=alt.Scale(domain=list(EVENT_COLOURS), range=list(EVENT_COLOURS.values())),
                        legend=None),
        tooltip=([alt.Tooltip("event:N", title="Event"), alt.Tooltip("start_date:T", title="From", format="%d %b %Y"),
                  alt.Tooltip("end_date:T", title="To", format="%d %b %Y"), alt.Tooltip("detail:N", title="Detail")]
                 if interactive else alt.value(None)),
    )
    return (
        alt.layer(base.mark_bar(height=12, cornerRadius=3).encode(x2="end_date:T"),
                  base.mark_point(size=90, filled=True, opacity=1))
        .properties(title="Timeline", height=alt.Step(30))
    )


def succession_chart(frame: pd.DataFrame) -> alt.Chart:
    """The bench per role with feeders: candidates ready now, within 12 months, in one to two years and longer term."""
    with_feeders = frame[frame["has_feeders"]].rename(columns={column: band for band, column in BENCH_COUNTS.items()})
    long = with_feeders.melt(id_vars=["role_title", "framework", "range", "in_post", "at_risk"],
                             value_vars=list(BENCH_LABELS), var_name="bench", value_name="people")
    return (
        alt.Chart(long.assign(Bench=long["bench"].map(BENCH_LABELS),
                              Role=long["role_title"] + " (range " + long["range"].astype(str) + ")",
                              Risk=long["at_risk"].map(RISK_LABELS)))
        .mark_bar()
        .encode(
            y=alt.Y("Role:N", title=None, sort=None, axis=alt.Axis(labelLimit=360)),
            x=alt.X("sum(people):Q", title="Candidates", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("Bench:N", scale=_scale(BENCH_LABELS, BENCH_COLOURS), legend=_legend("Bench", columns=1),
                            sort=list(BENCH_LABELS.values())),
            tooltip=[alt.Tooltip("Role:N", title="Role"), alt.Tooltip("Bench:N", title="Bench"),
                     alt.Tooltip("sum(people):Q", title="Candidates"),
                     alt.Tooltip("in_post:Q", title="In post now"), alt.Tooltip("Risk:N", title="Risk")],
        )
        .properties(title="Succession bench by role (roles filled from within)", height=alt.Step(26))
    )


def succession_trend_chart(frame: pd.DataFrame) -> alt.Chart:
    """Per role, candidates ready now and ready within 12 months at each month-end, as lines in small multiples."""
    long = frame.melt(id_vars=["month_end", "role_title", "range"], value_vars=list(FORECAST_LABELS),
                      var_name="measure", value_name="people")
    return (
        alt.Chart(long.assign(Measure=long["measure"].map(FORECAST_LABELS),
                              Role=long["role_title"] + " (range " + long["range"].astype(str) + ")"))
        .mark_line(point=True)
        .encode(
            x=alt.X("month_end:T", title="Month end", axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y("people:Q", title="Candidates", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("Measure:N", scale=_scale(FORECAST_LABELS, FORECAST_COLOURS), legend=_legend("Candidates"),
                            sort=list(FORECAST_LABELS.values())),
            facet=alt.Facet("Role:N", title=None, columns=3, sort=None, header=alt.Header(labelLimit=360)),
            tooltip=[alt.Tooltip("Role:N", title="Role"), alt.Tooltip("month_end:T", title="Month end", format="%d %b %Y"),
                     alt.Tooltip("Measure:N", title="Candidates"), alt.Tooltip("people:Q", title="People")],
        )
        .properties(title="Bench strength at each month-end, last 24 months", width=210, height=130)
    )
