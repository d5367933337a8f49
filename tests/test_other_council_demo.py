"""A demo for another council: `python -m loaders demo --framework NAME` on a framework with four numbered levels.

Maldon District Council's Customer Solutions job description has four cumulative levels and an 18-month
minimum before level 2. Until data/frameworks/maldon*.csv is in this branch, these tests run on
tests/four_levels.py, a framework of the same shape (one role, levels 1 to 4, 18 months from 1 to 2);
when the transcription arrives, `MALDON` switches to it.
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import four_levels
import pytest

from loaders import cli
from loaders import demo as demo_module
from loaders.demo import FRAMEWORKS_FOLDER, read_framework

AS_OF = dt.date(2025, 6, 30)
IS_MALDON_SHIPPED = (FRAMEWORKS_FOLDER / "maldon.csv").exists()


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return day.replace(year=year, month=month + 1)


@pytest.fixture(scope="module")
def frameworks_folder(tmp_path_factory):
    return four_levels.with_shipped(tmp_path_factory.mktemp("frameworks"), FRAMEWORKS_FOLDER)


@pytest.fixture(scope="module")
def built(tmp_path_factory, frameworks_folder):
    """The demo built through the command line, as a user would: `demo --framework fourlevels`."""
    folder = tmp_path_factory.mktemp("council")
    db = folder / "council.duckdb"
    patch = pytest.MonkeyPatch()
    patch.setattr(demo_module, "FRAMEWORKS_FOLDER", frameworks_folder)
    try:
        code = cli.main(["demo", "--db", str(db), "--framework", four_levels.NAME, "--as-of", AS_OF.isoformat(),
                         "--folder", str(folder / "files")])
    finally:
        patch.undo()
    assert code == 0
    return db


@pytest.fixture
def con(built, tmp_path):
    """A writable copy of the demo, for hand-built people beside the generated ones."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(built, copy)
    connection = duckdb.connect(str(copy))
    yield connection
    connection.close()


def add_person(con, staff_id: str, level: str, level_start_date: dt.date, evidence: list[str],
               expired_course: str | None = None) -> None:
    manager = con.execute("select staff_id from staff where line_manager_id is null").fetchone()[0]
    con.execute("insert into staff (staff_id, name, team, line_manager_id, role_code, level, level_start_date) "
                "values (?, ?, 'Hand-built', ?, ?, ?, ?)",
                [staff_id, f"Case {staff_id}", manager, four_levels.ROLE, level, level_start_date])
    for criterion_id in evidence:
        con.execute("insert into evidence (staff_id, criterion_id, evidence_date, status, assessor) "
                    "values (?, ?, ?, 'approved', 'Assessor')", [staff_id, criterion_id, AS_OF - dt.timedelta(days=30)])
    for (course,) in con.execute("select course from mandatory_courses").fetchall():
        expires = AS_OF - dt.timedelta(days=1) if course == expired_course else AS_OF + dt.timedelta(days=365)
        con.execute("insert into training values (?, ?, ?, ?)", [staff_id, course, AS_OF - dt.timedelta(days=300), expires])


def readiness(con, staff_id: str) -> dict:
    cursor = con.execute("select * from readiness_on(?) where staff_id = ?", [AS_OF, staff_id])
    rows = cursor.fetchall()
    assert len(rows) == 1
    return dict(zip([column[0] for column in cursor.description], rows[0], strict=True))


def test_the_command_line_builds_a_workforce_on_the_four_level_framework(built):
    connection = duckdb.connect(str(built), read_only=True)
    try:
        assert connection.execute("select count(*), count(distinct role_code) from staff").fetchone() == (150, 1)
        assert {row[0] for row in connection.execute("select distinct level from staff").fetchall()} == {"1", "2", "3", "4"}
        outcomes = dict(connection.execute("select kind, outcome from load_log where kind = 'staff'").fetchall())
        assert outcomes == {"staff": "loaded"}
    finally:
        connection.close()


def test_an_unknown_framework_is_refused_by_name(tmp_path, capsys):
    assert cli.main(["demo", "--db", str(tmp_path / "x.duckdb"), "--framework", "nowhere",
                     "--folder", str(tmp_path / "files")]) == 1
    assert "no framework named nowhere is loaded" in capsys.readouterr().err


LEVEL_2 = four_levels.criterion_ids("2")
LEVEL_3 = four_levels.criterion_ids("3")


@pytest.mark.parametrize(("case", "level", "months_at_level", "evidence", "expired_course", "expected"), [
    ("level 1, all evidence, 18 months served to the day: ready", "1", 18, LEVEL_2, None,
     {"status": "ready", "target_level": "2", "ready_date": None}),
    ("level 1, all evidence, 17 months served: ready on the 18-month date", "1", 17, LEVEL_2, None,
     {"status": "ready_on", "target_level": "2", "ready_date": months_before(AS_OF, -1)}),
    ("level 1, one requirement short, 24 months served: not ready", "1", 24, LEVEL_2[1:], None,
     {"status": "not_ready", "requirements_missing": 1}),
    ("level 1, all evidence and time, a mandatory course lapsed: not ready", "1", 24, LEVEL_2, "Safeguarding",
     {"status": "not_ready", "training_ok": False}),
    ("level 2, no minimum time to level 3: ready on evidence alone", "2", 1, LEVEL_3, None,
     {"status": "ready", "target_level": "3"}),
    ("level 4 is the top of the role", "4", 30, [], None, {"status": "top_of_role"}),
])
def test_readiness_on_hand_built_cases(con, case, level, months_at_level, evidence, expired_course, expected):
    add_person(con, "X1", level, months_before(AS_OF, months_at_level), evidence, expired_course)
    answer = readiness(con, "X1")
    assert {key: answer[key] for key in expected} == expected, case
    if expected["status"] in ("ready", "ready_on") and level == "1":
        assert answer["requirements_total"] == len(LEVEL_2) + len(four_levels.criterion_ids("2", time_based=True))


def test_the_level_two_minimum_time_is_the_frameworks_own(built):
    framework = read_framework(built)
    months = {criterion.level: criterion.min_months for criterion in framework.criteria
              if criterion.role_code == four_levels.ROLE and criterion.min_months}
    assert months == {"2": four_levels.TENURE_MONTHS}


@pytest.mark.skipif(not IS_MALDON_SHIPPED, reason="data/frameworks/maldon.csv is not in this branch yet")
def test_the_shipped_maldon_framework_builds_a_demo(tmp_path):
    from loaders.demo import build_demo

    db = tmp_path / "maldon.duckdb"
    build_demo(db, as_of=AS_OF, folder=tmp_path / "files", frameworks=["maldon"])
    connection = duckdb.connect(str(db), read_only=True)
    try:
        statuses = {row[0] for row in connection.execute("select distinct status from readiness_on(?)", [AS_OF]).fetchall()}
        assert {"ready", "not_ready", "top_of_role"} <= statuses
    finally:
        connection.close()
