"""The load benchmark, small: two users over Streamlit's websocket protocol against a real server (no timing
assertions), and the test-only identity header honoured on the benchmark's own server and nowhere else."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from bench import load
from deploy import serve


@pytest.fixture
def database(demo_db, tmp_path) -> Path:
    copy = tmp_path / "load.duckdb"
    shutil.copyfile(demo_db, copy)
    return copy


def test_two_users_open_the_overview_warm_and_cold_as_admin_and_as_two_managers(database, tmp_path, monkeypatch):
    monkeypatch.setattr(load, "RESULTS", tmp_path / "load_results.json")
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\nBefore.\n")
    workers = 2 if serve.nginx_binary() else 1
    arguments = argparse.Namespace(db=database, users=[2], page="overview", query="", opens=1, cache=["warm", "cold"],
                                   viewers=["admin", "managers"], workers=[workers], timeout=120, label=None, streamlit="",
                                   output=docs, no_docs=False)
    assert load.run_load(arguments) == 0
    results = json.loads((tmp_path / "load_results.json").read_text())
    assert len(results) == 4
    for entry in results.values():
        summary = entry["results"]
        assert summary["errors"] == 0, summary
        assert summary["opens"] == 2 and summary["first"]["p95"] is not None
        assert summary["workers_run"] == workers
        assert summary["peak_mib"] > 0 and summary["kib_per_open"] > 0
    text = docs.read_text()
    assert text.startswith("# Benchmarks\n\nBefore.\n")
    assert text.count(load.START_MARK) == 1 and text.count(load.END_MARK) == 1
    assert text.count("| demo (150) | overview |") == 4
    # Written again, the section is replaced, not repeated.
    load.write_docs(load.render(results), docs)
    assert docs.read_text().count(load.START_MARK) == 1


def test_the_identity_header_is_ignored_without_the_benchmarks_variable(database, tmp_path, monkeypatch):
    monkeypatch.delenv("PROGRESSION_LOAD_TEST_IDENTITY", raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(load.FAKE_AUTH)
    emails = load.managers(database, 1)
    arguments = ["--server.address", "127.0.0.1", "--server.port", str(serve.free_port()), "--secrets.files",
                 str(secrets)]
    with serve.running(1, arguments, {"PROGRESSION_DB": str(database)}, tmp_path / "logs") as service:
        opens = load.crowd(service.url, "overview", "", 1, 1, 60, emails)
    # The server asked for a real sign-in instead of believing the header: no Overview was drawn.
    assert opens[0].error and "did not draw its heading" in opens[0].error


def test_the_identity_header_is_ignored_on_a_server_reachable_from_elsewhere(database, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(load.FAKE_AUTH)
    emails = load.managers(database, 1)
    arguments = ["--server.address", "0.0.0.0", "--server.port", str(serve.free_port()), "--secrets.files",
                 str(secrets)]
    environment = {"PROGRESSION_DB": str(database), "PROGRESSION_LOAD_TEST_IDENTITY": "1"}
    with serve.running(1, arguments, environment, tmp_path / "logs") as service:
        opens = load.crowd(service.url, "overview", "", 1, 1, 60, emails)
    assert opens[0].error and "did not draw its heading" in opens[0].error


def test_the_summary_counts_first_opens_and_errors_apart():
    opens = [load.Open(0, 0, 2.0, received_bytes=2048), load.Open(0, 1, 1.0, received_bytes=1024),
             load.Open(1, 0, None, "TimeoutError: no script_finished"), load.Open(1, 1, 3.0, received_bytes=1024)]
    summary = load.summarise(opens)
    assert summary["opens"] == 4 and summary["errors"] == 1
    assert summary["first"] == {"median": 2.0, "p95": 2.0, "max": 2.0}
    assert summary["all"]["median"] == 2.0 and summary["all"]["max"] == 3.0
    assert summary["error_examples"] == ["TimeoutError: no script_finished"]


def test_targets_say_met_not_met_or_not_measured():
    def entry(label, viewers, cache, p95, errors=0, peak=500.0):
        return {"label": label, "page": "overview", "query": "", "viewers": viewers, "cache": cache, "users": 30,
                "workers": 2, "opens": 3, "finished_at": "2026-12-02T18:00:00",
                "results": {"first": {"p95": p95}, "errors": errors, "peak_mib": peak, "workers_run": 2}}
    results = {"a": entry("demo (150)", "admin", "warm", 4.0), "b": entry("demo (150)", "admin", "cold", 6.0),
               "c": entry("100,000 staff", "managers", "cold", 9.0, peak=2000.0)}
    verdicts = [verdict for _, _, verdict in load.targets(results)]
    assert verdicts == ["met", "NOT met", "not measured", "not measured", "NOT met"]
