"""Framework rules as data: the `<name>_rules.csv` file beside a framework, its validation and its defaults."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_loaders import EVIDENCE_HEADER, FRAMEWORK_HEADER, FRAMEWORK_ROWS, STAFF_HEADER, log, snapshot, write_csv

from loaders.errors import LoadRejected
from loaders.framework import DEFAULT_RULES
from loaders.load import load_files
from warehouse import queries
from warehouse.queries import Viewer

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "frameworks"
MEDWAY_COURSES = [line.strip() for line in (ROOT / "data" / "mandatory_courses.csv").read_text().splitlines()[1:]
                  if line.strip()]


def rules_file(folder: Path, rows, name="mini") -> Path:
    return write_csv(folder / f"{name}_rules.csv", ["setting", "value"], rows)


def framework_file(folder: Path, rows=FRAMEWORK_ROWS, name="mini") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_csv(folder / f"{name}.csv", FRAMEWORK_HEADER, rows)


def rows_of(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def stored_rules(db: Path, framework="mini") -> dict:
    [settings] = rows_of(db, f"select evidence_window_months, time_criteria_need_training, mandatory_courses_listed "
                             f"from framework_rules where framework = '{framework}'")
    categories = [row[0] for row in rows_of(
        db, f"select category from framework_categories where framework = '{framework}' order by category_order")]
    courses = sorted(row[0] for row in rows_of(
        db, f"select course from framework_mandatory_courses where framework = '{framework}'"))
    return {"window": settings[0], "training": settings[1], "listed": settings[2], "categories": categories,
            "courses": courses}


@pytest.mark.parametrize("name", ["cabs", "customer_relations"])
def test_medways_rules_files_hold_the_frameworks_rules(tmp_path, name):
    # Medway's documents: evidence "within the last two years"; "a minimum of 12 months ... including up to
    # date mandatory training"; criteria under Qualifications, Knowledge, Experience, Skills. The courses are
    # the council's mandatory list (the documents name none).
    db = tmp_path / "db.duckdb"
    load_files("framework", [SHIPPED / f"{name}.csv"], db)
    assert stored_rules(db, name) == {
        "window": 24, "training": True, "listed": True,
        "categories": ["Qualifications", "Knowledge", "Experience", "Skills"], "courses": sorted(MEDWAY_COURSES)}
    [message] = [row[0] for row in rows_of(db, "select message from load_log where kind = 'framework'")]
    assert f"rules from {name}_rules.csv" in message


def test_without_a_rules_file_the_defaults_apply_and_the_log_says_so(tmp_path):
    db = tmp_path / "db.duckdb"
    load_files("framework", [framework_file(tmp_path / "in")], db)
    assert stored_rules(db) == {"window": DEFAULT_RULES.evidence_window_months,
                                "training": DEFAULT_RULES.time_criteria_need_training, "listed": False,
                                "categories": list(DEFAULT_RULES.categories), "courses": []}
    [message] = [row[0] for row in rows_of(db, "select message from load_log")]
    assert "no rules file (mini_rules.csv): Medway's defaults" in message
    # Listed as none: every course of the mandatory courses list applies.
    load_files("mandatory_courses", [write_csv(tmp_path / "courses.csv", ["course"], [["GDPR"], ["Safeguarding"]])], db)
    assert sorted(rows_of(db, "select course from stg_framework_mandatory_courses where framework = 'mini'")) == [
        ("GDPR",), ("Safeguarding",)]


def test_a_rules_file_sets_window_training_categories_and_courses(tmp_path):
    folder = tmp_path / "in"
    rows = [[*row[:5], {"Knowledge": "knowledge", "Experience": "Experience", "Skills": "Behaviours"}[row[5]], *row[6:]]
            for row in FRAMEWORK_ROWS]
    path = framework_file(folder, rows)
    rules_file(folder, [["evidence_window_months", "36"], ["time_criteria_need_training", "No"],
                        ["category", "Behaviours"], ["category", "Experience"], ["category", "Knowledge"],
                        ["mandatory_course", "GDPR"]])
    db = tmp_path / "db.duckdb"
    load_files("framework", [path], db)
    assert stored_rules(db) == {"window": 36, "training": False, "listed": True,
                                "categories": ["Behaviours", "Experience", "Knowledge"], "courses": ["GDPR"]}
    # Categories are stored in the rules file's spelling, and ordered as it lists them.
    assert rows_of(db, "select criterion_id, category, category_order from stg_criteria where role_code = 'MGR' "
                       "order by criterion_id") == [("MGR.A.K1", "Knowledge", 3), ("MGR.B.B1", "Behaviours", 1)]


def test_none_means_no_mandatory_training(tmp_path):
    folder = tmp_path / "in"
    path = framework_file(folder)
    rules_file(folder, [["mandatory_course", "none"]])
    db = tmp_path / "db.duckdb"
    load_files("framework", [path], db)
    load_files("mandatory_courses", [write_csv(tmp_path / "courses.csv", ["course"], [["GDPR"]])], db)
    assert stored_rules(db)["listed"] is True
    assert rows_of(db, "select count(*) from stg_framework_mandatory_courses") == [(0,)]
    [message] = [row[0] for row in rows_of(db, "select message from load_log where kind = 'framework'")]
    assert "defaults for evidence_window_months, time_criteria_need_training, category" in message


BAD_RULES = [
    ("window in words", [["evidence_window_months", "two years"]], 2, "value", "whole number of months"),
    ("window of zero", [["evidence_window_months", "0"]], 2, "value", "whole number of months"),
    ("training maybe", [["time_criteria_need_training", "maybe"]], 2, "value", "yes or no"),
    ("window twice", [["evidence_window_months", "24"], ["evidence_window_months", "36"]], 3, "setting",
     "takes one value"),
    ("unknown setting", [["evidence_years", "2"]], 2, "setting", "must be one of"),
    ("category twice in another case", [["category", "Knowledge"], ["category", "knowledge"]], 3, "value",
     "already appears"),
    ("two categories with one initial", [["category", "Knowledge"], ["category", "Kindness"]], 3, "value",
     "same initials"),
    ("two categories with the same initials", [["category", "Key accountabilities"], ["category", "Known actions"]],
     3, "value", "same initials"),
    ("a category of minor words only", [["category", "And"]], 2, "value", "needs a word other than"),
    ("none with courses", [["mandatory_course", "GDPR"], ["mandatory_course", "none"]], 3, "value", "cannot be listed"),
    ("empty value", [["category", ""]], 2, "value", "a value is required"),
]


@pytest.mark.parametrize("case, rows, row, column, rule", BAD_RULES, ids=[case[0] for case in BAD_RULES])
def test_a_bad_rules_file_is_rejected_naming_file_row_and_column(tmp_path, case, rows, row, column, rule):
    folder = tmp_path / "in"
    path = framework_file(folder)
    rules_file(folder, rows)
    db = tmp_path / "db.duckdb"
    load_files("framework", [framework_file(tmp_path / "first")], db)
    before = snapshot(db)
    with pytest.raises(LoadRejected) as rejected:
        load_files("framework", [path], db)
    problems = rejected.value.problems
    assert any(problem.file == "mini_rules.csv" and problem.row == row and problem.column == column
               and rule in problem.rule for problem in problems), problems
    assert snapshot(db) == before


def test_each_criterions_category_must_be_one_of_its_frameworks(tmp_path):
    folder = tmp_path / "in"
    path = framework_file(folder)  # uses Knowledge, Experience and Skills
    rules_file(folder, [["category", "Knowledge"], ["category", "Experience"]])
    with pytest.raises(LoadRejected) as rejected:
        load_files("framework", [path], tmp_path / "db.duckdb")
    [problem] = rejected.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("mini.csv", 6, "category", "Skills")
    assert "must be one of: Knowledge, Experience" in problem.rule


def test_a_rules_file_alone_is_refused(tmp_path):
    with pytest.raises(LoadRejected, match="rules file must be loaded with its framework file"):
        load_files("framework", [rules_file(tmp_path, [["evidence_window_months", "24"]])], tmp_path / "db.duckdb")


def test_changing_only_the_rules_reloads_and_reloading_the_same_changes_nothing(tmp_path):
    folder = tmp_path / "in"
    path = framework_file(folder)
    rules_file(folder, [["evidence_window_months", "24"]])
    db = tmp_path / "db.duckdb"
    load_files("framework", [path], db)
    load_files("framework", [path], db)
    rules_file(folder, [["evidence_window_months", "36"]])
    load_files("framework", [path], db)
    assert [entry[2] for entry in log(db)] == ["loaded", "unchanged", "loaded"]
    assert stored_rules(db)["window"] == 36


def _workforce(tmp_path: Path, window_months: int) -> Path:
    """The mini framework with a rules file giving `window_months`, one officer and one piece of evidence."""
    folder = tmp_path / f"window-{window_months}"
    path = framework_file(folder)
    rules_file(folder, [["evidence_window_months", str(window_months)], ["mandatory_course", "none"]])
    db = folder / "db.duckdb"
    load_files("framework", [path], db)
    load_files("staff", [write_csv(folder / "staff.csv", STAFF_HEADER, [
        ["M1", "Morgan Vale", "Alpha", "", "MGR", "A", "2022-01-01", "morgan@example.org"],
        ["S1", "Sam Reed", "Alpha", "M1", "OFF", "A", "2024-01-15", "sam@example.org"]])], db)
    load_files("evidence", [write_csv(folder / "evidence.csv", EVIDENCE_HEADER, [
        ["S1", "OFF.B.K1", "2024-03-01", "approved", "Morgan Vale", "", ""]])], db)
    return db


def test_the_evidence_window_in_the_rules_file_changes_every_answer(tmp_path):
    # Evidence of 1 March 2024 on 1 June 2026: too old under a 24-month window, current under 36.
    as_of = dt.date(2026, 6, 1)
    admin = Viewer("admin@example.org", "admin")
    answers = {}
    for months in (24, 36):
        con = duckdb.connect(str(_workforce(tmp_path, months)), read_only=True)
        try:
            trend = con.execute("select month_end, ready from readiness_trend(?, ?) where team = 'Alpha' "
                                "and range = 3 order by month_end", [dt.date(2026, 2, 1), as_of]).fetchall()
            person = queries.person_requirements(con, admin, as_of, "S1")
            answers[months] = {
                "status": con.execute("select status from readiness_on(?) where staff_id = 'S1'", [as_of]).fetchone(),
                "gaps": con.execute("select requirement_id, reason, due_date from gaps_on(?) where staff_id = 'S1'",
                                    [as_of]).fetchall(),
                "trend": trend,
                "person": [value.date() if hasattr(value, "date") else value for value in person.loc[
                    person["requirement_id"] == "OFF.B.K1", ["status", "due_date", "evidence_expires_date"]].iloc[0]],
            }
        finally:
            con.close()
    assert answers[24]["status"] == ("not_ready",) and answers[36]["status"] == ("ready",)
    assert answers[24]["gaps"] == [("OFF.B.K1", "expired", dt.date(2026, 3, 1))] and answers[36]["gaps"] == []
    assert answers[24]["trend"] == [(dt.date(2026, 2, 28), 1), (dt.date(2026, 3, 31), 0), (dt.date(2026, 4, 30), 0),
                                    (dt.date(2026, 5, 31), 0)]
    assert [ready for _, ready in answers[36]["trend"]] == [1, 1, 1, 1]
    assert answers[24]["person"][:2] == ["not met", dt.date(2026, 3, 1)]
    assert answers[36]["person"][0] == "met" and answers[36]["person"][2] == dt.date(2027, 3, 1)


def _page(path: str, params: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(path)
    at.run()
    assert not at.exception and not at.error, [item.value for item in [*at.exception, *at.error]]
    return at


def _words(at) -> str:
    return " ".join(str(element.value) for kind in (at.caption, at.info, at.markdown) for element in kind)


@pytest.mark.parametrize("months", [24, 36])
def test_the_pages_state_the_evidence_window_the_rules_file_gives(tmp_path, monkeypatch, local_admin, months):
    # On 15 January 2027 the evidence of 1 March 2024 counts only under 36 months, until 1 March 2027: the Team
    # page lists it as going out of date; under 24 months it stopped counting on 1 March 2026.
    monkeypatch.setenv("PROGRESSION_DB", str(_workforce(tmp_path, months)))
    as_of = {"as_of": "2027-01-15"}
    team = _page("pages/team.py", {**as_of, "team": "Alpha", "actions": "Evidence going out of date soon"})
    [tab] = [tab for tab in team.tabs if tab.label == "Evidence going out of date soon"]
    assert f"approved evidence counts for {months} months" in tab.caption[0].value
    going = [pd.Timestamp(day).date() for day in tab.dataframe[0].value["Stops counting on"]] if tab.dataframe else []
    assert going == ([dt.date(2027, 3, 1)] if months == 36 else [])
    overview = _page("pages/overview.py", as_of)
    assert f"Approved evidence counts for {months} months from its date" in _words(overview)
    framework = _page("pages/framework.py", {})
    assert f"Evidence counts for {months} months from its date" in _words(framework)
    for at in (team, overview, framework):
        assert "two years" not in _words(at).lower()
