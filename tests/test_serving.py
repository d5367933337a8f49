"""Serving many people at once: DuckDB's bounds, the cache shared by scope, warming after a load, the test-only
identity header, the launcher and the nginx configuration it generates, file locks across processes."""

from __future__ import annotations

import datetime as dt
import inspect
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from dashboard import connection, load_identity
from deploy import serve
from loaders import audit
from loaders.database import database_stamp
from warehouse import queries
from warehouse.queries import Filters, Viewer

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date.today()


# ---------------------------------------------------------------- DuckDB's bounds


def test_the_connection_is_bounded_by_the_environment(app_db, monkeypatch):
    monkeypatch.setenv(connection.MEMORY_LIMIT_ENV, "300MB")
    monkeypatch.setenv(connection.THREADS_ENV, "1")
    con = connection._open(app_db)
    try:
        memory, threads = con.execute(
            "select current_setting('memory_limit'), current_setting('threads')").fetchone()
    finally:
        con.close()
    assert threads == 1
    assert memory.replace(" ", "") in ("286.1MiB", "300.0MB", "300MB")


def test_the_default_bounds_are_one_gigabyte_and_every_core(monkeypatch):
    monkeypatch.delenv(connection.MEMORY_LIMIT_ENV, raising=False)
    monkeypatch.delenv(connection.THREADS_ENV, raising=False)
    settings = connection.duckdb_settings()
    assert settings["memory_limit"] == connection.DEFAULT_MEMORY_LIMIT
    assert settings["threads"] >= 1


@pytest.mark.parametrize(("name", "value"), [("PROGRESSION_DUCKDB_THREADS", "many"),
                                             ("PROGRESSION_DUCKDB_THREADS", "0"),
                                             ("PROGRESSION_DUCKDB_MEMORY_LIMIT", "lots")])
