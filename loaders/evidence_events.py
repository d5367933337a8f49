"""Evidence submitted and signed off in the product: validate, one short transaction, then the view log.

The one write path for the Person page's "Submit evidence", "What would it take?" and the sign-off queue.
Each write is a load in miniature (`loaders.database.writing`): under the writer lock it copies the
database, appends one row to `evidence_events` in one transaction, and swaps the copy in (fsync + atomic
rename). It returns only after the swap, so an acknowledged submission or decision is on disk; a writer
killed before that leaves the live file as it was. Concurrent decisions queue on the writer lock, so both land.

Who may write is decided in SQL (`evidence_rights`, `submittable_criteria`) and checked *inside* the write's
transaction, against the identity re-resolved from its email there: a page's say-so is never trusted.
Every refusal names the field and what is wrong (`EvidenceRefused`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path

import pandas as pd

from loaders import audit
from loaders.database import connect_read_only, database_path, writing
from loaders.errors import LoadError
from warehouse.scope import Viewer

GDPR_REMINDER = ("When you are collecting evidence and saving in a work area, please ensure your adherence to "
                 "GDPR redacting any identifying information.")
NOTE_LIMIT = 2_000
REFERENCE_LIMIT = 500
DECISIONS = ("approved", "rejected")
LOCAL_EMAIL = "local"
LOCAL_ADMIN_VARIABLE = "PROGRESSION_LOCAL_ADMIN"
# A scheme ("javascript:", "data:", "https:"); one letter is a Windows drive ("C:\..."), a plain reference.
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The columns of evidence.csv, in its order: `export` writes them so `load evidence` reads them back.
FILE_COLUMNS = ["staff_id", "criterion_id", "evidence_date", "status", "assessor", "note", "evidence_ref"]
# A cell a spreadsheet would run as a formula (after any apostrophes already escaping one).
FORMULA = re.compile(r"^'*[=+\-@\t\r]")


class EvidenceRefused(LoadError):
    """A submission or decision that is not allowed or not valid; `field` names what is wrong."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


# ---------------------------------------------------------------- checks that need no database


def clean_note(note: str | None, *, required: bool, what: str = "note") -> str | None:
    text = (note or "").strip()
    if not text:
        if required:
            raise EvidenceRefused(what, "write a short note" if what == "note" else f"give a {what}")
        return None
    if len(text) > NOTE_LIMIT:
        raise EvidenceRefused(what, f"is {len(text):,} characters long; keep it to {NOTE_LIMIT:,} or fewer")
    if CONTROL.search(text):
        raise EvidenceRefused(what, "contains control characters; type it as plain text")
    return text


def clean_reference(reference: str | None) -> str:
    """A link (http or https only) or a plain reference to the work area; never the file itself."""
    text = (reference or "").strip()
    if not text:
        raise EvidenceRefused("evidence_ref", "say where the evidence is saved (a link or a reference to your work area)")
    if len(text) > REFERENCE_LIMIT:
        raise EvidenceRefused("evidence_ref", f"is {len(text):,} characters long; keep it to {REFERENCE_LIMIT} or fewer "
                                              "(a link or a reference, not the evidence itself)")
    if CONTROL.search(text) or "\n" in text or "\r" in text or "\t" in text:
        raise EvidenceRefused("evidence_ref", "contains control characters or line breaks; give one link or reference")
    scheme = SCHEME.match(text)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        raise EvidenceRefused("evidence_ref", f"a {scheme.group(1).lower()}: link is not allowed; give an http:// or "
                                              "https:// link, or a plain reference such as a folder path")
    return text


def clean_date(value, today: dt.date) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise EvidenceRefused("evidence_date", f"{value!r} is not a date (use YYYY-MM-DD)") from None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise EvidenceRefused("evidence_date", "give the date of the work")
    if value > today:
        raise EvidenceRefused("evidence_date", f"{value:%d %b %Y} is in the future: give the date the work was done")
    return value


# ---------------------------------------------------------------- checks inside the write's transaction


def _actor(con, actor: Viewer) -> Viewer:
    """Who is writing, re-resolved from the database inside the transaction (never the page's word)."""
    if actor.email == LOCAL_EMAIL:
        if actor.access_role == "admin" and os.environ.get(LOCAL_ADMIN_VARIABLE) == "1":
            return Viewer(LOCAL_EMAIL, "admin", None)
        raise EvidenceRefused("identity", "nobody is signed in, so nothing can be submitted or signed off")
    if not actor.email:
        raise EvidenceRefused("identity", "nobody is signed in, so nothing can be submitted or signed off")
    row = con.execute("select access_role, staff_id from viewer_access(?)", [actor.email]).fetchone()
    if row is None:
        raise EvidenceRefused("identity", f"{actor.email} is not set up to use this dashboard")
    return Viewer(actor.email, row[0], row[1])


