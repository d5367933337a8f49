"""Loads while the dashboard is in use: every CLI load succeeds and every page shows the old or the new data.

The real dashboard process serves a copy of the demo database. A background thread loads two staff files
in turn through the command line (one has every demo person, the other lacks a few, who become leavers),
while headless Chromium keeps opening the Overview and reading "Staff in post": each answer must be one
of the two counts, never an error and never a mixture.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from test_browser import ROOT, assert_no_errors, settle, streamlit_server

pytestmark = pytest.mark.browser

LOADS = 6


def staff_in_post(database: Path) -> int:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute("select count(*) from readiness").fetchone()[0]
    finally:
        con.close()


def test_cli_loads_while_the_dashboard_serves(page, demo_db, tmp_path, monkeypatch):
    # The first staff load makes it real data (the demo flag goes): served by local administration, on 127.0.0.1.
    monkeypatch.setenv("PROGRESSION_LOCAL_ADMIN", "1")
    live = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, live)
    everyone = demo_db.parent / "files" / "demo-staff.csv"
    with open(everyone, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    managers = {row[3] for row in rows[1:] if row[3]}
    leaving = [row for row in rows[1:] if row[0] not in managers][:5]
    fewer = tmp_path / "demo-staff-fewer.csv"
    with open(fewer, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([row for row in rows if row not in leaving])
    full_count = staff_in_post(live)
    expected = {full_count, full_count - len(leaving)}

    outcomes: list[int] = []
    errors: list[str] = []
    done = threading.Event()

    def load_in_a_loop() -> None:
        try:
            for number in range(LOADS):
                source = fewer if number % 2 == 0 else everyone
                result = subprocess.run(
                    [sys.executable, "-m", "loaders", "load", "staff", str(source), "--db", str(live)],
                    cwd=ROOT, capture_output=True, text=True, timeout=120)
                outcomes.append(result.returncode)
                if result.returncode:
                    errors.append(result.stderr)
                time.sleep(0.5)
        finally:
            done.set()

    seen: list[int] = []
    with streamlit_server(live, tmp_path / "streamlit.log", "--server.address", "127.0.0.1") as url:
        page.goto(url)
        page.get_by_role("heading", name="Readiness overview").wait_for(timeout=120_000)
        loader = threading.Thread(target=load_in_a_loop)
        loader.start()
        deadline = time.monotonic() + 300
        while (not done.is_set() or len(seen) < 3) and time.monotonic() < deadline:
            page.goto(url)
            page.get_by_role("heading", name="Readiness overview").wait_for(timeout=60_000)
            settle(page, 1)
            assert_no_errors(page)
            metric = page.locator("[data-testid='stMetric']").filter(has_text="Staff in post")
            seen.append(int(metric.locator("[data-testid='stMetricValue']").inner_text().replace(",", "")))
        loader.join(timeout=120)
        # After the last load (the full file), a fresh page shows the final data without a restart.
        page.goto(url)
        page.get_by_role("heading", name="Readiness overview").wait_for(timeout=60_000)
        settle(page, 1)
        final = page.locator("[data-testid='stMetric']").filter(has_text="Staff in post")
        final_value = int(final.locator("[data-testid='stMetricValue']").inner_text().replace(",", ""))

    assert outcomes == [0] * LOADS, errors
    assert seen and set(seen) <= expected, (seen, expected)
    assert final_value == staff_in_post(live) == full_count
