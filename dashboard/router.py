"""The navigation, and the guard that makes every page run through it.

Streamlit trap: with st.navigation in app.py AND a folder named pages/, the first request to a freshly
started server for a deep link such as /team?team=X runs pages/team.py directly, without app.py. So every
page starts with `start_page()`: when the page is running outside this router, it runs the router itself
(the same navigation, viewer check first, then the page) and stops the outer run. The viewer and sign-in
check therefore always comes first, however the page was reached.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import streamlit as st

from dashboard import filters as sidebar
from dashboard import viewer as viewers
from dashboard.connection import ask
from warehouse import queries
from warehouse.queries import Filters, Viewer

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = ROOT / "pages"
TITLE = "Staff progression"
DEMO_NOTICE = ("Demo data: generated people, not real staff. Load real data on the Data page "
               "or with `python -m loaders load ...`.")
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], .stDownloadButton, [data-testid="stElementToolbar"] { display: none !important; }
  [data-testid="stMain"], .main .block-container { margin-left: 0 !important; padding: 0.5rem !important; max-width: 100% !important; }
  h1, h2, h3 { break-after: avoid; }
  [data-testid="stTable"], .stVegaLiteChart { break-inside: avoid; }
}
</style>
"""

_run = threading.local()


def _page(file: str, title: str, icon: str, url_path: str | None = None, default: bool = False) -> st.Page:
    if default:
        return st.Page(PAGES_DIR / file, title=title, icon=icon, default=True)
    return st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=url_path)


def sections() -> dict[str, list[st.Page]]:
    """Every page, listed explicitly, in its section of the navigation."""
    return {
        "Readiness": [
            _page("overview.py", "Overview", ":material/dashboard:", default=True),
            _page("team.py", "Team", ":material/groups:", "team"),
            _page("people.py", "People", ":material/format_list_bulleted:", "people"),
            _page("person.py", "Person", ":material/person:", "person"),
        ],
        "Planning": [
            _page("blockers.py", "Blockers", ":material/block:", "blockers"),
            _page("succession.py", "Succession", ":material/account_tree:", "succession"),
            _page("career.py", "What would it take?", ":material/route:", "career"),
        ],
        "Framework and data": [
            _page("framework.py", "Framework", ":material/menu_book:", "framework"),
            _page("compare.py", "Compare frameworks", ":material/compare:", "compare"),
            _page("data.py", "Data", ":material/upload_file:", "data"),
        ],
    }


def run() -> None:
    """The app: page set-up, the viewer decision FIRST, then the navigation and the chosen page."""
    st.set_page_config(page_title=TITLE, page_icon=":material/trending_up:", layout="wide")
    st.html(PRINT_CSS)
    filters_area = st.sidebar.container()
    people_area = st.sidebar.container()
    viewer = viewers.resolve_viewer(people_area)
    if viewer is None:
        # Nothing but the prompt: no menu, and pages/ is no longer auto-discovered.
        st.navigation(sections(), position="hidden")
        st.stop()
    page = st.navigation(sections())
    if ask(queries.is_demo_database):
        people_area.caption(DEMO_NOTICE)
        # In the main area too: on a phone the sidebar starts collapsed.
        st.markdown(f":small[:material/science: {DEMO_NOTICE}]")
    viewers.remember(viewer)
    _run.filters_area, _run.routed, _run.page = filters_area, True, page.url_path or "overview"
    try:
        page.run()
    finally:
        viewers.remember(None)
        _run.filters_area, _run.routed, _run.page = None, False, None


def current_page() -> str:
    """The running page's url path ('overview' for the default page), for the view log."""
    return getattr(_run, "page", None) or "unrouted"


def start_page(fields: tuple[str, ...] = sidebar.FIELDS) -> tuple[Viewer, Filters]:
    """First line of every page: make sure the router ran, then return the viewer and the sidebar's filters.

    Run directly (a deep link on a fresh server), the page hands over to the router, which checks the
    viewer and runs this same page inside the navigation; the outer, unrouted run then stops.
    """
    if not getattr(_run, "routed", False):
        run()
        st.stop()
    viewer = viewers.current_viewer()
    if not fields:
        return viewer, Filters(as_of=dt.date.today())
    return viewer, sidebar.sidebar_filters(viewer, fields, _run.filters_area)