def test_a_doubtful_bound_stops_with_the_variables_name(app_db, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        connection._open(app_db).close()


# ---------------------------------------------------------------- the cache, shared by scope


def test_the_cache_key_is_the_scope_not_the_email():
    assert connection.scope_key(Viewer("a@example.org", "admin", "S1")) == \
        connection.scope_key(Viewer("b@example.org", "admin", None)) == Viewer(None, "admin", None)
    assert connection.scope_key(Viewer("a@example.org", "manager", "S1")) != \
        connection.scope_key(Viewer("a@example.org", "manager", "S2"))
    assert connection.scope_key(Viewer("c@example.org", "staff", "S3")) == Viewer(None, "staff", "S3")
    assert connection.scope_key(Filters(TODAY)) == Filters(TODAY)


def _arguments(con, function, viewer: Viewer, as_of: dt.date = TODAY) -> dict:
    parameters = inspect.signature(function).parameters
    arguments = {"viewer": viewer}
    if "filters" in parameters:
        arguments["filters"] = Filters(as_of)
    if "as_of" in parameters:
        arguments["as_of"] = as_of
    if "staff_id" in parameters:
        arguments["staff_id"] = viewer.staff_id or con.execute("select min(staff_id) from staff").fetchone()[0]
    if "requirement_id" in parameters:
        arguments["requirement_id"] = con.execute(
            "select requirement_id from gaps_on(?) group by 1 order by count(*) desc limit 1", [as_of]).fetchone()[0]
    if "by" in parameters:
        arguments["by"] = "team"
    if "days" in parameters:  # the keep-in-date lists: far enough ahead to list someone
        arguments["days"] = 400
    if "role_code" in parameters:  # the team manager role (and, for "what would it take?", its first level)
        arguments["role_code"] = "CBTM"
    if "level" in parameters:
        arguments["level"] = "A"
    return arguments


def _same(left, right) -> bool:
    if isinstance(left, pd.DataFrame):  # the same rows; ties may come back in either order
        def rows(frame):
            text = frame.astype(str)
            return text.sort_values(list(text.columns)).reset_index(drop=True)
        return list(left.columns) == list(right.columns) and rows(left).equals(rows(right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_same(left[key], right[key]) for key in left)
    if pd.api.types.is_scalar(left) and pd.isna(left):
        return pd.api.types.is_scalar(right) and pd.isna(right)
    return bool(left == right)


def test_every_query_answers_the_same_for_two_viewers_with_one_scope(demo_db, tmp_path):
    # What makes sharing the cache between administrators (or a manager on two devices) safe.
    # A copy: DuckDB shares one instance per file in a process, and another test bounds the demo's memory.
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, copy)
    con = duckdb.connect(str(copy), read_only=True)
    try:
        manager_email = con.execute("""select email from staff where left_on is null and staff_id in
            (select line_manager_id from staff where left_on is null) order by staff_id limit 1""").fetchone()[0]
        manager = queries.viewer_for_email(con, manager_email)
        assert manager.access_role == "manager"
        for viewer in (Viewer("first@example.org", "admin", None), manager):
            for name, function in inspect.getmembers(queries, inspect.isfunction):
                if "viewer" not in inspect.signature(function).parameters or name.startswith("_"):
                    continue
                arguments = _arguments(con, function, viewer)
                shared = {**arguments, "viewer": connection.scope_key(viewer)}
                assert _same(function(con, **arguments), function(con, **shared)), name
    finally:
        con.close()


# ---------------------------------------------------------------- warming after a load


def _counting(monkeypatch, names: set[str]) -> list[str]:
    calls: list[str] = []
    for name in names:
        original = getattr(queries, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        counted.__name__ = name
        monkeypatch.setattr(queries, name, counted)
    return calls


@pytest.mark.parametrize("view", [None, "Over 24 months", "What holds people back"])
def test_after_warming_the_overview_recomputes_none_of_the_warmed_views(app_db, monkeypatch, view):
    monkeypatch.setenv(connection.WARM_ENV, "0")  # this test warms by hand, then watches
    st.cache_data.clear()
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        assert connection.warm(con, database_stamp(app_db), app_db) == len(connection.common_views(TODAY))
    finally:
        con.close()
    calls = _counting(monkeypatch, {name for name, _ in connection.common_views(TODAY)})
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if view:
        at.query_params["view"] = view
    at.run()
    assert not at.exception
    assert at.title[0].value == "Readiness overview"
    assert calls == []


def test_without_warming_the_overview_computes_them(app_db, monkeypatch):
    # The other side of the test above: the counter does see queries that were not warmed.
    monkeypatch.setenv(connection.WARM_ENV, "0")
    st.cache_data.clear()
    calls = _counting(monkeypatch, {"overview_figures"})
    AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert calls == ["overview_figures"]


def test_warming_stops_when_a_load_has_swapped_the_file(app_db):
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        assert connection.warm(con, (0, 0), app_db) == 0
    finally:
        con.close()


# ---------------------------------------------------------------- the test-only identity header


@pytest.mark.parametrize(("environment", "address", "honoured"), [
    ("1", "127.0.0.1", True),
    (None, "127.0.0.1", False),   # production on loopback: ignored
    ("1", "", False),             # every interface: ignored even with the variable
    ("1", "0.0.0.0", False),
    ("1", "10.0.0.5", False),
    ("yes", "127.0.0.1", False),
])
def test_the_identity_header_is_honoured_only_on_a_loopback_benchmark_server(monkeypatch, environment, address,
                                                                              honoured):
    if environment is None:
        monkeypatch.delenv(load_identity.ENV, raising=False)
    else:
        monkeypatch.setenv(load_identity.ENV, environment)
    monkeypatch.delenv(load_identity.PUBLIC_ADDRESS_ENV, raising=False)
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", address)
    try:
        assert load_identity.honoured() is honoured
    finally:
        st_config.set_option("server.address", previous)


def test_without_the_benchmark_a_signed_in_app_still_asks_everyone_to_sign_in(app_db, monkeypatch, tmp_path):
    monkeypatch.setenv(load_identity.ENV, "1")  # even with the variable: AppTest is not a loopback server
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "t"\n'
                       'client_id = "id"\nclient_secret = "s"\n'
                       'server_metadata_url = "https://login.example.org/.well-known/openid-configuration"\n')
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "t",
                          "client_id": "id", "client_secret": "s",
                          "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}
    at.run()
    assert [button.label for button in at.button] == ["Sign in"]
    assert not at.metric


@pytest.mark.parametrize("public", ["", "0.0.0.0", "10.0.0.5"])
def test_behind_a_proxy_reachable_from_elsewhere_the_header_is_ignored(monkeypatch, public):
    # Each process binds 127.0.0.1 behind the proxy; the proxy's own address decides.
    monkeypatch.setenv(load_identity.ENV, "1")
    monkeypatch.setenv(load_identity.PUBLIC_ADDRESS_ENV, public)
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "127.0.0.1")
    try:
        assert load_identity.honoured() is False
        monkeypatch.setenv(load_identity.PUBLIC_ADDRESS_ENV, "127.0.0.1")
        assert load_identity.honoured() is True
    finally:
        st_config.set_option("server.address", previous)


