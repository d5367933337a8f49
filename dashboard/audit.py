"""Records each opening of a person's record in the view log, once per session and person."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders import audit
from loaders.database import database_path
from warehouse.queries import Viewer


def record_person_view(viewer: Viewer, staff_id: str, page: str) -> None:
    # Reruns (a widget change, a new as-of date) are the same visit, not a new opening of the record.
    seen = st.session_state.setdefault("viewed-people", set())
    if (staff_id, page) in seen:
        return
    audit.record_view(viewer.email, viewer.access_role, staff_id, page, database_path())
    seen.add((staff_id, page))


def view_log(viewer: Viewer) -> pd.DataFrame:
    """Administrators only: who opened which record, newest first."""
    if not viewer.can_load:
        return pd.DataFrame()
    return audit.view_log(database_path())
