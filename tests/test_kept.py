"""Kept whole-organisation results (warehouse/kept.py): every question answers the same from them as from the
marts, each date's table is made once and shared by every viewer, and the store stays bounded."""

from __future__ import annotations

import datetime as dt
import inspect
import shutil
import threading

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
    kept.keep_results(keeping)
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
    assert f"readiness_on_{as_of:%Y%m%d}" in kept.kept_tables(keeping)
    assert f"gaps_on_{as_of:%Y%m%d}" in kept.kept_tables(keeping)
    assert kept.kept_tables(plain) == []


def test_a_question_reads_the_kept_table_in_place_of_the_mart(connections):
    _, keeping = connections
    sql = "select count(*) from readiness_on($as_of) join gaps_on($later) using (staff_id) where $as_of < $later"
    with kept.kept_sql(keeping, sql, {"as_of": TODAY, "later": dt.date(2031, 1, 31)}) as rewritten:
        assert rewritten == (f"select count(*) from kept.readiness_on_{TODAY:%Y%m%d} join kept.gaps_on_20310131 "
                             "using (staff_id) where $as_of < $later")
    # Not a date (a missing parameter): the mart itself answers.
    with kept.kept_sql(keeping, "select * from readiness_on($as_of)", {}) as unchanged:
        assert unchanged == "select * from readiness_on($as_of)"


def test_each_date_is_made_once_for_every_viewer_and_thread(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    con = duckdb.connect(str(path), read_only=True)
    kept.keep_results(con)
    made: list[str] = []
    original = kept._make_table

    def counted(cursor, name, mart, on):
        made.append(name)
        original(cursor, name, mart, on)

    monkeypatch.setattr(kept, "_make_table", counted)
    viewers = [Viewer(None, "admin", None), Viewer(None, "senior", None), _manager(con)]
    answers: dict[int, dict] = {}

    def ask(number: int) -> None:
        answers[number] = queries.overview_figures(con, viewers[number % 3], Filters(TODAY))["headline"]

    threads = [threading.Thread(target=ask, args=(number,)) for number in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len(answers) == 9
        assert made == [f"readiness_on_{TODAY:%Y%m%d}"]
        assert answers[0] == answers[3] == answers[6]
        assert answers[0]["staff_in_post"] > answers[2]["staff_in_post"] > 0  # everyone, then a manager's tree
    finally:
        con.close()


def test_the_least_recently_used_idle_tables_are_dropped(demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(kept, "KEEP_TABLES", 2)
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    con = duckdb.connect(str(path), read_only=True)
    kept.keep_results(con)
    dates = [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30)]
    sql = "select count(*) as people from readiness_on($as_of)"
    try:
        with kept.kept_sql(con, sql, {"as_of": dates[0]}):
            # The first date is being read: making two more drops neither it nor the newest.
            for on in dates[1:3]:
                queries.query(con, sql, {"as_of": on})
            assert kept.kept_tables(con) == ["readiness_on_20260131", "readiness_on_20260331"]
        queries.query(con, sql, {"as_of": dates[3]})
        queries.query(con, sql, {"as_of": dates[2]})  # used again: now the most recent
        assert kept.kept_tables(con) == ["readiness_on_20260430", "readiness_on_20260331"]
        tables = {row[0] for row in con.execute(
            "select table_name from duckdb_tables() where database_name = 'kept'").fetchall()}
        assert tables == {"readiness_on_20260430", "readiness_on_20260331"}
    finally:
        con.close()


def test_the_dashboard_connection_keeps_results_and_a_load_starts_afresh(app_db, tmp_path, monkeypatch):
    monkeypatch.setenv(connection.WARM_ENV, "0")
    path = tmp_path / "live.duckdb"
    shutil.copy(app_db, path)
    monkeypatch.setenv("PROGRESSION_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    con, stamp = connection.connection()
    queries.overview_figures(con, Viewer(None, "admin", None), Filters(TODAY))
    assert kept.kept_tables(con) == [f"readiness_on_{TODAY:%Y%m%d}"]
    # A load swaps the file in: the next use opens a new connection, which keeps nothing yet.
    shutil.copy(app_db, tmp_path / "swap.duckdb")
    (tmp_path / "swap.duckdb").replace(path)
    fresh, fresh_stamp = connection.connection()
    try:
        assert fresh_stamp == database_stamp(path) != stamp
        assert kept.kept_tables(fresh) == []
    finally:
        st.cache_resource.clear()
