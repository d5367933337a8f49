"""A demo for another council: `python -m loaders demo --framework maldon` builds a workforce on Maldon's framework.

Maldon District Council's Customer Solutions job description (data/frameworks/maldon_customer_solutions*.csv)
has four cumulative levels and an 18-month minimum before level 2. The demo goes through the command line as a user would,
and readiness_on is checked on people built by hand beside the generated ones.
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest
from conftest import RefreshingConnection

from loaders import cli

AS_OF = dt.date(2025, 6, 30)
MALDON = "maldon_customer_solutions"
ROLE = "CSOL"


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return day.replace(year=year, month=month + 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo built through the command line, as a user would: `demo --framework maldon`."""
    folder = tmp_path_factory.mktemp("council")
    db = folder / "council.duckdb"
    code = cli.main(["demo", "--db", str(db), "--framework", "maldon", "--as-of", AS_OF.isoformat(),
                     "--folder", str(folder / "files")])
    assert code == 0
    return db


@pytest.fixture
def con(built, tmp_path):
    """A writable copy of the demo, for hand-built people beside the generated ones."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(built, copy)
    connection = RefreshingConnection(duckdb.connect(str(copy)))
    yield connection
    connection.close()


def add_person(con, staff_id: str, level: str, level_start_date: dt.date, evidence: list[str],
               is_trained: bool = True) -> None:
    manager = con.execute("select staff_id from staff where line_manager_id is null").fetchone()[0]
    con.execute("insert into staff (staff_id, name, team, line_manager_id, role_code, level, level_start_date) "
                "values (?, ?, 'Hand-built', ?, ?, ?, ?)",
                [staff_id, f"Case {staff_id}", manager, ROLE, level, level_start_date])
    for criterion_id in evidence:
        con.execute("insert into evidence (staff_id, criterion_id, evidence_date, status, assessor) "
                    "values (?, ?, ?, 'approved', 'Assessor')", [staff_id, criterion_id, AS_OF - dt.timedelta(days=30)])
    # Corporate training current (Maldon's rules list no mandatory course; a case below leaves it out).
    courses = con.execute("select course from mandatory_courses").fetchall() if is_trained else []
    for (course,) in courses:
        con.execute("insert into training values (?, ?, ?, ?)",
                    [staff_id, course, AS_OF - dt.timedelta(days=300), AS_OF + dt.timedelta(days=365)])


def readiness(con, staff_id: str) -> dict:
    cursor = con.execute("select * from readiness_on(?) where staff_id = ?", [AS_OF, staff_id])
    rows = cursor.fetchall()
    assert len(rows) == 1
    return dict(zip([column[0] for column in cursor.description], rows[0], strict=True))


def test_the_command_line_builds_a_workforce_on_maldons_framework(built):
    connection = duckdb.connect(str(built), read_only=True)
    try:
        assert connection.execute("select count(*), min(role_code), max(role_code) from staff").fetchone() == (150, ROLE, ROLE)
        held = dict(connection.execute("select level, count(*) from staff group by level").fetchall())
        assert set(held) == {"1", "2", "3", "4"} and held["1"] + held["2"] > held["3"] + held["4"]
        assert connection.execute("select min(email) from staff").fetchone()[0].endswith("@demo.maldon.example")
        assert connection.execute("select count(*) from training").fetchone() == (0,)  # Maldon's rules list none
        statuses = {row[0] for row in connection.execute("select distinct status from readiness_on(?)", [AS_OF]).fetchall()}
        assert {"ready", "ready_on", "not_ready", "top_of_role"} <= statuses
        frameworks = {row[0] for row in connection.execute("select framework from frameworks").fetchall()}
        assert MALDON in frameworks and "cabs" in frameworks  # the others stay loaded, to compare
    finally:
        connection.close()


def test_an_unknown_framework_is_refused_by_name(tmp_path, capsys):
    assert cli.main(["demo", "--db", str(tmp_path / "x.duckdb"), "--framework", "nowhere",
                     "--folder", str(tmp_path / "files")]) == 1
    assert "no framework named nowhere is loaded" in capsys.readouterr().err


def evidence_criteria(db, level: str, is_time_based: bool = False) -> list[str]:
    connection = duckdb.connect(str(db), read_only=True)
    try:
        return [row[0] for row in connection.execute(
            "select criterion_id from stg_criteria where role_code = ? and level = ? and is_time_based = ? "
            "order by criterion_id", [ROLE, level, is_time_based]).fetchall()]
    finally:
        connection.close()


@pytest.mark.parametrize(("case", "level", "months_at_level", "left_out", "expected"), [
    ("level 1, all evidence, 18 months served to the day: ready", "1", 18, 0,
     {"status": "ready", "target_level": "2", "ready_date": None}),
    ("level 1, all evidence, 17 months served: ready on the 18-month date", "1", 17, 0,
     {"status": "ready_on", "target_level": "2", "ready_date": months_before(AS_OF, -1)}),
    ("level 1, one requirement short, 24 months served: not ready", "1", 24, 1,
     {"status": "not_ready", "requirements_missing": 1}),
    ("level 2, no minimum time to level 3: ready on evidence alone", "2", 1, 0,
     {"status": "ready", "target_level": "3"}),
    ("level 4 is the top of the role", "4", 30, 0, {"status": "top_of_role"}),
])
def test_readiness_on_hand_built_cases(built, con, case, level, months_at_level, left_out, expected):
    target = str(int(level) + 1) if level != "4" else None
    evidence = evidence_criteria(built, target)[left_out:] if target else []
    add_person(con, "X1", level, months_before(AS_OF, months_at_level), evidence)
    answer = readiness(con, "X1")
    assert {key: answer[key] for key in expected} == expected, case
    if target:
        total = len(evidence_criteria(built, target)) + len(evidence_criteria(built, target, is_time_based=True))
        assert answer["requirements_total"] == total


def test_maldons_minimum_time_needs_no_mandatory_training(built, con):
    # Maldon's rules file: no mandatory course, and time-based criteria that do not wait for training.
    add_person(con, "X2", "1", months_before(AS_OF, 20), evidence_criteria(built, "2"), is_trained=False)
    answer = readiness(con, "X2")
    assert (answer["status"], answer["training_ok"]) == ("ready", True)


def test_the_level_two_minimum_time_is_eighteen_months(built):
    connection = duckdb.connect(str(built), read_only=True)
    try:
        months = connection.execute("select level, min_months from stg_criteria where role_code = ? and is_time_based",
                                    [ROLE]).fetchall()
    finally:
        connection.close()
    assert months == [("2", 18)]
