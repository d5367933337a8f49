"""In headless Chromium, through the real pages: a staff member submits evidence, their line manager approves it.

Sign-in cannot run offline (it needs the identity provider), so the server uses the load benchmark's test-only
identity (dashboard/load_identity.py): honoured only because this server binds 127.0.0.1 with
PROGRESSION_LOAD_TEST_IDENTITY=1, never in production. Each browser carries its own email in that header, so
the app treats it as that person signed in, with sign-in configured. Screenshots go to
test-artifacts/screenshots/ (`evidence-*`).
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest
from test_browser import SCREENSHOTS, assert_no_errors, screenshot, settle, streamlit_server

from deploy import serve
from warehouse import queries

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in_server(demo_db, tmp_path, monkeypatch):
    database = tmp_path / "progression.duckdb"
    shutil.copyfile(demo_db, database)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1/oauth2callback"\ncookie_secret = "test"\n'
                       'client_id = "id"\nclient_secret = "secret"\n'
                       'server_metadata_url = "https://login.invalid/.well-known/openid-configuration"\n')
    monkeypatch.setenv(serve.IDENTITY_ENV, "1")
    monkeypatch.delenv(serve.PUBLIC_ADDRESS_ENV, raising=False)
    with streamlit_server(database, tmp_path / "streamlit.log", "--server.address", "127.0.0.1",
                          "--secrets.files", str(secrets)) as url:
        yield url.replace("localhost", "127.0.0.1"), database


def _people(database) -> dict:
    """A staff member whose line manager has a short queue (so the new item is drawn), and a criterion."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        staff_id, name, email, manager_email = con.execute("""
            select staff.staff_id, person.name, person.email, manager.email
            from staff_in_post_on(current_date) as staff
            join stg_staff as person using (staff_id)
            join stg_staff as manager on manager.staff_id = staff.line_manager_id
            where staff.target_level is not null and staff.level_start_date < current_date - 7
              and staff.staff_id not in (select line_manager_id from stg_staff where line_manager_id is not null)
              and (select count(*) from evidence_waiting_on(current_date) as waiting
                   join visible_staff('manager', manager.staff_id) using (staff_id)) < 15
            order by staff.staff_id limit 1""").fetchone()
        # The form's first choice, which it offers selected.
        own = queries.viewer_for_email(con, email)
        criterion = queries.submittable_criteria(con, own, dt.date.today(), staff_id)["criterion_id"].iloc[0]
    finally:
        con.close()
    return {"staff_id": staff_id, "name": name, "email": email, "manager_email": manager_email,
            "criterion": criterion}


def test_a_submission_and_its_approval_through_the_real_pages(browser, signed_in_server):
    url, database = signed_in_server
    people = _people(database)
    today = dt.date.today()

    staff = browser.new_context(viewport={"width": 1400, "height": 1000},
                                extra_http_headers={serve.IDENTITY_HEADER: people["email"]})
    page = staff.new_page()
    page.goto(url + "/person")
    page.get_by_text("Submit evidence for sign-off").wait_for(timeout=120_000)
    settle(page)
    # Signed in as the staff member (the email is drawn with an invisible word joiner after "@").
    assert "(staff member)" in page.locator("[data-testid='stSidebar']").inner_text()
    page.get_by_text("Submit evidence for sign-off").click()
    page.get_by_label("Where the evidence is saved", exact=True).fill("https://council.sharepoint.example/sites/me/evidence")
    page.get_by_label("Note", exact=True).fill("Ran the team's induction session for two new starters")
    page.get_by_text("I have redacted any identifying information").click()
    screenshot(page, "evidence-submit-form")
    page.get_by_role("button", name="Submit for sign-off").click()
    page.get_by_text("it is now awaiting your line manager").wait_for(timeout=60_000)
    settle(page)
    assert_no_errors(page)
    staff.close()

    manager = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  extra_http_headers={serve.IDENTITY_HEADER: people["manager_email"]})
    page = manager.new_page()
    page.goto(url + "/team")
    page.get_by_role("heading", name="Evidence to sign off").wait_for(timeout=120_000)
    settle(page)
    item = page.locator("[data-testid='stVerticalBlock']").filter(
        has_text=f"{people['name']} ({people['staff_id']}) · {people['criterion']} · work dated {today:%-d %b %Y}").filter(
        has=page.get_by_role("button", name="Record decision")).last
    item.scroll_into_view_if_needed()
    assert "Ran the team's induction session" in item.inner_text()
    screenshot(page, "evidence-team-page")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    item.screenshot(path=SCREENSHOTS / "evidence-signoff-queue.png")
    item.get_by_role("button", name="Record decision").click()  # "Approve" is the default
    page.get_by_text(f"Approved {people['criterion']} for {people['name']}").wait_for(timeout=60_000)
    settle(page)
    assert_no_errors(page)
    manager.close()

    con = duckdb.connect(str(database), read_only=True)
    try:
        decided = con.execute("""select status, decided_on, source from stg_evidence
                                 where staff_id = ? and criterion_id = ? and evidence_date = ?""",
                              [people["staff_id"], people["criterion"], today]).fetchone()
    finally:
        con.close()
    assert decided == ("approved", today, "product")
