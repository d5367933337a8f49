"""Who may see what: every scoped query, the pages, downloads and the view log, for every kind of viewer."""

from __future__ import annotations

import datetime as dt
import inspect
import io

import duckdb
import openpyxl
import pandas as pd
import pytest
from test_pages import AUTH, PAGES, assert_clean, metrics, open_app

from loaders import audit
from warehouse import queries
from warehouse.queries import Filters, Viewer

TODAY = dt.date.today()
INJECTIONS = ["' or '1'='1", "x'); drop table staff; --", "%' union select * from staff --", "$viewer_role",
              "=HYPERLINK(\"http://evil\")", "../../etc/passwd", "\x00", "🙂" * 50]


@pytest.fixture(scope="module")
def con(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def tree_of(con, manager_id: str) -> set[str]:
    """The manager's line-management tree, computed independently of the warehouse's macro."""
    rows = con.execute("""
        with recursive tree(staff_id) as (
            select ? union select staff.staff_id from staff join tree on staff.line_manager_id = tree.staff_id
        )
        select staff_id from tree
    """, [manager_id]).fetchall()
    return {row[0] for row in rows}


def viewers(con) -> dict[str, tuple[Viewer, set[str] | None]]:
    """One viewer of each kind with the staff_ids they may see (None: everyone)."""
    manager_id, manager_email = con.execute("""
        select staff_id, email from staff where left_on is null and staff_id in (
            select line_manager_id from staff where left_on is null)
        and line_manager_id is not null order by staff_id limit 1""").fetchone()
    staff_id, staff_email = con.execute("""
        select staff_id, email from staff where left_on is null
        and staff_id not in (select line_manager_id from staff where line_manager_id is not null)
        order by staff_id limit 1""").fetchone()
    return {
        "admin": (Viewer("admin@example.org", "admin"), None),
        "senior": (Viewer("senior@example.org", "senior"), None),
        "manager": (queries.viewer_for_email(con, manager_email), tree_of(con, manager_id)),
        "staff": (queries.viewer_for_email(con, staff_email), {staff_id}),
        "nobody": (queries.viewer_for_email(con, "stranger@example.org"), set()),
    }


def test_emails_resolve_to_the_right_access_role(con):
    found = viewers(con)
    assert found["manager"][0].access_role == "manager"
    assert found["staff"][0].access_role == "staff"
    assert found["nobody"][0].access_role is None and not found["nobody"][0].sees_anyone


PERSONAL_QUERIES = [name for name, function in inspect.getmembers(queries, inspect.isfunction)
                    if "viewer" in inspect.signature(function).parameters
                    and name not in ("load_log", "_parameters")]


@pytest.mark.parametrize("kind", ["admin", "senior", "manager", "staff", "nobody"])
def test_every_scoped_query_returns_only_the_viewers_people(con, kind):
    viewer, allowed = viewers(con)[kind]
    everyone = {row[0] for row in con.execute("select staff_id from readiness_on(?)", [TODAY]).fetchall()}
    filters = Filters(TODAY)
    some_person = sorted(everyone)[0]
    for name in PERSONAL_QUERIES:
        function = getattr(queries, name)
        parameters = inspect.signature(function).parameters
        arguments = {"con": con, "viewer": viewer}
        if "filters" in parameters:
            arguments["filters"] = filters
        if "as_of" in parameters:
            arguments["as_of"] = TODAY
        if "staff_id" in parameters:
            arguments["staff_id"] = some_person
        if "requirement_id" in parameters:
            arguments["requirement_id"] = con.execute(
                "select requirement_id from gaps_on(?) group by 1 order by count(*) desc limit 1",
                [TODAY]).fetchone()[0]
        if "by" in parameters:
            arguments["by"] = "team"
        if "days" in parameters:  # the keep-in-date lists: far enough ahead to list someone
            arguments["days"] = 400
        if "role_code" in parameters and "level" in parameters:  # career_gap: any role's level
            arguments["role_code"], arguments["level"] = "CBSO", "B"
        result = function(**arguments)
        if isinstance(result, pd.DataFrame) and "staff_id" in result.columns:
            seen = set(result["staff_id"].dropna())
            assert seen <= (everyone | {None} if allowed is None else allowed), name
        elif isinstance(result, dict) and "staff_id" in result:
            assert allowed is None or result["staff_id"] in allowed, name
        elif result is None:
            assert allowed is not None and some_person not in allowed, name
    headline = queries.overview_figures(con, viewer, filters)["headline"]
    assert headline["staff_in_post"] == (len(everyone) if allowed is None else len(allowed & everyone))


@pytest.mark.parametrize("kind", ["manager", "staff", "nobody"])
def test_aggregates_count_only_the_viewers_scope(con, kind):
    viewer, allowed = viewers(con)[kind]
    filters = Filters(TODAY)
    scoped_gaps = con.execute("select count(*) from gaps_on(?) where list_contains(?, staff_id)",
                              [TODAY, sorted(allowed)]).fetchone()[0]
    blockers = queries.blockers(con, viewer, filters)
    assert int(blockers["people_blocked"].sum()) == scoped_gaps
    # The Blockers page's one-pass board ranks the same way, and in "last thing left" order sorts like the
    # page used to (only_blocker, then people_blocked, descending; ties by requirement_id).
    for last_first in (False, True):
        board = queries.blockers_board(con, viewer, filters, last_thing_left_first=last_first)
        ranked = queries.blockers(con, viewer, filters, last_thing_left_first=last_first)
        assert board["ranked"].equals(ranked)
        resorted = blockers.sort_values(["only_blocker", "people_blocked", "requirement_id"],
                                        ascending=[False, False, True], kind="stable") if last_first else blockers
        assert ranked["requirement_id"].tolist() == resorted["requirement_id"].tolist()
        if len(ranked):
            assert board["requirement_id"] == ranked["requirement_id"].iloc[0]
            last = ranked["requirement_id"].iloc[-1]
            asked = queries.blockers_board(con, viewer, filters, last_thing_left_first=last_first, requirement_id=last)
            assert asked["requirement_id"] == last
            assert asked["blocked"].equals(queries.blocked_people(con, viewer, filters, last))
    counts = queries.status_counts(con, viewer, filters, "team")
    in_scope = len(allowed & {row[0] for row in con.execute("select staff_id from readiness_on(?)", [TODAY]).fetchall()})
    assert int(counts["people"].sum()) == in_scope
    # The Overview's one-pass counts are the same figures, by team and by range.
    both = queries.overview_figures(con, viewer, filters)
    assert both["team"].equals(counts)
    assert both["range"].equals(queries.status_counts(con, viewer, filters, "range"))
    assert int(both["range"]["people"].sum()) == in_scope == both["headline"]["staff_in_post"]
    candidates = queries.succession_candidates(con, viewer, filters)
    assert set(candidates["staff_id"]) <= allowed
    summary = queries.succession_summary(con, viewer, filters)
    bands = ["ready_now", "newly_ready_within_12_months", "ready_1_to_2_years", "longer_term"]
    assert int(summary[bands].sum().sum()) == len(candidates)
    # The Succession page's one-pass board gives the same summary, and the candidates of the role it names:
    # the first with a bench unless asked for another (a role the filters leave out counts as not asked).
    board = queries.succession_board(con, viewer, filters)
    assert board["summary"].equals(summary)
    benches = summary[bands].sum(axis=1)
    default_role = (summary.loc[benches > 0, "role_code"].tolist() or summary["role_code"].tolist())[0]
    assert board["role_code"] == default_role
    for role_code in (summary["role_code"].iloc[-1], "NO SUCH ROLE"):
        board = queries.succession_board(con, viewer, filters, role_code)
        expected_role = role_code if role_code in set(summary["role_code"]) else default_role
        assert board["role_code"] == expected_role
        assert board["candidates"].equals(queries.succession_candidates(con, viewer, filters, expected_role))
        # With a limit (the page fetches only the rows it draws): the first rows, and how many there are in all.
        full = board["candidates"]
        first = queries.succession_board(con, viewer, filters, role_code, limit=2)["candidates"]
        assert first.equals(full.head(2))
        assert first.empty or int(first["rows_in_total"].iloc[0]) == len(full)


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_as_query_parameters_leak_nothing_and_raise_nothing(con, text):
    manager, tree = viewers(con)["manager"]
    hostile = Filters(TODAY, framework=text, teams=(text,), ranges=())
    assert queries.overview_figures(con, manager, hostile)["headline"]["staff_in_post"] == 0
    assert queries.person(con, manager, TODAY, text) is None
    assert queries.person_requirements(con, manager, TODAY, text).empty
    assert queries.person_timeline(con, manager, TODAY, text).empty
    assert queries.blocked_people(con, manager, Filters(TODAY), text).empty
    assert queries.blockers_board(con, manager, Filters(TODAY), requirement_id=text)["requirement_id"] != text
    assert queries.succession_candidates(con, manager, Filters(TODAY), text).empty
    assert queries.succession_board(con, manager, Filters(TODAY), text)["role_code"] != text
    queries.framework_criteria(con, "CBSO", text)
    assert queries.viewer_for_email(con, text).access_role is None
    assert con.execute("select count(*) from staff").fetchone()[0] > 0  # nothing was dropped


def _staff_viewer_app(con, page: str, params: dict | None = None):
    _viewer, allowed = viewers(con)["staff"]
    (staff_id,) = allowed
    email = con.execute("select email from staff where staff_id = ?", [staff_id]).fetchone()[0]
    at = open_app(run=False, params=params)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email}
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    return at, staff_id


