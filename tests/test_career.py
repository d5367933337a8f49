"""'What would it take?' and the framework comparison: the SQL macros on hand-built cases, and both pages (AppTest).

The database is the Medway demo with a four-level framework shaped like Maldon's loaded beside it
(tests/four_levels.py; two of its level 2 criteria repeat CABS officer level B's wording exactly).
Signed-in users go through the [auth] path, as in tests/test_pages.py.
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import four_levels
import pytest
from conftest import RefreshingConnection, sql_runner
from test_pages import AUTH, assert_clean, metrics, open_app

from loaders.demo import FRAMEWORKS_FOLDER, build_demo

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def career_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("career")
    frameworks = four_levels.with_shipped(folder / "frameworks", FRAMEWORKS_FOLDER)
    build_demo(folder / "career.duckdb", folder=folder / "files", frameworks_folder=frameworks)
    return folder / "career.duckdb"


@pytest.fixture(scope="module")
def sql(career_db):
    yield from sql_runner(career_db)


@pytest.fixture
def app_career_db(career_db, monkeypatch):
    monkeypatch.setenv("PROGRESSION_DB", str(career_db))
    return career_db


def signed_in(email: str, page: str, params: dict | None = None):
    at = open_app(run=False, params=params)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email}
    at.run()
    at.switch_page(page)
    at.run()
    return at


def tree_of(sql, manager_id: str) -> set[str]:
    return {row[0] for row in sql("""
        with recursive tree(staff_id) as (
            select ? union select staff.staff_id from stg_staff as staff join tree on staff.line_manager_id = tree.staff_id
        )
        select staff_id from readiness_on(?::date) where staff_id in (select staff_id from tree)""", [manager_id, TODAY])}


# ---------------------------------------------------------------- the SQL


def test_own_next_level_agrees_with_the_requirement_checklist(sql):
    # For evidence, career_gap_on says met exactly when requirement_status_on does, for everyone's next level.
    differences = sql("""
        with people as (select staff_id, role_code, target_level from readiness_on(?::date) where target_level is not null),
        gaps as (
            select gap.staff_id, gap.requirement_id, gap.is_met
            from people, career_gap_on(?::date, people.staff_id, people.role_code, people.target_level) as gap
            where not gap.is_time_based
        ),
        checklist as (
            select staff_id, requirement_id, is_met from requirement_status_on(?::date) where not is_time_based
        )
        select count(*) from ((select * from gaps except select * from checklist)
                              union all (select * from checklist except select * from gaps))
    """, [TODAY, TODAY, TODAY])
    assert differences == [(0,)]


def test_the_earliest_date_is_the_minimum_time_from_the_level_start(sql):
    rows = sql("""
        with person as (
            select staff_id, role_code, target_level, effective_start_date
            from readiness_on(?::date) where role_code = 'CBSO' and level = 'A' limit 1
        )
        select gap.earliest_date, (person.effective_start_date + to_months(gap.min_months))::date, gap.is_met,
               gap.earliest_date <= ?::date
        from person, career_gap_on(?::date, person.staff_id, person.role_code, person.target_level) as gap
        where gap.is_time_based
    """, [TODAY, TODAY, TODAY])
    assert rows
    for earliest, expected, is_met, is_served in rows:
        assert earliest == expected and is_met == is_served


def test_another_roles_minimum_time_has_no_date_until_they_reach_the_level_below(sql):
    (staff_id,) = sql("select staff_id from staff where role_code = 'CBSO' limit 1")[0]
    rows = sql("select is_met, status, earliest_date, previous_level from career_gap_on(?::date, ?, ?, '2') "
               "where is_time_based", [TODAY, staff_id, four_levels.ROLE])
    assert rows == [(False, "time", None, "1")]


def test_evidence_for_the_same_wording_elsewhere_is_offered_for_review(career_db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(career_db, copy)
    con = RefreshingConnection(duckdb.connect(str(copy)))
    try:
        staff_id = con.execute("select staff_id from staff where role_code = 'CRO' limit 1").fetchone()[0]
        con.execute("insert into evidence (staff_id, criterion_id, evidence_date, status, assessor) "
                    "values (?, 'CBSO.B.K1', ?, 'approved', 'Assessor')", [staff_id, TODAY - dt.timedelta(days=10)])
        rows = dict((row[0], row[1:]) for row in con.execute(
            "select requirement_id, status, matched_criterion_id, match_similarity, is_met "
            "from career_gap_on(?::date, ?, ?, '2')", [TODAY, staff_id, four_levels.ROLE]).fetchall())
        (same_wording,) = [id_ for id_ in four_levels.criterion_ids("2") if id_.startswith(f"{four_levels.ROLE}.2.K")][:1]
        assert rows[same_wording] == ("wording_match", "CBSO.B.K1", 1.0, False)
        # Evidence against the criterion itself meets it, whatever the wording of others.
        con.execute("insert into evidence (staff_id, criterion_id, evidence_date, status, assessor) "
                    "values (?, ?, ?, 'approved', 'Assessor')", [staff_id, same_wording, TODAY - dt.timedelta(days=5)])
        status = con.execute("select status, is_met from career_gap_on(?::date, ?, ?, '2') where requirement_id = ?",
                             [TODAY, staff_id, four_levels.ROLE, same_wording]).fetchone()
        assert status == ("met", True)
    finally:
        con.close()


def test_level_comparison_matches_each_way_and_leaves_the_rest(sql):
    rows = sql("select side, criterion_id, matched_criterion_id, match_similarity from level_comparison(?, '2', 'CBSO', 'B', false) "
               "where has_match order by side, criterion_id", [four_levels.ROLE])
    assert rows == [("left", "FOUR.2.K1", "CBSO.B.K1", 1.0), ("left", "FOUR.2.S1", "CBSO.B.S6", 1.0),
                    ("right", "CBSO.B.K1", "FOUR.2.K1", 1.0), ("right", "CBSO.B.S6", "FOUR.2.S1", 1.0)]
    totals = dict(sql("select side, count(*) from level_comparison(?, '2', 'CBSO', 'B', false) group by side", [four_levels.ROLE]))
    assert totals == {"left": 6, "right": dict(sql("select 'right', count(*) from criteria "
                                                   "where role_code = 'CBSO' and level = 'B'"))["right"]}


def test_levels_below_are_added_on_request(sql):
    totals = dict(sql("select side, count(*) from level_comparison(?, '2', 'CBSO', 'B', true) group by side",
                      [four_levels.ROLE]))
    expected_right = sql("select count(*) from criteria where role_code = 'CBSO' and level in ('A', 'B')")[0][0]
    assert totals == {"left": len(four_levels.CRITERIA["1"]) + len(four_levels.CRITERIA["2"]), "right": expected_right}
    # The top level of a role with every level below it is the whole role.
    (whole,) = sql("select count(*) from level_comparison(?, '4', 'CBSO', 'C', true) where side = 'left'",
                   [four_levels.ROLE])[0]
    assert whole == sum(len(criteria) for criteria in four_levels.CRITERIA.values())


def test_one_threshold_decides_every_match(sql):
    (threshold,) = sql("select wording_match_threshold()")[0]
    matched, below = sql("""select count(*), count(*) filter (where match_similarity < ?)
                            from level_comparison('CBSO', 'B', 'CRO', 'B', false) where has_match""", [threshold])[0]
    assert matched > 0 and below == 0
    words = sql("select wording_tokens('The ability to deliver accurate, high-quality administration support')")[0][0]
    assert sorted(words) == ["accurate", "administration", "deliver", "high", "quality", "support"]


# ---------------------------------------------------------------- the pages


def test_compare_page_browses_and_puts_two_levels_side_by_side(app_career_db, sql):
    at = open_app("pages/compare.py")
    assert_clean(at)
    at.selectbox(key="browse-framework").set_value(four_levels.NAME).run()
    at.selectbox(key="browse-role").set_value(four_levels.ROLE).run()
    at.selectbox(key="browse-level").set_value("2").run()
    assert_clean(at)
    assert len(at.dataframe[0].value) == len(four_levels.CRITERIA["2"])
    at.selectbox(key="left-framework").set_value(four_levels.NAME).run()
    at.selectbox(key="left-level").set_value("2").run()
    at.selectbox(key="right-framework").set_value("cabs").run()
    at.selectbox(key="right-role").set_value("CBSO").run()
    at.selectbox(key="right-level").set_value("B").run()
    assert_clean(at)
    shown = metrics(at)
    counts = dict(sql("select side || ':' || has_match, count(*) from level_comparison(?, '2', 'CBSO', 'B', false) group by all",
                      [four_levels.ROLE]))
    assert shown["Matched on wording"] == str(counts["left:true"]) == "2"
    assert shown["Only on the left"] == str(counts["left:false"])
    assert shown["Only on the right"] == str(counts["right:false"])
    assert [header.value for header in at.subheader][:2] == ["Only in Four-level example, level 2",
                                                             "Only in Customer and Business Support officer, level B"]


def test_career_page_for_a_manager_covers_their_tree_and_any_role(app_career_db, sql):
    manager_id, email = sql("""select staff_id, email from stg_staff where role_code = 'CBTM'
                               and staff_id in (select line_manager_id from stg_staff) order by staff_id limit 1""")[0]
    tree = tree_of(sql, manager_id)
    member = sorted(tree - {manager_id})[0]
    at = signed_in(email, "pages/career.py", {"staff_id": member, "role": four_levels.ROLE, "level": "2"})
    assert_clean(at)
    assert len(at.selectbox(key="career-person").options) == len(tree)
    assert at.selectbox(key="career-person").value == member
    (met, total, left) = sql("select count(*) filter (where is_met), count(*), count(*) filter (where not is_met) "
                             "from career_gap_on(?::date, ?, ?, '2')", [TODAY, member, four_levels.ROLE])[0]
    shown = metrics(at)
    assert shown["Requirements met"] == f"{met} of {total}"
    assert shown["Still to do"] == str(left)
    # Someone outside the tree, asked for by link, is never shown.
    outsider = sql("select staff_id from stg_staff where staff_id not in (select unnest(?::varchar[])) limit 1",
                   [sorted(tree)])[0][0]
    at = signed_in(email, "pages/career.py", {"staff_id": outsider})
    assert_clean(at)
    assert at.selectbox(key="career-person").value != outsider
    assert len(at.selectbox(key="career-person").options) == len(tree)


def test_career_page_for_a_staff_member_shows_only_themselves_and_their_next_level(app_career_db, sql):
    staff_id, email, role, target = sql("""
        select staff.staff_id, staff.email, readiness.role_code, readiness.target_level
        from stg_staff as staff join readiness_on(?::date) as readiness using (staff_id)
        where staff.staff_id not in (select line_manager_id from stg_staff where line_manager_id is not null)
          and readiness.target_level is not null and readiness.role_code = 'CBSO'
        order by staff.staff_id limit 1""", [TODAY])[0]
    other = sql("select staff_id from stg_staff where staff_id <> ? limit 1", [staff_id])[0][0]
    at = signed_in(email, "pages/career.py", {"staff_id": other})
    assert_clean(at)
    assert len(at.selectbox(key="career-person").options) == 1
    assert at.selectbox(key="career-person").value == staff_id
    assert at.selectbox(key="career-role").value == role
    assert at.selectbox(key="career-level").value == target
    (met, total) = sql("select count(*) filter (where is_met), count(*) from career_gap_on(?::date, ?, ?, ?)",
                       [TODAY, staff_id, role, target])[0]
    assert metrics(at)["Requirements met"] == f"{met} of {total}"
    # Any role of any framework: the four-level one's level 2.
    at.selectbox(key="career-role").set_value(four_levels.ROLE).run()
    at.selectbox(key="career-level").set_value("2").run()
    assert_clean(at)
    assert metrics(at)["Minimum time"] == f"{four_levels.TENURE_MONTHS} months"
