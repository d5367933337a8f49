"""Every page, run with AppTest on the demo database: figures checked against SQL computed here, not hard-coded."""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = ["pages/overview.py", "pages/team.py", "pages/person.py", "pages/blockers.py", "pages/succession.py",
         "pages/framework.py", "pages/data.py", "pages/people.py"]
TODAY = dt.date.today()
LONG_AGO = dt.date(2000, 1, 1)  # before anyone in the demo was in post
OVERVIEW_VIEWS = ["By team and range", "Over 24 months", "What holds people back"]
ACTIONS = ["Awaiting sign-off", "Training expiring soon", "Evidence going out of date soon",
           "Minimum time completing soon"]


def open_app(page: str | None = None, params: dict | None = None, run: bool = True, **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    for name, value in state.items():
        setattr(at, name, value)
    if run:
        at.run()
        if page and page != "pages/overview.py":
            at.switch_page(page)
            at.run()
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [exception.value for exception in at.exception]
    assert not at.error, [error.value for error in at.error]


def headline_sql(sql, as_of: dt.date, team: str | None = None) -> dict[str, int]:
    (row,) = sql("""
        select count(*),
               count(*) filter (where status = 'ready'),
               count(*) filter (where status = 'ready_on'),
               count(*) filter (where status = 'not_ready'),
               count(*) filter (where status = 'top_of_role'),
               count(*) filter (where not training_ok)
        from readiness_on($as_of) where $team is null or team = $team
    """, {"as_of": as_of, "team": team})
    names = ["Staff in post", "Ready now", "Ready on a date", "Not ready", "Top of role", "Expired mandatory training"]
    return dict(zip(names, row, strict=True))


def awaiting_sql(sql, as_of: dt.date, team: str | None = None) -> int:
    (row,) = sql("""
        select count(*) from stg_evidence as evidence join readiness_on(?::date) as readiness using (staff_id)
        where evidence.status = 'submitted' and evidence.evidence_date <= ? and evidence.submitted_on <= ?
          and (? is null or readiness.team = ?)
    """, [as_of, as_of, as_of, team, team])
    return row[0]


# ---------------------------------------------------------------- every page


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_cleanly_on_the_demo(app_db, page):
    at = open_app(page)
    assert_clean(at)
    assert at.title, f"{page} shows no title"
    assert any("Demo mode: signed in as administrator" in caption.value for caption in at.sidebar.caption)
    assert any(caption.value.startswith("Demo data: generated people, not real staff") for caption in at.sidebar.caption)


@pytest.mark.parametrize("page", PAGES[:5])
def test_a_filter_matching_nobody_shows_a_message_not_an_error(app_db, page):
    at = open_app(page, {"as_of": LONG_AGO.isoformat()})
    assert_clean(at)
    assert at.info, f"{page} shows no message for an empty result"
    assert not at.dataframe


# ---------------------------------------------------------------- overview figures against SQL


def test_overview_headline_matches_the_sql_views(app_db, sql):
    at = open_app()
    shown = metrics(at)
    expected = headline_sql(sql, TODAY)
    for label, value in expected.items():
        assert shown[label] == str(value), label
    assert shown["Evidence awaiting sign-off"] == str(awaiting_sql(sql, TODAY))
    assert shown["Ready now"] == str(sql("select count(*) from readiness_on(?::date) where status = 'ready'",
                                         [TODAY])[0][0])


def test_team_filter_changes_the_figures(app_db, sql):
    team = sql("select team from readiness_on(?::date) group by team order by count(*) desc limit 1", [TODAY])[0][0]
    at = open_app()
    at.sidebar.multiselect(key="filter_teams").set_value([team]).run()
    assert_clean(at)
    expected = headline_sql(sql, TODAY, team)
    assert metrics(at)["Staff in post"] == str(expected["Staff in post"])
    assert expected["Staff in post"] < headline_sql(sql, TODAY)["Staff in post"]
    assert at.query_params["team"] == team  # written back to the URL, so the view can be shared


def test_as_of_date_changes_the_figures(app_db, sql):
    earlier = TODAY - dt.timedelta(days=540)
    assert headline_sql(sql, earlier) != headline_sql(sql, TODAY)
    at = open_app()
    at.sidebar.date_input(key="filter_as_of").set_value(earlier).run()
    assert_clean(at)
    shown = metrics(at)
    for label, value in headline_sql(sql, earlier).items():
        assert shown[label] == str(value), label
    assert at.query_params["as_of"] == earlier.isoformat()


def test_a_future_as_of_date_answers_who_will_be_ready(app_db, sql):
    later = TODAY + dt.timedelta(days=200)
    at = open_app(params={"as_of": later.isoformat()})
    assert_clean(at)
    assert metrics(at)["Ready now"] == str(headline_sql(sql, later)["Ready now"])


def test_a_shared_link_reopens_the_same_filters(app_db, sql):
    team, framework, value = sql("""
        select team, framework, range from readiness_on(?::date) group by all order by count(*) desc limit 1
    """, [TODAY])[0]
    at = open_app(params={"framework": framework, "team": team, "range": str(value)})
    assert_clean(at)
    (count,) = sql("select count(*) from readiness_on(?::date) where team = ? and framework = ? and range = ?",
                   [TODAY, team, framework, value])[0]
    assert metrics(at)["Staff in post"] == str(count)
    assert at.sidebar.multiselect(key="filter_teams").value == [team]
    assert at.sidebar.multiselect(key="filter_ranges").value == [value]


def test_tampered_url_values_are_dropped_with_a_notice(app_db, sql):
    at = open_app(params={"team": ["No Such Team", "x' or 1=1 --"], "range": ["99", "abc"],
                          "framework": "'; drop table staff; --", "as_of": "not-a-date", "staff_id": "S0001' --"})
    assert_clean(at)
    assert metrics(at)["Staff in post"] == str(headline_sql(sql, TODAY)["Staff in post"])
    assert "team" not in at.query_params and "range" not in at.query_params and "framework" not in at.query_params
    (notice,) = [warning.value for warning in at.warning]
    for named in ("team “No Such Team”", "team “x' or 1=1 --”", "grade range 99", "grade range “abc”",
                  "framework “'; drop table staff; --”", "as-of date “not-a-date”"):
        assert named in notice, named


def test_filters_survive_moving_between_pages(app_db, sql):
    team = sql("select min(team) from readiness_on(?::date)", [TODAY])[0][0]
    at = open_app(params={"team": team})
    at.switch_page("pages/blockers.py")
    at.query_params.clear()  # moving through the menu clears the URL
    at.run()
    assert_clean(at)
    assert at.sidebar.multiselect(key="filter_teams").value == [team]


# ---------------------------------------------------------------- team


def test_team_page_lists_members_and_next_actions(app_db, sql):
    team = sql("select team from readiness_on(?::date) group by team order by count(*) desc limit 1", [TODAY])[0][0]
    at = open_app("pages/team.py", {"team": team})
    assert_clean(at)
    assert at.title[0].value == f"Team: {team}"
    members = at.dataframe[0].value
    (expected,) = sql("select count(*) from readiness_on(?::date) where team = ?", [TODAY, team])[0]
    assert len(members) == expected
    assert sorted(members["Name"]) == sorted(row[0] for row in sql(
        "select name from readiness_on(?::date) where team = ?", [TODAY, team]))
    assert set(members["Status"]) <= {"Ready now", "Ready on a date", "Not ready", "Top of role"}
    awaiting = awaiting_sql(sql, TODAY, team)
    assert [tab.label for tab in at.tabs] == ACTIONS
    assert at.tabs[0].caption[0].value.startswith(f"{awaiting:,} {'item' if awaiting == 1 else 'items'} of evidence submitted")
    assert not any(tab.children for tab in at.tabs[1:]), "closed tabs run no query"
    # One term, one count: the Overview's "Evidence awaiting sign-off", for this team.
    assert metrics(at)["Evidence awaiting sign-off"] == str(awaiting)
    if awaiting:
        dates = at.tabs[0].dataframe[0].value["Submitted"]
        assert list(dates) == sorted(dates)  # oldest first


@pytest.mark.parametrize("opened", range(4))
def test_team_next_actions_run_only_the_open_tab_and_a_link_reopens_it(app_db, sql, opened):
    team = sql("select team from readiness_on(?::date) group by team order by count(*) desc limit 1", [TODAY])[0][0]
    at = open_app("pages/team.py", {"team": team, "actions": ACTIONS[opened]})
    assert_clean(at)
    assert [tab.children != {} for tab in at.tabs] == [index == opened for index in range(4)]
    shown = at.tabs[opened].caption[0].value
    count = int(shown.split(" ")[0].replace(",", ""))
    rows = len(at.tabs[opened].dataframe[0].value) if at.tabs[opened].dataframe else 0
    assert count == rows, shown
    if opened:  # each keep-in-date tab states the days it looks ahead, as keep_in_date_settings holds them
        setting = ("training_expiring_days", "evidence_expiring_days", "tenure_completing_days")[opened - 1]
        (days,) = sql(f"select {setting} from keep_in_date_settings")[0]
        assert f"within {days} days" in shown, shown


def test_team_page_asks_for_a_team_when_too_many_people_to_list(app_db, sql, monkeypatch):
    from dashboard import downloads

    monkeypatch.setattr(downloads, "MAX_PEOPLE_LISTED", 5)
    sizes = dict(sql("select team, count(*) from staff_in_post_on(?::date) group by team", [TODAY]))
    at = open_app("pages/team.py")
    assert_clean(at)
    assert at.title[0].value == "Teams"
    assert f"{sum(sizes.values()):,} people in {len(sizes):,} teams" in at.info[0].value
    assert not at.dataframe and not at.tabs  # nobody's readiness is worked out until a team is chosen
    picker = at.selectbox[0]
    assert picker.options == [f"{team} ({people:,} people)" for team, people in sorted(sizes.items())]
    team = max(sizes, key=sizes.get)
    picker.set_value(team).run()
    assert_clean(at)
    assert at.title[0].value == f"Team: {team}"
    assert len(at.dataframe[0].value) == sizes[team]


def vega_charts(block) -> list:
    return [node for node in block if getattr(node, "type", None) == "vega_lite_chart"]


def test_overview_draws_team_and_range_first_and_runs_no_other_tab(app_db):
    at = open_app()
    assert_clean(at)
    assert [tab.label for tab in at.tabs] == OVERVIEW_VIEWS
    assert len(vega_charts(at.tabs[0])) == 2
    assert at.tabs[1].children == {} and at.tabs[2].children == {}


def test_overview_trend_tab_matches_the_history_view(app_db, sql):
    at = open_app(params={"view": "Over 24 months"})
    assert_clean(at)
    assert at.tabs[0].children == {} and len(vega_charts(at.tabs[1])) == 1
    figures = at.tabs[1].dataframe[0].value
    start = (pd.Timestamp(TODAY) - pd.DateOffset(months=24)).date()
    expected = dict(sql("""select month_end, count(*) from readiness_history(?::date, ?::date) group by month_end""",
                        [start, TODAY]))
    shown = figures.groupby("Month end")["People"].sum()
    assert {pd.Timestamp(month).date(): people for month, people in shown.items()} == expected


def test_overview_blockers_tab_lists_the_top_ten_and_links_to_the_blockers_page(app_db, sql):
    at = open_app(params={"view": "What holds people back"})
    assert_clean(at)
    assert len(vega_charts(at.tabs[2])) == 1
    figures = at.tabs[2].dataframe[0].value
    expected = sql("""select requirement_id, count(*) from gaps_on(?::date) group by requirement_id
                      order by count(*) desc, requirement_id limit 10""", [TODAY])
    assert list(figures["People held back"]) == [people for _, people in expected]
    assert [link.proto.label for link in at.get("page_link")] == ["Every requirement, and who it holds back"]


# ---------------------------------------------------------------- person


def test_person_page_shows_the_requirements_of_the_next_level(app_db, sql):
    staff_id, name, total = sql("""
        select staff_id, name, requirements_total from readiness_on(?::date)
        where requirements_total > 0 order by staff_id limit 1
    """, [TODAY])[0]
    at = open_app("pages/person.py", {"staff_id": staff_id})
    assert_clean(at)
    assert at.header[0].value == name
    # What's left (the unmet ones) first, then the met ones folded below, by category.
    left = [markdown.value for markdown in at.markdown if markdown.value.startswith("- **")]
    unmet = left[0].count("\n- **") + 1 if left else 0
    met = sum(len(element.value) for element in at.table if "Evidence date" in element.value.columns)
    assert unmet + met == total
    categories = {row[0] for row in sql("select distinct category from requirement_status_on(?::date) "
                                        "where staff_id = ? and is_met", [TODAY, staff_id])}
    assert {markdown.value.strip("*") for markdown in at.markdown if markdown.value.startswith("**")} >= categories


def test_person_page_ignores_someone_unknown(app_db):
    at = open_app("pages/person.py", {"staff_id": "NOBODY' or '1'='1"})
    assert_clean(at)
    assert not at.header
    assert any("Choose a person" in info.value for info in at.info)


def test_person_page_asks_for_a_name_when_too_many_people_to_list(app_db, sql, monkeypatch):
    from dashboard import downloads

    monkeypatch.setattr(downloads, "MAX_PEOPLE_LISTED", 5)
    in_post = sql("select count(*) from staff_in_post_on(?::date)", [TODAY])[0][0]
    at = open_app("pages/person.py")
    assert_clean(at)
    assert len(at.selectbox(key="person-pick").options) == 5
    assert f"{in_post:,} people match the filters" in at.caption[0].value
    prefix = sql("select left(min(staff_id), 3) from staff_in_post_on(?::date)", [TODAY])[0][0]
    matches = sql("select count(*) from staff_in_post_on(?::date) "
                  "where contains(lower(name), lower(?)) or contains(lower(staff_id), lower(?))",
                  [TODAY, prefix, prefix])[0][0]
    at.text_input(key="person-search").set_value(prefix).run()
    assert_clean(at)
    expected = (f"Listing the first 5 of {matches:,} matches: type more to narrow them." if matches > 5
                else f"{matches:,} people match: choose one below.")
    assert expected in [caption.value for caption in at.caption]
    staff_id, name = sql("select staff_id, name from staff_in_post_on(?::date) order by staff_id desc limit 1",
                         [TODAY])[0]
    at.text_input(key="person-search").set_value(staff_id.lower()).run()
    assert_clean(at)
    # One match is opened at once.
    assert at.header[0].value == name
    at.text_input(key="person-search").set_value("no such person at all").run()
    assert "Nobody matches that search." in [caption.value for caption in at.caption]


def test_print_view_uses_plain_tables_and_no_downloads(app_db, sql):
    staff_id = sql("select min(staff_id) from readiness_on(?::date) where requirements_total > 0", [TODAY])[0][0]
    at = open_app("pages/person.py", {"staff_id": staff_id})
    at.toggle[0].set_value(True).run()
    assert_clean(at)
    assert not at.get("download_button")
    assert at.table


# ---------------------------------------------------------------- blockers


def test_blockers_rank_requirements_by_people_held_back(app_db, sql):
    at = open_app("pages/blockers.py")
    assert_clean(at)
    ranked = at.dataframe[0].value
    expected = sql("""
        select requirement_id, count(*) as people from gaps_on(?::date)
        group by requirement_id order by people desc, requirement_id
    """, [TODAY])
    assert list(ranked["People held back"]) == sorted(ranked["People held back"], reverse=True)
    assert ranked["People held back"].iloc[0] == expected[0][1]
    assert len(ranked) == len(expected)
    top = ranked["Requirement"].iloc[0]
    (blocked,) = sql("select count(*) from gaps_on(?::date) where requirement_id = ?", [TODAY, top])[0]
    assert len(at.dataframe[1].value) == blocked  # who the top requirement holds back


def test_blockers_filter_by_reason(app_db, sql):
    at = open_app("pages/blockers.py")
    at.multiselect(key="blocker-reasons").set_value(["awaiting_signoff"]).run()
    assert_clean(at)
    (expected,) = sql("select count(distinct requirement_id) from gaps_on(?::date) where reason = 'awaiting_signoff'",
                      [TODAY])[0]
    assert len(at.dataframe[0].value) == expected


# ---------------------------------------------------------------- succession


def test_succession_figures_match_the_sql_view(app_db, sql):
    at = open_app("pages/succession.py")
    assert_clean(at)
    (at_risk,) = sql("select count(*) from succession_summary_on(?::date) where at_risk", [TODAY])[0]
    (roles,) = sql("select count(*) from succession_summary_on(?::date) where has_feeders", [TODAY])[0]
    assert metrics(at)["Roles at risk"] == str(at_risk)
    assert metrics(at)["Roles filled from within"] == str(roles)
    (every_role,) = sql("select count(*) from succession_summary_on(?::date)", [TODAY])[0]
    assert len(at.dataframe[0].value) == every_role


def test_meeting_pack_is_a_workbook_with_an_about_sheet(app_db, sql):
    from dashboard.pack import meeting_pack
    from warehouse.queries import Filters, Viewer

    workbook = openpyxl.load_workbook(io.BytesIO(meeting_pack(Viewer("local", "admin"), Filters(as_of=TODAY))))
    assert workbook.sheetnames == ["About", "Roles", "People in post", "Shortlist", "Candidates", "Readiness by team",
                                   "Top blockers"]
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(min_row=2, values_only=True)}
    assert about["As-of date"].date() == TODAY
    assert about["Teams"] == "All teams"
    (roles,) = sql("select count(*) from succession_summary_on(?::date)", [TODAY])[0]
    assert workbook["Roles"].max_row == roles + 1


