"""Planning numbers: the succession bench, roles at risk, the Overview's tiles and forecasts (docs/rules.md).

Hand-built cases on a tiny four-role framework, then invariants on generated workforces with hypothesis.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from conftest import TinyWarehouse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warehouse import queries
from warehouse.queries import Filters, Viewer

D = dt.date(2025, 6, 1)
BENCH_ORDER = {"ready_now": 1, "ready_within_12_months": 2, "ready_1_to_2_years": 3, "longer_term": 4}
SENIOR_ENTRY = ["SEN.A.K1", "SEN.A.K2", "SEN.A.Q1", "SEN.A.S1"]  # four entry requirements: coverage in quarters
ADMIN = Viewer("admin@example.org", "admin")


class PlanningWarehouse(TinyWarehouse):
    """The tiny framework plus a range-4 Senior between Officer (3) and Manager (5), and a range-5 Specialist whose
    roles file names Officer as its feeder. So: OFF feeds SEN and SPC, SEN feeds MGR, and OFF is an entry role."""

    def __init__(self):
        super().__init__()
        self.con.execute("""
            insert into roles values
                ('SEN', 'fw', 'Senior', 4, null, [], 3),
                ('SPC', 'fw', 'Specialist', 5, null, ['OFF'], 4);
            insert into levels values
                ('SEN', 'A', 'Developing', 1), ('SEN', 'B', 'Practising', 2), ('SPC', 'A', 'Developing', 1);
            insert into criteria values
                ('SEN.A.K1', 'SEN', 'A', 'Knowledge', 1, 'Knows the service', null, null),
                ('SEN.A.K2', 'SEN', 'A', 'Knowledge', 2, 'Knows the policies', null, null),
                ('SEN.A.Q1', 'SEN', 'A', 'Qualifications', 1, 'Supervision course', null, null),
                ('SEN.A.S1', 'SEN', 'A', 'Skills', 1, 'Coaches others', null, null),
                ('SEN.B.K1', 'SEN', 'B', 'Knowledge', 1, 'Deep knowledge', null, null),
                ('SEN.B.E1', 'SEN', 'B', 'Experience', 1, '12 months at level A', 12, null),
                ('SPC.A.K1', 'SPC', 'A', 'Knowledge', 1, 'Specialist knowledge', null, null);
        """)

    def rows(self, sql, parameters=()):
        cursor = self.con.execute(sql, list(parameters))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def bench(self, role_code, as_of=D):
        return {row["staff_id"]: row["bench"] for row in self.rows(
            "select staff_id, bench from succession_on(?) where role_code = ?", [as_of, role_code])}

    def summary(self, as_of=D):
        return {row["role_code"]: row for row in self.rows("select * from succession_summary_on(?)", [as_of])}


@pytest.fixture
def planning():
    warehouse = PlanningWarehouse()
    yield warehouse
    warehouse.con.close()


def covered(warehouse, staff_id, criteria, date="2025-01-10"):
    for criterion_id in criteria:
        warehouse.evidence(staff_id, criterion_id, date)
    return warehouse


# ---------------------------------------------------------------- who is a candidate


def test_candidates_hold_a_role_that_feeds_the_role(planning):
    covered(planning.staff("OFF1", level="C"), "OFF1", ["MGR.A.K1", "MGR.A.Q1", "SEN.A.K1", "SEN.A.K2", "SPC.A.K1"])
    covered(planning.staff("SEN1", role_code="SEN", level="B"), "SEN1", ["MGR.A.K1", "MGR.A.Q1"])
    # An officer is no candidate for the range-5 Manager, however much evidence they hold: the range immediately
    # below it (Senior) feeds it, not every lower range.
    assert planning.bench("MGR") == {"SEN1": "ready_now"}
    assert planning.bench("SEN") == {"OFF1": "ready_1_to_2_years"}
    # The Specialist's roles file names Officer as its feeder.
    assert planning.bench("SPC") == {"OFF1": "ready_now"}
    feeders = planning.rows("select * from int_succession_feeders order by role_code, feeder_role_code")
    assert [(row["role_code"], row["feeder_role_code"]) for row in feeders] == [
        ("MGR", "SEN"), ("SEN", "OFF"), ("SPC", "OFF")]


# ---------------------------------------------------------------- bands


@pytest.mark.parametrize(("evidence", "bench"), [
    (SENIOR_ENTRY, "ready_now"),
    (SENIOR_ENTRY[:3], "ready_1_to_2_years"),  # three quarters
    (SENIOR_ENTRY[:2], "ready_1_to_2_years"),  # half
    (SENIOR_ENTRY[:1], "longer_term"),  # a quarter: the minimum coverage
    ([], None),  # below the minimum: on no bench at all
])
def test_bands_follow_coverage(planning, evidence, bench):
    covered(planning.staff("OFF1", level="C"), "OFF1", evidence)
    assert planning.bench("SEN").get("OFF1") == bench


def test_ready_within_12_months_is_ready_on_the_replay_of_the_forecast_date(planning):
    # Viewed from a past date: the evidence that completes the set is dated after it, within 12 months.
    covered(planning.staff("OFF1", level="C"), "OFF1", SENIOR_ENTRY[:2])
    covered(planning, "OFF1", SENIOR_ENTRY[2:], date="2025-11-01")
    assert planning.bench("SEN") == {"OFF1": "ready_within_12_months"}
    assert planning.bench("SEN", as_of=dt.date(2025, 11, 1)) == {"OFF1": "ready_now"}
    # Dated more than 12 months after d: ready in 1 to 2 years on the coverage d has.
    assert planning.bench("SEN", as_of=dt.date(2024, 10, 1)) == {}


def test_ready_now_whose_evidence_passes_two_years_lapses_from_the_forecast(planning):
    covered(planning.staff("OLD", level="C"), "OLD", SENIOR_ENTRY[:1], date="2023-09-01")  # two years on 2025-09-01
    covered(planning, "OLD", SENIOR_ENTRY[1:])
    covered(planning.staff("NEW", level="C"), "NEW", SENIOR_ENTRY)
    rows = {row["staff_id"]: row for row in planning.rows("select * from succession_on(?) where role_code = 'SEN'", [D])}
    assert rows["OLD"]["bench"] == rows["NEW"]["bench"] == "ready_now"
    assert not rows["OLD"]["is_ready_on_forecast_date"] and rows["NEW"]["is_ready_on_forecast_date"]
    assert rows["OLD"]["forecast_date"] == dt.date(2026, 6, 1)
    senior = planning.summary()["SEN"]
    assert (senior["ready_now"], senior["ready_within_12_months"], senior["lapsing_within_12_months"]) == (2, 1, 1)


# ---------------------------------------------------------------- risk


def test_an_entry_role_is_never_at_risk_and_shows_its_recruitment_need(planning):
    covered(planning.staff("OFF1", level="C"), "OFF1", SENIOR_ENTRY)
    planning.staff("OFF2", level="A")
    summary = planning.summary()
    assert not summary["OFF"]["has_feeders"] and not summary["OFF"]["at_risk"]
    assert summary["OFF"]["recruitment_need"] == 1  # OFF1 may move up to Senior and leave a post to fill
    assert summary["SEN"]["recruitment_need"] is None


@pytest.mark.parametrize(("ready_people", "lapsing", "in_post", "at_risk"), [
    (0, 0, 1, True),  # nobody ready now
    (1, 0, 1, True),  # one ready now, fewer than two ready within 12 months
    (2, 0, 1, False),  # two ready now and still in 12 months
    (2, 1, 1, True),  # two ready now, but one lapses: one ready within 12 months
    (0, 0, 0, False),  # nobody in post to leave
])
def test_risk_rule(planning, ready_people, lapsing, in_post, at_risk):
    # Someone (long gone) worked in the framework, so its roles are listed.
    planning.staff("BYSTANDER", level="A", level_start_date="2019-01-01", left_on="2020-01-01")
    for number in range(ready_people):
        staff_id = f"OFF{number}"
        date = "2023-09-01" if number < lapsing else "2025-01-10"
        covered(planning.staff(staff_id, level="C"), staff_id, SENIOR_ENTRY, date=date)
    for number in range(in_post):
        planning.staff(f"SEN{number}", role_code="SEN", level="A")
    assert planning.summary()["SEN"]["at_risk"] is at_risk


def test_all_frameworks_lists_the_roles_of_frameworks_someone_works_in(planning):
    planning.con.execute("""
        insert into roles values ('FAR', 'elsewhere', 'Officer elsewhere', 3, null, [], 1);
        insert into levels values ('FAR', 'A', 'Developing', 1);
        insert into framework_rules values ('elsewhere', 24, true, false);""")
    planning.staff("OFF1", level="A")
    assert "FAR" not in planning.summary()  # loaded to compare careers against; nobody works in it
    assert "SEN" in planning.summary()  # vacant, in a framework people work in: still listed
    chosen = planning.rows("select role_code, in_post from succession_summary_on(?, chosen_framework := 'elsewhere')",
                           [D])
    assert chosen == [{"role_code": "FAR", "in_post": 0}]


def test_thresholds_are_held_once():
    warehouse = PlanningWarehouse()
    try:
        (row,) = warehouse.rows("select * from succession_settings")
        assert row == {"minimum_coverage": pytest.approx(0.25), "ready_in_1_to_2_years_coverage": pytest.approx(0.5),
                       "forecast_months": 12, "safe_ready_now": 1, "safe_ready_within_12_months": 2}
    finally:
        warehouse.con.close()


def test_the_pages_words_for_the_thresholds_are_the_settings_held_once():
    # The Succession page and the meeting pack explain the bands and the risk rule in words; those words must say
    # what succession_settings holds (change a threshold there and this fails until the words follow).
    from dashboard.pack import BANDS, RISK_RULE

    warehouse = PlanningWarehouse()
    try:
        (row,) = warehouse.rows("select * from succession_settings")
    finally:
        warehouse.con.close()
    shares = {0.25: "a quarter", 0.5: "half"}
    assert f"at least {shares[float(row['ready_in_1_to_2_years_coverage'])]} of the entry requirements" in BANDS
    assert f"at least {shares[float(row['minimum_coverage'])]} met today. Below" in BANDS
    assert f"Ready within {row['forecast_months']} months" in BANDS
    assert f"fewer than {row['safe_ready_now']} candidate ready now" in RISK_RULE
    assert f"fewer than {row['safe_ready_within_12_months']} ready on the forecast date" in RISK_RULE
    assert f"({row['forecast_months']} months on)" in RISK_RULE


def test_incumbents_and_backfill(planning):
    covered(planning.staff("OFF1", level="C", team="North"), "OFF1", SENIOR_ENTRY)
    planning.staff("SEN1", role_code="SEN", level="A", team="South")
    board = queries.succession_board(planning.con, ADMIN, Filters(D), "SEN")
    assert board["incumbents"]["name"].tolist() == ["Person SEN1"]
    (backfill,) = board["backfill"].to_dict("records")
    assert (backfill["staff_id"], backfill["current_role_code"], backfill["has_feeders"]) == ("OFF1", "OFF", False)
    assert backfill["recruitment_need"] == 1


def test_bench_history_is_the_bench_replayed_at_each_month_end(planning):
    covered(planning.staff("OFF1", level="C", level_start_date="2023-01-01"), "OFF1", SENIOR_ENTRY, date="2024-03-10")
    covered(planning.staff("OFF2", level="C", level_start_date="2023-01-01"), "OFF2", SENIOR_ENTRY, date="2025-03-10")
    history = planning.rows("select * from succession_history(?, ?)", [dt.date(2024, 1, 1), D])
    for month_end in sorted({row["month_end"] for row in history}):
        rows = [row for row in history if row["month_end"] == month_end and row["role_code"] == "SEN"]
        now = planning.bench("SEN", as_of=month_end)
        later = planning.bench("SEN", as_of=planning.con.execute("select succession_forecast_date(?)",
                                                                   [month_end]).fetchone()[0])
        assert {row["staff_id"] for row in rows if row["is_ready_now"]} == {
            staff_id for staff_id, bench in now.items() if bench == "ready_now"}
        assert {row["staff_id"] for row in rows if row["is_ready_within_12_months"]} == {
            staff_id for staff_id, bench in later.items() if bench == "ready_now"}


# ---------------------------------------------------------------- invariants on generated workforces

EVIDENCE = [*SENIOR_ENTRY, "MGR.A.K1", "MGR.A.Q1", "SPC.A.K1", "OFF.B.K1", "OFF.B.S1", "OFF.C.K1", "SEN.B.K1"]
ROLES = {"OFF": ["A", "B", "C"], "SEN": ["A", "B"], "MGR": ["A", "B"], "SPC": ["A"]}
days = st.integers(min_value=-1100, max_value=500).map(lambda offset: D + dt.timedelta(days=offset))
workforces = st.lists(
    st.fixed_dictionaries({
        "role": st.sampled_from(sorted(ROLES)),
        "level": st.integers(0, 2),
        "start": st.integers(min_value=-1100, max_value=60).map(lambda offset: D + dt.timedelta(days=offset)),
        "left": st.one_of(st.none(), days),
        "manager": st.one_of(st.none(), st.integers(0, 7)),
        "team": st.sampled_from(["North", "South"]),
        "trained": st.booleans(),
        "evidence": st.lists(st.tuples(st.sampled_from(EVIDENCE), days), max_size=8),
    }),
    min_size=1, max_size=8,
)


@pytest.fixture(scope="module")
def generated():
    warehouse = PlanningWarehouse()
    yield warehouse
    warehouse.con.close()


def populate(warehouse: PlanningWarehouse, workforce) -> None:
    for table in ("staff", "evidence", "training", "acting"):
        warehouse.con.execute(f"delete from {table}")
    for number, person in enumerate(workforce):
        levels = ROLES[person["role"]]
        manager = person["manager"]
        warehouse.staff(f"S{number}", role_code=person["role"], level=levels[min(person["level"], len(levels) - 1)],
                        level_start_date=person["start"], left_on=person["left"], team=person["team"],
                        trained=person["trained"],
                        line_manager_id=f"S{manager}" if manager is not None and manager < number else None)
        for criterion_id, date in set(person["evidence"]):
            warehouse.evidence(f"S{number}", criterion_id, date)


def viewers_and_filters(warehouse: PlanningWarehouse, workforce):
    """Every viewer kind (an administrator, the first person as a manager, the last as staff), each with no filter
    and with one team."""
    viewers = [ADMIN, Viewer("s0@example.org", "manager", "S0"),
               Viewer("last@example.org", "staff", f"S{len(workforce) - 1}")]
    for viewer in viewers:
        for teams in ((), ("North",)):
            yield viewer, Filters(D, teams=teams)


PROPERTY_SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                                      HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(workforce=workforces)
def test_todays_tiles_partition_the_people_in_post(generated, workforce):
    populate(generated, workforce)
    for viewer, filters in viewers_and_filters(generated, workforce):
        headline = queries.overview_figures(generated.con, viewer, filters)["headline"]
        tiles = headline["ready_now"] + headline["ready_on"] + headline["not_ready"] + headline["top_of_role"]
        assert tiles == headline["staff_in_post"]
        visible = queries.query(generated.con, f"with {queries.SCOPED_STAFF} select count(*) as people from scoped_staff",
                                queries._parameters(viewer, filters))["people"].iloc[0]
        assert headline["staff_in_post"] == visible


@PROPERTY_SETTINGS
@given(workforce=workforces, months=st.sampled_from([1, 3, 6, 12, 30]))
def test_a_forward_figure_is_the_as_of_replay_of_its_date(generated, workforce, months):
    populate(generated, workforce)
    for viewer, filters in viewers_and_filters(generated, workforce):
        forward = queries.ready_by(generated.con, viewer, filters, months)
        replay = queries.overview_figures(generated.con, viewer, dataclasses.replace(filters, as_of=forward["ready_by"]))
        assert forward["ready"] == replay["headline"]["ready_now"]
        assert forward["ready_today"] == queries.overview_figures(generated.con, viewer, filters)["headline"]["ready_now"]
        # Those still ready are in the forward figure; the rest lapse, each for at least one stated reason.
        assert forward["ready"] >= forward["ready_today"] - forward["lapsing"] >= 0
        if forward["lapsing"]:
            reasons = queries.lapse_reasons(generated.con, viewer, filters, months)
            assert 0 < reasons["people"].max() <= forward["lapsing"]


@PROPERTY_SETTINGS
@given(workforce=workforces)
def test_the_bench_keeps_its_promises(generated, workforce):
    populate(generated, workforce)
    settings_row = generated.rows("select * from succession_settings")[0]
    feeders = {(row["role_code"], row["feeder_role_code"]) for row in generated.rows("select * from int_succession_feeders")}
    rows = generated.rows("select * from succession_on(?)", [D])
    for row in rows:
        # Every candidate holds a role that feeds the role they are listed for ...
        assert (row["role_code"], row["current_role_code"]) in feeders
        # ... and nobody below the minimum coverage has a band.
        assert row["coverage"] >= settings_row["minimum_coverage"]
        assert 0 <= row["coverage"] <= 1
        assert BENCH_ORDER[row["bench"]] == row["bench_order"]
        assert (row["bench"] == "ready_now") == (row["coverage"] == 1)
    # Bands are monotone: more coverage and an earlier forecast never give a later band.
    for first in rows:
        for second in rows:
            forecast_first = 0 if first["coverage"] == 1 else 1 if first["is_ready_on_forecast_date"] else 2
            forecast_second = 0 if second["coverage"] == 1 else 1 if second["is_ready_on_forecast_date"] else 2
            if first["coverage"] >= second["coverage"] and forecast_first <= forecast_second:
                assert first["bench_order"] <= second["bench_order"], (first, second)
    summary = generated.summary()
    for role_code, role in summary.items():
        if not role["has_feeders"]:
            assert not role["at_risk"] and role["recruitment_need"] is not None, role_code
        else:
            assert role["recruitment_need"] is None
    # "Ready within 12 months" is the "ready now" count replayed 12 months on.
    later = generated.summary(dt.date(2026, 6, 1))
    assert {code: role["ready_within_12_months"] for code, role in summary.items()} == {
        code: role["ready_now"] for code, role in later.items()}


@PROPERTY_SETTINGS
@given(workforce=workforces)
def test_the_scoped_succession_summary_is_the_mart_and_its_forecast_is_the_replay(generated, workforce):
    populate(generated, workforce)
    mart = generated.summary()
    everyone = queries.succession_summary(generated.con, ADMIN, Filters(D))
    for record in everyone.to_dict("records"):
        for column in ("in_post", "has_feeders", "ready_now", "ready_within_12_months", "ready_1_to_2_years",
                       "longer_term", "at_risk"):
            assert record[column] == mart[record["role_code"]][column], column
    for viewer, filters in viewers_and_filters(generated, workforce):
        summary = queries.succession_summary(generated.con, viewer, filters)
        candidates = queries.succession_candidates(generated.con, viewer, filters)
        bands = ["ready_now", "newly_ready_within_12_months", "ready_1_to_2_years", "longer_term"]
        assert int(summary[bands].to_numpy().sum()) == len(candidates)
        assert not summary.loc[~summary["has_feeders"], "at_risk"].any()
        later = queries.succession_summary(generated.con, viewer, dataclasses.replace(filters, as_of=dt.date(2026, 6, 1)))
        assert summary["ready_within_12_months"].tolist() == later["ready_now"].tolist()


# ---------------------------------------------------------------- the meeting pack


def test_the_meeting_pack_is_a_workbook_a_meeting_can_work_from(app_db):
    import io

    import duckdb
    import openpyxl

    from dashboard.pack import DECISIONS, SHORTLIST_SIZE, meeting_pack

    today = dt.date.today()
    workbook = openpyxl.load_workbook(io.BytesIO(meeting_pack(ADMIN, Filters(today))))
    for sheet in workbook.worksheets:
        assert all(cell.font.b for cell in sheet[1]), sheet.title  # bold header ...
        assert sheet.freeze_panes == "A2"  # ... frozen ...
        assert sheet.auto_filter.ref == sheet.dimensions  # ... with a filter over the whole table
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(min_row=2, values_only=True)}
    assert about["As-of date"].date() == today and workbook["About"]["B2"].number_format == "d mmm yyyy"
    assert about["Forecast assumption"].startswith("A future date answers")
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        # The demo's frameworks all keep one window; the assumption states it as their rules files give it.
        (window,) = con.execute("select distinct evidence_window_months from framework_settings").fetchone()
        assert f"Approved evidence counts for {window} months from its date" in about["Forecast assumption"]
        summary = {row[0]: row[1:] for row in con.execute(
            "select role_title, at_risk, in_post from succession_summary_on(?)", [today]).fetchall()}
        bench = con.execute("select role_title, name, bench_order, coverage from succession_on(?) "
                            "order by role_code, bench_order, coverage desc, name, staff_id", [today]).fetchall()
    finally:
        con.close()
    # Roles at risk are highlighted, and only they; every role names its people in post and has decision columns.
    roles = workbook["Roles"]
    header = [cell.value for cell in roles[1]]
    assert header[-3:] == list(DECISIONS)
    for row in roles.iter_rows(min_row=2):
        at_risk, in_post = summary[row[0].value]
        assert (row[0].fill.fill_type == "solid") == at_risk
        assert bool(row[header.index("People in post")].value) == (in_post > 0)
    # The shortlist: at most five per role, in bench order, coverage a number shown as a percentage.
    shortlist = workbook["Shortlist"]
    header = [cell.value for cell in shortlist[1]]
    rows = [dict(zip(header, row, strict=True)) for row in shortlist.iter_rows(min_row=2, values_only=True)]
    expected = []
    for role in dict.fromkeys(row[0] for row in bench):
        expected += [row[1] for row in bench if row[0] == role][:SHORTLIST_SIZE]
    assert [row["Name"] for row in rows] == expected
    assert header[-3:] == list(DECISIONS) and all(row[column] is None for row in rows for column in DECISIONS)
    coverage = header.index("Entry requirements covered") + 1
    for cells in shortlist.iter_rows(min_row=2, min_col=coverage, max_col=coverage):
        assert isinstance(cells[0].value, (int, float)) and 0 <= cells[0].value <= 1
        assert cells[0].number_format == "0%"
    dates = workbook["People in post"]
    assert all(isinstance(cell.value, dt.datetime) and cell.number_format == "d mmm yyyy"
               for (cell,) in dates.iter_rows(min_row=2, min_col=5, max_col=5))
