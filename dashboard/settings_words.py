"""The rule settings a council chooses, in words, built from the framework_settings mart.

A page never writes a setting down ("two years"): a council whose rules file says 36 months must read
36 months. Every sentence that depends on a setting is built here from the settings of the frameworks in view.
"""

from __future__ import annotations

import pandas as pd

from dashboard.filters import framework_label
from dashboard.text import plain


def months(count: int) -> str:
    return f"{count} month" if count == 1 else f"{count} months"


def evidence_window(settings: pd.DataFrame) -> str:
    """How long approved evidence counts: "24 months", or per framework when the frameworks in view differ
    ("24 months in CABS, 36 months in Customer Relations")."""
    windows = settings.groupby("evidence_window_months", sort=True)["framework"].apply(list)
    if windows.empty:
        return "its framework's evidence window"
    if len(windows) == 1:
        return months(int(windows.index[0]))
    return ", ".join(f"{months(int(window))} in {', '.join(map(framework_label, frameworks))}"
                     for window, frameworks in windows.items())


def forecast_assumption(settings: pd.DataFrame) -> str:
    """What a future as-of date assumes (the forecast is the as-of replay of its date), in sentences."""
    return ("Mandatory courses current today are assumed renewed when they lapse; a course already lapsed stays "
            "lapsed until a new record is loaded. Approved evidence counts for "
            f"{evidence_window(settings)} from its date and then stops counting. "
            "Nothing not yet recorded is invented.")


def framework_rules(row: pd.Series) -> str:
    """One framework's settings as one sentence of Markdown (course names escaped), for the Framework page."""
    courses = list(row["mandatory_courses"])
    training = ("Time-based criteria (minimum time at a level) also need mandatory training up to date"
                if row["time_criteria_need_training"] else "Time-based criteria need no mandatory training")
    listed = f"mandatory courses: {', '.join(map(plain, courses))}" if courses else "no mandatory courses"
    return (f"Evidence counts for {months(int(row['evidence_window_months']))} from its date. {training}; "
            f"{listed}.")
