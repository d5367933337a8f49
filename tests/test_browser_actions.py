# ruff: noqa: F811  (the fixtures imported from tests/test_browser.py are parameters by name)
"""In headless Chromium: a figure opens the named list behind it, and the pages read at 1440 px and on a phone.

Reuses the server and helpers of tests/test_browser.py. Screenshots go to test-artifacts/screenshots/
(`actions-*`) for a person to look at.
"""

from __future__ import annotations

import urllib.parse

import duckdb
import pytest

from tests.test_browser import (  # noqa: F401  (fixtures used by name)
    SCREENSHOTS,
    app_url,
    assert_no_errors,
    demo,
    server_database,
    settle,
)

pytestmark = pytest.mark.browser

WIDTHS = {"wide": 1440, "phone": 390}


def screenshot_at(page, name: str, width: int) -> None:
    """The whole page at `width` px: Streamlit scrolls inside stMain, so the window grows to fit it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(800)
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                           "'[data-testid=stMain], [data-testid=stMainBlockContainer]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": width, "height": min(max(height + 80, 900), 9000)})
    page.wait_for_timeout(800)
    page.screenshot(path=SCREENSHOTS / f"actions-{name}-{width}.png")


def query(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)


@pytest.fixture(scope="module")
def facts(demo, server_database):
    con = duckdb.connect(str(server_database), read_only=True)
    try:
        team, people = con.execute("""select team, count(*) from readiness where status = 'not_ready'
                                      group by team order by count(*) desc, team limit 1""").fetchone()
        top = con.execute("""select staff_id from readiness where status = 'top_of_role'
                             and staff_id in (select staff_id from succession) order by staff_id limit 1""").fetchone()[0]
    finally:
        con.close()
    return {**demo, "segment_team": team, "segment_people": people, "top_of_role": top}


def test_clicking_a_chart_segment_opens_the_people_behind_it(page, app_url, facts):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(app_url)
    page.get_by_role("heading", name="Readiness overview").wait_for(timeout=120_000)
    settle(page, 2)
    team = facts["segment_team"]
    page.locator(f".vega-embed path[aria-label*='Team: {team}; Readiness: Not ready']").first.click()
    page.get_by_role("heading", name="People: Not ready", exact=True).wait_for(timeout=30_000)
    settle(page)
    assert_no_errors(page)
    assert urllib.parse.urlparse(page.url).path == "/people"
    assert query(page)["team"] == [team] and query(page)["status"] == ["not_ready"]
    assert page.locator("[data-testid='stMetricValue']").first.inner_text() == str(facts["segment_people"])
    assert page.get_by_role("button", name="Download CSV").count() == 1
    screenshot_at(page, "people-from-segment", 1440)


def test_a_tile_link_opens_its_list_when_the_overview_has_one(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="Readiness overview").wait_for(timeout=120_000)
    settle(page, 2)
    tile = page.locator(".st-key-tile-not_ready")
    count = tile.locator("[data-testid='stMetricValue']").inner_text()
    # Markdown links open a new tab; follow the tile's link in this one.
    href = tile.locator("a[href*='people?']").first.get_attribute("href")
    page.goto(urllib.parse.urljoin(page.url, href))
    page.get_by_role("heading", name="People: Not ready", exact=True).wait_for(timeout=60_000)
    settle(page)
    assert_no_errors(page)
    assert urllib.parse.urlparse(page.url).path == "/people"
    assert query(page)["status"] == ["not_ready"]
    assert page.locator("[data-testid='stMetricValue']").first.inner_text() == count


PAGES = [
    ("overview", "/", "Readiness overview", 2),
    ("team", "/team?team={team}", "Team: {team}", 1),
    ("person", "/person?staff_id={staff_id}", None, 1),
    ("person-top", "/person?staff_id={top_of_role}", None, 1),
    ("people", "/people?status=training_expired", "People: Expired mandatory training", 0),
]


@pytest.mark.parametrize("width", WIDTHS.values(), ids=list(WIDTHS))
@pytest.mark.parametrize(("name", "path", "heading", "charts"), PAGES, ids=[row[0] for row in PAGES])
def test_pages_read_at_desktop_and_phone_widths(page, app_url, facts, width, name, path, heading, charts):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(app_url + path.format(**{key: urllib.parse.quote(str(value)) for key, value in facts.items()}))
    if heading:
        page.get_by_role("heading", name=heading.format(**facts), exact=True).wait_for(timeout=120_000)
    settle(page, charts)
    assert_no_errors(page)
    # Every chart draws marks, at any width (at 390 px the team chart used to draw labels and no bars).
    for chart in page.locator(".vega-embed").all():
        assert chart.locator("path[aria-roledescription='bar'], path[aria-roledescription='rect'], "
                             "path[aria-roledescription='point'], path[aria-label]").count() > 0
    # The demo notice is in the main area, not only in the (collapsed, on a phone) sidebar.
    assert page.locator("[data-testid='stMain']").get_by_text("Demo data: generated people").count() >= 1
    screenshot_at(page, name, width)


def test_the_data_page_checks_every_file_and_names_a_file_of_another_kind(page, app_url, tmp_path):
    header = "role_code,role_title,range,level,level_name,category,number,criterion\n"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(header + "ZZA,Role A,3,A,Developing,Nonsense,1,Some words\n")
    second.write_text(header + "ZZB,Role B,x,A,Developing,Knowledge,1,Other words\n")
    staff = tmp_path / "people.csv"
    staff.write_text("staff_id,name,team,line_manager_id,role,level,level_start_date,email\n"
                     "S9001,Alex Example,Blue Badge,,CBSO,A,2025-04-01,alex@example.org\n")
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{app_url}/data")
    page.get_by_role("heading", name="Load log").wait_for(timeout=120_000)
    settle(page)
    assert page.get_by_text("Choose what you are loading first").count() == 1
    assert page.locator("[data-testid='stFileUploader']").count() == 0  # no default kind
    page.locator("[data-testid='stSelectbox']").filter(has_text="What are you loading?").click()
    page.get_by_role("option", name="Career framework (the criteria file, with its _roles and _rules files)").click()
    settle(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files([str(first), str(second)])
    page.get_by_text("second.csv").first.wait_for(timeout=30_000)
    settle(page)
    problems = page.locator("[data-testid='stTable']").last.inner_text()
    assert "first.csv" in problems and "second.csv" in problems  # every file's problems, not only the first
    screenshot_at(page, "data-two-files", 1440)
    page.locator("[data-testid='stSelectbox']").filter(has_text="What are you loading?").click()
    page.get_by_role("option", name="Evidence").click()
    single = page.locator("[data-testid='stFileUploader']").filter(has_text="File (CSV or Excel)")
    single.wait_for(timeout=30_000)  # the single-file uploader (the framework's is "Files")
    settle(page)
    single.locator("input[type='file']").set_input_files(str(staff))
    page.get_by_text("its columns look like a “Staff list” file").wait_for(timeout=30_000)
    settle(page)
    with page.expect_download(timeout=30_000) as download_info:
        page.get_by_role("button", name="Download the template").click()
    assert download_info.value.suggested_filename == "evidence-template.csv"
    screenshot_at(page, "data-wrong-kind", 1440)
