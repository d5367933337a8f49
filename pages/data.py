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
from dashboard.sign_in import local_admin_requested
from dashboard.text import plain
from dashboard.viewer import sign_in_configured
from loaders import templates
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

if ask(queries.is_demo_database) and not sign_in_configured() and not local_admin_requested():
    st.info("This is the generated demo, shown without sign-in. Loading staff, evidence, training or acting data "
            "makes it real data: from then on every page shows nothing until sign-in is configured, or the "
            "dashboard is restarted with `PROGRESSION_LOCAL_ADMIN=1 ./dev start` (see docs/security.md).",
            icon=":material/lock:")
st.caption(f"Database: {plain(database_path().name)}. Each load is checked in full first; a file with any problem "
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


COMPANION_SUFFIXES = ("_roles", "_rules")


def _groups(files) -> list[list]:
    """The uploads checked together: each file alone, except a framework's criteria file with its _roles and
    _rules files."""
    if kind != "framework":
        return [[upload] for upload in files]
    companions: dict[str, list] = {}
    criteria = []
    for upload in files:
        stem = Path(upload.name).stem.lower()
        suffix = next((suffix for suffix in COMPANION_SUFFIXES if stem.endswith(suffix)), None)
        if suffix:
            companions.setdefault(stem.removesuffix(suffix), []).append(upload)
        else:
            criteria.append(upload)
    groups = [[upload, *companions.pop(Path(upload.name).stem.lower(), [])] for upload in criteria]
    # A companion file alone: the loader says what is wrong.
    return groups + [[upload] for uploads in companions.values() for upload in uploads]


def _check(group) -> tuple[str, object]:
    with tempfile.TemporaryDirectory(prefix="progression-upload-") as folder:
        try:
            return "checked", check_files(kind, _saved(group, Path(folder)), database_path())
        except LoadRejected as rejection:
            return "rejected", rejection
        except LoadError as error:
            return "error", str(error)


kind = st.selectbox("What are you loading?", list(KINDS), format_func=lambda name: KIND_LABELS.get(name, name),
                    key="data-kind", index=None, placeholder="Choose the kind of file first")
if kind is None:
    st.info("Choose what you are loading first: each kind of file has its own columns, and a template of each "
            "(its header and an example row) can be downloaded once it is chosen.")
    files = []
else:
    single = kind in templates.SINGLE_FILE
    files_for = ({"framework": "criteria file", "framework_roles": "roles file (optional)"} if kind == "framework"
                 else {kind: "template"})
    buttons = st.container(horizontal=True, wrap=True)  # labels in full
    for name, words in files_for.items():
        buttons.download_button(f"Download the {words}", templates.template(name),
                               file_name=f"{name}-template.csv", mime="text/csv", key=f"template-{name}",
                               icon=":material/download:", on_click="ignore",
                               help="The columns this kind of file needs, with one example row to replace.")
    generation = st.session_state.setdefault("data-upload-generation", 0)
    uploaded = st.file_uploader(
        "File (CSV or Excel)" if single else "Files (CSV or Excel)", type=["csv", "xlsx", "xlsm"],
        accept_multiple_files=not single, key=f"data-upload-{kind}-{generation}",
        help="One file." if single else "The criteria file and its matching _roles and _rules files together; "
                                         "several frameworks at once are fine.")
    files = ([uploaded] if uploaded else []) if single else list(uploaded or [])

if files:
    st.subheader("Check")
    for upload in files:
        # A file whose columns fit another kind better was probably chosen under the wrong kind.
        stem = Path(upload.name).stem.lower()
        if kind == "framework" and stem.endswith("_rules"):
            continue  # a rules file (setting,value) is like no other kind's file
        expected = "framework_roles" if kind == "framework" and stem.endswith("_roles") else kind
        fits = templates.best_kind(templates.read_header(upload.name, upload.getvalue()))
        if fits and fits != expected:
            st.warning(f"{plain(Path(upload.name).name)}: its columns look like a "
                       f"“{KIND_LABELS.get(fits, 'framework roles file')}” file, not "
                       f"“{KIND_LABELS.get(expected, 'framework roles file')}”. Check the kind chosen above.",
                       icon=":material/swap_horiz:")
    fingerprint = (kind, tuple((upload.name, hashlib.sha256(upload.getvalue()).hexdigest()) for upload in files))
    checked = st.session_state.get("data-checked")
    if not checked or checked[0] != fingerprint:
        with st.spinner("Checking every row…"):
            outcomes = [_check(group) for group in _groups(files)]  # every file checked, not only the first
        st.session_state["data-checked"] = checked = (fingerprint, outcomes)
    outcomes = checked[1]

    every_problem = []
    for state, detail in outcomes:
        if state == "error":
            st.error(plain(detail))
        elif state == "rejected":
            st.error(f"{detail.total} problem(s) found; nothing can be loaded until they are fixed.")
            every_problem.extend(detail.problems)
        else:
            for result in detail:
                if result.problems:
                    st.error(f"{plain(result.file_name)}: {result.problem_total} problem(s) in {result.rows} rows.")
                else:
                    st.success(f"{plain(result.file_name)}: {result.rows} rows, all valid.")
                for note in result.notes:
                    st.caption(f"{plain(result.file_name)}: {plain(note)}")
                every_problem.extend(result.problems)
    problems = _problems(every_problem)
    clean = all(state == "checked" for state, _detail in outcomes)
    if not problems.empty:
        shown_total = sum(detail.total if state == "rejected" else sum(result.problem_total for result in detail)
                          for state, detail in outcomes if state != "error")
        if shown_total > len(problems):
            st.caption(f"Showing the first {len(problems)} of {shown_total} problems.")
        # A static table: long problems wrap instead of being cut off.
        table(problems, "problems", plain=True)
    elif clean and st.button(f"Load {len(files)} file(s)", type="primary", key="data-load", icon=":material/upload:"):
        if not viewer.can_load:  # never trust the button alone
            st.stop()
        bar = st.progress(0.0, text="Starting")
        with tempfile.TemporaryDirectory(prefix="progression-upload-") as folder:
            try:
                results = load_files(kind, _saved(files, Path(folder)), database_path(),
                                     progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message))
            except LoadRejected as rejection:
                st.error(plain(rejection))
                results = None
            except LoadError as error:
                st.error(plain(error))
                results = None
        if results is not None:
            st.session_state["data-upload-generation"] = generation + 1
            st.session_state.pop("data-checked", None)
            st.session_state["data-loaded"] = [result.summary() for result in results]
            st.rerun()

