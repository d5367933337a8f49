"""Hostile files: every file of tests/data/bad/ loads correctly or is refused naming file, row, column and rule.

Decisions the corpus pins down:
- Formulas such as =HYPERLINK("http://x","click") in text fields are legitimate text in a CSV: they load
  verbatim and are never evaluated (exports elsewhere neutralise them).
- An unreadable file is a rejection like any other: nothing changes but one `rejected` row in the load log.
- Dates are ISO or UK only; US order, Excel serial numbers, timestamps and words are refused, not guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.util
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from loaders.errors import LoadRejected, UnreadableFile
from loaders.load import check_files, load_files

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
BASE = DATA / "hostile_base"
BASE_FILES = {"framework": "mini.csv", "mandatory_courses": "mandatory_courses.csv", "staff": "staff.csv",
              "evidence": "evidence.csv", "training": "training.csv", "acting": "acting.csv", "access": "access.csv"}

with open(BAD / "MANIFEST.csv", newline="", encoding="utf-8") as _handle:
    MANIFEST = list(csv.DictReader(_handle))

FORMULA = '=HYPERLINK("http://x","click")'
STAFF_AS_LOADED = ("select staff_id, role_code, level, level_start_date from staff where left_on is null order by 1",
                   [("M1", "MGR", "A", dt.date(2022, 1, 1)), ("S1", "OFF", "A", dt.date(2024, 1, 15)),
                    ("S2", "OFF", "B", dt.date(2023, 3, 15))])
S1_NAME = "select name from staff where staff_id = 'S1'"
ACCENTED = (S1_NAME, [("Zoë Ángel",)])
EVIDENCE_NOTE = "select note from evidence where criterion_id = 'OFF.B.K1' and evidence_date = '2025-01-10'"
COURSES = ("select course from mandatory_courses order by 1", [("Fire safety",), ("GDPR",), ("Safeguarding",)])
# What each file that loads must have put in the database: (query, rows) pairs.
SPOT_CHECKS = {
    "staff__utf8_bom.csv": [ACCENTED, STAFF_AS_LOADED],
    "staff__windows_1252.csv": [("select name, team from staff where staff_id = 'S1'",
                                 [("Zoë Ángel", "Café – Front desk")])],
    "staff__utf16_tab_delimited.txt": [ACCENTED, STAFF_AS_LOADED],
    "staff__utf16_without_bom.csv": [ACCENTED, STAFF_AS_LOADED],
    "staff__semicolon_delimited.csv": [("select team from staff where staff_id = 'S1'", [("Alpha, North",)])],
    "staff__tab_delimited.tsv": [STAFF_AS_LOADED],
    "staff__blank_lines.csv": [STAFF_AS_LOADED],
    "staff__headers_in_other_case_and_spacing.csv": [STAFF_AS_LOADED],
    "staff__extra_columns.csv": [STAFF_AS_LOADED],
    "staff__formula_in_name.csv": [(S1_NAME, [(FORMULA,)])],
    "staff__quoted_newline_in_name.csv": [(S1_NAME, [("Sam\nReed",)]), STAFF_AS_LOADED],
    "staff__really_csv.xlsx": [ACCENTED, STAFF_AS_LOADED],
    "staff__genuine_workbook.xlsx": [STAFF_AS_LOADED, ("select line_manager_id from staff where staff_id = 'M1'",
                                                       [(None,)])],
    "staff__source_row_header.csv": [STAFF_AS_LOADED],
    "staff__tabs_and_nonbreaking_spaces.csv": [STAFF_AS_LOADED, (S1_NAME, [("Sam Reed",)])],
    "evidence__formula_in_note.csv": [(EVIDENCE_NOTE.replace("select note", "select note, evidence_ref"),
                                       [(FORMULA, "=1+1")])],
    "evidence__quoted_newline_in_note.csv": [(EVIDENCE_NOTE, [("Line one\nLine two, with a comma",)])],
    "evidence__windows_1252.csv": [(EVIDENCE_NOTE, [("Café visit – £5 ‘good’",)])],
    "evidence__utf16_tab_delimited.txt": [(
        "select staff_id, criterion_id, status, assessor, note, evidence_ref from evidence "
        "where evidence_date = '2024-03-05'", [("S1", "OFF.A.K1", "approved", "Morgan Vale", "Observed", "ref-2")])],
    "evidence__lowercase_ids_and_statuses.csv": [(
        "select criterion_id, status, count(*) over () from evidence where evidence_date = '2025-01-10'",
        [("OFF.B.K1", "approved", 1)])],
    "evidence__semicolon_with_quoted_semicolons.csv": [(EVIDENCE_NOTE, [("first; second",)])],
    "training__blank_lines.csv": [("select staff_id, course, completed_on, expires_on from training order by all", [
        ("S1", "Safeguarding", dt.date(2025, 1, 1), dt.date(2027, 1, 1)), ("S2", "GDPR", dt.date(2024, 5, 1), None),
        ("S2", "Safeguarding", dt.date(2024, 5, 1), None)])],
    "training__expiry_far_future.csv": [("select expires_on from training where course = 'GDPR'",
                                         [(dt.date(2199, 12, 31),)])],
    "training__bom_semicolon_delimited.csv": [("select course from training where staff_id = 'S2' order by 1",
                                               [("First aid, level 2",), ("Safeguarding",)])],
    "acting__end_date_far_future.csv": [("select end_date from acting where staff_id = 'S2'",
                                         [(dt.date(2199, 12, 31),)])],
    "acting__headers_and_kinds_restyled.csv": [(
        "select staff_id, role_code, start_date, end_date, kind from acting order by 1",
        [("S1", "MGR", dt.date(2025, 2, 1), dt.date(2025, 3, 31), "acting_up"),
         ("S2", "OFF", dt.date(2022, 6, 1), None, "secondment")])],
    "framework__semicolon_delimited.csv": [(
        "select criterion_id, framework from criteria join roles using (role_code) where role_code = 'NEW' "
        "order by 1", [(f"NEW.{code}", "framework__semicolon_delimited")
                       for code in ("A.K1", "A.S1", "B.E1", "B.K1")])],
    "framework__formula_in_criterion.csv": [("select criterion from criteria where criterion_id = 'NEW.A.S1'",
                                             [(FORMULA,)])],
    "framework__windows_1252.csv": [("select criterion from criteria where criterion_id = 'NEW.A.K1'",
                                     [("Knows the café’s procedures",)])],
    "mandatory_courses__utf8_bom.csv": [COURSES],
    "mandatory_courses__blank_lines.csv": [COURSES],
    "access__utf16.csv": [("select email, access_role from access order by 1",
                           [("head.of.service@example.org", "senior"), ("hr.lead@example.org", "admin")])],
}


def build_base(path: Path) -> Path:
    """The small database every hostile file is loaded into, built through the real loaders."""
    for kind, name in BASE_FILES.items():
        load_files(kind, [BASE / name], path)
    return path


def checksums(db: Path) -> dict[str, str]:
    """md5 of every table's sorted rows, except the load log (which records rejections)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "and table_name <> 'load_log' order by 1").fetchall()]
        return {table: hashlib.md5("\n".join(sorted(map(repr, con.execute(f"select * from {table}").fetchall())))
                                   .encode()).hexdigest() for table in tables}
    finally:
        con.close()


