"""The one shared sidebar: framework, teams, grade ranges and the as-of date, kept in the URL.

The URL is read on load and written back on every change (?framework=cabs&team=Blue%20Badge&range=3&as_of=2026-03-31),
so a link reopens the same view. Choices live in session state too, so moving between pages (which clears
the URL) keeps them. Anything in the URL the viewer could not have chosen (a mistyped or tampered link, another
manager's team, an impossible date) is dropped, and a warning at the top of the page names what was ignored;
scope is enforced again by every query anyway. `why_empty` says which filter left a page with nobody.
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


def _parse(values: dict[str, list[str]], ignored: list[str]) -> dict:
    as_of = None
    for text in values.get("as_of", [])[:1]:
        try:
            as_of = dt.date.fromisoformat(text)
        except ValueError:
            ignored.append(f"as-of date “{quoted(text)}” (not a real date; use YYYY-MM-DD)")
    ranges = list(dict.fromkeys(values.get("ranges", [])))
    ignored.extend(f"grade range “{quoted(text)}”" for text in ranges if not text.isdigit())
    return {
        "framework": (values.get("framework") or [None])[0],
        "teams": list(dict.fromkeys(values.get("teams", []))),
        "ranges": [int(text) for text in ranges if text.isdigit()],
        "as_of": as_of,
    }


def quoted(text: object, limit: int = 60) -> str:
    """A value from the URL as it may be quoted back in a notice: one line, cut short, never Markdown."""
    text = " ".join(str(text).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return "".join("\\" + character if character in "\\`*_{}[]<>#|$~:" else character for character in text)


def ignored_notice(ignored: list[str]) -> None:
    """One warning naming everything in the link that was ignored (nothing when the list is empty)."""
    if ignored:
        st.warning("Ignored from the link: " + "; ".join(ignored) + ".", icon=":material/link_off:")


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
    ignored: list[str] = []  # what the link asked for that cannot be shown: named in a warning
    from_url = url != st.session_state.get(SEEN_URL) and (url or STORE not in st.session_state)
    if from_url:
        # A link, a fresh session or st.switch_page: the URL wins. (An empty URL inside a session is
        # a move between pages, which clears the URL: keep the stored choices.)
        st.session_state[STORE] = _parse(url, ignored)
    store = st.session_state[STORE]

    options = ask(queries.filter_options, viewer, None)  # the same cache entry as below with no framework chosen
    if store["framework"] not in options["frameworks"]:
        if store["framework"] is not None:
            ignored.append(f"framework “{quoted(store['framework'])}” (not one you can see)")
        store["framework"] = None
    options = ask(queries.filter_options, viewer, store["framework"])
    unknown_teams = [team for team in store["teams"] if team not in options["teams"]]
    ignored.extend(f"team “{quoted(team)}” (no such team in your view)" for team in unknown_teams)
    store["teams"] = [team for team in store["teams"] if team in options["teams"]]
    unknown_ranges = [value for value in store["ranges"] if value not in options["ranges"]]
    ignored.extend(f"grade range {value} (nobody in your view is in it)" for value in unknown_ranges)
    store["ranges"] = [value for value in store["ranges"] if value in options["ranges"]]
    today = dt.date.today()
    if store["as_of"] is not None and not EARLIEST <= store["as_of"] <= latest_date(today):
        ignored.append(f"as-of date {store['as_of']:%d %b %Y} (outside {EARLIEST:%d %b %Y} to "
                       f"{latest_date(today):%d %b %Y}); showing today instead")
        store["as_of"] = None
    if not from_url:
        ignored = []  # only what a link brought in is news; a choice made here is visible in the sidebar
    ignored_notice(ignored)

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
            st.date_input("As-of date", key=key, min_value=EARLIEST, max_value=latest_date(today), format="DD/MM/YYYY",
                          on_change=_remember_date, args=(key, today),
                          help="Today by default. Choose a future date to see who will be ready by then.")

    filters = Filters(as_of=store["as_of"] or today, framework=store["framework"], teams=tuple(store["teams"]),
                      ranges=tuple(store["ranges"]))
    _write_url(filters)
    return filters


def latest_date(today: dt.date) -> dt.date:
    """The latest as-of date the sidebar offers."""
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


def why_empty(viewer: Viewer, filters: Filters) -> str:
    """Which filter left nobody: the as-of date, or the first of framework, teams, ranges that empties the list."""
    def people(**chosen) -> int:
        return int(ask(queries.team_sizes, viewer, Filters(as_of=filters.as_of, **chosen))["people"].sum())

    if not people():
        return (f"Nobody in your view was in post on {filters.as_of:%d %b %Y}, the as-of date: choose a later "
                "date in the sidebar.")
    chosen: dict = {}
    steps = (("framework", filters.framework, lambda value: f"the framework {framework_label(value)}"),
             ("teams", filters.teams, lambda value: "the team(s) " + ", ".join(value)),
             ("ranges", filters.ranges, lambda value: "grade range(s) " + ", ".join(str(item) for item in value)))
    for field, value, words in steps:
        if not value:
            continue
        chosen[field] = value
        if not people(**chosen):
            return (f"Nobody in post on {filters.as_of:%d %b %Y} matches {words(value)} together with the "
                    "filters before it: widen it in the sidebar.")
    return "Nobody in post matches these filters. Widen the teams or ranges in the sidebar."


def describe(filters: Filters) -> str:
    """The filters in words, for captions and the meeting pack."""
    parts = [framework_label(filters.framework),
             plain(", ".join(filters.teams)) if filters.teams else "all teams",
             ", ".join(f"range {value}" for value in filters.ranges) if filters.ranges else "all ranges"]
    return " · ".join(parts) + f" · as of {filters.as_of:%d %b %Y}"
