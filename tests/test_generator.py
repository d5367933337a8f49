"""The one workforce generator: the demo and the benchmark are instances of it, on any framework.

- one code path: the benchmark's tables and the demo's files are exactly `generate_workforce`'s rows;
- deterministic for a seed;
- realistic evidence: every row is for the person's own next level or the entry level of a role their
  role feeds (`fed_by`, by default the range immediately above in the same framework);
- a believable spread, and a workforce on a framework with four numbered levels.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import four_levels
import pytest

from bench.generate import generate
from loaders.demo import (
    DEFAULT_FRAMEWORKS,
    FRAMEWORKS_FOLDER,
    NUMBERED,
    Style,
    build_demo,
    generate_demo_files,
    generate_workforce,
    only_frameworks,
    read_framework,
)
from loaders.errors import UnreadableFile

AS_OF = dt.date(2025, 6, 30)

# Written from the rule, independently of the generator: a role's feeders are its fed_by roles, else the
# roles of the range immediately below it in its framework. Evidence may be for the person's own next
# level, or for the first level of a role their role feeds.
EVIDENCE_OUTSIDE_ITS_PLACE = """
with
roles as (select role_code, framework, range, coalesce(fed_by, []) as fed_by from roles),
feeders as (
    select role.role_code as fed_role, feeder.role_code as feeder_role
    from roles as role
    join roles as feeder
        on (len(role.fed_by) > 0 and list_contains(role.fed_by, feeder.role_code))
        or (len(role.fed_by) = 0 and feeder.framework = role.framework
            and feeder.range = (select max(range) from roles as below
                                where below.framework = role.framework and below.range < role.range))
),
levels as (select *, row_number() over (partition by role_code order by level_order) as position from levels),
allowed as (
    select staff.staff_id, next.role_code, next.level
    from staff
    join levels as own on own.role_code = staff.role_code and own.level = staff.level
    join levels as next on next.role_code = own.role_code and next.position = own.position + 1
    union all
    select staff.staff_id, feeders.fed_role, first.level
    from staff
    join feeders on feeders.feeder_role = staff.role_code
    join levels as first on first.role_code = feeders.fed_role and first.position = 1
)
select evidence.staff_id, evidence.criterion_id
from evidence
join criteria using (criterion_id)
where (evidence.staff_id, criteria.role_code, criteria.level) not in (select (staff_id, role_code, level) from allowed)
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple:
    folder = tmp_path_factory.mktemp("demo")
    build_demo(folder / "demo.duckdb", as_of=AS_OF, folder=folder / "files")
    return folder / "demo.duckdb", folder / "files"


@pytest.fixture(scope="module")
def four_level_demo(tmp_path_factory) -> tuple:
    """The demo on the four-level framework alone (loaded beside the shipped ones)."""
    folder = tmp_path_factory.mktemp("four")
    frameworks = four_levels.with_shipped(folder / "frameworks", FRAMEWORKS_FOLDER)
    build_demo(folder / "four.duckdb", as_of=AS_OF, folder=folder / "files", frameworks_folder=frameworks,
               frameworks=[four_levels.NAME])
    return folder / "four.duckdb", folder / "files"


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "bench.duckdb"
    generate(path, 400, seed=5, as_of=AS_OF)
    return path


