"""The demo workforce: deterministic files that load through the real loaders into a plausible establishment."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from loaders.demo import (
    COLUMNS,
    FRAMEWORKS_FOLDER,
    MANDATORY_COURSES_FILE,
    build_demo,
    generate_demo_files,
    load_shipped_configuration,
    read_framework,
)
from loaders.load import load_files

AS_OF = dt.date(2025, 6, 30)
DEMO_KINDS = ("staff", "evidence", "training", "acting")
FUTURE_ALLOWED = {"expires_on", "end_date"}

SMALL_ROLES = {
    "cabs": [("CBSO", "CABS Officer", 3), ("DQCO", "Development and Quality Compliance Officer", 4),
             ("CBTM", "CABS Team Manager", 5), ("DQCS", "Development Quality and Compliance Senior", 5),
             ("BBOT", "Blue Badge Occupational Therapist", 5), ("CBOM", "CABS Operations Manager", 6)],
    "customer_relations": [("CRO", "Customer Relations Officer", 3), ("CRTL", "Customer Relations Team Leader", 4),
                           ("CMSC", "Complaints Manager for Social Care", 5), ("CRM", "Customer Relations Manager", 6)],
}
SMALL_LEVELS = (("A", "Developing", None), ("B", "Practising", 12), ("C", "Accomplished", 18))


def small_criteria(code: str, title: str, level: str, months: int | None) -> list[list]:
    """category, number, criterion, min_months, any_of for one role and level."""
    training = f"{code}-{level}-training"
    experience = f"{months} months' experience at the level below" if months else "Has handled routine cases"
    return [
        ["Qualifications", 1, f"Holds the induction certificate for {title}", "", ""],
        ["Knowledge", 1, "Knows the service's policies and procedures", "", ""],
        ["Knowledge", 2, "Knows the systems used by the team", "", ""],
        ["Experience", 1, experience, months or "", ""],
        ["Skills", 1, "Trains others in administration", "", training],
        ["Skills", 2, "Trains others in telephony", "", training],
        ["Skills", 3, "Resolves complaints at first contact", "", ""],
    ]


def write_small_frameworks(folder: Path) -> Path:
    """Throw-away frameworks with the real role codes, for use until the transcribed files are in data/."""
    folder.mkdir(parents=True, exist_ok=True)
    header = ["role_code", "role_title", "range", "level", "level_name", "category", "number", "criterion",
              "min_months", "any_of"]
    for framework, roles in SMALL_ROLES.items():
        rows = [[code, title, role_range, level, level_name, *criterion]
                for code, title, role_range in roles
                for level, level_name, months in SMALL_LEVELS
                for criterion in small_criteria(code, title, level, months)]
        with open(folder / f"{framework}.csv", "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([header, *rows])
    # A roles file beside its framework: load_shipped_configuration must not pass it on its own.
    (folder / "cabs_roles.csv").write_text("role_code,duties,fed_by\nCBTM,Leads a team,CBSO;DQCO\n")
    return folder


@pytest.fixture(scope="module")
def frameworks_folder(tmp_path_factory) -> Path:
    if all((FRAMEWORKS_FOLDER / name).exists() for name in ("cabs.csv", "customer_relations.csv")):
        return FRAMEWORKS_FOLDER
    return write_small_frameworks(tmp_path_factory.mktemp("frameworks"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory, frameworks_folder) -> tuple[Path, Path]:
    """The default demo (150 people) built once for the module: (database, files folder)."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.duckdb"
    build_demo(db, as_of=AS_OF, folder=folder / "files", frameworks_folder=frameworks_folder)
    return db, folder / "files"


@pytest.fixture
def con(demo):
    connection = duckdb.connect(str(demo[0]), read_only=True)
    yield connection
    connection.close()


def one(con, sql: str, parameters=()):
    return con.execute(sql, list(parameters)).fetchone()[0]


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def table_contents(db: Path) -> dict[str, list[tuple]]:
    tables = ("roles", "levels", "criteria", "mandatory_courses", "staff", "evidence", "training", "acting")
    connection = duckdb.connect(str(db), read_only=True)
    try:
        return {table: sorted(connection.execute(f"select * from {table}").fetchall(), key=repr) for table in tables}
    finally:
        connection.close()


def test_same_seed_gives_identical_files(demo, tmp_path):
    db, files = demo
    framework = read_framework(db)
    again = generate_demo_files(tmp_path / "again", framework, as_of=AS_OF)
    for kind in DEMO_KINDS:
        assert again[kind].read_bytes() == (files / f"demo-{kind}.csv").read_bytes(), kind


def test_different_seed_gives_different_files(demo, tmp_path):
    db, files = demo
    other = generate_demo_files(tmp_path / "other", read_framework(db), seed=7, as_of=AS_OF)
    for kind in DEMO_KINDS:
        assert other[kind].read_bytes() != (files / f"demo-{kind}.csv").read_bytes(), kind