# ---------------------------------------------------------------- framework and data


def test_framework_page_shows_levels_side_by_side(app_db, sql):
    at = open_app("pages/framework.py")
    assert_clean(at)
    role = at.selectbox(key="framework-role").value
    levels = [row[0] for row in sql("select level from stg_levels where role_code = ? order by level_order", [role])]
    assert [subheader.value.split(":")[0] for subheader in at.subheader] == [f"Level {level}" for level in levels]
    at.text_input(key="framework-search").set_value("zzz-no-such-words").run()
    assert_clean(at)
    assert any("No criteria" in info.value for info in at.info)


def test_data_page_is_for_administrators_only(app_db, sql):
    at = open_app("pages/data.py")
    assert_clean(at)
    assert at.selectbox(key="data-kind").value is None  # the kind must be chosen: no default
    at.selectbox(key="data-kind").set_value("staff").run()
    assert at.get("file_uploader")
    assert len(at.dataframe[0].value) == sql("select count(*) from load_log")[0][0]
    at.sidebar.selectbox(key="view_as").set_value(persona(at, sql, "Staff"))
    at.run()
    assert_clean(at)
    assert not at.get("file_uploader") and not [box for box in at.selectbox if box.key == "data-kind"]
    assert any("Only administrators can load data" in warning.value for warning in at.warning)
    assert not at.dataframe


