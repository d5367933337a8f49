"""The dashboard as `./dev start --workers 2` serves it: two Streamlit processes behind nginx, in headless Chromium.

Through the proxy, with several browsers (each its own sticky cookie, so both processes serve some): a deep
link as the first request to fresh processes, the meeting pack's download, the view log recording every
opening whichever process served it, and sign-in: with sign-in configured a browser without an identity
gets the prompt and no data, and one carrying the load benchmark's test-only identity (honoured only
because this server binds 127.0.0.1 with PROGRESSION_LOAD_TEST_IDENTITY=1; a real identity provider cannot
run offline) is a signed-in manager who sees only their own tree.
"""

from __future__ import annotations

import re
import shutil
import urllib.parse

import duckdb
import openpyxl
import pytest
from test_browser import FIRST_BUILD_SECONDS, assert_no_errors, screenshot, settle

from dashboard.viewer import DEMO_MODE
from deploy import serve
from loaders import audit

pytestmark = pytest.mark.browser
CONTEXTS = 4  # browsers at once; each lands on a process by its own random sticky cookie


@pytest.fixture(scope="module")
def database(demo_db, tmp_path_factory):
    copy = tmp_path_factory.mktemp("workers") / "progression.duckdb"
    shutil.copyfile(demo_db, copy)
    return copy


def _serve(database, log_folder, *arguments, environment=None):
    if serve.nginx_binary() is None:
        pytest.skip("nginx is not installed (./dev test installs it)")
    return serve.running(2, ["--server.address", "127.0.0.1", "--server.port", str(serve.free_port()),
                             "--client.showErrorDetails", "full", *arguments],
                         {"PROGRESSION_DB": str(database), **(environment or {})}, log_folder)


@pytest.fixture(scope="module")
def workers_url(database, tmp_path_factory):
    with _serve(database, tmp_path_factory.mktemp("worker-logs")) as service:
        assert service.workers == 2
        yield service.url


def _facts(database) -> dict:
    con = duckdb.connect(str(database), read_only=True)
    try:
        team = con.execute("select team from readiness group by team order by count(*) desc, team limit 1").fetchone()[0]
        staff = [row[0] for row in con.execute(
            "select staff_id from readiness where requirements_total > 0 order by staff_id limit ?", [CONTEXTS]).fetchall()]
        manager_id, manager_email = con.execute("""
            select staff_id, email from staff where left_on is null and line_manager_id is not null
            and staff_id in (select line_manager_id from staff where left_on is null)
            order by staff_id limit 1""").fetchone()
    finally:
        con.close()
    return {"team": team, "staff": staff, "manager_id": manager_id, "manager_email": manager_email}


def test_a_deep_link_is_the_first_request_through_the_proxy(browser, database, workers_url):
    facts = _facts(database)
    query = urllib.parse.urlencode({"team": facts["team"]})
    for number in range(CONTEXTS):  # fresh processes: the first requests each process sees are deep links
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{workers_url}/team?{query}")
        page.get_by_role("heading", name=f"Team: {facts['team']}", exact=True).wait_for(
            timeout=FIRST_BUILD_SECONDS * 1000)
        settle(page, 1)
        assert_no_errors(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        assert sidebar.get_by_text(DEMO_MODE).count() == 1  # the demo needs no sign-in; real data would
        assert sidebar.locator("[data-tag]").filter(has_text=facts["team"]).count() == 1
        cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
        assert "progression_worker" in cookies  # the proxy's sticky cookie
        if number == 0:
            screenshot(page, "workers-deep-link-team")
        context.close()


def test_the_meeting_pack_downloads_through_the_proxy(page, workers_url, tmp_path):
    page.goto(workers_url + "/succession")
    settle(page, charts=1)
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Download the meeting pack (Excel)").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    assert workbook.sheetnames[:3] == ["About", "Roles", "People in post"]
    assert workbook["Roles"].max_row > 1
    assert_no_errors(page)


def test_every_opening_is_in_the_view_log_whichever_process_served_it(browser, database, workers_url):
    facts = _facts(database)
    before = len(audit.view_log(database, limit=100_000))
    for staff_id in facts["staff"]:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{workers_url}/person?staff_id={staff_id}")
        page.get_by_role("heading", name=re.compile("^What's left for level")).wait_for(timeout=60_000)
        settle(page, 1)
        assert_no_errors(page)
        context.close()
    log = audit.view_log(database, limit=100_000)
    assert len(log) == before + len(facts["staff"])
    assert set(facts["staff"]) <= set(log["staff_id"])


def test_with_sign_in_configured_the_prompt_then_a_signed_in_manager_sees_their_tree(browser, database, tmp_path):
    facts = _facts(database)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1/oauth2callback"\ncookie_secret = "test"\n'
                       'client_id = "id"\nclient_secret = "secret"\n'
                       'server_metadata_url = "https://login.invalid/.well-known/openid-configuration"\n')
    with _serve(database, tmp_path / "logs", "--secrets.files", str(secrets),
                environment={"PROGRESSION_LOAD_TEST_IDENTITY": "1"}) as service:
        stranger = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = stranger.new_page()
        page.goto(service.url + "/team")
        page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
        settle(page)
        assert page.locator("[data-testid='stMetric'], [data-testid='stDataFrame'], .vega-embed").count() == 0
        stranger.close()
        for _ in range(2):  # two browsers of the same manager, each on its own sticky cookie
            manager = browser.new_context(viewport={"width": 1400, "height": 1000},
                                          extra_http_headers={serve.IDENTITY_HEADER: facts["manager_email"]})
            page = manager.new_page()
            page.goto(service.url)
            page.get_by_role("heading", name="Readiness overview").wait_for(timeout=60_000)
            settle(page, 2)
            assert_no_errors(page)
            sidebar = page.locator("[data-testid='stSidebar']")
            # Addresses are drawn with an invisible word joiner after "@" (dashboard/text.py), so no link is made.
            assert f"Signed in as {facts['manager_email']} (manager)" in sidebar.inner_text().replace("\u2060", "")
            manager.close()
