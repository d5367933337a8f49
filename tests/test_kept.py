"""Kept whole-organisation results (warehouse/kept.py): every question answers the same from them as from the
marts, each date's table is made once and shared by every viewer, and the store stays bounded."""

from __future__ import annotations

import datetime as dt
import inspect
import shutil
import tempfile
import threading
import time

import duckdb
import pytest
import streamlit as st

from dashboard import connection
from loaders.database import database_stamp
from tests.test_serving import _arguments, _same
from warehouse import kept, queries
from warehouse.queries import Filters, Viewer

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def connections(demo_db, tmp_path_factory):
    """A plain connection and one that keeps results, on copies of the demo (DuckDB shares one instance per file)."""
    folder = tmp_path_factory.mktemp("kept")
    plain_path, keeping_path = folder / "plain.duckdb", folder / "keeping.duckdb"
    shutil.copy(demo_db, plain_path)
    shutil.copy(demo_db, keeping_path)
    plain = duckdb.connect(str(plain_path), read_only=True)
    keeping = duckdb.connect(str(keeping_path), read_only=True)
    kept.keep_results(keeping, folder / "results")
    yield plain, keeping
    plain.close()
    keeping.close()


def _manager(con) -> Viewer:
    # A manager of a team (whose reports manage nobody), so their scope is a part of the organisation.
    email = con.execute("""
        with current as (select * from staff where left_on is null),
        managers as (select distinct line_manager_id as staff_id from current where line_manager_id is not null)
        select email from current where staff_id in (select staff_id from managers)
          and not exists (select 1 from current as report where report.line_manager_id = current.staff_id
                          and report.staff_id in (select staff_id from managers))
        order by staff_id limit 1""").fetchone()[0]
    return queries.viewer_for_email(con, email)


QUESTIONS = sorted(name for name, function in inspect.getmembers(queries, inspect.isfunction)
                   if not name.startswith("_") and "viewer" in inspect.signature(function).parameters)


@pytest.mark.parametrize("as_of", [TODAY, TODAY - dt.timedelta(days=400), TODAY + dt.timedelta(days=200)],
                         ids=["today", "past", "future"])
@pytest.mark.parametrize("role", ["admin", "manager"])
def test_every_question_answers_the_same_from_kept_results(connections, as_of, role):
    plain, keeping = connections
    viewer = Viewer("someone@example.org", "admin", None) if role == "admin" else _manager(plain)
    for name in QUESTIONS:
        function = getattr(queries, name)
        arguments = _arguments(plain, function, viewer, as_of)
        assert _same(function(plain, **arguments), function(keeping, **arguments)), name
    # ... and the keeping connection did read kept tables, on this date and the forward figures' dates.
    assert f"readiness_on_{as_of:%Y%m%d}" in kept.kept_files(keeping)
    assert f"gaps_on_{as_of:%Y%m%d}" in kept.kept_files(keeping)
    assert kept.kept_files(plain) == []


def test_a_question_reads_the_kept_file_in_place_of_the_mart(connections):
    _, keeping = connections
    folder = kept._folders[keeping]
    sql = "select count(*) from readiness_on($as_of) join gaps_on($later) using (staff_id) where $as_of < $later"
    rewritten = kept.kept_sql(keeping, sql, {"as_of": TODAY, "later": dt.date(2031, 1, 31)})
    assert rewritten == (f"select count(*) from read_parquet('{folder}/readiness_on_{TODAY:%Y%m%d}.parquet') "
                         f"join read_parquet('{folder}/gaps_on_20310131.parquet') using (staff_id) "
                         "where $as_of < $later")
    # Not a date (a missing parameter): the mart itself answers.
    assert kept.kept_sql(keeping, "select * from readiness_on($as_of)", {}) == "select * from readiness_on($as_of)"


def _copy(demo_db, folder, name: str) -> duckdb.DuckDBPyConnection:
    path = folder / f"{name}.duckdb"
    shutil.copy(demo_db, path)
    return duckdb.connect(str(path), read_only=True)


