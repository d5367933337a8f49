"""The view log from the pages: every view of personal data and every download, with who really looked.

Pages call `record_view` where they show people (Person, Team members and heatmap, the Blockers people
list, Succession candidates); `dashboard.downloads` logs every download itself. Each row names the viewer,
their role, the real signed-in identity behind a "View as", the page, what was viewed, how many people,
the page's filters (its URL parameters) and the time. Reruns of the same view in a session (a widget
change, a new as-of date on the same person) are one visit, logged once.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import viewer as viewers
from loaders import audit
from loaders.database import database_path
from warehouse.queries import Viewer

SEEN = "viewed-personal-data"


def _filters() -> dict:
    # The page's URL parameters: sidebar filters, tabs and choices. A person is recorded in its own column
    # (erasure can then anonymise it), not here.
    return {key: values if len(values) > 1 else values[0]
            for key in st.query_params if key != "staff_id" and (values := st.query_params.get_all(key))}


def _identity(viewer: Viewer) -> dict:
    real = viewers.real_viewer() or viewer
    return {"viewer_email": viewer.email, "viewer_role": viewer.access_role,
            "real_email": real.email, "real_role": real.access_role}


def record_view(viewer: Viewer, page: str, *, staff_id: str | None = None, subject: str | None = None,
                people: int | None = None) -> None:
    """Log one view of personal data, once per session for the same viewer, page, person or subject and filters."""
    filters = _filters()
    identity = _identity(viewer)
    # A person's record stays one visit across reruns with other filters; a list is another view when they change.
    key = (page, identity["viewer_email"], identity["real_email"], staff_id, subject,
           None if staff_id else json.dumps(filters, sort_keys=True))
    seen = st.session_state.setdefault(SEEN, set())
    if key in seen:
        return
    audit.record(page, "view", staff_id=staff_id, subject=subject, people=people, filters=filters or None,
                 db=database_path(), **identity)
    seen.add(key)


def record_person_view(viewer: Viewer, staff_id: str, page: str) -> None:
    record_view(viewer, page, staff_id=staff_id, people=1)


def logged_download(make: Callable[[], bytes], file_name: str, people: Callable[[bytes], int | None] | None = None,
                    page: str | None = None) -> Callable[[], bytes]:
    """Wrap a deferred download so that producing it (the click) is logged with its file name and row count.

    Everything about the viewer is captured now, while the page runs: the download itself is produced
    later, outside the script run.
    """
    from dashboard.router import current_page

    viewer = viewers.routed_viewer() or Viewer(None, None)
    identity, filters, db = _identity(viewer), _filters(), database_path()
    page = page or current_page()

    def produce() -> bytes:
        data = make()
        audit.record(page, "download", subject=file_name, people=people(data) if people else None,
                     filters=filters or None, db=db, **identity)
        return data

    return produce


def view_log(viewer: Viewer, **filters) -> pd.DataFrame:
    """Administrators only: the view log, newest first, filtered (see loaders.audit.view_log)."""
    if not viewer.can_load:
        return pd.DataFrame()
    return audit.view_log(database_path(), **filters)