# ---------------------------------------------------------------- viewers


def persona(at: AppTest, sql, kind: str, last: bool = False) -> str:
    """The "View as" value (e.g. 'manager:email') of an offered "Manager: Name (Team)" or "Staff: ..." choice."""
    labels = [option for option in at.sidebar.selectbox(key="view_as").options if option.startswith(f"{kind}: ")]
    name, team = re.fullmatch(rf"{kind}: (.+) \((.+)\)", labels[-1 if last else 0]).groups()
    (email,) = sql("select email from stg_staff where name = ? and team = ?", [name, team])[0]
    return f"{'manager' if kind == 'Manager' else 'staff'}:{email}"


def test_view_as_a_manager_shows_their_tree_only(app_db, sql):
    at = open_app()
    options = at.sidebar.selectbox(key="view_as").options
    assert options[:2] == ["Administrator", "Senior manager"]
    assert sum(option.startswith("Manager: ") for option in options) >= 2
    assert sum(option.startswith("Staff: ") for option in options) >= 2
    choice = persona(at, sql, "Manager", last=True)
    at.sidebar.selectbox(key="view_as").set_value(choice).run()
    (manager_id,) = sql("select staff_id from stg_staff where email = ?", [choice.split(":", 1)[1]])[0]
    assert_clean(at)
    (tree,) = sql("""
        with recursive tree(staff_id) as (
            select ? union select staff.staff_id from stg_staff as staff join tree on staff.line_manager_id = tree.staff_id
        )
        select count(*) from readiness_on(?::date) where staff_id in (select staff_id from tree)
    """, [manager_id, TODAY])[0]
    assert metrics(at)["Staff in post"] == str(tree)


