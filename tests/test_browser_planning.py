"""The planning pages in headless Chromium on a future as-of date: the Overview's tiles and forecasts, and the
Succession page's bench, risk and bench over time. Screenshots go to test-artifacts/screenshots/ to be looked at."""

from __future__ import annotations

import datetime as dt
import urllib.parse

import pytest
from test_browser import FIRST_BUILD_SECONDS, app_url, assert_no_errors, demo, screenshot, server_database, settle

pytestmark = pytest.mark.browser
__all__ = ["app_url", "demo", "server_database"]  # fixtures shared with tests/test_browser.py

FUTURE = dt.date.today() + dt.timedelta(days=120)


def test_the_overview_on_a_future_date_states_its_assumption_and_links_every_tile(page, app_url, demo):
    page.goto(f"{app_url}/?as_of={FUTURE.isoformat()}")
    page.get_by_role("heading", name="Readiness overview").wait_for(timeout=FIRST_BUILD_SECONDS * 1000)
    settle(page, charts=2)
    assert_no_errors(page)
    assert page.get_by_text("A future date: who will be ready by").count() == 1
    links = [urllib.parse.urlparse(urllib.parse.urljoin(page.url, link.get_attribute("href")))
             for link in page.get_by_role("link", name="See who").all()]
    statuses = [urllib.parse.parse_qs(link.query).get("status", [None])[0] for link in links]
    assert {"ready", "ready_on", "not_ready", "top_of_role"} <= set(statuses)
    for link in links:
        assert link.path.endswith("/people")
        assert urllib.parse.parse_qs(link.query)["as_of"][0] >= FUTURE.isoformat()  # the filters go with the link
    screenshot(page, "planning-overview-future")


def test_the_succession_page_on_a_future_date_shows_the_bench_risk_and_its_history(page, app_url, demo):
    page.goto(f"{app_url}/succession?as_of={FUTURE.isoformat()}")
    page.get_by_role("heading", name="Succession").wait_for(timeout=FIRST_BUILD_SECONDS * 1000)
    settle(page, charts=1)
    assert_no_errors(page)
    assert page.get_by_text("Roles at risk").count() >= 1
    screenshot(page, "planning-succession-future")
    page.get_by_role("tab", name="Bench over 24 months").click()
    settle(page, charts=2)
    assert_no_errors(page)
    screenshot(page, "planning-succession-bench-history")