def log(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select kind, file_name, outcome from load_log order by load_id").fetchall()
    finally:
        con.close()


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_base(tmp_path_factory.mktemp("hostile") / "template.duckdb")


@pytest.fixture
def db(tmp_path, template) -> Path:
    path = tmp_path / "progress.duckdb"
    shutil.copyfile(template, path)
    return path


def assert_unchanged_but_logged(db: Path, before: dict[str, str], log_before: list[tuple], kind: str, name: str):
    assert checksums(db) == before
    assert log(db) == [*log_before, (kind, name, "rejected")]


def test_manifest_describes_every_file_of_the_corpus():
    files = {path.name for path in BAD.iterdir() if path.name != "MANIFEST.csv"}
    listed = [row["file"] for row in MANIFEST]
    assert sorted(listed) == sorted(files) and len(set(listed)) == len(listed)
    assert len(files) >= 40
    assert {row["kind"] for row in MANIFEST} == set(BASE_FILES)
    assert {row["expect"] for row in MANIFEST} == {"loads", "rejected", "unreadable"}
    assert all(row["file"].startswith(row["kind"] + "__") for row in MANIFEST)
    assert all(row["rule_words"] for row in MANIFEST if row["expect"] == "rejected")
    assert {row["file"] for row in MANIFEST if row["expect"] == "loads"} == set(SPOT_CHECKS)


def test_corpus_is_what_its_generator_writes(tmp_path, monkeypatch):
    """The committed files are the script's output; workbooks differ byte for byte, so only their names count."""
    script = DATA / "make_bad_corpus.py"
    spec = importlib.util.spec_from_file_location("make_bad_corpus", script)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    module.write_corpus(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(path.name for path in BAD.iterdir())
    for path in tmp_path.iterdir():
        if path.suffix != ".xlsx":
            assert path.read_bytes() == (BAD / path.name).read_bytes(), f"rerun {script.name}: {path.name} differs"


@pytest.mark.parametrize("case", MANIFEST, ids=[row["file"] for row in MANIFEST])
def test_hostile_file(db, case):
    path, kind = BAD / case["file"], case["kind"]
    before, log_before = checksums(db), log(db)
    if case["expect"] == "loads":
        [result] = load_files(kind, [path], db)
        assert result.outcome in ("loaded", "unchanged")  # some files hold the base data in an odd form
        assert log(db) == [*log_before, (kind, path.name, result.outcome)]
        for sql, rows in SPOT_CHECKS[path.name]:
            assert query(db, sql) == rows, sql
        return
    if case["expect"] == "unreadable":
        with pytest.raises(UnreadableFile) as unreadable:
            load_files(kind, [path], db)
        assert str(unreadable.value).startswith(f"{path.name}: ")
        assert_unchanged_but_logged(db, before, log_before, kind, path.name)
        return
    with pytest.raises(LoadRejected) as rejection:
        load_files(kind, [path], db)
    words = case["rule_words"].lower().split()
    row = int(case["row"]) if case["row"] else None
    column = case["column"] or None
    matching = [problem for problem in rejection.value.problems
                if all(word in problem.rule.lower() for word in words) and problem.row == row
                and problem.column == column]
    assert matching, "\n".join(map(str, rejection.value.problems))
    assert all(problem.file == path.name for problem in rejection.value.problems)
    assert_unchanged_but_logged(db, before, log_before, kind, path.name)


def _big_file(path: Path, header: list[str], good_row, bad_row: list[str], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    """100,000 data rows: rows 2 to 100,000 good, row 100,001 (the last) bad."""
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(good_row(number) for number in range(1, 100_000))
        writer.writerow(bad_row)
    return path


BIG_FILES = [
    # Plain UTF-8 with commas: DuckDB's fast reader.
    ("staff", ["staff_id", "name", "team", "line_manager_id", "role", "level", "level_start_date"],
     lambda number: [f"P{number:06d}", f"Person {number}", "Alpha", "", "OFF", "A", "2024-01-15"],
     ["P100000", "Last Person", "Alpha", "", "OFF", "A", "12/31/2024"], ",", "utf-8", "not a date",
     "level_start_date"),
    # Windows-1252 with semicolons: the careful Python reader.
    ("training", ["staff_id", "course", "completed_on", "expires_on"],
     lambda number: ["S1", f"Course nº {number}", "2024-01-01", ""],
     ["S99", "Course nº 100000", "2024-01-01", ""], ";", "cp1252", "unknown staff_id", "staff_id"),
]


@pytest.mark.parametrize("kind, header, good_row, bad_row, delimiter, encoding, words, column", BIG_FILES,
                         ids=["staff-fast-reader", "training-careful-reader"])
def test_one_bad_row_at_the_end_of_100000(db, tmp_path, kind, header, good_row, bad_row, delimiter, encoding,
                                         words, column):
    path = _big_file(tmp_path / f"{kind}_big.csv", header, good_row, bad_row, delimiter, encoding)
    before, log_before = checksums(db), log(db)
    with pytest.raises(LoadRejected) as rejection:
        load_files(kind, [path], db)
    [problem] = rejection.value.problems
    assert (problem.file, problem.row, problem.column) == (path.name, 100_001, column)
    assert words in problem.rule
    assert_unchanged_but_logged(db, before, log_before, kind, path.name)


def test_a_missing_file_is_unreadable_and_logged(db, tmp_path):
    before, log_before = checksums(db), log(db)
    with pytest.raises(UnreadableFile, match="gone.csv: file not found"):
        load_files("staff", [tmp_path / "gone.csv"], db)
    assert_unchanged_but_logged(db, before, log_before, "staff", "gone.csv")
    assert query(db, "select file_sha256, message from load_log order by load_id desc limit 1")[0] == (
        None, "gone.csv: file not found (" + str(tmp_path / "gone.csv") + ")")


def test_an_unreadable_file_undoes_the_files_loaded_before_it(db):
    before, log_before = checksums(db), log(db)
    good = BAD / "evidence__windows_1252.csv"
    with pytest.raises(UnreadableFile):
        load_files("staff", [BAD / "staff__utf8_bom.csv", BAD / "staff__corrupt.xlsx"], db)
    assert_unchanged_but_logged(db, before, log_before, "staff", "staff__corrupt.xlsx")
    # The careful reader also works for a later file of a load, after an earlier file was written.
    results = load_files("evidence", [good, BAD / "evidence__semicolon_with_quoted_semicolons.csv"], db)
    assert [result.outcome for result in results] == ["loaded", "loaded"]
    assert query(db, EVIDENCE_NOTE) == [("first; second",)]


@pytest.mark.parametrize("name", ["staff__semicolon_delimited.csv", "staff__windows_1252.csv",
                                  "staff__genuine_workbook.xlsx", "staff__blank_lines.csv"])
def test_check_reads_unusual_files_too(db, name):
    [result] = check_files("staff", [BAD / name], db)
    assert (result.outcome, result.problems, result.rows) == ("valid", [], 3)
