"""Who is looking: the one place that decides the Viewer, before any page draws anything.

With an [auth] section in .streamlit/secrets.toml the visitor must sign in (OpenID Connect via st.login),
and their email is matched to staff and the access list by `queries.viewer_for_email`; an identity that
matches nobody gets a polite refusal. Without [auth] the app runs in local mode as one administrator.
On the demo database only, an administrator may "view as" a senior, a manager or a staff member.
"""

from __future__ import annotations

import threading

import streamlit as st

from dashboard.connection import ask
from dashboard.load_identity import load_test_email
from warehouse import queries
from warehouse.queries import Viewer

LOCAL_ADMIN = Viewer("local", "admin")
ROLE_NAMES = {"admin": "administrator", "senior": "senior manager", "manager": "manager", "staff": "staff member"}
VIEW_AS_KEY = "view_as"
_run = threading.local()


def sign_in_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (then everyone must sign in)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def resolve_viewer(area=None) -> Viewer | None:
    """THE viewer decision, run first on every page. Returns None, after saying why, when nobody may see anything.

    `area` is the sidebar container for the sign-in state and the "View as" selector.
    """
    area = area or st.sidebar
    test_email = load_test_email()  # the load benchmark's stand-in for sign-in: None except on its own server
    if test_email or sign_in_configured():
        if not test_email and not st.user.get("is_logged_in", False):
            _sign_in_prompt()
            return None
        email = test_email or st.user.get("email")
        viewer = ask(queries.viewer_for_email, email)
        if not viewer.sees_anyone:
            _refusal(email)
            return None
        area.caption(f"Signed in as {email} ({ROLE_NAMES[viewer.access_role]})")
        area.button("Sign out", on_click=st.logout, key="sign-out")
    else:
        viewer = LOCAL_ADMIN
        area.caption("Local mode: signed in as administrator (sign-in not configured)")
    if viewer.can_load and ask(queries.is_demo_database):
        viewer = _view_as(viewer, area)
    return viewer


def current_viewer() -> Viewer:
    """The viewer the router decided for this run (pages call this; it never widens access)."""
    viewer = getattr(_run, "viewer", None)
    if viewer is None:
        viewer = resolve_viewer()
        if viewer is None:
            st.stop()
    return viewer


def remember(viewer: Viewer | None) -> None:
    _run.viewer = viewer


def describe(viewer: Viewer) -> str:
    """'administrator', 'manager (carys.vane@...)': for the meeting pack's About sheet."""
    role = ROLE_NAMES.get(viewer.access_role, "nobody")
    return role if viewer.email in (None, "local") else f"{role} ({viewer.email})"


def _provider() -> str | None:
    # One [auth.<name>] section means st.login must be given that name; a flat [auth] needs none.
    section = st.secrets["auth"]
    named = [name for name, value in section.items() if hasattr(value, "items")]
    return named[0] if len(named) == 1 and "client_id" not in section else None


def _sign_in_prompt() -> None:
    st.title("Staff progression")
    st.write("Staff progression records are personal data, so this dashboard needs you to sign in "
             "with your council account first.")
    st.button("Sign in", type="primary", on_click=st.login, args=(_provider(),) if _provider() else (),
              key="sign-in", icon=":material/login:")


def _refusal(email: str | None) -> None:
    st.title("Staff progression")
    st.warning(f"Sorry, your account ({email or 'no email given'}) is not set up to use this dashboard. "
               "If you need it, please ask HR or the data owner to add you.")
    st.button("Sign out", on_click=st.logout, key="sign-out-refused")


def _personas(viewer: Viewer) -> dict[str, str]:
    """The "View as" choices: administrator, a senior, a few managers and a few staff members from the data."""
    people = ask(queries.view_as_choices, viewer)
    choices = {"admin": "Administrator", "senior": "Senior manager"}
    managers = people[people["direct_reports"] > 0]
    heads = managers[managers["line_manager_id"].isna()]
    picked = list(heads.head(1).itertuples())
    teams_seen = {person.team for person in picked}
    for person in managers.itertuples():
        if len(picked) >= 4:
            break
        if person.team not in teams_seen and not (heads["staff_id"] == person.staff_id).any():
            picked.append(person)
            teams_seen.add(person.team)
    for person in picked:
        choices[f"manager:{person.email}"] = f"Manager: {person.name} ({person.team})"
    members = people[people["direct_reports"] == 0].drop_duplicates("team").head(3)
    for person in members.itertuples():
        choices[f"staff:{person.email}"] = f"Staff: {person.name} ({person.team})"
    return choices


def _view_as(viewer: Viewer, area) -> Viewer:
    choices = _personas(viewer)
    chosen = st.session_state.get("_view_as_choice", "admin")
    if chosen not in choices:
        chosen = "admin"
    st.session_state[VIEW_AS_KEY] = chosen
    area.selectbox("View as (demo data only)", list(choices), format_func=choices.get, key=VIEW_AS_KEY,
                   on_change=lambda: st.session_state.__setitem__("_view_as_choice", st.session_state[VIEW_AS_KEY]),
                   help="See the dashboard through other eyes: an administrator (everyone, can load data), "
                        "a senior manager (everyone, read only), a manager (their line-management tree) or a "
                        "staff member (themselves). Offered only while the database holds the generated demo data.")
    if chosen == "admin":
        return viewer
    if chosen == "senior":
        return Viewer("senior (view as)", "senior")
    persona = ask(queries.viewer_for_email, chosen.split(":", 1)[1])
    return persona if persona.sees_anyone else viewer
