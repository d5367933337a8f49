"""Submitting evidence and signing it off, as Streamlit forms shared by the Person, Team and career pages.

The forms only collect and show: every write goes through `loaders.evidence_events` (validated, written
atomically, checked in SQL against the writer's rights, logged), as the identity `viewer.writer()` allows.
Values from people (notes, references, criteria) are shown through `plain()`.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import streamlit as st

from dashboard import glossary
from dashboard import viewer as viewers
from dashboard.connection import ask
from dashboard.text import counted, plain
from loaders import evidence_events
from loaders.database import database_path
from loaders.errors import LoadError
from warehouse import queries
from warehouse.queries import Viewer

DONE = "_evidence_done"
QUEUE_SHOWN = 20



def waited(working_days: int) -> str:
    """How long an item has waited, as a person would say it."""
    if working_days <= 0:
        return "today"
    return f"{working_days} working day{'' if working_days == 1 else 's'} ago"

def _flash() -> None:
    # The result of the last write, shown once after the rerun that reads the swapped-in database.
    message = st.session_state.pop(DONE, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _refused(error: LoadError) -> None:
    st.error(f"Not saved. {plain(str(error))}", icon=":material/block:")


def _not_written(error: Exception) -> None:
    # The database or its log could not be written (a full disk, a failed rename): the write changed nothing.
    st.error(f"Not saved: the database or its log could not be written ({plain(type(error).__name__)}: "
             f"{plain(str(error))}). Nothing was changed; try again, and tell your administrator if it happens again.",
             icon=":material/error:")


def submit_form(viewer: Viewer, staff_id: str, page: str, *, role_code: str | None = None, level: str | None = None,
                key: str = "submit-evidence") -> None:
    """"Submit evidence" for the viewer's own record: a criterion, the date of the work, where it is saved, a
    note and the GDPR reminder confirmed. Shown only when the viewer is looking at themselves."""
    if viewer.staff_id is None or viewer.staff_id != staff_id:
        return
    _flash()
    criteria = ask(queries.submittable_criteria, viewer, dt.date.today(), staff_id, role_code, level)
    with st.expander("Submit evidence for sign-off", icon=":material/upload:", expanded=False):
        writer, why_not = viewers.writer()
        if writer is None:
            st.info(why_not)
            return
        if criteria.empty:
            st.info("There is no criterion here you can submit evidence against.")
            return
        labels = dict(zip(criteria["criterion_id"], criteria["criterion_id"] + " · "
                          + criteria["criterion"].map(glossary.flagged), strict=True))
        with st.form(key, clear_on_submit=False):
            criterion_id = st.selectbox("Criterion", list(labels), format_func=labels.get, key=f"{key}-criterion")
            evidence_date = st.date_input("Date of the work", value=dt.date.today(), max_value=dt.date.today(),
                                          format="DD/MM/YYYY", key=f"{key}-date")
            reference = st.text_input("Where the evidence is saved", key=f"{key}-ref",
                                      placeholder="A link (https://...) or a reference to your work area",
                                      help="Not the file itself: where it is kept, so your line manager can open it.")
            note = st.text_area("Note", key=f"{key}-note", max_chars=evidence_events.NOTE_LIMIT,
                                placeholder="What the evidence shows, in a sentence or two")
            st.warning(evidence_events.GDPR_REMINDER, icon=":material/privacy_tip:")
            confirmed = st.checkbox("I have redacted any identifying information", key=f"{key}-gdpr")
            if st.form_submit_button("Submit for sign-off", type="primary"):
                try:
                    evidence_events.submit(writer, staff_id, criterion_id, evidence_date, reference, note,
                                           gdpr_confirmed=confirmed, page=page, db=database_path())
                except LoadError as error:
                    _refused(error)
                except (OSError, duckdb.Error) as error:
                    _not_written(error)
                else:
                    st.session_state[DONE] = (f"Submitted {criterion_id} for sign-off: it is now awaiting your "
                                              "line manager's decision.")
                    st.rerun()


def signoff_queue(viewer: Viewer, page: str) -> None:
    """The evidence the viewer may sign off (their tree, never their own), oldest first, each with approve or
    reject and a note; a rejection needs a reason."""
    st.subheader("Evidence to sign off")
    _flash()
    search = st.session_state.get("signoff-search", "")
    queue = ask(queries.signoff_queue, viewer, dt.date.today(), QUEUE_SHOWN, search)
    total = int(queue["rows_in_total"].iloc[0]) if len(queue) else 0
    if total > QUEUE_SHOWN or search:
        st.text_input("Find a person in the queue", key="signoff-search", max_chars=100,
                      placeholder="Part of a name or a staff ID")
    if not total:
        st.caption("Nobody in the queue matches that search." if search else "Nothing is waiting for your sign-off.")
        return
    overdue, limit = int(queue["is_overdue"].sum()), int(queue["overdue_after_working_days"].max())
    st.caption(f"{counted(total, 'item')} waiting for you, oldest first"
               + (f" (showing the first {QUEUE_SHOWN})" if total > QUEUE_SHOWN else "")
               + (f"; {overdue} of those shown {'has' if overdue == 1 else 'have'} waited more than {limit} "
                  "working days." if overdue else "."))
    writer, why_not = viewers.writer()
    if writer is None:
        st.info(why_not)
    for _, row in queue.iterrows():
        key = f"decide-{row['staff_id']}-{row['criterion_id']}-{row['evidence_date']:%Y%m%d}"
        with st.container(border=True):
            st.markdown(f"**{plain(row['name'])}** ({plain(row['staff_id'])}) · {plain(row['criterion_id'])} · "
                        f"work dated {row['evidence_date']:%-d %b %Y} · submitted {row['submitted_on']:%-d %b %Y}, "
                        f"{waited(int(row['working_days_waiting']))}"
                        + (f" · :red[waited more than {limit} working days]" if row["is_overdue"] else ""))
            st.caption(plain(glossary.flagged(row["criterion"])))
            st.markdown(f"Saved at: {plain(row['evidence_ref']) or '—'}")
            st.markdown(f"Note: {plain(row['note']) or '—'}")
            if writer is None:
                continue
            with st.form(key):
                decision = st.radio("Decision", ["approved", "rejected"], horizontal=True, key=f"{key}-decision",
                                    format_func={"approved": "Approve", "rejected": "Reject"}.get)
                note = st.text_input("Note (a rejection needs a reason)", key=f"{key}-note",
                                     max_chars=evidence_events.NOTE_LIMIT)
                if st.form_submit_button("Record decision"):
                    try:
                        evidence_events.decide(writer, row["staff_id"], row["criterion_id"], row["evidence_date"],
                                               decision, note, page=page, db=database_path())
                    except LoadError as error:
                        _refused(error)
                    except (OSError, duckdb.Error) as error:
                        _not_written(error)
                    else:
                        st.session_state[DONE] = (f"{'Approved' if decision == 'approved' else 'Rejected'} "
                                                  f"{row['criterion_id']} for {row['name']}.")
                        st.rerun()


def overdue_figure(column, viewer: Viewer, filters) -> None:
    figures = ask(queries.overdue_signoffs, viewer, filters)
    column.metric(glossary.SIGN_OFF_OVERDUE.name, figures["overdue"], help=glossary.SIGN_OFF_OVERDUE.meaning)


def waits_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Team": frame["team"], "Waiting": frame["waiting"],
                         f"Waited more than {int(frame['overdue_after_working_days'].max())} working days":
                             frame["overdue"],
                         "Oldest submitted": frame["oldest_submitted_on"],
                         "Longest wait (working days)": frame["longest_working_days"]})
