"""Other councils' frameworks (Maldon, Derbyshire, Aylesbury Vale) through the command line, alone, together
and beside Medway's, and readiness on frameworks without minimum times or mandatory training.

Readiness there is evidence against the next level only: every case below is hand-built (staff and evidence
files loaded through the real loaders) and checked through `readiness_on`.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dashboard.text import plain
from loaders.cli import main

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "data" / "frameworks"
MEDWAY = ("cabs", "customer_relations")
OTHERS = {
    # framework: (its one role, its levels in order, categories from its rules file)
    "maldon_customer_solutions": ("CSOL", ["1", "2", "3", "4"],
                                  ["Key accountabilities", "Qualifications", "Knowledge, skills and experience"]),
    "derbyshire_business_public_services": (
        "BPS", [f"BPS{number:02d}" for number in range(2, 15)],
        ["Level purpose", "Overall", "Standard statements", "Representative accountabilities and responsibilities",
         "Typical knowledge, skills and experience"]),
    "aylesbury_vale_customer_support": (
        "CSO", ["CS2"], ["Knowledge, skills & experience", "Organising and forward focus",
                         "Communicating & influencing", "Scope of role", "Autonomy", "Corporate expectations"]),
}
AS_OF = dt.date(2025, 6, 1)


def criteria_file(name: str) -> Path:
    return FRAMEWORKS / f"{name}.csv"


def rows_in(name: str) -> int:
    with open(criteria_file(name), encoding="utf-8", newline="") as handle:
        return sum(1 for _row in csv.DictReader(handle))


def load(db: Path, kind: str, *files: Path) -> None:
    assert main(["load", kind, *map(str, files), "--db", str(db)]) == 0


def query(db: Path, sql: str, parameters=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(parameters)).fetchall()
    finally:
        con.close()


def loaded_frameworks(db: Path) -> dict[str, int]:
    return dict(query(db, "select framework, count(*) from criteria join roles using (role_code) group by framework"))


# ---------------------------------------------------------------- loading


def test_python_m_loaders_loads_a_framework_into_an_empty_database(tmp_path):
    db = tmp_path / "empty.duckdb"
    result = subprocess.run([sys.executable, "-m", "loaders", "load", "framework",
                             str(criteria_file("maldon_customer_solutions")), "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "maldon_customer_solutions_rules.csv" in result.stdout  # the load says where the rules came from
    assert loaded_frameworks(db) == {"maldon_customer_solutions": rows_in("maldon_customer_solutions")}


@pytest.mark.parametrize("name", OTHERS)
def test_each_framework_loads_alone_into_an_empty_database(tmp_path, name):
    db = tmp_path / "empty.duckdb"
    load(db, "framework", criteria_file(name))
    role, levels, categories = OTHERS[name]
    assert loaded_frameworks(db) == {name: rows_in(name)}
    assert [row[0] for row in query(db, "select level from levels where role_code = ? order by level_order",
                                    [role])] == levels
    assert {row[0] for row in query(db, "select distinct category from criteria where role_code = ?",
                                    [role])} == set(categories)
    assert query(db, "select count(*) from roles where duties is not null and duties <> ''") == [(1,)]


@pytest.mark.parametrize("name", OTHERS)
def test_each_framework_loads_into_a_database_holding_medway(tmp_path, name):
    db = tmp_path / "medway.duckdb"
    load(db, "framework", *(criteria_file(medway) for medway in MEDWAY))
    medway_before = query(db, "select * from criteria order by criterion_id")
    load(db, "framework", criteria_file(name))
    assert loaded_frameworks(db) == {**{medway: rows_in(medway) for medway in MEDWAY}, name: rows_in(name)}
    assert query(db, "select * from criteria where role_code in (select role_code from roles where framework in "
                     "('cabs', 'customer_relations')) order by criterion_id") == medway_before
    # Loading it again changes nothing.
    load(db, "framework", criteria_file(name))
    assert loaded_frameworks(db)[name] == rows_in(name)


def test_all_five_load_together_in_one_command(tmp_path):
    db = tmp_path / "all.duckdb"
    names = [*MEDWAY, *OTHERS]
    load(db, "framework", *(criteria_file(name) for name in names))
    assert loaded_frameworks(db) == {name: rows_in(name) for name in names}
    ids = query(db, "select count(*), count(distinct criterion_id) from criteria")
    assert ids[0][0] == ids[0][1] == sum(rows_in(name) for name in names)


def test_defaults_loads_every_shipped_framework_with_medway_still_there(tmp_path):
    db = tmp_path / "defaults.duckdb"
    assert main(["defaults", "--db", str(db)]) == 0
    assert loaded_frameworks(db) == {name: rows_in(name) for name in [*MEDWAY, *OTHERS]}
    assert query(db, "select count(*) from mandatory_courses")[0][0] > 0


# ---------------------------------------------------------------- readiness, hand-built


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def evidence_ids(db: Path, role: str, level: str) -> list[str]:
    """The criteria of a level that take evidence (not the time-based ones), in the document's order."""
    return [row[0] for row in query(
        db, "select criterion_id from criteria where role_code = ? and level = ? and min_months is null "
            "order by criterion_id", [role, level])]