def test_view_as_is_never_offered_once_real_data_is_loaded(demo_db, tmp_path, monkeypatch, local_admin):
    from loaders.load import load_files

    real = tmp_path / "real.duckdb"
    shutil.copyfile(demo_db, real)
    # A real export that happens to be named like the demo's files: only the flag inside the database counts.
    lines = (demo_db.parent / "files" / "demo-staff.csv").read_text().splitlines()
    training = tmp_path / "demo-hr-export.csv"
    training.write_text("\n".join([lines[0], lines[1].replace(lines[1].split(",")[1], "Renamed Person"), *lines[2:]]) + "\n")
    load_files("staff", [training], real)
    monkeypatch.setenv("PROGRESSION_DB", str(real))
    at = open_app()  # local administration (the local_admin fixture): real data without sign-in
    assert_clean(at)
    assert at.metric
    assert not [box for box in at.sidebar.selectbox if box.key == "view_as"]
    assert not any(caption.value.startswith("Demo data") for caption in at.sidebar.caption)


AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-secret",
        "client_id": "id", "client_secret": "secret", "server_metadata_url": "https://example.org/.well-known"}


@pytest.mark.parametrize("page", PAGES)
def test_sign_in_is_required_before_anything_is_shown(app_db, page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    at.switch_page(page)
    at.run()
    assert_clean(at)
    assert [button.label for button in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe and not at.table


def test_an_identity_matching_nobody_is_refused_politely(app_db):
    at = open_app(run=False)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "stranger@example.org"}
    at.run()
    assert_clean(at)
    assert "not set up to use this dashboard" in at.warning[0].value
    assert not at.metric and not at.dataframe


def test_a_signed_in_manager_sees_their_tree_and_no_view_as(app_db, sql):
    manager_id, email = sql("""
        select staff_id, email from stg_staff where staff_id in (select line_manager_id from stg_staff)
        order by staff_id desc limit 1
    """)[0]
    at = open_app(run=False)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email}
    at.run()
    assert_clean(at)
    (tree,) = sql("""
        with recursive tree(staff_id) as (
            select ? union select staff.staff_id from stg_staff as staff join tree on staff.line_manager_id = tree.staff_id
        )
        select count(*) from readiness_on(?::date) where staff_id in (select staff_id from tree)
    """, [manager_id, TODAY])[0]
    assert metrics(at)["Staff in post"] == str(tree)
    assert not [box for box in at.sidebar.selectbox if box.key == "view_as"]
    at.switch_page("pages/data.py")
    at.run()
    assert not at.get("file_uploader") and not [box for box in at.selectbox if box.key == "data-kind"]


