"""From counts to next actions: the named lists behind every figure (People page), the Person page's plan,
and every URL value a page cannot show named in a notice instead of dropped in silence."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import streamlit

from dashboard.text import plain
from tests.test_pages import TODAY, assert_clean, awaiting_sql, metrics, open_app

D = dt.date(2025, 6, 1)


def warnings(at) -> list[str]:
    return [warning.value for warning in at.warning]


@pytest.fixture
def downloads(monkeypatch):
    """Every CSV a page offers, by file name, as the bytes a click would write (the deferred callable)."""
    offered: dict[str, object] = {}
    original = streamlit.download_button

    def recording(label, data, **options):
        offered[options.get("file_name")] = data
        return original(label, data, **options)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return offered


def csv_frame(data) -> pd.DataFrame:
    import io

    return pd.read_csv(io.BytesIO(data() if callable(data) else data), encoding="utf-8-sig", dtype=str)


# ---------------------------------------------------------------- the People page


@pytest.mark.parametrize("status", ["ready", "ready_on", "not_ready", "top_of_role"])
def test_people_lists_each_readiness_status_readiest_first_with_its_csv(app_db, sql, downloads, status):
    at = open_app("pages/people.py", {"status": status})
    assert_clean(at)
    expected = sql("select staff_id from readiness_on(?::date) where status = ? order by ready_date nulls last",
                   [TODAY, status])
    label = {"ready": "Ready now", "ready_on": "Ready on a date", "not_ready": "Not ready",
             "top_of_role": "Top of role"}[status]
    assert metrics(at)[label] == str(len(expected))
    assert at.title[0].value == f"People: {label}"
    if not expected:
        assert at.info
        return
    shown = at.dataframe[0].value
    assert sorted(shown["Staff ID"]) == sorted(row[0] for row in expected)
    assert list(shown.columns[:2]) == ["Name", "Staff ID"]
    if status == "ready_on":
        dates = list(shown["Ready date"])
        assert dates == sorted(dates)
    (csv,) = [data for name, data in downloads.items() if name.startswith(f"people-{status.replace('_', '-')}")]
    exported = csv_frame(csv)
    assert sorted(exported["Staff ID"]) == sorted(row[0] for row in expected)
    assert "Person page" not in exported.columns


def test_people_with_expired_training_name_the_course_and_when_it_ran_out(app_db, sql, downloads):
    at = open_app("pages/people.py", {"status": "training_expired"})
    assert_clean(at)
    (people,) = sql("select count(*) from readiness_on(?::date) where not training_ok", [TODAY])[0]
    assert metrics(at)["Expired mandatory training"] == str(people)  # the Overview tile's count
    shown = at.dataframe[0].value
    assert shown["Staff ID"].nunique() == people
    # Each row checked against the raw training records: no record current on the day, and the latest
    # expiry on or before it is the date it ran out.
    for _, row in shown.iterrows():
        records = sql("""select completed_on, expires_on from training join mandatory_courses using (course)
                         where staff_id = ? and course = ? and completed_on <= ?""",
                      [row["Staff ID"], row["Course"], TODAY])
        assert not any(expires is None or expires > TODAY for _, expires in records)
        lapsed = max((expires for _, expires in records), default=None)
        if lapsed is None:  # never completed
            assert pd.isna(row["Ran out on"])
        else:
            assert pd.Timestamp(row["Ran out on"]) == pd.Timestamp(lapsed)
    exported = csv_frame(next(data for name, data in downloads.items() if name.startswith("people-training")))
    assert len(exported) == len(shown) and set(exported.columns) >= {"Course", "Ran out on"}


def test_mandatory_training_on_agrees_with_readiness_on_every_date(sql):
    for day in (TODAY, TODAY - dt.timedelta(days=400), TODAY + dt.timedelta(days=300)):
        lapsed = {row[0] for row in sql("select staff_id from mandatory_training_on(?::date) where not is_current",
                                        [day])}
        expected = {row[0] for row in sql("select staff_id from readiness_on(?::date) where not training_ok", [day])}
        assert lapsed == expected, day


def test_people_awaiting_sign_off_add_up_to_the_overview_figure(app_db, sql):
    at = open_app("pages/people.py", {"status": "awaiting_signoff"})
    assert_clean(at)
    items = awaiting_sql(sql, TODAY)
    assert metrics(at)["Evidence awaiting sign-off"] == str(items)
    shown = at.dataframe[0].value
    assert shown["Evidence awaiting sign-off"].sum() == items
    assert list(shown["Oldest submitted"]) == sorted(shown["Oldest submitted"])


@pytest.mark.parametrize("status", ["ready", "ready_on"])
def test_ready_by_a_date_lists_who_is_ready_on_that_date(app_db, sql, status):
    later = TODAY + dt.timedelta(days=180)
    at = open_app("pages/people.py", {"status": status, "ready_by": later.isoformat()})
    assert_clean(at)
    expected = {row[0] for row in sql("select staff_id from readiness_on(?::date) where status = 'ready'", [later])}
    assert metrics(at)["Ready now"] == str(len(expected))
    assert at.title[0].value == f"People ready by {later:%-d %b %Y}"
    if expected:
        assert set(at.dataframe[0].value["Staff ID"]) == expected


def test_people_list_keeps_the_sidebar_filters(app_db, sql):
    team = sql("select team from readiness_on(?::date) group by team order by count(*) desc limit 1", [TODAY])[0][0]
    at = open_app("pages/people.py", {"status": "not_ready", "team": team})
    assert_clean(at)
    (expected,) = sql("select count(*) from readiness_on(?::date) where status = 'not_ready' and team = ?",
                      [TODAY, team])[0]
    assert metrics(at)["Not ready"] == str(expected)
    assert "Team" not in at.dataframe[0].value.columns  # one team: no column repeating it


# ---------------------------------------------------------------- silent fallbacks now say what they ignored


@pytest.mark.parametrize(("params", "named"), [
    ({"team": "Nonexistent"}, "team “Nonexistent”"),
    ({"as_of": "2099-99-99"}, "as-of date “2099-99-99” (not a real date"),
    ({"as_of": "2099-01-01"}, "as-of date 01 Jan 2099"),
    ({"range": "99"}, "grade range 99"),
    ({"range": "abc"}, "grade range “abc”"),
    ({"framework": "nope"}, "framework “nope”"),
    ({"view": "Nope"}, "tab “Nope”"),
])
def test_the_overview_names_what_it_ignored_from_the_link(app_db, sql, params, named):
    at = open_app(params=params)
    assert_clean(at)
    assert any(named in warning for warning in warnings(at)), warnings(at)
    assert metrics(at)["Staff in post"] == str(sql("select count(*) from readiness_on(?::date)", [TODAY])[0][0])


def test_the_team_page_names_an_unknown_tab(app_db, sql):
    team = sql("select min(team) from readiness_on(?::date)", [TODAY])[0][0]
    at = open_app("pages/team.py", {"team": team, "actions": "Nope"})
    assert_clean(at)
    assert any("tab “Nope”" in warning for warning in warnings(at)), warnings(at)


def test_an_unknown_person_is_named_not_silently_dropped(app_db):
    at = open_app("pages/person.py", {"staff_id": "S9999"})
    assert_clean(at)
    assert any("staff ID “S9999”" in warning for warning in warnings(at)), warnings(at)
    assert not at.header


def test_an_unknown_requirement_is_named_on_the_blockers_page(app_db):
    at = open_app("pages/blockers.py", {"requirement": "NOPE.X.K1"})
    assert_clean(at)
    assert any("requirement “NOPE.X.K1”" in warning for warning in warnings(at)), warnings(at)


def test_an_unknown_list_is_named_on_the_people_page(app_db):
    at = open_app("pages/people.py", {"status": "bogus", "ready_by": "someday"})
    assert_clean(at)
    assert any("list “bogus”" in warning and "ready-by date “someday”" in warning for warning in warnings(at))


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/team.py", "pages/person.py", "pages/people.py",
                                  "pages/blockers.py"])
def test_an_empty_page_says_the_as_of_date_emptied_it(app_db, page):
    at = open_app(page, {"as_of": "2000-01-01"})
    assert_clean(at)
    assert any("was in post on 01 Jan 2000, the as-of date" in info.value for info in at.info), \
        [info.value for info in at.info]


def test_an_empty_page_names_the_filter_that_emptied_it(app_db, sql):
    # A team and a range that each exist, but nobody in that team is in that range.
    team, value = sql("""
        select teams.team, ranges.range
        from (select distinct team from readiness_on(?::date)) as teams
        cross join (select distinct range from readiness_on(?::date)) as ranges
        where not exists (select 1 from readiness_on(?::date) as readiness
                          where readiness.team = teams.team and readiness.range = ranges.range)
        order by all limit 1""", [TODAY, TODAY, TODAY])[0]
    at = open_app(params={"team": team, "range": str(value)})
    assert_clean(at)
    assert not at.warning  # nothing was ignored: the filters are valid, only their combination is empty
    assert any(f"grade range(s) {value}" in info.value for info in at.info), [info.value for info in at.info]


def test_staff_ids_are_searchable_at_any_size(app_db, sql):
    staff_id, name = sql("select staff_id, name from staff_in_post_on(?::date) order by staff_id desc limit 1",
                         [TODAY])[0]
    at = open_app("pages/person.py")
    assert_clean(at)
    picker = at.selectbox(key="person-pick")
    assert any(f"({staff_id})" in label for label in picker.options)  # the picker's own search matches IDs
    assert name in next(label for label in picker.options if f"({staff_id})" in label)


# ---------------------------------------------------------------- the Person page's plan


def test_next_actions_on_a_hand_built_person(tiny):
    """Level A since 1 Jan 2025 (12 months needed), no evidence for K1, S1 submitted, a course running out
    before the minimum time: each gap says who acts next and by when."""
    tiny.staff("S1", level_start_date="2025-01-01", trained=False)
    tiny.training("S1", "GDPR", "2023-06-01", "2025-09-30")
    tiny.training("S1", "Safeguarding", "2023-06-01")
    tiny.evidence("S1", "OFF.B.S1", "2025-05-02", status="submitted")
    rows = tiny.con.execute("""select requirement_id, reason, next_actor, due_date, due_label, is_overdue, next_step
                               from next_actions_on(?::date) where staff_id = 'S1' and kind = 'unmet'
                               order by requirement_id""", [D]).fetchall()
    by_requirement = {row[0]: row[1:] for row in rows}
    assert by_requirement["OFF.B.E1"][:5] == ("tenure", "manager", dt.date(2026, 1, 1), "Minimum time reached on", False)
    assert "GDPR must be renewed before it runs out on 30 Sep 2025" in by_requirement["OFF.B.E1"][5]
    assert by_requirement["OFF.B.K1"][:4] == ("no_evidence", "person", None, None)
    assert by_requirement["OFF.B.S1"][:4] == ("awaiting_signoff", "assessor", dt.date(2025, 5, 2), "Waiting since")
    # The course running out within 60 days is a "renew" action with its date.
    (renew,) = tiny.con.execute("""select criterion, due_date from next_actions_on(?::date)
                                   where staff_id = 'S1' and kind = 'renew'""", [dt.date(2025, 8, 15)]).fetchall()
    assert renew == ("GDPR", dt.date(2025, 9, 30))


def test_next_actions_when_training_has_lapsed_and_evidence_expired(tiny):
    tiny.staff("S1", level_start_date="2023-01-01", trained=False)
    tiny.training("S1", "GDPR", "2022-06-01", "2025-03-31")
    tiny.training("S1", "Safeguarding", "2023-06-01")
    tiny.evidence("S1", "OFF.B.K1", "2023-04-01").evidence("S1", "OFF.B.S2", "2025-01-10")
    rows = dict((row[0], row[1:]) for row in tiny.con.execute(
        """select requirement_id, reason, next_actor, due_date, due_label, is_overdue, next_step
           from next_actions_on(?::date) where staff_id = 'S1' and kind = 'unmet'""", [D]).fetchall())
    assert rows["OFF.B.E1"][:5] == ("training", "person", dt.date(2025, 3, 31), "Overdue: training ran out on", True)
    assert "GDPR (ran out 31 Mar 2025)" in rows["OFF.B.E1"][5]
    assert rows["OFF.B.K1"][:5] == ("expired", "person", dt.date(2025, 4, 1), "Overdue: evidence stopped counting on",
                                    True)
    assert "OFF.B.S1" not in rows  # met on its alternative


def test_person_page_leads_with_what_is_left(app_db, sql):
    staff_id, name, missing = sql("""
        select staff_id, name, requirements_missing from readiness_on(?::date)
        where staff_id in (select staff_id from gaps_on(?::date) where reason = 'tenure')
          and staff_id in (select staff_id from gaps_on(?::date) where reason <> 'tenure')
        order by staff_id limit 1""", [TODAY, TODAY, TODAY])[0]
    at = open_app("pages/person.py", {"staff_id": staff_id})
    assert_clean(at)
    assert at.header[0].value == name
    assert [subheader.value for subheader in at.subheader][0].startswith("What's left for level")
    (left,) = [markdown.value for markdown in at.markdown if markdown.value.startswith("- **")]
    items = left.split("\n- ")
    assert len(items) == missing
    gaps = dict(sql("select requirement_id, due_date from gaps_on(?::date) where staff_id = ? and reason = 'tenure'",
                    [TODAY, staff_id]))
    for requirement, due in gaps.items():
        (item,) = [item for item in items if item.lstrip("- ").startswith(f"**{plain(requirement)}**")]
        assert f"*Minimum time reached on {due:%-d %b %Y}*" in item
        assert "**The line manager**" in item
    assert all(any(f"**{actor}**" in item for actor in ("The person", "The assessor", "The line manager"))
               for item in items)
    # Met requirements fold below, in an expander.
    (met,) = sql("select count(*) from requirement_status_on(?::date) where staff_id = ? and is_met",
                 [TODAY, staff_id])[0]
    if met:
        assert at.expander[0].label == f"Met requirements ({met})"


def test_person_page_evidence_rows_show_status_assessor_and_note(app_db, sql):
    staff_id = sql("""select staff_id from stg_evidence where status = 'rejected' and evidence_date <= ?
                      and staff_id in (select staff_id from staff_in_post_on(?::date)) order by staff_id limit 1""",
                   [TODAY, TODAY])[0][0]
    at = open_app("pages/person.py", {"staff_id": staff_id})
    assert_clean(at)
    evidence = next(frame.value for frame in at.dataframe if "Assessor" in frame.value.columns)
    (rows,) = sql("select count(*) from stg_evidence where staff_id = ? and evidence_date <= ?", [staff_id, TODAY])[0]
    assert len(evidence) == rows
    rejected = evidence[evidence["Status"] == "Rejected"]
    assert len(rejected) and (rejected["Assessor"] != "—").all() and (rejected["Note"] != "").all()


def test_top_of_role_shows_the_roles_it_feeds_with_coverage(app_db, sql):
    staff_id = sql("""select staff_id from readiness_on(?::date) where status = 'top_of_role'
                      and staff_id in (select staff_id from succession_on(?::date)) order by staff_id limit 1""",
                   [TODAY, TODAY])[0][0]
    at = open_app("pages/person.py", {"staff_id": staff_id})
    assert_clean(at)
    assert "Options: roles this role feeds" in [subheader.value for subheader in at.subheader]
    options = next(frame.value for frame in at.dataframe if "Coverage" in frame.value.columns)
    expected = sql("select role_title from succession_on(?::date) where staff_id = ?", [TODAY, staff_id])
    assert sorted(options["Role"]) == sorted(row[0] for row in expected)
    assert options["Coverage"].between(0, 100).all()
    assert list(options["Coverage"]) == sorted(options["Coverage"], reverse=True)


# ---------------------------------------------------------------- one vocabulary


def test_the_glossary_page_and_the_code_use_the_same_words():
    from pathlib import Path

    from dashboard import glossary

    text = (Path(__file__).resolve().parent.parent / "docs" / "glossary.md").read_text()
    for term in glossary.TERMS:
        assert f"| **{term.name}** | {term.meaning} |" in text, term.name
    names = [term.name.lower() for term in glossary.TERMS]
    assert len(names) == len(set(names))  # different counts never share a name


def test_the_glossary_states_the_sign_off_limit_the_sql_holds(sql):
    # The limit is held in evidence_waiting_on.sql; the glossary's words must say the same number.
    import re

    from dashboard import glossary

    (limit,) = sql("select distinct overdue_after_working_days from evidence_waiting_on(?::date)", [TODAY])[0]
    assert re.search(r"more than (\d+) working days", glossary.SIGN_OFF_OVERDUE.meaning).group(1) == str(limit)


def test_the_team_page_uses_the_overview_words_for_the_same_counts(app_db, sql):
    team = sql("select team from readiness_on(?::date) group by team order by count(*) desc limit 1", [TODAY])[0][0]
    overview = open_app(params={"team": team})
    at = open_app("pages/team.py", {"team": team})
    assert_clean(at)
    shared = set(metrics(at)) & set(metrics(overview))
    assert {"Staff in post", "Ready now", "Evidence awaiting sign-off"} <= shared
    for label in shared:
        assert metrics(at)[label] == metrics(overview)[label], label
    members = at.dataframe[0].value
    order = {"Ready now": 0, "Ready on a date": 1, "Not ready": 2, "Top of role": 3}
    assert list(members["Status"].map(order)) == sorted(members["Status"].map(order))
    ready_on = members[members["Status"] == "Ready on a date"]["Ready date"]
    assert list(ready_on) == sorted(ready_on)
    assert list(members.columns[:5]) == ["Name", "Staff ID", "Person page", "Status", "Ready date"]


# ---------------------------------------------------------------- gaps in the source document


def test_the_framework_page_lists_every_criterion_with_lost_words(app_db, sql):
    from dashboard import glossary

    expected = {row[0] for row in sql("select criterion_id from stg_criteria "
                                      "where criterion like '%[…]%' or criterion like '%[...]%'")}
    assert expected, "the shipped frameworks hold criteria with lost words"
    assert expected == {row[0] for row in sql("select criterion_id from incomplete_criteria")}
    # The pages' flag and the view agree on every criterion.
    for criterion_id, text in sql("select criterion_id, criterion from stg_criteria"):
        assert glossary.is_incomplete(text) == (criterion_id in expected), criterion_id
    at = open_app("pages/framework.py")
    assert_clean(at)
    assert at.expander[0].label == f"⚠ {len(expected)} criteria incomplete in the source document"
    listed = next(frame.value for frame in at.dataframe if "Wording" in frame.value.columns)
    assert set(listed["Requirement"]) == expected


def test_the_blockers_page_flags_lost_words_and_links_to_the_framework(app_db, sql):
    at = open_app("pages/blockers.py")
    assert_clean(at)
    ranked = at.dataframe[0].value
    incomplete = {row[0] for row in sql("select criterion_id from incomplete_criteria")}
    flagged = ranked[ranked["Requirement"].isin(incomplete)]
    if flagged.empty:
        pytest.skip("no incomplete criterion blocks anyone in this demo")
    assert flagged["Wording"].str.endswith("(⚠ incomplete in the source document)").all()
    assert any("Framework page" in link.proto.label for link in at.get("page_link"))


# ---------------------------------------------------------------- the Data page


@pytest.mark.parametrize("kind", ["framework", "framework_roles", "staff", "evidence", "training", "acting",
                                  "mandatory_courses", "access"])
def test_every_kind_has_a_template_whose_header_fits_that_kind(kind):
    import csv
    import io

    from loaders import templates

    header, example = list(csv.reader(io.StringIO(templates.template(kind).decode("utf-8-sig"))))
    assert header == templates.columns(kind)
    assert len(example) == len(header) and any(example)
    assert templates.best_kind(header) == kind


def test_a_file_of_another_kind_is_recognised_by_its_header():
    from loaders import templates

    staff_header = templates.columns("staff")
    assert templates.best_kind(staff_header) == "staff"
    assert templates.best_kind(["Email", " role "]) == "access"
    assert templates.best_kind(["something", "else"]) is None


def test_the_data_page_offers_the_templates_and_one_file_for_single_file_kinds(app_db):
    at = open_app("pages/data.py")
    assert_clean(at)
    assert not at.get("file_uploader")
    assert any("Choose what you are loading first" in info.value for info in at.info)
    at.selectbox(key="data-kind").set_value("evidence").run()
    (uploader,) = at.get("file_uploader")
    assert not uploader.proto.multiple_files
    assert [button.proto.label for button in at.get("download_button")][0] == "Download the template"
    at.selectbox(key="data-kind").set_value("framework").run()
    (uploader,) = at.get("file_uploader")
    assert uploader.proto.multiple_files


# ---------------------------------------------------------------- large organisations


def status_frame(counts: dict[str, dict[str, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"team": team, "status": status, "people": people}
                         for team, statuses in counts.items() for status, people in statuses.items()])


TEAMS = status_frame({
    "Alpha": {"ready": 5, "not_ready": 1},        # 6 people, 83% ready
    "Bravo": {"not_ready": 9},                    # 9 people, 0% ready
    "Charlie": {"ready_on": 1, "not_ready": 3},   # 4 people, 25% ready
    "Delta": {"top_of_role": 2},                  # 2 people, 0% ready
})


@pytest.mark.parametrize(("measure", "first_two"), [("people", ["Bravo", "Alpha"]),
                                                    ("not_ready", ["Bravo", "Charlie"]),
                                                    ("least_ready", ["Bravo", "Delta"])])
def test_a_large_organisation_shows_its_top_teams_and_sums_up_the_rest(measure, first_two):
    from dashboard import charts

    shown, order, others = charts.top_teams(TEAMS, measure, 2)
    assert order == first_two and set(shown["team"]) == set(first_two)
    assert shown["people"].sum() + others["people"].sum() == TEAMS["people"].sum()  # nobody lost
    rest = TEAMS[~TEAMS["team"].isin(first_two)].groupby("status")["people"].sum().to_dict()
    assert others.set_index("status")["people"].to_dict() == rest and set(others["teams"]) == {2}
    assert charts.status_by_team_chart(shown, order).to_dict()["encoding"]["y"]["sort"] == order


def test_the_overview_offers_a_measure_and_every_team_in_a_table_past_the_limit(app_db, sql, monkeypatch):
    from dashboard import charts

    monkeypatch.setattr(charts, "TEAM_CHART_LIMIT", 3)
    teams = sql("select count(distinct team) from readiness_on(?::date)", [TODAY])[0][0]
    at = open_app()
    assert_clean(at)
    assert at.selectbox(key="team-measure").options == list(charts.TEAM_MEASURES.values())
    everyone = at.tabs[0].dataframe[0].value
    assert len(everyone) == teams and everyone["Total"].sum() == int(metrics(at)["Staff in post"])
    assert f"**All {teams:,} teams**" in [markdown.value for markdown in at.tabs[0].markdown]
    assert any(caption.value.startswith(f"The other {teams - 3:,} teams: ") for caption in at.tabs[0].caption)


def test_next_actions_hold_one_row_per_gap_with_its_reason_and_due_date(sql):
    for day in (TODAY, TODAY - dt.timedelta(days=300), TODAY + dt.timedelta(days=200)):
        gaps = sql("""select staff_id, requirement_id, reason, case when reason in ('tenure', 'expired') then due_date end
                      from gaps_on(?::date) order by all""", [day])
        actions = sql("""select staff_id, requirement_id, reason,
                                case when reason in ('tenure', 'expired') then due_date end
                         from next_actions_on(?::date) where kind = 'unmet' order by all""", [day])
        assert actions == gaps, day


def test_a_long_list_draws_its_first_rows_but_counts_them_all(app_db, sql, monkeypatch):
    from dashboard import downloads

    monkeypatch.setattr(downloads, "MAX_ROWS_SHOWN", 3)
    at = open_app("pages/people.py", {"status": "awaiting_signoff"})
    assert_clean(at)
    assert metrics(at)["Evidence awaiting sign-off"] == str(awaiting_sql(sql, TODAY))
    assert len(at.dataframe[0].value) == 3
    (people,) = sql("""select count(distinct staff_id) from stg_evidence join staff_in_post_on(?::date) using (staff_id)
                       where status = 'submitted' and evidence_date <= ?""", [TODAY, TODAY])[0]
    assert any(f"Showing the first 3 of {people:,} rows" in caption.value for caption in at.caption)


def test_the_persons_renewals_are_the_team_pages_keep_in_date_rows(sql):
    # The Person page's renewals and the Team page's tabs read the same marts with the same days
    # (keep_in_date_settings), so they list the same courses and requirements with the same dates.
    (training_days, evidence_days), = sql(
        "select training_expiring_days, evidence_expiring_days from keep_in_date_settings")
    for day in (TODAY, TODAY - dt.timedelta(days=300)):
        renewals = sql("""select staff_id, criterion, due_date from next_actions_on(?::date)
                          where kind = 'renew' and requirement_id is null order by all""", [day])
        expiring = sql("select staff_id, course, expires_date from training_expiring_on(?::date, ?) order by all",
                       [day, training_days])
        assert renewals == expiring and expiring
        renewals = sql("""select staff_id, requirement_id, due_date from next_actions_on(?::date)
                          where kind = 'renew' and requirement_id is not null order by all""", [day])
        expiring = sql("""select staff_id, requirement_id, evidence_expires_date from evidence_expiring_on(?::date, ?)
                          order by all""", [day, evidence_days])
        assert renewals == expiring and expiring