def test_each_date_is_written_once_for_every_viewer_thread_and_process(demo_db, tmp_path, monkeypatch):
    # Two connections stand for two worker processes sharing the folder (the file lock excludes both alike).
    workers = [_copy(demo_db, tmp_path, "first"), _copy(demo_db, tmp_path, "second")]
    for con in workers:
        kept.keep_results(con, tmp_path / "results")
    written: list[str] = []
    original = kept._write

    def counted(con, path, mart, on):
        written.append(path.name)
        time.sleep(0.2)  # long enough for every other thread to arrive while it is being written
        original(con, path, mart, on)

    monkeypatch.setattr(kept, "_write", counted)
    manager = _manager(workers[0])
    viewers = [Viewer(None, "admin", None), Viewer(None, "senior", None), manager]
    answers: dict[int, dict] = {}

    def ask(number: int) -> None:
        answers[number] = queries.overview_figures(workers[number % 2], viewers[number % 3],
                                                   Filters(TODAY))["headline"]

    threads = [threading.Thread(target=ask, args=(number,)) for number in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len(answers) == 12
        # The Overview reads two kept marts for the date (readiness and the sign-off queue): each written once.
        assert sorted(written) == [f"evidence_waiting_on_{TODAY:%Y%m%d}.parquet", f"readiness_on_{TODAY:%Y%m%d}.parquet"]
        plain = queries.overview_figures(_copy(demo_db, tmp_path, "plain"), manager, Filters(TODAY))["headline"]
        assert answers[0] == answers[3] == answers[6] and answers[2] == answers[5] == plain
        assert answers[0]["staff_in_post"] > answers[2]["staff_in_post"] > 0  # everyone, then a manager's tree
    finally:
        for con in workers:
            con.close()


def test_the_least_recently_used_files_are_removed(demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(kept, "KEEP_FILES", 2)
    con = _copy(demo_db, tmp_path, "demo")
    kept.keep_results(con, tmp_path / "results")
    sql = "select count(*) as people from readiness_on($as_of)"
    try:
        for on in (dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)):
            queries.query(con, sql, {"as_of": on})
        assert kept.kept_files(con) == ["readiness_on_20260228", "readiness_on_20260331"]
        queries.query(con, sql, {"as_of": dt.date(2026, 2, 28)})  # used again: now the most recent
        queries.query(con, sql, {"as_of": dt.date(2026, 4, 30)})
        assert kept.kept_files(con) == ["readiness_on_20260228", "readiness_on_20260430"]
    finally:
        con.close()


def test_a_file_removed_under_a_question_leaves_the_mart_to_answer(demo_db, tmp_path, monkeypatch):
    con = _copy(demo_db, tmp_path, "demo")
    kept.keep_results(con, tmp_path / "results")
    sql = "select status, count(*) as people from readiness_on($as_of) group by status order by status"
    try:
        expected = queries.query(con, sql, {"as_of": TODAY})
        monkeypatch.setattr(kept, "_kept_file", lambda con, folder, mart, on: folder / "removed.parquet")
        assert "removed.parquet" in kept.kept_sql(con, sql, {"as_of": TODAY})
        assert queries.query(con, sql, {"as_of": TODAY}).equals(expected)
    finally:
        con.close()


def test_the_dashboard_keeps_a_folder_per_database_state_and_clears_stale_ones(app_db, tmp_path, monkeypatch):
    monkeypatch.setenv(connection.WARM_ENV, "0")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    path = tmp_path / "live.duckdb"
    shutil.copy(app_db, path)
    monkeypatch.setenv("PROGRESSION_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        con, stamp = connection.connection()
        queries.overview_figures(con, Viewer(None, "admin", None), Filters(TODAY))
        assert sorted(kept.kept_files(con)) == [f"evidence_waiting_on_{TODAY:%Y%m%d}", f"readiness_on_{TODAY:%Y%m%d}"]
        first = kept._folders[con]
        assert first == connection.kept_folder(path, stamp) and oct(first.stat().st_mode)[-3:] == "700"
        # A load swaps the file in: the next use opens a new connection, with a new folder that keeps nothing yet.
        shutil.copy(app_db, tmp_path / "swap.duckdb")
        (tmp_path / "swap.duckdb").replace(path)
        fresh, fresh_stamp = connection.connection()
        assert fresh_stamp == database_stamp(path) != stamp
        assert kept.kept_files(fresh) == [] and kept._folders[fresh] != first
        # The old state's folder stays while a slower process may still read it, and goes once it is stale.
        assert first.exists()
        assert kept.remove_other_folders(kept._folders[fresh], older_than_seconds=0) == [first]
        assert not first.exists()
    finally:
        st.cache_resource.clear()
