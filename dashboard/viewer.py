"""Who is looking: the one place that decides the Viewer, before any page draws anything.

The sign-in configuration comes from dashboard/sign_in.py, and each answer fails closed:

- broken secrets: an error for the operator, nothing else;
- `[auth]` configured: the visitor signs in (OpenID Connect via st.login); the identity must be verified,
  from the configured tenant, and match staff or the access list through `queries.viewer_for_email`;
  anything else gets a polite refusal;
- no sign-in, PROGRESSION_LOCAL_ADMIN=1 and a server bound to 127.0.0.1: one local administrator, with a
  notice on every page;
- no sign-in on a database carrying the demo generator's flag: the demo, as administrator;
- no sign-in on any other database: a page saying sign-in is not configured, and how to configure it.

On a demo database only, an administrator may "view as" a senior, a manager or a staff member; the view
log then records both the administrator and the persona (`real_viewer()`).
"""

from __future__ import annotations

import threading

import streamlit as st

from dashboard import sign_in
from dashboard.connection import ask
from dashboard.load_identity import load_test_email
from dashboard.text import plain
from warehouse import queries
from warehouse.queries import Viewer

LOCAL_ADMIN = Viewer("local", "admin")
ROLE_NAMES = {"admin": "administrator", "senior": "senior manager", "manager": "manager", "staff": "staff member"}
VIEW_AS_KEY = "view_as"
DEMO_MODE = "Demo mode: signed in as administrator (sign-in not configured; generated demo data only)"
LOCAL_MODE = ("Local administration (PROGRESSION_LOCAL_ADMIN=1): signed in as administrator without sign-in, "
              "on this machine only (the server listens on 127.0.0.1). Anyone using this computer can see and "
              "load real staff data.")
HOW_TO_CONFIGURE = """
To let people sign in, add an `[auth]` section to `.streamlit/secrets.toml` in the dashboard's folder
(Microsoft Entra ID: see **docs/security.md**, "Configuring sign-in") and restart it with `./dev start`.

To administer this data on this computer only, without sign-in, restart it with
`PROGRESSION_LOCAL_ADMIN=1 ./dev start` (it then listens on 127.0.0.1 only and says so on every page).

To try the dashboard on generated people instead, point it at a demo database:
`python -m loaders demo --db data/demo.duckdb`, then `PROGRESSION_DB=data/demo.duckdb ./dev start`.
"""
_run = threading.local()


def sign_in_configured() -> bool:
    """True when a complete [auth] section is configured (then everyone must sign in)."""
    return sign_in.sign_in_settings().state == "configured"


def resolve_viewer(area=None) -> Viewer | None:
    """THE viewer decision, run first on every page. Returns None, after saying why, when nobody may see anything.

    `area` is the sidebar container for the sign-in state and the "View as" selector.
    """
    area = area or st.sidebar
    _run.real_viewer = None
    _run.writes = None
    settings = sign_in.sign_in_settings()
    if settings.state == "broken":
        _operator_error("Sign-in is set up wrongly", settings.problem)
        return None
    test_email = load_test_email()  # the load benchmark's stand-in for sign-in: None except on its own server
    if test_email or settings.state == "configured":
        if test_email:
            email, problem = test_email, None
        elif not st.user.get("is_logged_in", False):
            _sign_in_prompt(settings)
            return None
        else:
            claims = st.user.to_dict()
            email = claims.get("email")
            problem = sign_in.identity_problem(claims, settings)
        viewer = Viewer(email, None) if problem else ask(queries.viewer_for_email, email)
        if not viewer.sees_anyone:
            _refusal(email, problem)
            return None
        area.caption(f"Signed in as {plain(email)} ({ROLE_NAMES[viewer.access_role]})")
        area.button("Sign out", on_click=st.logout, key="sign-out")
        _run.writes = "signed in"
    elif sign_in.local_admin_requested():
        if not sign_in.server_is_local():
            _operator_error("Local administration needs a server bound to this machine",
                            f"{sign_in.LOCAL_ADMIN_VARIABLE}=1 is set but the server listens on "
                            f"{st.get_option('server.address') or 'every network interface'}: start it with "
                            "`PROGRESSION_LOCAL_ADMIN=1 ./dev start` (or pass `--server.address 127.0.0.1`)")
            return None
        viewer = LOCAL_ADMIN
        st.warning(LOCAL_MODE, icon=":material/admin_panel_settings:")
        _run.writes = "local administration"
        area.caption("Local administration: signed in as administrator (sign-in not configured)")
    elif ask(queries.is_demo_database):
        viewer = LOCAL_ADMIN
        area.caption(DEMO_MODE)
    else:
        _not_configured()
        return None
    _run.real_viewer = viewer
    if viewer.can_load and ask(queries.is_demo_database):
        viewer = _view_as(viewer, area)
    return viewer


