"""Loaders: every rejection rule, idempotent reloads, leavers, and rejected loads changing nothing."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from loaders.errors import LoadRejected, UnreadableFile
from loaders.load import check_files, load_files

TODAY = dt.date.today()
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()

FRAMEWORK_HEADER = ["role_code", "role_title", "range", "level", "level_name", "category", "number", "criterion",
                    "min_months", "any_of"]
FRAMEWORK_ROWS = [
    ["OFF", "Officer", "3", "A", "Developing", "Knowledge", "1", "Knows the basics", "", ""],
    ["OFF", "Officer", "3", "B", "Practising", "Knowledge", "1", "Sound knowledge", "", ""],
    ["OFF", "Officer", "3", "B", "Experience", "Experience", "1", "12 months at level A", "12", ""],
    ["MGR", "Manager", "5", "A", "Developing", "Knowledge", "1", "Management knowledge", "", ""],
    ["MGR", "Manager", "5", "B", "Practising", "Skills", "1", "Leads projects", "", ""],
]
FRAMEWORK_ROWS[2][4] = "Practising"
FRAMEWORK_ROWS[2][5] = "Experience"

STAFF_HEADER = ["staff_id", "name", "team", "line_manager_id", "role", "level", "level_start_date", "email"]
STAFF_ROWS = [
    ["M1", "Morgan Vale", "Alpha", "", "MGR", "A", "2022-01-01", "morgan@example.org"],
    ["S1", "Sam Reed", "Alpha", "M1", "OFF", "A", "2024-01-15", "sam@example.org"],
    ["S2", "Alex Moor", "Alpha", "M1", "Officer", "B", "15/03/2023", "alex@example.org"],
]
EVIDENCE_HEADER = ["staff_id", "criterion_id", "evidence_date", "status", "assessor", "note", "evidence_ref"]
EVIDENCE_ROWS = [
    ["S1", "OFF.B.K1", "2025-01-10", "approved", "Morgan Vale", "Good", "ref-1"],
    ["S2", "OFF.A.K1", "2024-02-01", "submitted", "", "", ""],
]
TRAINING_HEADER = ["staff_id", "course", "completed_on", "expires_on"]
TRAINING_ROWS = [["S1", "Safeguarding", "2025-01-01", "2027-01-01"], ["S2", "safeguarding", "2024-05-01", ""]]
ACTING_HEADER = ["staff_id", "role", "start_date", "end_date", "kind"]
ACTING_ROWS = [["S1", "MGR", "2025-02-01", "2025-03-31", "acting_up"], ["S2", "OFF", "2022-06-01", "", "secondment"]]


def write_csv(path: Path, header, rows, encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def snapshot(db: Path) -> dict[str, list]:
    """Every table's rows in a stable order, except the load log (which records rejections)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "and table_name <> 'load_log' order by 1").fetchall()]
        return {table: sorted(map(repr, con.execute(f"select * from {table}").fetchall())) for table in tables}
    finally:
        con.close()


def log(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select kind, file_name, outcome, rows_inserted, rows_updated, rows_unchanged, "
                           "rows_removed from load_log order by load_id").fetchall()
    finally:
        con.close()


def _write_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    return {
        "framework": write_csv(folder / "mini.csv", FRAMEWORK_HEADER, FRAMEWORK_ROWS),
        "mandatory_courses": write_csv(folder / "courses.csv", ["course"], [["Safeguarding"], ["GDPR"]]),
        "staff": write_csv(folder / "staff.csv", STAFF_HEADER, STAFF_ROWS),
        "evidence": write_csv(folder / "evidence.csv", EVIDENCE_HEADER, EVIDENCE_ROWS),
        "training": write_csv(folder / "training.csv", TRAINING_HEADER, TRAINING_ROWS),
        "acting": write_csv(folder / "acting.csv", ACTING_HEADER, ACTING_ROWS),
    }


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    return _write_inputs(tmp_path / "in")


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("loaders")
    inputs = _write_inputs(folder / "in")
    path = folder / "template.duckdb"
    for kind in ("framework", "mandatory_courses", "staff", "evidence", "training", "acting"):
        load_files(kind, [inputs[kind]], path)
    return path


@pytest.fixture
def db(tmp_path, loaded_template) -> Path:
    """A copy of a database loaded once per module through the real loaders."""
    path = tmp_path / "progress.duckdb"
    shutil.copyfile(loaded_template, path)
    return path