@pytest.mark.parametrize("page_file", PAGES)
def test_a_staff_member_sees_only_themselves_on_every_page(app_db, con, page_file):
    page = page_file
    at, staff_id = _staff_viewer_app(con, page)
    assert_clean(at)
    if page == "pages/overview.py":
        assert metrics(at)["Staff in post"] == "1"
    for frame in at.dataframe:
        value = frame.value
        if "staff_id" in value.columns:
            assert set(value["staff_id"]) <= {staff_id}
    if page == "pages/data.py":
        assert not at.get("file_uploader") and not [box for box in at.selectbox if box.key == "data-kind"]


@pytest.mark.parametrize("text", INJECTIONS[:4])
@pytest.mark.parametrize("page_file", PAGES)
def test_tampered_url_parameters_leak_nothing_and_raise_nothing(app_db, con, page_file, text):
    at, staff_id = _staff_viewer_app(con, page_file, params={
        "team": text, "framework": text, "range": text, "as_of": text, "staff_id": text})
    assert_clean(at)
    names = set(con.execute("select name from staff where staff_id <> ?", [staff_id]).fetchall())
    # (Who assessed a person's own evidence is part of their own record: the Person page shows it.)
    shown = " ".join(str(frame.value.drop(columns=["Assessor"], errors="ignore").to_dict()) for frame in at.dataframe)
    assert not any(name[0] in shown for name in list(names)[:200])


