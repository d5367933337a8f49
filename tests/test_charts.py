"""Charts are pure functions: their Vega-Lite specs carry the one palette, plain-word labels, titles and legends."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import charts


def status_rows(by: str, values) -> pd.DataFrame:
    return pd.DataFrame([{by: value, "status": status, "people": index + 1}
                         for value in values for index, status in enumerate(charts.STATUS_LABELS)])


BLOCKERS = pd.DataFrame({
    "requirement_id": ["CBSO.B.K1", "CBSO.B.S2"],
    "criterion": ["A sound knowledge of good customer service and the systems used to perform the role well", "Skill"],
    "people_blocked": [7, 3], "only_blocker": [2, 0],
    **{f"reason_{reason}": [1, 0] for reason in charts.REASON_LABELS},
})
HEATMAP = pd.DataFrame({
    "name": ["Ann", "Ann", "Bob"], "staff_id": ["S1", "S1", "S2"],
    "requirement_id": ["R.A.K1", "R.A.K2", "R.A.K1"], "category": ["Knowledge"] * 3,
    "criterion": ["One", "Two", "One"], "state": ["met", "awaiting_signoff", "no_evidence"],
    "due_date": pd.to_datetime([None, None, None]),
})
TIMELINE = pd.DataFrame({
    "event": ["Level start", "Acting up", "Evidence approved", "Projected ready date"],
    "start_date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-06-01", "2026-01-01"]),
    "end_date": pd.to_datetime([None, "2024-09-30", None, None]),
    "detail": ["Reached level A", "In role CBTM", "OFF.B.K1", "Ready for level B"],
})
SUCCESSION = pd.DataFrame({
    "role_code": ["OFF", "MGR", "DIR"], "role_title": ["Officer", "Manager", "Director"], "framework": ["fw"] * 3,
    "range": [3, 5, 6], "in_post": [10, 2, 1], "has_feeders": [False, True, True], "ready_now": [0, 1, 0],
    "ready_within_12_months": [0, 1, 0], "newly_ready_within_12_months": [0, 0, 1], "ready_1_to_2_years": [0, 3, 0],
    "longer_term": [0, 4, 2], "at_risk": [False, True, True],
})
SUCCESSION_TREND = pd.DataFrame([{"month_end": dt.date(2026, month, 28), "role_code": "MGR", "role_title": "Manager",
                                  "range": 5, "ready_now": month, "ready_within_12_months": 1} for month in (1, 2)])
TREND = pd.DataFrame([{"month_end": dt.date(2026, month, 28), "status": status, "people": 3}
                      for month in (1, 2) for status in charts.STATUS_LABELS])

CHARTS = {
    "status by team": (charts.status_by_team_chart, status_rows("team", ["Blue Badge", "Customer Relations"])),
    "status by range": (charts.status_by_range_chart, status_rows("range", [3, 4])),
    "trend": (charts.readiness_trend_chart, TREND),
    "blockers": (charts.blockers_chart, BLOCKERS),
    "quick wins": (charts.quick_wins_chart, BLOCKERS),
    "heatmap": (charts.team_heatmap_chart, HEATMAP),
    "timeline": (charts.person_timeline_chart, TIMELINE),
    "succession": (charts.succession_chart, SUCCESSION),
    "succession trend": (charts.succession_trend_chart, SUCCESSION_TREND),
}


def spec(name: str) -> dict:
    function, frame = CHARTS[name]
    return function(frame).to_dict()


def encodings(chart_spec: dict) -> list[dict]:
    layers = chart_spec.get("layer", [chart_spec])
    return [layer.get("encoding", {}) for layer in layers] + [chart_spec.get("encoding", {})]


def values(chart_spec: dict) -> list[dict]:
    return next(iter(chart_spec["datasets"].values()))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_has_a_title_titled_axes_and_tooltips(name):
    chart_spec = spec(name)
    assert chart_spec["title"], name
    for encoding in encodings(chart_spec):
        for channel in ("x", "y"):
            if channel in encoding:
                assert "title" in encoding[channel], f"{name}: {channel} axis has no title"
                assert not str(encoding[channel].get("title") or "").count("_"), f"{name}: jargon in an axis title"
    assert any("tooltip" in encoding for encoding in encodings(chart_spec)), name


@pytest.mark.parametrize("name", ["status by team", "status by range", "trend"])
def test_status_charts_use_the_one_palette_with_plain_labels_and_a_legend(name):
    colour = spec(name)["encoding"]["color"]
    assert colour["scale"]["domain"] == ["Ready now", "Ready on a date", "Not ready", "Top of role"]
    assert colour["scale"]["range"] == ["#009E73", "#56B4E9", "#E69F00", "#999999"]
    assert colour["legend"]["title"] == "Readiness"
    assert {row["Readiness"] for row in values(spec(name))} <= set(colour["scale"]["domain"])


def test_blocker_chart_uses_the_reason_palette_and_plain_reasons():
    chart_spec = spec("blockers")
    colour = chart_spec["encoding"]["color"]
    assert colour["scale"]["domain"] == ["Minimum time not reached", "Training out of date", "Awaiting sign-off",
                                         "Evidence too old to count", "Evidence rejected", "No evidence"]
    assert colour["scale"]["range"] == [charts.REASON_COLOURS[reason] for reason in charts.REASON_LABELS]
    assert colour["legend"]["title"] == "Why"
    labels = {row["Requirement"] for row in values(chart_spec)}
    assert "Skill (CBSO.B.S2)" not in labels  # zero counts are not drawn
    assert any(label.endswith("(CBSO.B.K1)") and "…" in label for label in labels)  # long wording shortened


def test_heatmap_colours_met_green_and_reasons_with_the_reason_palette():
    colour = spec("heatmap")["encoding"]["color"]
    assert colour["scale"]["domain"][0] == "Met"
    assert colour["scale"]["range"][0] == charts.STATUS_COLOURS["ready"]
    assert colour["scale"]["range"][1:] == [charts.REASON_COLOURS[reason] for reason in charts.REASON_LABELS]
    assert {row["State"] for row in values(spec("heatmap"))} == {"Met", "Awaiting sign-off", "No evidence"}


@pytest.mark.parametrize(("name", "pick", "field"), [("status by team", charts.TEAM_PICK, "team"),
                                                     ("status by range", charts.RANGE_PICK, "range")])
def test_status_charts_select_a_segment_on_click(name, pick, field):
    chart_spec = spec(name)
    (parameter,) = chart_spec["params"]
    assert parameter["name"] == pick
    assert parameter["select"]["fields"] == [field, "status"]
    assert parameter["select"]["on"] == "click"


def test_succession_chart_uses_bench_words_and_leaves_out_entry_roles():
    chart_spec = spec("succession")
    colour = chart_spec["encoding"]["color"]
    assert colour["scale"]["domain"] == ["Ready now", "Ready within 12 months", "Ready in 1 to 2 years", "Longer term"]
    assert colour["legend"]["title"] == "Bench"
    rows = values(chart_spec)
    assert {row["Risk"] for row in rows} == {"At risk"}
    assert {row["Role"] for row in rows} == {"Manager (range 5)", "Director (range 6)"}  # not the entry role
    # The band "ready within 12 months" counts only those not ready now (the summary's newly_ready column).
    assert {(row["Role"], row["Bench"]): row["people"] for row in rows}[("Director (range 6)",
                                                                        "Ready within 12 months")] == 1


def test_succession_trend_draws_both_measures_per_role():
    chart_spec = spec("succession trend")
    assert chart_spec["encoding"]["color"]["scale"]["domain"] == ["Ready now", "Ready within 12 months"]
    assert chart_spec["encoding"]["facet"]["field"] == "Role"
    assert {row["Measure"] for row in values(chart_spec)} == {"Ready now", "Ready within 12 months"}


def test_timeline_without_interaction_has_no_tooltips():
    chart_spec = charts.person_timeline_chart(TIMELINE, interactive=False).to_dict()
    assert [layer["encoding"]["tooltip"] for layer in chart_spec["layer"]] == [{"value": None}] * 2
    interactive = charts.person_timeline_chart(TIMELINE).to_dict()
    assert all(len(layer["encoding"]["tooltip"]) == 4 for layer in interactive["layer"])


def test_no_raw_codes_in_legends_or_labels():
    for name in CHARTS:
        text = str(spec(name)["encoding"] if "encoding" in spec(name) else spec(name))
        for raw in ("ready_on", "not_ready", "top_of_role", "no_evidence", "awaiting_signoff", "ready_1_to_2_years",
                    "ready_within_12_months"):
            assert f"'{raw}'" not in text, f"{name} shows {raw}"