def test_everything_loads(db):
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from staff").fetchone()[0] == 3
    # Role by exact title, UK date, course matched to the mandatory spelling:
    assert con.execute("select role_code, level_start_date from staff where staff_id = 'S2'").fetchone() == (
        "OFF", dt.date(2023, 3, 15))
    assert con.execute("select distinct course from training").fetchall() == [("Safeguarding",)]
    assert con.execute("select count(*) from acting where end_date is null").fetchone()[0] == 1
    assert con.execute("select criterion_id from criteria order by 1").fetchall() == [
        ("MGR.A.K1",), ("MGR.B.S1",), ("OFF.A.K1",), ("OFF.B.E1",), ("OFF.B.K1",)]
    con.close()
    assert [entry[2] for entry in log(db)] == ["loaded"] * 6


@pytest.mark.parametrize("kind", ["framework", "mandatory_courses", "staff", "evidence", "training", "acting"])
def test_loading_the_same_file_twice_changes_nothing(db, files, kind):
    before = snapshot(db)
    [result] = load_files(kind, [files[kind]], db)
    assert result.outcome == "unchanged"
    assert result.counts.inserted == result.counts.updated == result.counts.removed == 0
    assert snapshot(db) == before
    assert log(db)[-1][2] == "unchanged"


def test_evidence_reload_updates_status_without_duplicating(db, tmp_path):
    changed = [row[:] for row in EVIDENCE_ROWS]
    changed[1][3:5] = ["approved", "Morgan Vale"]
    [result] = load_files("evidence", [write_csv(tmp_path / "evidence2.csv", EVIDENCE_HEADER, changed)], db)
    assert (result.counts.inserted, result.counts.updated, result.counts.unchanged) == (0, 1, 1)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*), count(*) filter (where status = 'approved') from evidence").fetchone() == (2, 2)


def test_people_missing_from_the_staff_file_are_kept_as_leavers(db, tmp_path):
    [result] = load_files("staff", [write_csv(tmp_path / "staff2.csv", STAFF_HEADER, STAFF_ROWS[:2])], db)
    assert result.counts.removed == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select left_on from staff where staff_id = 'S2'").fetchone() == (TODAY,)
    assert con.execute("select count(*) from evidence where staff_id = 'S2'").fetchone() == (1,)
    con.close()
    # Back in the file: in post again.
    load_files("staff", [write_csv(tmp_path / "staff3.csv", STAFF_HEADER, STAFF_ROWS)], db)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select left_on from staff where staff_id = 'S2'").fetchone() == (None,)


def _replace(rows, index, column, value, header):
    changed = [row[:] for row in rows]
    changed[index][header.index(column)] = value
    return changed


# kind, row index to spoil, column, bad value, words the message must contain
REJECTIONS = [
    ("staff", 1, "role", "Wizard", "unknown role"),
    ("staff", 1, "level", "Z", "no such level"),
    ("staff", 1, "line_manager_id", "NOBODY", "line manager is not in this staff file"),
    ("staff", 1, "line_manager_id", "S1", "own line manager"),
    ("staff", 1, "level_start_date", TOMORROW, "future"),
    ("staff", 1, "level_start_date", "1949-12-31", "before 1950"),
    ("staff", 1, "level_start_date", "12/31/2024", "not a date"),
    ("staff", 1, "level_start_date", "45123", "not a date"),
    ("staff", 1, "staff_id", "M1", "duplicate key"),
    ("staff", 1, "name", "", "a value is required"),
    ("staff", 1, "email", "not-an-email", "not an email"),
    ("staff", 1, "email", "MORGAN@example.org", "duplicate email"),
    ("evidence", 0, "staff_id", "S9", "unknown staff_id"),
    ("evidence", 0, "criterion_id", "OFF.B.K9", "unknown criterion_id"),
    ("evidence", 0, "criterion_id", "OFF.B.E1", "worked out from dates"),
    ("evidence", 0, "evidence_date", TOMORROW, "future"),
    ("evidence", 0, "evidence_date", "1900-01-01", "before 1950"),
    ("evidence", 0, "status", "pending", "must be one of"),
    ("evidence", 0, "assessor", "", "assessor is required"),
    ("evidence", 1, "evidence_date", "2025-01-10", None),  # placeholder replaced below
    ("training", 0, "staff_id", "S9", "unknown staff_id"),
    ("training", 0, "completed_on", TOMORROW, "future"),
    ("training", 0, "completed_on", "1920-05-05", "before 1950"),
    ("training", 0, "expires_on", "2024-01-01", "expires before it was completed"),
    ("training", 0, "expires_on", "1949-01-01", "before 1950"),
    ("training", 1, "course", "Safeguarding", None),
    ("acting", 0, "staff_id", "S9", "unknown staff_id"),
    ("acting", 0, "role", "Astronaut", "unknown role"),
    ("acting", 0, "start_date", TOMORROW, "future"),
    ("acting", 0, "end_date", "2025-01-01", "end_date is before start_date"),
    ("acting", 0, "kind", "holiday", "must be one of"),
]
# Duplicate keys: make row 2 repeat row 1's key.
REJECTIONS[19] = ("evidence", 1, "staff_id", "S1", None)
HEADERS = {"staff": (STAFF_HEADER, STAFF_ROWS), "evidence": (EVIDENCE_HEADER, EVIDENCE_ROWS),
           "training": (TRAINING_HEADER, TRAINING_ROWS), "acting": (ACTING_HEADER, ACTING_ROWS)}