@pytest.mark.parametrize(("environment", "address", "passes"), [
    ({"PROGRESSION_LOAD_TEST_IDENTITY": "1"}, "127.0.0.1", True),
    ({}, "127.0.0.1", False),
    ({"PROGRESSION_LOAD_TEST_IDENTITY": "1"}, None, False),
    ({"PROGRESSION_LOAD_TEST_IDENTITY": "1"}, "0.0.0.0", False),
])
def test_the_proxy_strips_the_identity_header_unless_on_a_loopback_benchmark(environment, address, passes, tmp_path):
    text = serve.render_config(tmp_path, "8501", [9001, 9002], 50, serve.identity_honoured(address, environment))
    stripped = f'proxy_set_header {serve.IDENTITY_HEADER} "";' in text
    assert stripped is not passes


# ---------------------------------------------------------------- the launcher and the proxy configuration


def test_streamlit_options_are_split_in_either_form():
    assert serve.split_option(["--server.port", "9000", "--x", "1"], "--server.port") == ("9000", ["--x", "1"])
    assert serve.split_option(["--server.port=9000"], "--server.port") == ("9000", [])
    assert serve.split_option(["--x"], "--server.port") == (None, ["--x"])


def test_serving_runs_without_the_file_watcher():
    command = serve.streamlit_command([], "127.0.0.1", 9000)
    assert command[command.index("--server.fileWatcherType") + 1] == "none"
    assert command[command.index("--server.runOnSave") + 1] == "false"


def test_the_generated_configuration_is_sticky_passes_websockets_and_nginx_accepts_it(tmp_path):
    text = serve.render_config(tmp_path, "127.0.0.1:8501", [9001, 9002], 50)
    assert "server 127.0.0.1:9001" in text and "server 127.0.0.1:9002" in text
    assert "hash $progression_worker consistent;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text and "proxy_http_version 1.1;" in text
    assert "client_max_body_size 50m;" in text and "proxy_read_timeout 1d;" in text
    nginx = serve.nginx_binary()
    if nginx is None:
        pytest.skip("nginx is not installed (./dev test installs it)")
    (tmp_path / "nginx.conf").write_text(text)
    check = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                            "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_without_nginx_one_process_serves_and_says_why(monkeypatch):
    monkeypatch.setattr(serve, "nginx_binary", lambda: None)
    service = serve.Service(3, ["--server.port", "9100"])
    assert service.workers == 1 and "nginx is not installed" in service.note and service.port == 9100


def _through_proxy(url: str, cookie: str | None) -> tuple[str, str | None]:
    """(health answer, the Set-Cookie the proxy sent) for a request with or without the sticky cookie."""
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as answer:
        sticky = [value for value in answer.headers.get_all("Set-Cookie") or [] if value.startswith("progression_worker=")]
        return answer.read().decode(), (sticky or [None])[0]


