"""The running app in headless Chromium: every page draws its charts, clicks go where they should, deep links work.

Each server is a real `streamlit run app.py` on a free port. The first one gets a database path that does
not exist yet, so the app builds the embedded demo itself; the deep-link tests start further fresh servers
and make the deep link their very first request (the st.navigation + pages/ trap in STACK_NOTES).
Screenshots of every page go to test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import duckdb
import openpyxl
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
FIRST_BUILD_SECONDS = 120  # the first request builds the demo database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(database: Path, log: Path, *options: str):
    """`streamlit run app.py` on a free port with PROGRESSION_DB=database; yields its base URL."""
    port = free_port()
    environment = {**os.environ, "PROGRESSION_DB": str(database), "PYTHONUNBUFFERED": "1"}
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.fileWatcherType", "none", "--client.showErrorDetails", "full",
             *options],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
        try:
            url = f"http://localhost:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:
                        if answer.read() == b"ok":
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def server_database(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser") / "progression.duckdb"


@pytest.fixture(scope="session")
def app_url(server_database, tmp_path_factory):
    assert not server_database.exists()  # the app must build the embedded demo itself
    with streamlit_server(server_database, tmp_path_factory.mktemp("logs") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def demo(app_url, server_database, browser):
    """Facts about the demo the app built, read after its first page has loaded."""
    page = browser.new_page()
    page.goto(app_url)
    page.get_by_role("heading", name="Readiness overview").wait_for(timeout=FIRST_BUILD_SECONDS * 1000)
    page.close()
    assert server_database.exists()
    con = duckdb.connect(str(server_database), read_only=True)
    try:
        team = con.execute("select team from readiness group by team order by count(*) desc, team limit 1").fetchone()[0]
        other = con.execute("select team from readiness where team <> ? group by team order by team limit 1",
                            [team]).fetchone()[0]
        staff_id = con.execute("select staff_id from readiness where requirements_total > 0 and team = ? "
                               "order by staff_id limit 1", [team]).fetchone()[0]
        value = con.execute("select min(range) from readiness where team = ?", [team]).fetchone()[0]
    finally:
        con.close()
    return {"team": team, "other_team": other, "staff_id": staff_id, "range": value}


def settle(page, charts: int = 0, timeout: float = 60) -> None:
    """Wait until the script has finished and `charts` Vega charts have drawn."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = page.locator("[data-testid='stStatusWidget']").count()
        drawn = page.locator(".vega-embed svg.marks, .vega-embed canvas").count()
        if not running and drawn >= charts:
            page.wait_for_timeout(800)
            if not page.locator("[data-testid='stStatusWidget']").count():
                return
        page.wait_for_timeout(200)
    raise AssertionError(f"page did not settle: {page.url}")