def test_files_have_the_loaders_columns_and_no_impossible_dates(demo):
    _db, files = demo
    for kind in DEMO_KINDS:
        with open(files / f"demo-{kind}.csv", newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert tuple(header) == COLUMNS[kind]
        for row in read_rows(files / f"demo-{kind}.csv"):
            for column, value in row.items():
                if column.endswith(("_date", "_on")) and value:
                    day = dt.date.fromisoformat(value)
                    assert day >= dt.date(1950, 1, 1)
                    assert column in FUTURE_ALLOWED or day <= AS_OF, (kind, row)


def test_load_log_shows_the_four_staff_data_loads(con):
    outcomes = dict(con.execute(
        "select kind, outcome from load_log where kind in ('staff', 'evidence', 'training', 'acting')").fetchall())
    assert outcomes == {kind: "loaded" for kind in DEMO_KINDS}


def test_establishment_has_ten_to_twelve_teams_and_every_range(con):
    assert one(con, "select count(*) from staff") == 150
    assert 10 <= one(con, "select count(distinct team) from staff") <= 12
    ranges = dict(con.execute(
        "select range, count(*) from staff join roles using (role_code) group by range").fetchall())
    assert set(ranges) == {3, 4, 5, 6}
    assert ranges[3] > ranges[5] + ranges[6]


def test_every_level_of_the_officer_role_is_held(con):
    levels = {row[0] for row in con.execute("select level from levels where role_code = 'CBSO'").fetchall()}
    held = {row[0] for row in con.execute("select distinct level from staff where role_code = 'CBSO'").fetchall()}
    assert levels and held == levels


def test_line_management_is_one_tree(con):
    managers = dict(con.execute("select staff_id, line_manager_id from staff").fetchall())
    assert [staff_id for staff_id, manager in managers.items() if manager is None] != []
    assert sum(manager is None for manager in managers.values()) == 1
    assert all(manager in managers for manager in managers.values() if manager is not None)
    for staff_id in managers:
        seen = set()
        while staff_id is not None:
            assert staff_id not in seen, "line management has a cycle"
            seen.add(staff_id)
            staff_id = managers[staff_id]


def test_emails_are_unique_and_in_the_demo_domain(con):
    emails = [row[0] for row in con.execute("select email from staff").fetchall()]
    assert len(set(emails)) == len(emails)
    assert all(email.endswith("@demo.medway.example") for email in emails)


def test_evidence_mixes_statuses_and_ages(con):
    statuses = dict(con.execute("select status, count(*) from evidence group by status").fetchall())
    assert statuses.get("submitted") and statuses.get("rejected")
    assert statuses["approved"] > statuses["submitted"] + statuses["rejected"]
    old_share = one(con, "select avg(case when evidence_date <= ?::date - interval 2 year then 1 else 0 end) "
                         "from evidence where status = 'approved'", [AS_OF])
    assert 0.05 <= old_share <= 0.30
    assert one(con, "select count(*) from evidence join criteria using (criterion_id) where min_months is not null") == 0
    assert one(con, "select count(*) from evidence where status = 'submitted' and assessor is not null") == 0


def test_some_mandatory_training_has_expired(con):
    expired = one(con, """
        select count(distinct staff_id) from (
            select staff_id, course, max(coalesce(expires_on, date '9999-12-31')) as latest_expiry
            from training join mandatory_courses using (course) group by staff_id, course)
        where latest_expiry <= ?""", [AS_OF])
    people = one(con, "select count(*) from staff")
    assert 0 < expired <= 0.25 * people


def test_some_people_act_up_or_are_seconded(con):
    assert one(con, "select count(*) from acting where end_date is null") > 0
    assert one(con, "select count(*) from acting where end_date <= ?", [AS_OF]) > 0
    acting_people = one(con, "select count(distinct staff_id) from acting")
    assert 0.05 <= acting_people / one(con, "select count(*) from staff") <= 0.2


def test_readiness_shows_ready_and_ready_on(con):
    statuses = {row[0] for row in con.execute("select distinct status from readiness_on(?)", [AS_OF]).fetchall()}
    assert {"ready", "ready_on", "not_ready"} <= statuses


def test_reloading_the_same_files_changes_nothing(demo, frameworks_folder, tmp_path):
    db, files = demo
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db, copy)
    before = table_contents(copy)
    frameworks = sorted(path for path in frameworks_folder.glob("*.csv") if not path.stem.endswith("_roles"))
    results = load_files("framework", frameworks, copy) + load_files("mandatory_courses", [MANDATORY_COURSES_FILE], copy)
    for kind in DEMO_KINDS:
        results += load_files(kind, [files / f"demo-{kind}.csv"], copy)
    assert {result.file_name: result.outcome for result in results} == {
        result.file_name: "unchanged" for result in results}
    assert table_contents(copy) == before


def test_a_small_demo_loads(tmp_path, frameworks_folder):
    db = tmp_path / "small.duckdb"
    build_demo(db, staff_count=20, folder=tmp_path / "files", frameworks_folder=frameworks_folder)
    connection = duckdb.connect(str(db), read_only=True)
    try:
        assert one(connection, "select count(*) from staff") == 20
        assert one(connection, "select count(*) from staff where line_manager_id is null") == 1
    finally:
        connection.close()


def test_a_large_demo_generates(demo, tmp_path):
    files = generate_demo_files(tmp_path, read_framework(demo[0]), staff_count=2000, as_of=AS_OF)
    staff = read_rows(files["staff"])
    assert len(staff) == 2000
    assert len({row["email"] for row in staff}) == 2000
    assert sum(row["line_manager_id"] == "" for row in staff) == 1


def test_shipped_configuration_loads_alone(tmp_path, frameworks_folder):
    db = tmp_path / "defaults.duckdb"
    load_shipped_configuration(db, frameworks_folder)
    connection = duckdb.connect(str(db), read_only=True)
    try:
        assert one(connection, "select count(*) from mandatory_courses") > 0
        assert one(connection, "select count(*) from criteria") > 0
        assert one(connection, "select count(*) from staff") == 0
    finally:
        connection.close()
