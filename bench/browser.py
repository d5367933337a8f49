"""The Overview's full render in a real browser: from the request until the script has finished and its
charts have drawn, in headless Chromium, for each database given.

    python -m bench.browser --db demo.duckdb --db big.duckdb [--repeat 3]

Each database gets its own `streamlit run app.py`; the first load (which warms DuckDB and the caches) is
not timed; then `--repeat` fresh page loads are, and the median is printed as a Markdown table row.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_drawn(page, charts: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = page.locator("[data-testid='stStatusWidget']").count()
        drawn = page.locator(".vega-embed svg.marks, .vega-embed canvas").count()
        heading = page.get_by_role("heading", name="Readiness overview").count()
        if heading and not running and drawn >= charts:
            return
        page.wait_for_timeout(50)
    raise TimeoutError("the Overview did not finish drawing")


def overview_seconds(database: Path, repeat: int, width: int = 1440) -> list[float]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    environment = {**os.environ, "PROGRESSION_DB": str(database)}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                               "--server.port", str(port), "--server.fileWatcherType", "none"],
                              cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://localhost:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            times = []
            for attempt in range(repeat + 1):
                page = browser.new_page(viewport={"width": width, "height": 1000})
                started = time.perf_counter()
                page.goto(url)
                _wait_until_drawn(page, charts=2)
                if attempt:  # the first load warms the server: not timed
                    times.append(time.perf_counter() - started)
                page.close()
            browser.close()
        return times
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, action="append", required=True, help="a database (repeat for more)")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    print("| database | staff | Overview drawn in the browser (median, s) | runs (s) |")
    print("| --- | ---: | ---: | --- |")
    for database in options.db:
        import duckdb

        con = duckdb.connect(str(database), read_only=True)
        try:
            staff = con.execute("select count(*) from stg_staff where left_on is null").fetchone()[0]
        finally:
            con.close()
        times = overview_seconds(database, options.repeat)
        print(f"| {database.name} | {staff:,} | {statistics.median(times):.2f} | "
              f"{', '.join(f'{value:.2f}' for value in times)} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