# ---------------------------------------------------------------- a load is noticed at once


def test_a_swapped_database_is_noticed_and_the_cache_invalidated(demo_db, tmp_path, monkeypatch, sql):
    from loaders.database import writing

    live = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, live)
    monkeypatch.setenv("PROGRESSION_DB", str(live))
    at = open_app()
    before = int(metrics(at)["Staff in post"])
    team, leaving = sql("select team, count(*) from readiness_on(?::date) group by team order by 2 desc limit 1",
                        [TODAY])[0]
    with writing(live) as con:  # the loaders' own path: build a copy, os.replace() it in
        con.execute("update staff set left_on = ? where team = ?", [TODAY - dt.timedelta(days=1), team])
    at.run()
    assert_clean(at)
    assert int(metrics(at)["Staff in post"]) == before - leaving


# ---------------------------------------------------------------- exports and house rules


@pytest.mark.parametrize("cell", ["=1+1", "+44 1634", "-2", "@SUM(A1)", "\tx", "=HYPERLINK(\"http://x\")"])
def test_csv_and_excel_cells_that_look_like_formulas_are_neutralised(cell):
    from dashboard.downloads import csv_bytes, workbook_bytes

    frame = pd.DataFrame({"Name": [cell], "Count": [-3]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines()[1].startswith("'") or text.splitlines()[1].startswith("\"'")
    assert ",-3" in text  # numbers stay numbers
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"Note": cell}, {"Sheet": frame})))
    assert workbook["Sheet"]["A2"].value == "'" + cell
    assert workbook["About"]["B2"].value == "'" + cell
    assert workbook["Sheet"]["A2"].data_type == "s"