def rows_of(db, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_benchmark_writes_exactly_the_generators_rows(bench_db):
    framework = only_frameworks(read_framework(bench_db), None)
    workforce = generate_workforce(framework, 400, seed=5, as_of=AS_OF, style=NUMBERED)
    assert sorted(rows_of(bench_db, "select staff_id, name, team, line_manager_id, role_code, level, "
                                    "level_start_date, email from staff")) == sorted(workforce.rows["staff"])
    assert sorted(rows_of(bench_db, "select * from evidence")) == sorted(workforce.rows["evidence"])
    assert sorted(rows_of(bench_db, "select * from acting"), key=repr) == sorted(workforce.rows["acting"], key=repr)
    assert len(rows_of(bench_db, "select * from training")) == len(workforce.rows["training"])
    leavers = {person.staff_id for person in workforce.people if person.left_on}
    assert leavers and leavers == {row[0] for row in rows_of(bench_db, "select staff_id from staff where left_on is not null")}


def test_the_demo_files_are_the_generators_named_rows(demo, tmp_path):
    db, files = demo
    framework = only_frameworks(read_framework(db), None)
    workforce = generate_workforce(framework, 150, seed=2025, as_of=AS_OF, style=Style())
    staff_file = (files / "demo-staff.csv").read_text().splitlines()
    assert len(staff_file) == 151
    assert {line.split(",")[0] for line in staff_file[1:]} == {row[0] for row in workforce.rows["staff"]}
    assert len((files / "demo-evidence.csv").read_text().splitlines()) == len(workforce.rows["evidence"]) + 1


def test_same_seed_same_rows_and_another_seed_other_rows(demo):
    framework = only_frameworks(read_framework(demo[0]), None)
    first = generate_workforce(framework, 300, seed=3, as_of=AS_OF)
    assert generate_workforce(framework, 300, seed=3, as_of=AS_OF).rows == first.rows
    assert generate_workforce(framework, 300, seed=4, as_of=AS_OF).rows["evidence"] != first.rows["evidence"]


@pytest.mark.parametrize("which", ["demo", "four_level_demo", "bench_db"])
def test_evidence_is_for_the_next_level_or_the_entry_of_a_role_fed(which, request):
    database = request.getfixturevalue(which)
    db = database[0] if isinstance(database, tuple) else database
    assert rows_of(db, "select count(*) from evidence")[0][0] > 0
    assert rows_of(db, EVIDENCE_OUTSIDE_ITS_PLACE) == []


def test_some_people_gather_evidence_for_the_role_their_role_feeds(demo):
    # Medway's roles files name no fed_by, so officers (range 3) feed range 4, range 4 feeds range 5 ...
    crossing = rows_of(demo[0], """
        select count(distinct evidence.staff_id)
        from evidence join criteria using (criterion_id) join staff using (staff_id)
        where criteria.role_code <> staff.role_code""")[0][0]
    assert crossing >= 5


def test_the_demo_has_a_believable_spread(demo):
    statuses = dict(rows_of(demo[0], f"select status, count(*) from readiness_on(date '{AS_OF}') group by status"))
    people = sum(statuses.values())
    assert people == 150
    assert statuses["ready"] >= 3 and statuses["ready_on"] >= 3
    assert statuses["not_ready"] > people / 2
    assert 3 <= statuses["top_of_role"] <= people / 4


def test_the_demo_is_medways_by_default_and_the_others_stay_browsable(demo):
    frameworks = {row[0] for row in rows_of(demo[0], "select distinct framework from staff join roles using (role_code)")}
    assert frameworks == set(DEFAULT_FRAMEWORKS)


def test_a_workforce_on_a_framework_with_four_numbered_levels(four_level_demo):
    db, _files = four_level_demo
    held = dict(rows_of(db, "select level, count(*) from staff group by level"))
    assert set(held) == {"1", "2", "3", "4"}
    assert held["1"] + held["2"] > held["3"] + held["4"]
    assert rows_of(db, "select count(*), count(distinct role_code) from staff") == [(150, 1)]
    assert rows_of(db, "select count(*) from staff where line_manager_id is null") == [(1,)]
    # Advisors report to co-ordinators (level 3), co-ordinators to seniors (level 4).
    pairs = set(rows_of(db, """select staff.level, manager.level from staff
                               join staff as manager on manager.staff_id = staff.line_manager_id"""))
    assert pairs <= {("1", "3"), ("2", "3"), ("3", "4"), ("4", "4")}
    emails = rows_of(db, "select min(email) from staff")[0][0]
    assert emails.endswith("@demo.fourlevels.example")
    statuses = {row[0] for row in rows_of(db, f"select distinct status from readiness_on(date '{AS_OF}')")}
    assert {"ready", "ready_on", "not_ready", "top_of_role"} <= statuses


def test_a_framework_that_is_not_loaded_is_refused_by_name(demo, tmp_path):
    with pytest.raises(UnreadableFile, match="no framework named maldonx"):
        only_frameworks(read_framework(demo[0]), ["maldonx"])


def test_the_demo_generates_at_scale(demo, tmp_path):
    files = generate_demo_files(tmp_path, only_frameworks(read_framework(demo[0]), None), staff_count=3000,
                                as_of=AS_OF)
    teams = {line.split(",")[2] for line in files["staff"].read_text().splitlines()[1:]}
    assert len(teams) > 60  # teams of a kind are split into numbered teams, not made huge
