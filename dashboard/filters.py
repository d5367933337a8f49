"""The one shared sidebar: framework, teams, grade ranges and the as-of date, kept in the URL.

The URL is read on load and written back on every change (?framework=cabs&team=Blue%20Badge&range=3&as_of=2026-03-31),
so a link reopens the same view. Choices live in session state too, so moving between pages (which clears
the URL) keeps them. Anything in the URL the viewer could not have chosen (a tampered link, another
manager's team) is dropped without a word; scope is enforced again by every query anyway.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.connection import ask
from dashboard.text import plain
from warehouse import queries
from warehouse.queries import Filters, Viewer

FIELDS = ("framework", "teams", "ranges", "as_of")
URL_KEYS = {"framework": "framework", "teams": "team", "ranges": "range", "as_of": "as_of"}
STORE, SEEN_URL = "_filters", "_filters_url"
EARLIEST = dt.date(2000, 1, 1)
ALL = ""  # the framework selectbox's "All frameworks"


def framework_label(name: str | None) -> str:
    """'cabs' -> 'CABS', 'customer_relations' -> 'Customer Relations', None -> 'All frameworks'."""
    if not name:
        return "All frameworks"
    words = name.replace("_", " ").split()
    return name.upper() if len(words) == 1 and len(name) <= 4 else " ".join(word.capitalize() for word in words)


def _url_values() -> dict[str, list[str]]:
    return {field: st.query_params.get_all(key) for field, key in URL_KEYS.items() if st.query_params.get_all(key)}


def _parse(values: dict[str, list[str]]) -> dict:
    as_of = None
    for text in values.get("as_of", [])[:1]:
        try:
            as_of = dt.date.fromisoformat(text)
        except ValueError:
            as_of = None
    return {
        "framework": (values.get("framework") or [None])[0],
        "teams": list(dict.fromkeys(values.get("teams", []))),
        "ranges": [int(text) for text in dict.fromkeys(values.get("ranges", [])) if text.isdigit()],
        "as_of": as_of,
    }


def url_params(filters: Filters) -> dict[str, list[str] | str]:
    """The filters as query parameters (defaults left out), for links and st.switch_page."""
    params: dict[str, list[str] | str] = {}
    if filters.framework:
        params["framework"] = filters.framework
    if filters.teams:
        params["team"] = list(filters.teams)
    if filters.ranges:
        params["range"] = [str(value) for value in filters.ranges]
    if filters.as_of != dt.date.today():
        params["as_of"] = filters.as_of.isoformat()
    return params


def _remember(field: str, key: str) -> None:
    st.session_state[STORE][field] = st.session_state[key] or ([] if field in ("teams", "ranges") else None)


def sidebar_filters(viewer: Viewer, fields: tuple[str, ...] = FIELDS, area=None) -> Filters:
    """Draw the sidebar filters named in `fields` and return every stored choice as `queries.Filters`."""
    area = area or st.sidebar
    url = _url_values()
    if url != st.session_state.get(SEEN_URL) and (url or STORE not in st.session_state):
        # A link, a fresh session or st.switch_page: the URL wins. (An empty URL inside a session is
        # a move between pages, which clears the URL: keep the stored choices.)
        st.session_state[STORE] = _parse(url)
    store = st.session_state[STORE]

    options = ask(queries.filter_options, viewer)
    if store["framework"] not in options["frameworks"]:
        store["framework"] = None
    options = ask(queries.filter_options, viewer, store["framework"])
    store["teams"] = [team for team in store["teams"] if team in options["teams"]]
    store["ranges"] = [value for value in store["ranges"] if value in options["ranges"]]
    today = dt.date.today()
    if store["as_of"] is not None and not EARLIEST <= store["as_of"] <= _latest(today):
        store["as_of"] = None

    with area:
        if "framework" in fields:
            _widget("framework", st.selectbox, "Framework", options=[ALL, *options["frameworks"]],
                    format_func=framework_label)
        if "teams" in fields:
            _widget("teams", st.multiselect, "Teams", options=options["teams"], placeholder="All teams")
        if "ranges" in fields:
            _widget("ranges", st.multiselect, "Grade ranges", options=options["ranges"], placeholder="All ranges",
                    format_func=lambda value: f"Range {value}")
        if "as_of" in fields:
            key = "filter_as_of"
            st.session_state[key] = store["as_of"] or today
            st.date_input("As-of date", key=key, min_value=EARLIEST, max_value=_latest(today), format="DD/MM/YYYY",
                          on_change=_remember_date, args=(key, today),
                          help="Today by default. Choose a future date to see who will be ready by then.")

    filters = Filters(as_of=store["as_of"] or today, framework=store["framework"], teams=tuple(store["teams"]),
                      ranges=tuple(store["ranges"]))
    _write_url(filters)
    return filters


def _latest(today: dt.date) -> dt.date:
    # Far enough ahead for any planning question ("who will be ready by March?").
    return today + dt.timedelta(days=5 * 365)


def _remember_date(key: str, today: dt.date) -> None:
    chosen = st.session_state[key]
    st.session_state[STORE]["as_of"] = None if chosen in (None, today) else chosen


def _widget(field: str, widget, label: str, **kwargs) -> None:
    key = f"filter_{field}"
    value = st.session_state[STORE][field]
    st.session_state[key] = ALL if value is None else value
    widget(label, key=key, on_change=_remember, args=(field, key), **kwargs)


def _write_url(filters: Filters) -> None:
    wanted = url_params(filters)
    for key in URL_KEYS.values():
        value = wanted.get(key)
        values = [value] if isinstance(value, str) else list(value or [])
        if st.query_params.get_all(key) != values:
            if values:
                st.query_params[key] = values
            else:
                del st.query_params[key]
    st.session_state[SEEN_URL] = _url_values()


def describe(filters: Filters) -> str:
    """The filters in words, for captions and the meeting pack."""
    parts = [framework_label(filters.framework),
             plain(", ".join(filters.teams)) if filters.teams else "all teams",
             ", ".join(f"range {value}" for value in filters.ranges) if filters.ranges else "all ranges"]
    return " · ".join(parts) + f" · as of {filters.as_of:%d %b %Y}"