def test_dates_export_as_dates():
    from dashboard.downloads import csv_bytes

    frame = pd.DataFrame({"Due": pd.to_datetime(["2026-03-31", None])})
    assert csv_bytes(frame).decode("utf-8-sig").splitlines()[1] == "2026-03-31"


def test_a_long_table_draws_its_first_rows_and_says_so_and_writes_its_csv_on_click(monkeypatch):
    from dashboard import downloads

    # The script below sets the limit in this process: put it back afterwards, for the tests that follow.
    monkeypatch.setattr(downloads, "MAX_ROWS_SHOWN", downloads.MAX_ROWS_SHOWN)

    def script():
        import pandas as pd

        from dashboard import downloads

        downloads.MAX_ROWS_SHOWN = 5
        downloads.table(pd.DataFrame({"Name": [f"Person {number}" for number in range(12)]}), "people")

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 5
    assert "Showing the first 5 of 12 rows" in at.caption[0].value
    # The CSV is written when the button is clicked (a deferred download), not on every render.
    assert at.get("download_button")[0].proto.deferred_file_id


def test_a_table_fetched_in_part_says_how_many_rows_there_are_and_its_csv_fetches_them_all():
    def script():
        import pandas as pd
        import streamlit as st

        from dashboard import downloads

        def recording_button(label, data, **options):
            st.session_state["csv"] = data  # the deferred download, called here as a click would
            return st_download_button(label, data, **options)

        st_download_button = st.download_button
        st.download_button = recording_button
        try:
            downloads.table(pd.DataFrame({"Name": ["Ann", "Bo"]}), "people", total_rows=5,
                            all_rows=lambda: pd.DataFrame({"Name": ["Ann", "Bo", "Cy", "Di", "=Ed"]}))
        finally:
            st.download_button = st_download_button

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 2
    assert "Showing the first 2 of 5 rows; the CSV download holds them all" in at.caption[0].value
    lines = at.session_state["csv"]().decode("utf-8-sig").splitlines()
    assert lines == ["Name", "Ann", "Bo", "Cy", "Di", "'=Ed"]