def _rights(con, actor: Viewer, staff_id: str) -> tuple[bool, bool]:
    row = con.execute("select can_submit, can_decide from evidence_rights(?, ?) where staff_id = ?",
                      [actor.access_role, actor.staff_id, staff_id]).fetchone()
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def _piece(con, staff_id: str, criterion_id: str, evidence_date: dt.date):
    return con.execute("""select status, assessor, decided_on from stg_evidence
                          where staff_id = ? and criterion_id = ? and evidence_date = ?""",
                       [staff_id, criterion_id, evidence_date]).fetchone()


def _append(con, **row) -> str:
    row = {"event_id": uuid.uuid4().hex, "recorded_at": dt.datetime.now(), "source": "product", **row}
    names = list(row)
    con.execute(f"insert into evidence_events ({', '.join(names)}) values ({', '.join('?' * len(names))})",
                [row[name] for name in names])
    return row["event_id"]


def submit(actor: Viewer, staff_id: str, criterion_id: str, evidence_date, evidence_ref: str, note: str, *,
           gdpr_confirmed: bool, page: str, db: Path | str | None = None, today: dt.date | None = None) -> str:
    """Record one piece of evidence as submitted for sign-off; returns its event_id once it is on disk."""
    today = today or dt.date.today()
    if not gdpr_confirmed:
        raise EvidenceRefused("gdpr", "confirm the GDPR reminder first: " + GDPR_REMINDER)
    evidence_date = clean_date(evidence_date, today)
    evidence_ref = clean_reference(evidence_ref)
    note = clean_note(note, required=True)
    criterion_text = (criterion_id or "").strip().upper()
    # One row of evidence_events, for one person: only that person's rows of the facts reading it change.
    with writing(database_path(db), changed={"evidence_events"}, staff_ids=[staff_id]) as con:
        con.execute("begin")
        who = _actor(con, actor)
        can_submit, _ = _rights(con, who, staff_id)
        if not can_submit:
            raise EvidenceRefused("staff_id", "you can submit evidence only for yourself")
        known = con.execute("""select least(staff.level_start_date, min(acting.start_date))
                               from staff_in_post_on(?) as staff left join stg_acting as acting using (staff_id)
                               where staff.staff_id = ? group by staff.level_start_date""",
                            [today, staff_id]).fetchone()
        if known is None:
            raise EvidenceRefused("staff_id", f"{staff_id} is not in post today")
        criterion = con.execute("""select criterion_id from submittable_criteria(?)
                                   where staff_id = ? and upper(criterion_id) = ?""",
                                [today, staff_id, criterion_text]).fetchone()
        if criterion is None:
            exists = con.execute("select is_time_based from stg_criteria where upper(criterion_id) = ?",
                                 [criterion_text]).fetchone()
            if exists is None:
                raise EvidenceRefused("criterion_id", f"{criterion_id!r} is not a criterion of any loaded framework")
            if exists[0]:
                raise EvidenceRefused("criterion_id", f"{criterion_text} is a minimum time at level: it is worked out "
                                                      "from dates, not evidenced")
            raise EvidenceRefused("criterion_id", f"{criterion_text} is another role's criterion: choose one of your "
                                                  "target level's, or of a role you can aim for")
        criterion_id = criterion[0]
        if evidence_date < known[0]:
            raise EvidenceRefused("evidence_date", f"{evidence_date:%d %b %Y} is before you joined this role "
                                                   f"({known[0]:%d %b %Y}, the earliest date the staff records hold)")
        existing = _piece(con, staff_id, criterion_id, evidence_date)
        if existing is not None:
            raise EvidenceRefused("evidence_date", f"evidence for {criterion_id} dated {evidence_date:%d %b %Y} is "
                                                   f"already recorded ({existing[0]}): give the date of this piece of work")
        event_id = _append(con, staff_id=staff_id, criterion_id=criterion_id, evidence_date=evidence_date,
                           status="submitted", evidence_ref=evidence_ref, note=note, recorded_by=who.staff_id,
                           recorded_by_email=who.email, page=page)
        con.execute("commit")
        _log(actor, page, "submit_evidence", staff_id, criterion_id, evidence_date, event_id, db)
    return event_id


