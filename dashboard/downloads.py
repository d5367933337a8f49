"""Tables with a CSV download beside them, and the succession meeting pack as an Excel workbook.

Every exported text cell that begins with = + - @ (or a tab or carriage return) is prefixed with an
apostrophe, so a spreadsheet never runs it as a formula (CSV/formula injection).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.audit import logged_download
from dashboard.text import plain_frame

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# An interactive table shows at most this many rows (the browser stays quick at any size); the CSV holds all.
MAX_ROWS_SHOWN = 5_000
# A person picker lists at most this many people; beyond it, the page asks for part of a name or staff ID
# (a list of 100,000 names is slow to send and no use to scroll).
MAX_PEOPLE_LISTED = 1_000


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _plain_dates(frame: pd.DataFrame) -> pd.DataFrame:
    # Dates are dates, not midnight timestamps, in every export.
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.date
    return frame


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as exported: dates as dates, every text cell and header neutralised."""
    frame = _plain_dates(frame)
    frame.columns = [neutralise(str(column)) for column in frame.columns]
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(neutralise)
    return frame


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as '3 Mar 2026' and gaps as blanks, for static tables."""
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].map(lambda value: "" if pd.isna(value) else f"{value:%d %b %Y}")
    return frame.astype(object).where(frame.notna(), "")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    # utf-8-sig: Excel opens it with the right accents.
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def file_name(title: str, suffix: str = "csv") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "table"
    return f"{slug}.{suffix}"


def date_columns(frame: pd.DataFrame) -> dict:
    """Show every date column as a date ("3 Mar 2026"), never as a midnight timestamp."""
    return {column: st.column_config.DateColumn(column, format="D MMM YYYY")
            for column in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[column])}


def table(frame: pd.DataFrame, title: str, *, empty: str = "Nobody matches these filters.",
          column_config: Mapping | None = None, key: str | None = None, plain: bool = False,
          height: int | str = "auto", row_style: Callable[[pd.Series], str] | None = None,
          download: bool = True, links: tuple[str, ...] = (), total_rows: int | None = None,
          all_rows: Callable[[], pd.DataFrame] | None = None) -> None:
    """A table with a 'Download CSV' button; an empty table is a short message instead.

    `row_style` returns CSS for a row (e.g. highlight roles at risk); `plain` draws a static table (wrapped
    text, prints well); `download=False` leaves the button out (print view); `links` are columns of in-app
    links, shown but not exported. Only the first MAX_ROWS_SHOWN rows are drawn, with a note saying so;
    the CSV is written when the button is clicked (not on every render) and holds every row. A page that
    fetched only the first rows gives `total_rows` and `all_rows` (called on click for the CSV).
    """
    if frame.empty:
        st.info(empty)
        return
    config = {**date_columns(frame), **(column_config or {})}
    shown = frame.head(MAX_ROWS_SHOWN)
    if plain:
        # A static table: long wording wraps, and it prints on paper as it looks on screen. st.table renders
        # Markdown in its cells, so every text cell is made plain first (dashboard/text.py).
        st.table(plain_frame(readable(shown)).style.hide(axis="index"))
    else:
        styled = shown.style.apply(lambda row: [row_style(row)] * len(row), axis=1) if row_style else shown
        st.dataframe(styled, hide_index=True, column_config=config, height=height, placeholder="—")
    total = max(total_rows or 0, len(frame))
    if total > len(shown):
        st.caption(f"Showing the first {len(shown):,} of {total:,} rows"
                   + ("; the CSV download holds them all." if download else "."))
    if not download:
        return

    exported: dict[str, int] = {}

    def csv() -> bytes:
        rows = (all_rows() if all_rows else frame).drop(columns=list(links))
        exported["rows"] = len(rows)
        return csv_bytes(rows)

    # Every download is logged (file name, rows) when it is produced, that is when the button is clicked.
    st.download_button("Download CSV", logged_download(csv, file_name(title), lambda _data: exported.get("rows")),
                       file_name=file_name(title), mime="text/csv", key=key or f"download-{file_name(title)}",
                       on_click="ignore", icon=":material/download:")


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDE7F0")
HIGHLIGHT_FILL = PatternFill("solid", start_color="FBE3C6")
DATE_FORMAT = "d mmm yyyy"
WRAP = Alignment(wrap_text=True, vertical="top")


def _about_value(value):
    # Dates and numbers keep their type; anything else is text.
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def _lay_out(worksheet, formats: Mapping[str, str], highlighted: list[bool] | None) -> None:
    """Bold frozen header, a filter on every column, dates as dates, widths, highlighted rows, printable."""
    header = [cell.value for cell in worksheet[1]]
    for cell in worksheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for index, name in enumerate(header, start=1):
        letter = get_column_letter(index)
        number_format = formats.get(name)
        cells = [row[0] for row in worksheet.iter_rows(min_row=2, min_col=index, max_col=index)]
        for cell in cells:
            if number_format:
                cell.number_format = number_format
            elif isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = DATE_FORMAT
        width = max([len(str(name))] + [len(str(cell.value)) for cell in cells if cell.value is not None])
        worksheet.column_dimensions[letter].width = min(max(10, width + 2), 60)
        if width > 60:  # long text wraps within its column rather than running off the printed page
            for cell in cells:
                cell.alignment = WRAP
    for row_number, is_highlighted in enumerate(highlighted or [], start=2):
        if is_highlighted:
            for cell in worksheet[row_number]:
                cell.fill = HIGHLIGHT_FILL
    worksheet.freeze_panes = "A2"
    if header:
        worksheet.auto_filter.ref = worksheet.dimensions
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.fitToWidth, worksheet.page_setup.fitToHeight = 1, 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.print_title_rows = "1:1"


def workbook_bytes(about: Mapping[str, object], sheets: Mapping[str, pd.DataFrame], *,
                   formats: Mapping[str, Mapping[str, str]] | None = None,
                   highlight: Mapping[str, list[bool]] | None = None) -> bytes:
    """An .xlsx workbook: an 'About' sheet (as-of date, filters, viewer, time), then one sheet per view.

    Every sheet has a bold, frozen header row with a filter on every column and prints landscape, one page wide,
    repeating its header. Numbers stay numbers and dates dates; `formats` gives a sheet's columns a number format
    (e.g. "0%"); `highlight` marks a sheet's rows (one flag per row) to fill in colour.
    """
    formats, highlight = formats or {}, highlight or {}
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        about_frame = pd.DataFrame({"Item": list(about), "Value": [_about_value(value) for value in about.values()]},
                                   dtype=object)
        safe_frame(about_frame).to_excel(writer, sheet_name="About", index=False)
        _lay_out(writer.book["About"], {}, None)
        for name, frame in sheets.items():
            sheet = re.sub(r"[\[\]:*?/\\]", " ", name)[:31]
            safe_frame(frame).to_excel(writer, sheet_name=sheet, index=False)
            _lay_out(writer.book[sheet], formats.get(name, {}), highlight.get(name))
    return buffer.getvalue()


def generated_at() -> str:
    return dt.datetime.now().strftime("%d %b %Y %H:%M")