def assert_no_errors(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator(
        "[data-testid='stException']").first.inner_text()
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def screenshot(page, name: str) -> Path:
    """The whole page, not just the window: Streamlit scrolls inside stMain, so grow the window to fit it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                           "'[data-testid=stMain], [data-testid=stMainBlockContainer]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": 1400, "height": min(max(height + 80, 1000), 8000)})
    page.wait_for_timeout(800)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


PAGES = [
    # name, path and query, heading, charts drawn
    ("overview", "/", "Readiness overview", 2),
    ("team", "/team?team={team}", "Team: {team}", 1),
    ("person", "/person?staff_id={staff_id}", None, 1),
    ("blockers", "/blockers", "Blockers", 1),
    ("succession", "/succession", "Succession", 1),
    ("framework", "/framework?framework=cabs", "Career framework", 0),  # several frameworks are shipped
    ("data", "/data", "Data", 0),
]


@pytest.mark.parametrize(("name", "path", "heading", "charts"), PAGES, ids=[page[0] for page in PAGES])
def test_every_page_draws_its_charts_without_errors(page, app_url, demo, name, path, heading, charts):
    facts = {key: urllib.parse.quote(str(value)) for key, value in demo.items()}
    page.goto(app_url + path.format(**facts))
    if heading:
        page.get_by_role("heading", name=heading.format(**demo), exact=True).wait_for(timeout=60_000)
    settle(page, charts)
    assert_no_errors(page)
    assert page.locator(".vega-embed svg.marks, .vega-embed canvas").count() >= charts
    screenshot(page, name)
    if name == "framework":
        assert page.get_by_role("heading", name="Level A: Developing").count() == 1
    if name == "data":
        assert page.get_by_text("Load log").count() >= 1
    if name == "person":
        assert page.get_by_role("heading", name="What's left for level").count() == 1


def test_clicking_a_team_bar_opens_the_people_behind_it(page, app_url, demo):
    # A segment opens its named list (the People page, that team and status); tests/test_browser_actions.py
    # checks the list itself.
    page.goto(app_url)
    page.get_by_role("heading", name="Readiness overview").wait_for(timeout=60_000)
    settle(page, 2)
    team = demo["other_team"]
    page.locator(f".vega-embed path[aria-label*='Team: {team};']").first.click()
    page.get_by_role("heading", name="People:", exact=False).first.wait_for(timeout=30_000)
    settle(page)
    assert_no_errors(page)
    url = urllib.parse.urlparse(page.url)
    assert url.path == "/people"
    assert urllib.parse.parse_qs(url.query)["team"] == [team]
    assert page.locator("[data-testid='stSidebar'] [data-tag]").filter(has_text=team).count() == 1


@pytest.mark.parametrize(("tab", "name"), [("Over 24 months", "overview-trend"),
                                          ("What holds people back", "overview-blockers")])
def test_an_overview_tab_draws_its_chart_when_opened_and_the_url_keeps_it(page, app_url, tab, name):
    page.goto(app_url)
    page.get_by_role("heading", name="Readiness overview").wait_for(timeout=60_000)
    settle(page, 2)
    page.get_by_role("tab", name=tab).click()
    page.wait_for_function("() => new URLSearchParams(location.search).has('view')", timeout=30_000)
    open_panel = page.locator("[role='tabpanel']:visible .vega-embed svg.marks")
    open_panel.first.wait_for(timeout=60_000)
    settle(page, 1)
    assert_no_errors(page)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["view"] == [tab]
    screenshot(page, name)
    page.reload()  # the link alone reopens the tab
    page.get_by_role("heading", name="Readiness overview").wait_for(timeout=60_000)
    open_panel.first.wait_for(timeout=60_000)
    settle(page, 1)
    assert page.get_by_role("tab", name=tab).get_attribute("aria-selected") == "true"


def test_a_deep_link_is_the_first_request_to_a_fresh_server(page, demo, server_database, tmp_path):
    team = demo["team"]
    query = urllib.parse.urlencode({"team": team, "range": demo["range"]})
    with streamlit_server(server_database, tmp_path / "fresh.log") as url:
        page.goto(f"{url}/team?{query}")
        page.get_by_role("heading", name=f"Team: {team}", exact=True).wait_for(timeout=60_000)
        settle(page, 1)
        assert_no_errors(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        # The router ran, not pages/ auto-discovery: our sections, the viewer check and the filters from the link.
        assert sidebar.get_by_text("Readiness", exact=True).count() >= 1
        assert sidebar.get_by_text("Planning", exact=True).count() == 1
        assert sidebar.locator("[data-testid='stSidebarNavLink']").filter(has_text="app").count() == 0
        assert sidebar.get_by_text("Demo mode: signed in as administrator (sign-in not configured").count() == 1
        assert sidebar.locator("[data-tag]").filter(has_text=team).count() == 1
        assert sidebar.locator("[data-tag]").filter(has_text=f"Range {demo['range']}").count() == 1
        screenshot(page, "deep-link-team")


@pytest.mark.parametrize("path", ["/", "/team?team=Blue%20Badge", "/person?staff_id=S0001", "/blockers",
                                  "/succession", "/framework", "/data"])
def test_with_sign_in_configured_a_deep_link_shows_the_prompt_and_no_data(page, server_database, tmp_path, path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "test"\n'
                       'client_id = "id"\nclient_secret = "secret"\n'
                       'server_metadata_url = "https://login.example.org/.well-known/openid-configuration"\n')
    with streamlit_server(server_database, tmp_path / "signin.log", "--secrets.files", str(secrets)) as url:
        page.goto(url + path)
        page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
        settle(page)
        assert_no_errors(page)
        assert page.locator("[data-testid='stMetric'], [data-testid='stDataFrame'], [data-testid='stTable'], "
                            ".vega-embed").count() == 0
        assert page.locator("[data-testid='stSidebarNavLink']").count() == 0
        if path == "/team?team=Blue%20Badge":
            screenshot(page, "sign-in-prompt")


def test_data_page_checks_an_upload_then_loads_it_and_the_app_notices(page, demo, server_database, tmp_path):
    database = tmp_path / "copy.duckdb"
    database.write_bytes(server_database.read_bytes())
    bad, good = tmp_path / "access.csv", tmp_path / "good" / "access.csv"
    bad.write_text("email,role\nhr.lead@example.org,superuser\n=cmd|' /C calc'!A0,admin\n")
    good.parent.mkdir()
    good.write_text("email,role\nhr.lead@example.org,admin\n")
    with streamlit_server(database, tmp_path / "data.log") as url:
        page.goto(f"{url}/data")
        page.get_by_role("heading", name="Load log").wait_for(timeout=60_000)
        settle(page)
        page.locator("[data-testid='stSelectbox']").filter(has_text="What are you loading?").click()
        page.get_by_role("option", name="Access list (administrators and senior managers)").click()
        settle(page)
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(bad))
        page.get_by_text("problem(s) in").wait_for(timeout=30_000)
        settle(page)
        assert_no_errors_but_the_check(page)
        assert page.get_by_role("button", name="Load 1 file(s)").count() == 0  # nothing to load until fixed
        screenshot(page, "data-check-problems")
        page.locator("[data-testid='stFileChipDeleteBtn']").first.click()
        settle(page)
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(good))
        page.get_by_role("button", name="Load 1 file(s)").click()
        page.get_by_text("access.csv: loaded").wait_for(timeout=60_000)
        settle(page)
        assert_no_errors(page)
        assert page.get_by_text("Every page now shows the new data").count() == 1
        screenshot(page, "data-loaded")
    con = duckdb.connect(str(database), read_only=True)
    try:
        assert con.execute("select email, access_role from access").fetchall() == [("hr.lead@example.org", "admin")]
    finally:
        con.close()


def assert_no_errors_but_the_check(page) -> None:
    # The check's own "problems found" message is an st.error by design; a crash is not.
    assert page.locator("[data-testid='stException']").count() == 0


def test_the_meeting_pack_is_written_when_its_button_is_clicked(page, app_url, demo, tmp_path):
    # The workbook is a deferred download: built on the click, in a thread of its own, not on every render.
    page.goto(app_url + "/succession")
    settle(page, charts=1)
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Download the meeting pack (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("succession-pack-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    assert workbook.sheetnames[:4] == ["About", "Roles", "People in post", "Shortlist"]
    assert workbook["Roles"].max_row > 1
    assert_no_errors(page)
