"""Values from data files shown as text, never as Markdown or HTML.

Titles, headers, captions, alerts, st.markdown and st.table cells all render Markdown (images, links,
HTML, LaTeX, Streamlit's colour and icon directives). A staff name such as
`![t](https://evil.example/track.png) Orla` would make every visitor's browser fetch that image. Every value
that came from a file (names, teams, notes, evidence references, framework wording, file names, emails)
goes through `plain()` before it is put into one of those; st.dataframe cells and selectbox options are
drawn as text already.
"""

from __future__ import annotations

import re

import pandas as pd

# The characters that start Markdown, HTML, LaTeX or a Streamlit directive; `(` `)` `.` `-` alone start nothing.
SPECIAL = re.compile(r"([\\`*_~\[\]<>!#$|:@&{}])")
LEADING_LIST = re.compile(r"^(\s*)(\d*)([+\-.)])(?=\s|$)")


# GFM turns bare web and email addresses into links after parsing, whatever was escaped: an invisible word
# joiner after "://", "www" and "@" keeps them text (the autolink patterns need a letter there).
AUTOLINK = re.compile(r"://|@|\bwww(?=\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def plain(value) -> str:
    """`value` as Markdown that shows exactly its text (one line; specials backslash-escaped, no autolinks)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = re.sub(r"\s+", " ", str(value))
    text = AUTOLINK.sub(lambda match: match.group(0) + WORD_JOINER, text)
    text = SPECIAL.sub(r"\\\1", text)
    # A leading "- ", "+ " or "1. " would make a list.
    return LEADING_LIST.sub(lambda match: match.group(1) + match.group(2) + "\\" + match.group(3), text)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`number` and `noun` in words a reader expects: "1 item", "3 items", "1,204 people"."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell made plain, for st.table (which renders Markdown in its cells)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(lambda value: plain(value) if isinstance(value, str) else value)
    return frame