@pytest.mark.parametrize("text", INJECTIONS[:4])
def test_injection_strings_in_the_search_box_raise_nothing(app_db, text):
    at = open_app("pages/framework.py")
    at.text_input(key="framework-search").set_value(text).run()
    assert_clean(at)


def test_the_meeting_pack_obeys_the_viewers_scope(app_db, con):
    from dashboard.pack import meeting_pack

    manager, tree = viewers(con)["manager"]
    workbook = openpyxl.load_workbook(io.BytesIO(meeting_pack(manager, Filters(TODAY))))
    names_in_scope = {row[0] for row in con.execute(
        "select name from staff where list_contains(?, staff_id)", [sorted(tree)]).fetchall()}
    others = {row[0] for row in con.execute(
        "select name from staff where not list_contains(?, staff_id)", [sorted(tree)]).fetchall()} - names_in_scope
    cells = {str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    assert not (cells & others)


def test_opening_a_person_is_recorded_in_the_view_log_for_admins(app_db, con):
    staff_id = con.execute("select staff_id from readiness_on(?) order by staff_id limit 1", [TODAY]).fetchone()[0]
    before = len(audit.view_log(app_db))
    at = open_app("pages/person.py", params={"staff_id": staff_id})
    assert_clean(at)
    at.run()  # a rerun is the same visit
    log = audit.view_log(app_db)
    assert len(log) == before + 1
    assert log.iloc[0]["staff_id"] == staff_id and log.iloc[0]["page"] == "person"
    at.switch_page("pages/data.py")
    at.run()
    assert any("staff_id" not in frame.value.columns and staff_id in frame.value.to_string()
               for frame in at.dataframe)


def test_non_admins_cannot_load_through_any_page(app_db, con):
    for kind in ("senior", "manager", "staff"):
        viewer, _ = viewers(con)[kind]
        email = viewer.email
        if kind == "senior":
            continue  # seniors come from the access file; the demo has none, covered by test_pages' view-as test
        at = open_app(run=False)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": email}
        at.run()
        for page in PAGES:
            at.switch_page(page)
            at.run()
            assert_clean(at)
            assert not at.get("file_uploader") and not [box for box in at.selectbox if box.key == "data-kind"], (kind, page)
            assert not [button for button in at.button if "load" in button.label.lower()], (kind, page)


def test_awaiting_signoff_fetched_in_part_is_the_head_of_the_whole_list(con):
    viewer = Viewer("local", "admin")
    everything = queries.awaiting_signoff(con, viewer, Filters(TODAY))
    first = queries.awaiting_signoff(con, viewer, Filters(TODAY), limit=3)
    assert len(everything) > 3
    assert first.equals(everything.head(3))
    assert set(everything["rows_in_total"]) == {len(everything)}


@pytest.mark.parametrize("kind", ["admin", "manager", "staff", "nobody"])
@pytest.mark.parametrize("by", ["none", "team", "range", "framework"])
def test_the_trend_counts_the_viewers_people_at_each_month_end(con, kind, by):
    # queries.readiness_trend groups people with the same masks before spreading them over the months;
    # counting readiness_history row by row must give the same figures.
    viewer, allowed = viewers(con)[kind]
    team, value, framework = con.execute("select team, range, framework from readiness_on(?) order by staff_id limit 1",
                                         [TODAY]).fetchone()
    filters = Filters(TODAY, teams=(team,) if by == "team" else (), ranges=(value,) if by == "range" else (),
                      framework=framework if by == "framework" else None)
    trend = queries.readiness_trend(con, viewer, filters, 24)
    expected = con.execute("""
        select month_end, status, count(*) from readiness_history((?::date - interval 24 month)::date, ?::date)
        where (?::varchar[] is null or list_contains(?::varchar[], staff_id))
          and (? is null or team = ?) and (? is null or range = ?) and (? is null or framework = ?)
        group by all order by all""", [
        TODAY, TODAY, None if allowed is None else sorted(allowed), None if allowed is None else sorted(allowed),
        filters.teams[0] if filters.teams else None, filters.teams[0] if filters.teams else None,
        filters.ranges[0] if filters.ranges else None, filters.ranges[0] if filters.ranges else None,
        filters.framework, filters.framework]).fetchall()
    assert [(month.date(), status, people) for month, status, people in trend.itertuples(index=False)] == expected
    assert kind != "admin" or len(expected) > 0


def test_view_as_offers_the_head_then_one_manager_and_one_member_of_other_teams(tiny):
    # The head of service first; a manager of the head's own team is not offered (that team is seen);
    # then the first manager of up to three other teams (most direct reports first); then three members.
    tiny.staff("H", role_code="MGR", team="Service")
    tiny.staff("M1", role_code="MGR", team="Service", line_manager_id="H")
    for number, team in enumerate(("Blue", "Green", "Red", "Violet"), start=2):
        tiny.staff(f"M{number}", role_code="MGR", team=team, line_manager_id="H")
    tiny.staff("M6", role_code="MGR", team="Blue", line_manager_id="H")  # a second manager of Blue
    reports = {"M1": 1, "M2": 3, "M3": 2, "M4": 2, "M5": 1, "M6": 1}
    for manager, count in reports.items():
        team = tiny.con.execute("select team from staff where staff_id = ?", [manager]).fetchone()[0]
        for number in range(count):
            tiny.staff(f"{manager}S{number}", team=team, line_manager_id=manager)
    offered = queries.view_as_choices(tiny.con, Viewer(None, "admin", None))
    assert offered[["kind", "email"]].values.tolist() == [
        ["manager", "h@example.org"],
        ["manager", "m2@example.org"],  # 3 reports
        ["manager", "m3@example.org"],  # 2 reports, Green before Red
        ["manager", "m4@example.org"],
        ["staff", "m2s0@example.org"],  # members by team name: Blue, Green, Red
        ["staff", "m3s0@example.org"],
        ["staff", "m4s0@example.org"],
    ]
    # A manager's own tree has no head of service: four team managers (here, the only one) and members.
    seen_by_blue = queries.view_as_choices(tiny.con, Viewer(None, "manager", "M2"))
    assert seen_by_blue[["kind", "email"]].values.tolist() == [
        ["manager", "m2@example.org"], ["staff", "m2s0@example.org"]]
