"""Operations: migrations from the first schema, backup and restore, erasure, crashes and concurrent loads."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from test_loaders import EVIDENCE_HEADER, STAFF_HEADER, log, snapshot

from loaders import audit, maintenance
from loaders.database import writer_lock, writing
from loaders.errors import LoadError
from loaders.load import load_files
from warehouse.build import build_warehouse, latest_version, refresh_facts, schema_version, stored_facts

ROOT = Path(__file__).resolve().parent.parent
V1_SQL = ROOT / "tests" / "data" / "schema_v1_database.sql"
D = dt.date(2025, 6, 1)
READINESS = ("select staff_id, status, requirements_met, requirements_total, tenure_months, training_ok, ready_date "
             "from readiness_on(?) order by staff_id")


def _v1_database(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute(V1_SQL.read_text())
    con.close()
    return path


def _inserts_only() -> str:
    statements = [statement.strip() for statement in V1_SQL.read_text().split(";\n")]
    return ";\n".join(statement for statement in statements
                      if statement.startswith("insert into") and "schema_version" not in statement)


def test_a_first_schema_database_migrates_and_gives_the_same_readiness(tmp_path):
    old = _v1_database(tmp_path / "old.duckdb")
    con = duckdb.connect(str(old))
    assert schema_version(con) == 1
    con.close()
    with writing(old) as con:  # what every load and the app's start do: migrate, then rebuild the views
        pass
    migrated = duckdb.connect(str(old), read_only=True)
    assert schema_version(migrated) == latest_version()
    fresh = duckdb.connect()
    build_warehouse(fresh)
    fresh.execute(_inserts_only())
    # The first schema had no rules tables: the migration gives its frameworks the rules of that time.
    for table in ("framework_rules", "framework_categories", "framework_mandatory_courses"):
        rows = migrated.execute(f"select * from {table}").fetchall()
        if rows:
            fresh.executemany(f"insert into {table} values ({', '.join('?' * len(rows[0]))})", rows)
    refresh_facts(fresh)  # rows written by hand: the stored facts follow, as every loader write does
    assert migrated.execute(READINESS, [D]).fetchall() == fresh.execute(READINESS, [D]).fetchall()
    statuses = dict(migrated.execute("select staff_id, status from readiness_on(?)", [D]).fetchall())
    assert statuses == {"M1": "not_ready", "S1": "ready", "S2": "not_ready", "S3": "not_ready", "S4": "top_of_role"}


def test_backup_and_restore_round_trip(tmp_path):
    live = _v1_database(tmp_path / "live.duckdb")
    with writing(live):
        pass
    before = snapshot(live)
    maintenance.backup(tmp_path / "backup", live)
    assert (tmp_path / "backup" / "evidence.parquet").exists()
    load_files("mandatory_courses", [_write(tmp_path / "c.csv", ["course"], [["Fire safety"]])], live)
    assert snapshot(live) != before
    maintenance.restore(tmp_path / "backup", live)
    after = snapshot(live)
    assert {name: rows for name, rows in after.items() if name != "views_fingerprint"} == {
        name: rows for name, rows in before.items() if name != "views_fingerprint"}
    assert log(live)[-1][:3] == ("restore", "backup", "loaded")
    con = duckdb.connect(str(live), read_only=True)
    assert con.execute("select count(*) from readiness_on(?)", [D]).fetchone()[0] == 5


def test_backup_refuses_a_non_empty_folder_and_restore_a_non_backup(tmp_path):
    live = _v1_database(tmp_path / "live.duckdb")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    with pytest.raises(LoadError, match="must be empty"):
        maintenance.backup(tmp_path / "full", live)
    with pytest.raises(LoadError, match="not a backup folder"):
        maintenance.restore(tmp_path / "full", live)


def test_erasure_removes_personal_data_and_keeps_counts(tmp_path):
    live = _v1_database(tmp_path / "live.duckdb")
    with writing(live):
        pass
    con = duckdb.connect(str(live), read_only=True)
    trend_before = con.execute("select * from readiness_trend(date '2025-01-01', date '2025-06-30') order by all").fetchall()
    statuses_before = sorted(row[1] for row in con.execute(READINESS, [D]).fetchall())
    con.close()
    audit.record_view("boss@example.org", "senior", "M1", "person", live)
    replacement = maintenance.erase("M1", live)
    assert audit.view_log(live)["staff_id"].tolist() == [replacement]
    con = duckdb.connect(str(live), read_only=True)
    # The stored facts too: they hold names, and are worked out again by the erasure's write.
    dump = repr({table: con.execute(f"select * from {table}").fetchall() for table in
                 ("staff", "evidence", "training", "acting", *stored_facts())})
    for personal in ("'M1'", "Morgan Vale", "morgan@example.org"):
        assert personal not in dump
    assert con.execute("select count(*) from staff where line_manager_id = ?", [replacement]).fetchone()[0] == 5
    assert con.execute("select * from readiness_trend(date '2025-01-01', date '2025-06-30') order by all").fetchall() \
        == trend_before
    assert sorted(row[1] for row in con.execute(READINESS, [D]).fetchall()) == statuses_before
    assert con.execute("select kind, file_name from load_log order by load_id desc limit 1").fetchone() == (
        "erase", replacement)
    con.close()
    with pytest.raises(LoadError, match="no staff member"):
        maintenance.erase("M1", live)


def _write(path: Path, header, rows) -> Path:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def big_load(tmp_path) -> tuple[Path, Path]:
    """A loaded database and an evidence file large enough to kill a load part-way through."""
    live = _v1_database(tmp_path / "live.duckdb")
    with writing(live):
        pass
    people = [["M1", "Morgan Vale", "Alpha", "", "MGR", "A", "2022-01-01", ""]] + [
        [f"P{number:04d}", f"Person {number}", "Alpha", "M1", "OFF", "A", "2024-01-01", ""] for number in range(1000)]
    load_files("staff", [_write(live.parent / "staff.csv", STAFF_HEADER, people)], live)
    criteria = ("OFF.B.K1", "OFF.B.S1", "OFF.B.S2")
    start = dt.date(2024, 1, 1)
    big = [[person[0], criterion, (start + dt.timedelta(days=day)).isoformat(), "approved", "Assessor", "", ""]
           for person in people[1:] for criterion in criteria for day in range(50)]
    return live, _write(tmp_path / "evidence.csv", EVIDENCE_HEADER, big)


@pytest.mark.parametrize("delay", [0.05, 0.3, 0.8, 1.5, 2.5])
def test_a_killed_load_leaves_the_database_exactly_as_it_was(big_load, delay):
    live, evidence = big_load
    before, log_before = snapshot(live), log(live)
    loader = subprocess.Popen([sys.executable, "-m", "loaders", "load", "evidence", str(evidence), "--db", str(live)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    if log(live) != log_before:  # the load finished before the kill: then it must be whole
        assert log(live)[-1][2] == "loaded"
        return
    assert snapshot(live) == before
    # The next load cleans up after the dead one and succeeds.
    [result] = load_files("evidence", [evidence], live)
    assert result.outcome == "loaded"
    assert not list(live.parent.glob("live.duckdb.*.tmp"))


def test_a_second_concurrent_load_waits_then_fails_clearly(tmp_path):
    live = _v1_database(tmp_path / "live.duckdb")
    with writing(live):
        pass
    courses = _write(tmp_path / "courses.csv", ["course"], [["GDPR"], ["Fire safety"]])
    before = snapshot(live)
    environment = dict(os.environ, PROGRESSION_LOCK_WAIT_SECONDS="0.5")
    with writer_lock(live):
        result = subprocess.run(
            [sys.executable, "-m", "loaders", "load", "mandatory_courses", str(courses), "--db", str(live)],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "another load is still running" in result.stderr
    assert snapshot(live) == before
    # Once the lock is free the same load goes through.
    [loaded] = load_files("mandatory_courses", [courses], live)
    assert loaded.outcome == "loaded"


def test_readers_keep_a_consistent_view_across_a_swap(tmp_path):
    live = _v1_database(tmp_path / "live.duckdb")
    with writing(live):
        pass
    reader = duckdb.connect(str(live), read_only=True)
    before = reader.execute("select count(*) from mandatory_courses").fetchone()[0]
    load_files("mandatory_courses", [_write(tmp_path / "c.csv", ["course"], [["GDPR"], ["Fire safety"]])], live)
    assert reader.execute("select count(*) from mandatory_courses").fetchone()[0] == before
    reader.close()
    fresh = duckdb.connect(str(live), read_only=True)
    assert fresh.execute("select count(*) from mandatory_courses").fetchone()[0] == 2
    fresh.close()
    shutil.rmtree(tmp_path, ignore_errors=True)