def test_pages_hold_no_sql_and_never_import_duckdb():
    for path in sorted((ROOT / "pages").glob("*.py")):
        text = path.read_text()
        assert "duckdb" not in text, path.name
        assert not re.search(r"\b(select|insert|update|delete)\b[^\n]*\b(from|into|set)\b", text, re.IGNORECASE), path.name


def test_every_page_starts_with_the_router_guard():
    # The deep-link trap: a page run without app.py must hand over to the router before doing anything else.
    for path in sorted((ROOT / "pages").glob("*.py")):
        body = ast.parse(path.read_text()).body
        statements = [node for node in body
                      if not isinstance(node, ast.Import | ast.ImportFrom)
                      and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
                      and not (isinstance(node, ast.Assign) and all(isinstance(target, ast.Name) and target.id.isupper()
                                                                   for target in node.targets))]
        first = statements[0]
        assert isinstance(first, ast.Assign) and isinstance(first.value, ast.Call), path.name
        assert getattr(first.value.func, "id", None) == "start_page", f"{path.name}: start_page() must come first"


def test_only_the_dashboard_imports_streamlit():
    for folder in ("warehouse", "loaders"):
        for path in (ROOT / folder).rglob("*.py"):
            assert not re.search(r"^\s*(import|from)\s+streamlit", path.read_text(), re.MULTILINE), path


@pytest.mark.parametrize("kind", ["Senior", "Manager", "Staff"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_cleanly_for_every_kind_of_viewer(app_db, sql, page, kind):
    at = open_app()
    choice = "senior" if kind == "Senior" else persona(at, sql, kind)
    at.sidebar.selectbox(key="view_as").set_value(choice).run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    assert_clean(at)
    if kind == "Staff" and page in ("pages/overview.py", "pages/team.py"):
        assert metrics(at)["Staff in post"] == "1"


def test_blockers_ranked_by_last_thing_left(app_db, sql):
    at = open_app("pages/blockers.py")
    at.radio(key="blocker-rank").set_value("Last thing left").run()
    assert_clean(at)
    ranked = at.dataframe[0].value
    assert list(ranked["Last thing left for"]) == sorted(ranked["Last thing left for"], reverse=True)


@pytest.mark.parametrize(("number", "noun", "plural", "words"), [
    (0, "item", None, "0 items"), (1, "item", None, "1 item"), (3, "item", None, "3 items"),
    (1204, "item", None, "1,204 items"), (1, "person", "people", "1 person"), (2, "person", "people", "2 people"),
])
def test_counts_are_written_as_a_reader_expects(number, noun, plural, words):
    from dashboard.text import counted

    assert counted(number, noun, plural) == words