for line in st.session_state.pop("data-loaded", []):
    st.success(f"{plain(line)}. Every page now shows the new data.")

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

st.subheader("Access rows to tidy")
st.caption("Access list rows for leavers, people not in post today, or emails refused as look-alikes grant nothing; "
           "rows for people outside the staff list still grant, so check they still need it. Load a corrected "
           "access list to tidy them.")
table(ask(queries.access_to_tidy, viewer).rename(columns={
    "email": "Email", "access_role": "Role", "is_granted": "Grants access today", "reason": "Why"}),
      "access rows to tidy", empty="Every access list row belongs to someone in post today.")

st.subheader("Evidence conflicts")
st.caption("Evidence where a loaded file holds a different decision than the one made in the product. The product's "
           "decision stands (docs/rules.md, 'One evidence history'); correct HR's file, or record a new piece of "
           "evidence, to reconcile them. `python -m loaders export evidence FILE` writes the whole history.")
table(ask(queries.evidence_conflicts, viewer).rename(columns={
    "staff_id": "Staff ID", "name": "Name", "criterion_id": "Criterion", "evidence_date": "Evidence date",
    "product_status": "Decision in the product (stands)", "file_status": "The file says",
    "product_assessor": "Assessor", "decided_on": "Decided on", "decided_by": "Assessor's staff ID"}),
      "evidence conflicts", empty="No conflicts: every loaded file agrees with the decisions made in the product.")

st.subheader("View log")
st.caption("Every view of personal data and every download: who (and, during “View as”, the administrator behind "
           "it), which page, whom or what, how many people, the filters, and when. Kept for accountability under "
           "data protection law; `python -m loaders audit verify` checks that nobody has altered it.")
first, second, third, fourth = st.columns([3, 2, 2, 3])
log_viewer = first.text_input("Viewer's email contains", key="view-log-viewer", max_chars=200)
log_person = second.text_input("Person (staff id)", key="view-log-person", max_chars=50)
log_page = third.selectbox("Page", ["", "person", "team", "blockers", "succession", "overview", "data", "framework"],
                           format_func=lambda name: name.capitalize() or "Any page", key="view-log-page")
log_dates = fourth.date_input("Between", value=(), key="view-log-dates", format="DD/MM/YYYY")
log_from, log_to = (tuple(log_dates) + (None, None))[:2] if log_dates else (None, None)
table(view_log(viewer, who=log_viewer.strip(), staff_id=log_person.strip(), page=log_page,
               since=log_from, until=log_to or log_from)
      .rename(columns={"viewed_at": "Viewed at", "viewer_email": "Viewer", "viewer_role": "Viewer's role",
                       "real_email": "Signed in as", "real_role": "Signed-in role", "page": "Page",
                       "action": "Action", "staff_id": "Person (staff id)", "subject": "What",
                       "people": "People", "filters": "Filters"}),
      "view log", empty="Nothing in the view log matches.",
      column_config={"Viewed at": st.column_config.DatetimeColumn("Viewed at", format="D MMM YYYY, HH:mm")})