def _duplicate_key_rows(kind):
    header, rows = HEADERS[kind]
    return header, [rows[0], rows[0][:]]


@pytest.mark.parametrize("kind, index, column, value, words", REJECTIONS,
                         ids=[f"{r[0]}-{r[2]}-{r[4] or 'duplicate key'}" for r in REJECTIONS])
def test_rejections_name_row_column_and_rule_and_change_nothing(db, tmp_path, kind, index, column, value, words):
    header, rows = HEADERS[kind]
    if words is None:
        header, changed = _duplicate_key_rows(kind)
        words, index, value = "duplicate key", 1, None
    else:
        changed = _replace(rows, index, column, value, header)
    path = write_csv(tmp_path / f"bad-{kind}.csv", header, changed)
    before = snapshot(db)
    log_before = log(db)
    with pytest.raises(LoadRejected) as rejection:
        load_files(kind, [path], db)
    problems = rejection.value.problems
    matching = [problem for problem in problems if words in problem.rule and problem.row == index + 2]
    assert matching, [str(problem) for problem in problems]
    assert matching[0].file == path.name
    if value is not None and words != "duplicate key":
        assert any(problem.column == column for problem in matching)
    assert snapshot(db) == before
    after = log(db)
    assert after[:-1] == log_before and after[-1][:3] == (kind, path.name, "rejected")


def test_all_problems_of_a_file_are_reported_at_once(db, tmp_path):
    rows = [["S9", "OFF.B.K1", "2025-01-10", "approved", "X", "", ""],
            ["S1", "NOPE", "yesterday", "maybe", "", "", ""]]
    with pytest.raises(LoadRejected) as rejection:
        load_files("evidence", [write_csv(tmp_path / "e.csv", EVIDENCE_HEADER, rows)], db)
    rules = {(problem.row, problem.column) for problem in rejection.value.problems}
    assert {(2, "staff_id"), (3, "criterion_id"), (3, "evidence_date"), (3, "status")} <= rules
    assert "e.csv, row 3, column 'status'" in str(rejection.value)


def test_missing_columns_are_named(db, tmp_path):
    path = write_csv(tmp_path / "s.csv", ["staff_id", "name"], [["S1", "Sam"]])
    with pytest.raises(LoadRejected) as rejection:
        load_files("staff", [path], db)
    missing = {problem.column for problem in rejection.value.problems}
    assert {"team", "role", "level", "level_start_date", "line_manager_id"} <= missing


def test_check_validates_without_writing(db, tmp_path):
    before, log_before = snapshot(db), log(db)
    bad = write_csv(tmp_path / "s.csv", STAFF_HEADER, _replace(STAFF_ROWS, 1, "role", "Wizard", STAFF_HEADER))
    [result] = check_files("staff", [bad], db)
    assert result.outcome == "rejected" and result.problems[0].row == 3
    [result] = check_files("staff", [write_csv(tmp_path / "ok.csv", STAFF_HEADER, STAFF_ROWS)], db)
    assert result.outcome == "valid" and result.problems == []
    assert snapshot(db) == before and log(db) == log_before


def test_excel_exports_are_tolerated(db, tmp_path):
    """BOM, Windows-1252, trailing blank rows and columns, and .xlsx all load the same data."""
    rows = [row[:] for row in STAFF_ROWS]
    rows[1][1] = "Zoë Ángel"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + (",".join(STAFF_HEADER) + ",,\r\n" + "".join(
        ",".join(row) + ",,\r\n" for row in rows) + ",,,,,,,,,\r\n,,,,,,,,,\r\n").encode("utf-8"))
    cp1252 = write_csv(tmp_path / "cp1252.csv", STAFF_HEADER, rows, encoding="cp1252")
    xlsx = tmp_path / "staff.xlsx"
    frame = pd.DataFrame(rows, columns=STAFF_HEADER)
    frame["level_start_date"] = pd.to_datetime(["2022-01-01", "2024-01-15", "2023-03-15"])
    frame.to_excel(xlsx, index=False)
    for path in (bom, cp1252, xlsx):
        load_files("staff", [path], db)
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute("select name, level_start_date from staff where staff_id = 'S1'").fetchone() == (
            "Zoë Ángel", dt.date(2024, 1, 15)), path.name
        assert con.execute("select count(*) from staff where left_on is null").fetchone() == (3,)
        con.close()


