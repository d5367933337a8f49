"""Stored facts (warehouse/build.py): worked out again by every write, so no reader sees them disagree.

Each write path is tried on a copy of the demo (a file load, a submission and a sign-off in the product, an
erasure, a restore) and `stale_facts` must then find nothing; a hand-made write without a refresh shows it
can find something.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from test_evidence_in_product import cast, viewer

from loaders import evidence_events, maintenance
from loaders.database import writing
from loaders.load import PER_PERSON_KINDS, load_files
from warehouse.build import fact_inputs, refresh_facts, stale_facts, stored_facts

TODAY = dt.date.today()


@pytest.fixture
def db(demo_db, tmp_path) -> Path:
    path = tmp_path / "facts.duckdb"
    shutil.copy(demo_db, path)
    return path


def stale(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return stale_facts(con)
    finally:
        con.close()


def test_the_demo_is_built_with_every_fact_fresh(db):
    assert stale(db) == []
    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = {name: con.execute(f"select count(*) from {name}").fetchone()[0] for name in stored_facts()}
    finally:
        con.close()
    assert all(count > 0 for count in counts.values()), counts


def test_a_write_that_skips_the_refresh_is_caught(db):
    con = duckdb.connect(str(db))
    try:
        con.execute("update staff set team = 'Moved' where staff_id = (select min(staff_id) from staff)")
        assert "int_in_post_periods" in stale_facts(con)
        con.execute("delete from evidence where status = 'approved' and staff_id = "
                    "(select min(staff_id) from int_target_evidence)")
        # (int_target_evidence reads the stale int_evidence_periods, so it agrees with it until the refresh.)
        assert "int_evidence_periods" in stale_facts(con)
    finally:
        con.close()


def test_a_load_refreshes_them(db, tmp_path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        staff_id, criterion_id = con.execute(
            "select staff_id, requirement_id from gaps_on(current_date) where reason = 'no_evidence' "
            "and requirement_id in (select criterion_id from stg_criteria where not is_time_based) "
            "order by all limit 1").fetchone()
    finally:
        con.close()
    path = tmp_path / "evidence.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["staff_id", "criterion_id", "evidence_date", "status", "assessor", "note", "evidence_ref"])
        writer.writerow([staff_id, criterion_id, (TODAY - dt.timedelta(days=3)).isoformat(), "approved", "An Assessor",
                         "", ""])
    [result] = load_files("evidence", [path], db)
    assert result.outcome == "loaded", result.problems
    assert stale(db) == []
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from gaps_on(current_date) where staff_id = ? and requirement_id = ?",
                           [staff_id, criterion_id]).fetchone()[0] == 0
    finally:
        con.close()


EDITS = {
    # One row of the demo's own file changed, in a way the loader accepts.
    "staff": lambda row: {**row, "team": "Moved team"},
    "evidence": lambda row: {**row, "status": "rejected"} if row["status"] == "approved" else None,
    "training": lambda row: {**row, "expires_on": (dt.date.fromisoformat(row["completed_on"])
                                                   + dt.timedelta(days=1)).isoformat()},
    "acting": lambda row: {**row, "end_date": (dt.date.fromisoformat(row["start_date"])
                                               + dt.timedelta(days=10)).isoformat()},
}


@pytest.fixture
def refreshed_people(monkeypatch) -> list:
    """The staff_ids each write's refresh was given (None: everyone's rows), in order."""
    from loaders import database

    given = []

    def recording(con, changed=None, staff_ids=None):
        given.append(staff_ids)
        return refresh_facts(con, changed, staff_ids)

    monkeypatch.setattr(database, "refresh_facts", recording)
    return given


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_each_kind_of_load_refreshes_the_facts_reading_its_table(db, demo_db, tmp_path, kind, refreshed_people):
    with open(demo_db.parent / "files" / f"demo-{kind}.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    index = next(number for number, row in enumerate(rows) if EDITS[kind](row) is not None)
    rows[index] = EDITS[kind](rows[index])
    path = tmp_path / f"{kind}.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    [result] = load_files(kind, [path], db)
    assert result.outcome == "loaded" and result.counts.updated == 1, (result.problems, result.counts)
    assert stale(db) == []
    # An evidence, training or acting file that changes one person refreshes that person's rows alone; a staff
    # file may renumber everyone (staff_key), so it refreshes every row.
    assert refreshed_people == ([[rows[index]["staff_id"]]] if kind in PER_PERSON_KINDS else [None])


def test_a_load_that_changes_many_people_refreshes_every_row(db, demo_db, tmp_path, refreshed_people):
    con = duckdb.connect(str(db))
    try:
        con.execute("delete from training")  # as before a first load: every person in the file is new
        refresh_facts(con)
    finally:
        con.close()
    [result] = load_files("training", [demo_db.parent / "files" / "demo-training.csv"], db)
    assert result.outcome == "loaded" and result.counts.inserted > 0
    assert refreshed_people == [None]
    assert stale(db) == []


def test_a_submission_and_a_sign_off_refresh_them(db, monkeypatch):
    monkeypatch.setenv("PROGRESSION_DB", str(db))
    people = cast(db)
    criterion = people["criteria"][0]
    day = TODAY - dt.timedelta(days=7)
    evidence_events.submit(viewer(db, people["email"]), people["staff"], criterion, day, "ref/1", "note",
                           gdpr_confirmed=True, page="person")
    assert stale(db) == []
    evidence_events.decide(viewer(db, people["manager_email"]), people["staff"], criterion, day, "approved", "",
                           page="team")
    assert stale(db) == []


def test_an_erasure_and_a_restore_refresh_them(db, tmp_path):
    staff_id = duckdb.connect(str(db), read_only=True).execute("select min(staff_id) from stg_staff").fetchone()[0]
    folder = maintenance.backup(tmp_path / "backup", db)
    # A backup holds the loaded tables alone: the facts are worked out again on restore.
    assert not any((folder / f"{name}.parquet").exists() for name in stored_facts())
    maintenance.erase(staff_id, db)
    assert stale(db) == []
    maintenance.restore(folder, db)
    assert stale(db) == []
    with writing(db) as con:  # and the loaders' own path, with nothing written
        assert con.execute("select count(*) from int_in_post_periods where staff_id = ?", [staff_id]).fetchone()[0] == 1


def test_a_write_that_names_its_tables_refreshes_only_the_facts_reading_them(db):
    con = duckdb.connect(str(db))
    try:
        inputs = fact_inputs(con)
        assert inputs["int_in_post_periods"] == {"staff", "roles", "levels"}
        assert {"evidence", "evidence_events"} <= inputs["int_evidence_periods"]
        assert refresh_facts(con, {"evidence_events"}) == [
            name for name in stored_facts() if "evidence_events" in inputs[name]]
        assert "int_in_post_periods" not in refresh_facts(con, {"evidence_events"})
        assert refresh_facts(con, set()) == []
        assert refresh_facts(con) == list(stored_facts())
    finally:
        con.close()


def test_the_facts_inputs_are_worked_out_once_per_version_of_the_models(db, monkeypatch):
    from warehouse import build

    con = duckdb.connect(str(db))
    try:
        first = fact_inputs(con)
        tables = set().union(*first.values())
        assert first == {fact: build.reads_transitively({fact}, tables) & tables for fact in stored_facts()}

        def reread(*args, **kwargs):
            raise AssertionError("the model files were read again for the same models and tables")

        monkeypatch.setattr(build, "reads_transitively", reread)
        assert fact_inputs(con) == first  # a second write in the same process: no model text read again
        # Changed models (another fingerprint) are read again.
        monkeypatch.setattr(build, "views_fingerprint", lambda: "another version of the models")
        with pytest.raises(AssertionError, match="read again"):
            fact_inputs(con)
    finally:
        con.close()


def test_one_persons_refresh_matches_a_whole_one(db):
    con = duckdb.connect(str(db))
    try:
        staff_id = con.execute("select min(staff_id) from int_target_evidence").fetchone()[0]
        con.execute("update evidence set status = 'rejected', assessor = 'HR' where staff_id = ? "
                    "and status = 'approved'", [staff_id])
        assert "int_evidence_periods" in stale_facts(con)
        refresh_facts(con, {"evidence"}, [staff_id])
        assert stale_facts(con) == []
    finally:
        con.close()
