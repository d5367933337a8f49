"""In headless Chromium: the other-council demo (`demo --framework maldon`: a workforce on Maldon's four numbered
levels), "What would it take?" and the framework comparison, with screenshots in test-artifacts/screenshots/
for a person to look at."""

from __future__ import annotations

import urllib.parse

import duckdb
import pytest
from test_browser import assert_no_errors, screenshot, settle, streamlit_server

from loaders.demo import build_demo

pytestmark = pytest.mark.browser


MALDON_ROLE = "CSOL"


@pytest.fixture(scope="module")
def council_database(tmp_path_factory):
    """The demo on Maldon's framework (every shipped framework loaded beside it)."""
    folder = tmp_path_factory.mktemp("council")
    database = folder / "progression.duckdb"
    build_demo(database, folder=folder / "files", frameworks=["maldon"])
    return database


@pytest.fixture(scope="module")
def council_url(council_database, tmp_path_factory):
    with streamlit_server(council_database, tmp_path_factory.mktemp("logs") / "council.log") as url:
        yield url


@pytest.fixture(scope="module")
def facts(council_database):
    con = duckdb.connect(str(council_database), read_only=True)
    try:
        team = con.execute("select team from staff where line_manager_id is not null "
                           "group by team order by count(*) desc, team limit 1").fetchone()[0]
        # Someone part of the way: some requirements met, several left.
        staff_id = con.execute("select staff_id from readiness where level = '1' and team = ? and requirements_met > 0 "
                               "and requirements_missing > 1 order by staff_id limit 1", [team]).fetchone()[0]
    finally:
        con.close()
    return {"team": team, "staff_id": staff_id}


PAGES = [
    # name, path and query, heading, charts drawn
    ("council-overview", "/", "Readiness overview", 2),
    ("council-team", "/team?team={team}", "Team: {team}", 1),
    ("council-person", "/person?staff_id={staff_id}", None, 1),
    ("council-succession", "/succession", "Succession", 0),
    ("career", "/career?staff_id={staff_id}&role=" + MALDON_ROLE + "&level=2", "What would it take?", 0),
    ("career-other-framework", "/career?staff_id={staff_id}&role=CBSO&level=B", "What would it take?", 0),
]


@pytest.mark.parametrize(("name", "path", "heading", "charts"), PAGES, ids=[page[0] for page in PAGES])
def test_the_four_level_demo_draws_every_page(page, council_url, facts, name, path, heading, charts):
    quoted = {key: urllib.parse.quote(str(value)) for key, value in facts.items()}
    page.goto(council_url + path.format(**quoted))
    if heading:
        page.get_by_role("heading", name=heading.format(**facts), exact=True).wait_for(timeout=60_000)
    settle(page, charts)
    assert_no_errors(page)
    screenshot(page, name)
    if name == "career":
        assert page.get_by_text("Requirements met").count() == 1
        assert page.get_by_text("Earliest date time allows").count() + page.get_by_text("Minimum time").count() >= 1


def choose(page, select_index: int, option: str) -> None:
    """Pick `option` in the `select_index`-th selectbox of the open tab."""
    page.locator("[role='tabpanel']:visible [data-testid='stSelectbox']").nth(select_index).click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def left_only(panel) -> int:
    metric = panel.locator("[data-testid='stMetric']").filter(has_text="Only on the left")
    return int(metric.locator("[data-testid='stMetricValue']").inner_text())


def test_compare_two_levels_side_by_side(page, council_url, council_database):
    # The example: Maldon's level 2 against Medway's CABS officer level B.
    con = duckdb.connect(str(council_database), read_only=True)
    try:
        maldon_level_2, maldon_title = con.execute(
            "select 'Level 2: ' || level_name, role_title from levels join roles using (role_code) "
            "where framework = 'maldon_customer_solutions' and level = '2'").fetchone()
    finally:
        con.close()
    page.goto(council_url + "/compare")
    page.get_by_role("heading", name="Compare frameworks", exact=True).wait_for(timeout=60_000)
    settle(page)
    assert_no_errors(page)
    screenshot(page, "compare-browse")
    page.get_by_role("tab", name="Two levels side by side").click()
    settle(page)
    choose(page, 0, "Maldon Customer Solutions")  # left: framework, role, level
    choose(page, 2, maldon_level_2)
    choose(page, 3, "CABS")  # right: framework, role, level
    choose(page, 4, "Customer and Business Support officer · range 3")
    choose(page, 5, "Level B: Practising")
    assert_no_errors(page)
    panel = page.locator("[role='tabpanel']:visible")
    assert panel.get_by_role("heading", name=f"Only in {maldon_title}, level 2").count() == 1
    assert panel.get_by_text("Matched on wording").count() >= 1
    screenshot(page, "compare-side-by-side")
    before = left_only(panel)
    page.get_by_text("Include the levels below each").click()
    settle(page)
    assert_no_errors(page)
    assert left_only(panel) > before  # level 1's criteria join level 2's
    screenshot(page, "compare-with-levels-below")