NO_WRITES_IN_DEMO = ("Nobody is signed in (the demo runs without sign-in), so evidence cannot be submitted or "
                     "signed off here. Configure sign-in to try it (docs/security.md).")
NO_WRITES_VIEWING_AS = ("You are viewing as someone else: \"View as\" only shows the dashboard through their eyes, "
                        "it never submits or signs off anything for them.")


def writer() -> tuple[Viewer | None, str | None]:
    """Who may submit or sign off evidence in this run: the real signed-in identity (or local administration),
    never a demo without sign-in and never a "View as" persona. Returns (viewer, None) or (None, why not).

    This decides only *who* is writing; what they may write is checked in SQL by the write itself
    (loaders.evidence_events, evidence_rights), inside its transaction.
    """
    real, shown = real_viewer(), routed_viewer()
    kind = getattr(_run, "writes", None)
    if real is None or not real.sees_anyone:
        return None, "Nobody is signed in, so nothing can be submitted or signed off."
    if kind is None:
        return None, NO_WRITES_IN_DEMO
    if shown is not None and shown != real:
        return None, NO_WRITES_VIEWING_AS
    return real, None


def routed_viewer() -> Viewer | None:
    """The viewer the router decided for this run, or None outside a routed run (never resolves one)."""
    return getattr(_run, "viewer", None)


def real_viewer() -> Viewer | None:
    """The signed-in (or local) identity behind this run, even while "viewing as" someone else."""
    return getattr(_run, "real_viewer", None)


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
    if viewer is None:
        _run.real_viewer = None
        _run.writes = None


def describe(viewer: Viewer) -> str:
    """'administrator', 'manager (carys.vane@...)': for the meeting pack's About sheet."""
    role = ROLE_NAMES.get(viewer.access_role, "nobody")
    return role if viewer.email in (None, "local") else f"{role} ({viewer.email})"


def _sign_in_prompt(settings: sign_in.SignIn) -> None:
    st.title("Staff progression")
    st.write("Staff progression records are personal data, so this dashboard needs you to sign in "
             "with your council account first.")
    st.button("Sign in", type="primary", on_click=st.login, args=(settings.provider,) if settings.provider else (),
              key="sign-in", icon=":material/login:")


def _refusal(email: str | None, problem: str | None = None) -> None:
    st.title("Staff progression")
    st.warning(f"Sorry, your account ({plain(email) or 'no email given'}) is not set up to use this dashboard"
               + (f": {problem}." if problem else ". If you need it, please ask HR or the data owner to add you."))
    st.button("Sign out", on_click=st.logout, key="sign-out-refused")


def _operator_error(title: str, problem: str) -> None:
    st.title("Staff progression")
    st.error(f"**{title}, so nothing is shown.** {plain(problem)}.", icon=":material/lock:")
    st.markdown("Whoever runs this dashboard must fix its settings; **docs/security.md** says how. "
                "Until then no page shows any data.")


def _not_configured() -> None:
    st.title("Staff progression")
    st.warning("**Sign-in is not configured, so nothing is shown.** This database holds real staff data "
               "(it is not the generated demo), and without sign-in anyone who can reach this page would see it.",
               icon=":material/lock:")
    st.markdown(HOW_TO_CONFIGURE)


def _personas(viewer: Viewer) -> dict[str, str]:
    """The "View as" choices: administrator, a senior, then the managers and staff members view_as_choices offers."""
    choices = {"admin": "Administrator", "senior": "Senior manager"}
    for person in ask(queries.view_as_choices, viewer).itertuples():
        choices[f"{person.kind}:{person.email}"] = f"{person.kind.title()}: {person.name} ({person.team})"
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