def readiness(db: Path, as_of: dt.date = AS_OF) -> dict[str, dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute("select * from readiness_on(?)", [as_of])
        names = [column[0] for column in cursor.description]
        return {row[names.index("staff_id")]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    finally:
        con.close()


def build(tmp_path: Path, frameworks: list[str], staff: list[list], evidence: list[list]) -> Path:
    """A database with `frameworks`, the mandatory courses list, and these staff and evidence rows (no training
    and no acting at all)."""
    db = tmp_path / "readiness.duckdb"
    load(db, "framework", *(criteria_file(name) for name in frameworks))
    load(db, "mandatory_courses", ROOT / "data" / "mandatory_courses.csv")
    load(db, "staff", write_csv(tmp_path / "staff.csv", ["staff_id", "name", "team", "line_manager_id", "role",
                                                         "level", "level_start_date"], staff))
    if evidence:
        load(db, "evidence", write_csv(tmp_path / "evidence.csv", ["staff_id", "criterion_id", "evidence_date",
                                                                   "status", "assessor"], evidence))
    return db


def approved(staff_id: str, ids: list[str], date: str = "2025-05-10") -> list[list]:
    return [[staff_id, criterion_id, date, "approved", "Morgan Assessor"] for criterion_id in ids]


@pytest.fixture
def derbyshire(tmp_path):
    """Derbyshire alone: no minimum times, no mandatory training, evidence counts for 24 months."""
    frameworks = ["derbyshire_business_public_services"]
    probe = tmp_path / "probe"
    probe.mkdir()
    db = probe / "ids.duckdb"
    load(db, "framework", criteria_file(frameworks[0]))
    bps05, bps09 = evidence_ids(db, "BPS", "BPS05"), evidence_ids(db, "BPS", "BPS09")
    # BPS09's first two typical knowledge, skills and experience bullets are alternatives ("...; OR").
    first_or, second_or = query(db, "select criterion_id from criteria where level = 'BPS09' and any_of is not null "
                                    "order by number")
    staff = [
        ["M1", "Robin Manager", "Business Support", "", "BPS", "BPS14", "2019-04-01"],
        ["D1", "Alex Ready", "Business Support", "M1", "BPS", "BPS04", "2025-05-01"],
        ["D2", "Sam Short", "Business Support", "M1", "BPS", "BPS04", "2022-01-01"],
        ["D3", "Jo Either", "Business Support", "M1", "BPS", "BPS08", "2024-01-01"],
        ["D4", "Kit Old", "Business Support", "M1", "BPS", "BPS04", "2022-01-01"],
        ["D5", "Lee Pending", "Business Support", "M1", "BPS", "BPS04", "2024-01-01"],
    ]
    evidence = (approved("D1", bps05)
                + approved("D2", bps05[:-1])
                + approved("D3", [criterion for criterion in bps09 if criterion != first_or[0]])
                + approved("D4", bps05, date="2023-05-31")
                + approved("D5", bps05[:-1]) + [["D5", bps05[-1], "2025-05-20", "submitted", ""]])
    db = build(tmp_path, frameworks, staff, evidence)
    return db, bps05, bps09, second_or[0]


def test_derbyshire_requirements_are_the_next_levels_criteria(derbyshire):
    db, bps05, bps09, _ = derbyshire
    # Hand tally of BPS05 in 003_...: purpose 1, overall 2, standard statements 4, accountabilities 9, typical 8.
    assert len(bps05) == 24
    # BPS09: 1 + 2 + 4 + 10 + 12, the first two typical bullets being one requirement.
    assert len(bps09) == 29
    people = readiness(db)
    assert people["D1"]["target_level"] == "BPS05"
    assert people["D1"]["requirements_total"] == 24
    assert people["D3"]["requirements_total"] == 28


def test_derbyshire_ready_on_evidence_alone(derbyshire):
    people = readiness(derbyshire[0])
    # A month at level, no training record at all: evidence against every requirement of BPS05 is enough.
    assert people["D1"]["status"] == "ready"
    assert people["D1"]["requirements_met"] == 24
    assert people["D1"]["training_ok"] is True
    assert people["D1"]["ready_date"] is None


def test_derbyshire_one_missing_requirement_is_not_ready_and_no_date_can_fix_it(derbyshire):
    people = readiness(derbyshire[0])
    assert (people["D2"]["status"], people["D2"]["requirements_missing"], people["D2"]["ready_date"]) == (
        "not_ready", 1, None)


def test_derbyshire_either_alternative_meets_an_or_requirement(derbyshire):
    db, _bps05, _bps09, second_or = derbyshire
    people = readiness(db)
    assert people["D3"]["status"] == "ready"
    assert query(db, "select count(*) from evidence where staff_id = 'D3' and criterion_id = ?", [second_or]) == [(1,)]


def test_derbyshire_evidence_older_than_its_window_does_not_count(derbyshire):
    people = readiness(derbyshire[0])
    # Dated 2023-05-31: more than the 24 months of derbyshire_business_public_services_rules.csv before 2025-06-01.
    assert people["D4"]["status"] == "not_ready"
    assert people["D4"]["requirements_met"] == 0
    # On a date within the window the same evidence makes the person ready.
    assert readiness(derbyshire[0], dt.date(2025, 5, 30))["D4"]["status"] == "ready"


def test_derbyshire_submitted_evidence_awaits_signoff(derbyshire):
    person = readiness(derbyshire[0])["D5"]
    assert (person["status"], person["requirements_missing"], person["awaiting_signoff"]) == ("not_ready", 1, 1)


def test_derbyshire_top_level_is_top_of_role(derbyshire):
    person = readiness(derbyshire[0])["M1"]
    assert (person["status"], person["target_level"]) == ("top_of_role", None)


def test_aylesbury_single_level_is_top_of_role_beside_medway(tmp_path):
    staff = [["A1", "Chris Support", "Customer Services", "", "CSO", "CS2", "2024-03-04"],
             ["C1", "Dana Officer", "Customer Services", "", "CBSO", "A", "2024-03-04"]]
    db = build(tmp_path, [*MEDWAY, "aylesbury_vale_customer_support"], staff, [])
    people = readiness(db)
    assert (people["A1"]["status"], people["A1"]["framework"]) == ("top_of_role", "aylesbury_vale_customer_support")
    assert people["C1"]["framework"] == "cabs"
    assert people["C1"]["target_level"] == "B"


@pytest.fixture
def maldon(tmp_path):
    probe = tmp_path / "probe"
    probe.mkdir()
    load(probe / "ids.duckdb", "framework", criteria_file("maldon_customer_solutions"))
    level_2 = evidence_ids(probe / "ids.duckdb", "CSOL", "2")
    staff = [
        ["L0", "Pat Coordinator", "Customer Solutions", "", "CSOL", "3", "2020-01-06"],
        ["L1", "Ari Early", "Customer Solutions", "L0", "CSOL", "1", "2024-01-10"],
        ["L2", "Bo Long", "Customer Solutions", "L0", "CSOL", "1", "2023-11-01"],
        ["L3", "Cy Gap", "Customer Solutions", "L0", "CSOL", "1", "2024-01-10"],
    ]
    evidence = approved("L1", level_2) + approved("L2", level_2) + approved("L3", level_2[:-1])
    return build(tmp_path, ["maldon_customer_solutions"], staff, evidence), level_2


def test_maldon_level_2_asks_its_own_additions_and_18_months(maldon):
    db, level_2 = maldon
    # Level 2 adds one key accountability, its qualification and one knowledge bullet; the 18 months is the fourth.
    assert len(level_2) == 3
    assert readiness(db)["L1"]["requirements_total"] == 4


def test_maldon_minimum_time_without_mandatory_training(maldon):
    people = readiness(maldon[0])
    # Level 1 since 2024-01-10 with every level 2 requirement evidenced: 18 months on 2025-07-10, no training.
    assert (people["L1"]["status"], people["L1"]["ready_date"]) == ("ready_on", dt.date(2025, 7, 10))
    assert readiness(maldon[0], dt.date(2025, 7, 10))["L1"]["status"] == "ready"
    assert people["L2"]["status"] == "ready"
    assert people["L3"]["status"] == "not_ready"
    assert people["L0"]["target_level"] == "4"


# ---------------------------------------------------------------- the Framework page


@pytest.mark.parametrize("role, levels, tabs", [("CSOL", ["1", "2", "3", "4"], 0),
                                                ("BPS", [f"BPS{number:02d}" for number in range(2, 15)], 13),
                                                ("CSO", ["CS2"], 0)])
def test_framework_page_shows_each_councils_levels(app_db, role, levels, tabs):
    from tests.test_pages import assert_clean, open_app

    at = open_app("pages/framework.py")
    at.selectbox(key="framework-role").set_value(role).run()
    assert_clean(at)
    assert [subheader.value.split(":")[0] for subheader in at.subheader] == [f"Level {level}" for level in levels]
    # Four levels or fewer side by side; Derbyshire's thirteen in tabs, one per level.
    assert len(at.tabs) == tabs
    categories = OTHERS[{"CSOL": "maldon_customer_solutions", "BPS": "derbyshire_business_public_services",
                         "CSO": "aylesbury_vale_customer_support"}[role]][2]
    shown = [markdown.value.split("**")[1] for markdown in at.markdown if markdown.value.startswith("**")]
    # Category names are data, drawn as plain text (an "&" escaped for Markdown).
    assert set(shown) == {plain(category) for category in categories}


def test_framework_page_opens_on_a_framework_people_are_on(app_db):
    from tests.test_pages import assert_clean, open_app

    at = open_app("pages/framework.py")
    assert_clean(at)
    staffed = {row[0] for row in query(app_db, "select distinct framework from staff join roles using (role_code)")}
    opened = query(app_db, "select framework from roles where role_code = ?", [at.selectbox(key="framework-role").value])
    # The demo's people are all on Medway's frameworks; Aylesbury Vale's, first by name, is not where it opens.
    assert staffed <= set(MEDWAY)
    assert opened[0][0] in staffed
    options = at.selectbox(key="framework-role").options
    assert len(options) == len(query(app_db, "select role_code from roles"))