def decide(actor: Viewer, staff_id: str, criterion_id: str, evidence_date, decision: str, note: str | None, *,
           page: str, db: Path | str | None = None, today: dt.date | None = None) -> str:
    """Approve or reject one piece of evidence awaiting sign-off; returns its event_id once it is on disk."""
    today = today or dt.date.today()
    if decision not in DECISIONS:
        raise EvidenceRefused("decision", f"{decision!r}: choose approved or rejected")
    note = clean_note(note, required=decision == "rejected",
                      what="reason" if decision == "rejected" else "note")
    evidence_date = clean_date(evidence_date, today)
    # One row of evidence_events, for one person: only that person's rows of the facts reading it change.
    with writing(database_path(db), changed={"evidence_events"}, staff_ids=[staff_id]) as con:
        con.execute("begin")
        who = _actor(con, actor)
        if who.staff_id is not None and who.staff_id == staff_id:
            raise EvidenceRefused("staff_id", "nobody signs off their own evidence: your line manager does")
        _, can_decide = _rights(con, who, staff_id)
        if not can_decide:
            raise EvidenceRefused("staff_id", f"{staff_id} is not in your line-management tree: their own line "
                                              "manager, someone above them or an administrator signs it off")
        piece = _piece(con, staff_id, criterion_id, evidence_date)
        if piece is None:
            raise EvidenceRefused("criterion_id", f"no evidence for {criterion_id} dated {evidence_date:%d %b %Y}")
        if piece[0] != "submitted":
            by = f" by {piece[1]}" if piece[1] else ""
            raise EvidenceRefused("status", f"this evidence is not awaiting sign-off: it was already {piece[0]}{by}")
        assessor = con.execute("select name from stg_staff where staff_id = ?", [who.staff_id]).fetchone()
        assessor_name = assessor[0] if assessor and assessor[0] else (
            "Local administrator" if who.email == LOCAL_EMAIL else who.email)
        event_id = _append(con, staff_id=staff_id, criterion_id=criterion_id, evidence_date=evidence_date,
                           status=decision, evidence_ref=None, note=note, recorded_by=who.staff_id,
                           recorded_by_email=who.email, assessor=assessor_name, decided_on=today, page=page)
        con.execute("commit")
        _log(actor, page, f"{'approve' if decision == 'approved' else 'reject'}_evidence", staff_id, criterion_id,
             evidence_date, event_id, db)
    return event_id


def _log(actor: Viewer, page: str, action: str, staff_id: str, criterion_id: str, evidence_date: dt.date,
         event_id: str, db) -> None:
    # The tamper-evident log: who, what, when (its own time) and from which page. Called inside the write, before
    # its copy is swapped in: if the log cannot be written, the change is not made. A swap failing after it
    # leaves a logged attempt whose event_id evidence_events does not hold, never a change nobody logged.
    audit.record(page, action, viewer_email=actor.email, viewer_role=actor.access_role, staff_id=staff_id,
                 subject=f"{criterion_id} {evidence_date.isoformat()} event {event_id}", people=1,
                 db=database_path(db))


# ---------------------------------------------------------------- export, in evidence.csv's own format


def escape_formula(value):
    """A cell a spreadsheet would run as a formula gets one leading apostrophe; `load evidence` removes it."""
    if isinstance(value, str) and FORMULA.match(value):
        return "'" + value
    return value


def unescape_formula_sql(column: str) -> str:
    """The loader's side of `escape_formula`, in SQL: one leading apostrophe before a formula start is dropped."""
    return (f"case when regexp_matches({column}, '^''+[=+\\-@\\t\\r]') then substr({column}, 2) "
            f"else {column} end")


def history(db: Path | str | None = None) -> pd.DataFrame:
    """The whole evidence history (files and product reconciled, stg_evidence) in evidence.csv's columns."""
    con = connect_read_only(database_path(db))
    try:
        return con.execute(f"""select {', '.join(FILE_COLUMNS)} from stg_evidence
                               order by staff_id, criterion_id, evidence_date""").df()
    finally:
        con.close()


def export(path: Path | str, db: Path | str | None = None) -> int:
    """Write the whole history to `path` as evidence.csv; `load evidence` reads it back unchanged."""
    frame = history(db)
    frame["evidence_date"] = pd.to_datetime(frame["evidence_date"]).dt.strftime("%Y-%m-%d")
    for column in ("staff_id", "criterion_id", "assessor", "note", "evidence_ref"):
        frame[column] = frame[column].map(escape_formula)
    frame.to_csv(path, index=False)
    return len(frame)
