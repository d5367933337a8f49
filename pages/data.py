"""Data: administrators upload HR's files, see every problem before anything is written, then load them."""

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.audit import view_log
from dashboard.connection import ask
from dashboard.downloads import table
from dashboard.router import start_page
from loaders.database import database_path
from loaders.errors import LoadError, LoadRejected
from loaders.load import KINDS, check_files, load_files
from warehouse import queries

KIND_LABELS = {
    "framework": "Career framework (the criteria file, with its _roles and _rules files)",
    "staff": "Staff list",
    "evidence": "Evidence",
    "training": "Training records",
    "acting": "Acting up and secondments",
    "mandatory_courses": "Mandatory courses",
    "access": "Access list (administrators and senior managers)",
}

viewer, _filters = start_page(fields=())

st.title("Data")
if not viewer.can_load:
    # Checked here, on the server, for every run: not just a hidden menu item.
    st.warning("Only administrators can load data. If something looks out of date, please contact HR or the "
               "data owner.")
    st.stop()

st.caption(f"Database: {database_path().name}. Each load is checked in full first; a file with any problem "
           "changes nothing. The same loads run from the command line: `python -m loaders load KIND FILE`.")


def _saved(files, folder: Path) -> list[Path]:
    """Uploaded files written under their own names (the framework's name comes from its file name)."""
    paths = []
    for upload in files:
        name = Path(upload.name).name or "upload.csv"
        path = folder / name
        path.write_bytes(upload.getvalue())
        paths.append(path)
    return paths


def _problems(problems) -> pd.DataFrame:
    return pd.DataFrame([{"File": problem.file, "Row": problem.row, "Column": problem.column, "Value": problem.value,
                          "Problem": problem.rule} for problem in problems])


kind = st.selectbox("What are you loading?", list(KINDS), format_func=lambda name: KIND_LABELS.get(name, name),
                    key="data-kind")
generation = st.session_state.setdefault("data-upload-generation", 0)
files = st.file_uploader("Files (CSV or Excel)", type=["csv", "xlsx", "xlsm"], accept_multiple_files=True,
                         key=f"data-upload-{kind}-{generation}",
                         help="For a framework, upload the criteria file and its matching _roles and _rules files together.")

if files:
    fingerprint = (kind, tuple((upload.name, hashlib.sha256(upload.getvalue()).hexdigest()) for upload in files))
    checked = st.session_state.get("data-checked")
    if not checked or checked[0] != fingerprint:
        with st.spinner("Checking every row…"), tempfile.TemporaryDirectory(prefix="progression-upload-") as folder:
            try:
                outcome = ("checked", check_files(kind, _saved(files, Path(folder)), database_path()))
            except LoadRejected as rejection:
                outcome = ("rejected", rejection)
            except LoadError as error:
                outcome = ("error", str(error))
        st.session_state["data-checked"] = checked = (fingerprint, outcome)
    state, detail = checked[1]

    st.subheader("Check")
    if state == "error":
        st.error(detail)
    elif state == "rejected":
        st.error(f"{detail.total} problem(s) found; nothing can be loaded until they are fixed.")
        table(_problems(detail.problems), "problems", empty="")
    else:
        for result in detail:
            if result.problems:
                st.error(f"{result.file_name}: {result.problem_total} problem(s) in {result.rows} rows.")
            else:
                st.success(f"{result.file_name}: {result.rows} rows, all valid.")
            for note in result.notes:
                st.caption(f"{result.file_name}: {note}")
        problems = _problems([problem for result in detail for problem in result.problems])
        if not problems.empty:
            shown_total = sum(result.problem_total for result in detail)
            if shown_total > len(problems):
                st.caption(f"Showing the first {len(problems)} of {shown_total} problems.")
            table(problems, "problems")
        elif st.button(f"Load {len(files)} file(s)", type="primary", key="data-load", icon=":material/upload:"):
            if not viewer.can_load:  # never trust the button alone
                st.stop()
            bar = st.progress(0.0, text="Starting")
            with tempfile.TemporaryDirectory(prefix="progression-upload-") as folder:
                try:
                    results = load_files(kind, _saved(files, Path(folder)), database_path(),
                                         progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message))
                except LoadRejected as rejection:
                    st.error(str(rejection))
                    results = None
                except LoadError as error:
                    st.error(str(error))
                    results = None
            if results is not None:
                st.session_state["data-upload-generation"] = generation + 1
                st.session_state.pop("data-checked", None)
                st.session_state["data-loaded"] = [result.summary() for result in results]
                st.rerun()

for line in st.session_state.pop("data-loaded", []):
    st.success(f"{line}. Every page now shows the new data.")

KIND_NAMES = {"framework": "Framework", "staff": "Staff", "evidence": "Evidence", "training": "Training",
              "acting": "Acting up", "mandatory_courses": "Mandatory courses", "access": "Access list"}
st.subheader("Load log")
log = ask(queries.load_log, viewer)
if not log.empty:
    log = log.assign(kind=log["kind"].map(lambda kind: KIND_NAMES.get(kind, kind)))
table(log.rename(columns={"loaded_at": "Loaded at", "kind": "Kind", "file_name": "File", "outcome": "Outcome",
                          "rows_inserted": "Inserted", "rows_updated": "Updated", "rows_unchanged": "Unchanged",
                          "rows_removed": "Removed", "message": "Notes", "file_sha256": "SHA-256"}),
      "load log", empty="Nothing has been loaded yet.",
      column_config={"Loaded at": st.column_config.DatetimeColumn("Loaded at", format="D MMM YYYY, HH:mm")})

st.subheader("View log")
st.caption("Who opened which person's record, and when (kept for accountability under data protection law).")
table(view_log(viewer).rename(columns={"viewed_at": "Viewed at", "viewer_email": "Viewer", "viewer_role": "Viewer's role",
                                       "staff_id": "Person (staff id)", "page": "Page"}),
      "view log", empty="Nobody has opened a person's record yet.",
      column_config={"Viewed at": st.column_config.DatetimeColumn("Viewed at", format="D MMM YYYY, HH:mm")})