def test_unreadable_files_are_rejected_clearly(db, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="empty"):
        load_files("staff", [empty], db)
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip file")
    with pytest.raises(UnreadableFile, match="not a readable Excel workbook"):
        load_files("staff", [corrupt], db)
    header_only = write_csv(tmp_path / "header.csv", STAFF_HEADER, [])
    with pytest.raises(LoadRejected, match="header but no data rows"):
        load_files("staff", [header_only], db)


# Framework rules: each row spoils the mini framework one way.
FRAMEWORK_REJECTIONS = [
    (0, "category", "Attitude", "must be one of"),
    (0, "range", "three", "not a whole number"),
    (1, "criterion", "", "a value is required"),
    (1, "number", "2", "without gaps"),
    (4, "level", "A", "duplicate key"),
    (3, "role_title", "Boss", "different role_title"),
    (0, "role_code", "off", "role codes are letters"),
    (1, "any_of", "alone", "at least two alternatives"),
    (0, "min_months", "twelve", "not a whole number"),
]


@pytest.mark.parametrize("index, column, value, words", FRAMEWORK_REJECTIONS,
                         ids=[row[3] for row in FRAMEWORK_REJECTIONS])
def test_framework_rejections(db, tmp_path, index, column, value, words):
    rows = _replace(FRAMEWORK_ROWS, index, column, value, FRAMEWORK_HEADER)
    if words == "duplicate key":
        rows[4] = rows[3][:]
    path = write_csv(tmp_path / "mini.csv", FRAMEWORK_HEADER, rows)
    before = snapshot(db)
    with pytest.raises(LoadRejected) as rejection:
        load_files("framework", [path], db)
    assert any(words in problem.rule for problem in rejection.value.problems), rejection.value
    assert snapshot(db) == before


def test_framework_role_missing_a_level_is_rejected(db, tmp_path):
    rows = [row for row in FRAMEWORK_ROWS if not (row[0] == "MGR" and row[3] == "B")]
    with pytest.raises(LoadRejected, match="no criteria at this level"):
        load_files("framework", [write_csv(tmp_path / "mini.csv", FRAMEWORK_HEADER, rows)], db)


def test_framework_cannot_drop_a_level_staff_hold(db, tmp_path):
    rows = FRAMEWORK_ROWS + [["NEW", "New role", "4", "A", "Developing", "Skills", "1", "Skill", "", ""],
                             ["NEW", "New role", "4", "B", "Practising", "Skills", "1", "Skill", "", ""]]
    rows = [row for row in rows if row[0] != "MGR"]
    with pytest.raises(LoadRejected, match="staff in post hold this role"):
        load_files("framework", [write_csv(tmp_path / "mini.csv", FRAMEWORK_HEADER, rows)], db)


def test_level_order_column_overrides_file_order(tmp_path):
    header = FRAMEWORK_HEADER + ["level_order"]
    rows = [["X", "Role", "2", "BPS03", "Upper", "Skills", "1", "Upper skill", "", "", "2"],
            ["X", "Role", "2", "BPS02", "Lower", "Skills", "1", "Lower skill", "", "", "1"]]
    path = tmp_path / "x.duckdb"
    load_files("framework", [write_csv(tmp_path / "other.csv", header, rows)], path)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select level, level_order from levels order by level_order").fetchall() == [
        ("BPS02", 1), ("BPS03", 2)]


def test_reloading_a_framework_reports_changes_and_keeps_ids(db, files, tmp_path):
    rows = [row[:] for row in FRAMEWORK_ROWS]
    rows[0][7] = "Knows the basics well"
    [result] = load_files("framework", [write_csv(tmp_path / "mini.csv", FRAMEWORK_HEADER, rows)], db)
    assert (result.counts.inserted, result.counts.updated, result.counts.unchanged) == (0, 1, 4)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select criterion from criteria where criterion_id = 'OFF.A.K1'").fetchone() == (
        "Knows the basics well",)