def test_two_workers_behind_the_proxy_answer_and_stop_together(demo_db, tmp_path):
    if serve.nginx_binary() is None:
        pytest.skip("nginx is not installed (./dev test installs it)")
    port = serve.free_port()
    with serve.running(2, ["--server.port", str(port), "--server.address", "127.0.0.1"],
                       {"PROGRESSION_DB": str(demo_db)}, tmp_path / "logs") as service:
        assert service.workers == 2 and len(service.streamlit) == 2
        body, cookie = _through_proxy(service.url, None)
        assert body == "ok" and cookie and cookie.startswith("progression_worker=")
        body, again = _through_proxy(service.url, cookie.split(";")[0])
        assert body == "ok" and again is None  # a browser with the cookie keeps it
        processes, runtime = list(service.processes), service.runtime
        assert (runtime / "nginx.conf").is_file()
    assert all(process.poll() is not None for process in processes)
    assert not runtime.exists()


# ---------------------------------------------------------------- file locks across processes

RECORD = """
import sys
from loaders import audit
for number in range(int(sys.argv[2])):
    audit.record_view(f"viewer{sys.argv[3]}@example.org", "admin", f"S{number:04d}", "person", sys.argv[1])
"""


def test_the_view_log_keeps_every_view_from_several_processes_at_once(tmp_path):
    database = tmp_path / "progression.duckdb"
    writers = [subprocess.Popen([sys.executable, "-c", RECORD, str(database), "15", str(number)], cwd=ROOT)
               for number in range(3)]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0, 0]
    log = audit.view_log(database)
    assert len(log) == 45
    assert log.groupby("viewer_email").size().to_dict() == {f"viewer{n}@example.org": 15 for n in range(3)}


# ---------------------------------------------------------------- chart specifications, shared


def test_a_charts_specification_is_worked_out_once_for_the_same_figures(monkeypatch):
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    from dashboard import charts

    st.cache_data.clear()
    calls: list[int] = []
    original = charts.status_by_range_chart

    def counted(frame):
        calls.append(len(frame))
        return original(frame)

    counted.__name__ = "status_by_range_chart"
    monkeypatch.setattr(charts, "status_by_range_chart", counted)
    frame = pd.DataFrame({"range": [1, 2], "status": ["ready", "not_ready"], "people": [3, 4]})
    first = charts._specification("status_by_range_chart", frame, ())
    second = charts._specification("status_by_range_chart", frame.copy(), ())  # another session, same figures
    assert calls == [2]
    assert first == second == _convert_altair_to_vega_lite_spec(original(frame))  # what st.altair_chart sends
    changed = charts._specification("status_by_range_chart", frame.assign(people=[5, 4]), ())
    assert len(calls) == 2 and changed["datasets"] != first["datasets"]


def test_at_most_the_configured_number_of_queries_run_at_once(monkeypatch):
    import threading
    import time

    monkeypatch.setenv(connection.QUERIES_ENV, "2")
    st.cache_data.clear()
    running, most, lock = [0], [0], threading.Lock()

    def slow(con, viewer):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        return viewer.staff_id

    slow.__name__ = "filter_options"
    monkeypatch.setattr(queries, "filter_options", slow)
    answers: list = []
    threads = [threading.Thread(target=lambda n=n: answers.append(connection._cached(
        None, (1, 1), "x", "filter_options", (Viewer(None, "manager", f"S{n}"),), ()))) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == [f"S{n}" for n in range(6)]
    assert most[0] == 2


def test_a_doubtful_number_of_queries_stops_with_the_variables_name(monkeypatch):
    monkeypatch.setenv(connection.QUERIES_ENV, "none")
    with pytest.raises(ValueError, match=connection.QUERIES_ENV):
        connection.query_slots()
