"""Reads a CSV or Excel file into a DuckDB temp table of text columns, one row per data row.

Every value arrives as trimmed text (empty cells as NULL) beside `source_row`, the row number a
person sees in Excel (the header is row 1), so every later check can name the row. Plain UTF-8
comma-separated files take DuckDB's fast reader; anything unusual (Windows-1252, UTF-16, semicolons,
blank lines, ragged rows) takes Python's csv module, which is slower but keeps exact row numbers.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import mmap
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from loaders.errors import Problem, UnreadableFile

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
INVISIBLE = " \t\r\n\u00a0\u200b\ufeff"  # trimmed from both ends of every value
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and .doc): not readable here
# A date column `x` is staged beside `x__parsed_date`, its value read as a date once, for every check and
# the write to use (reading a date from text is the dearest step of a check, and there are several).
PARSED_SUFFIX = "__parsed_date"

# ISO or UK dates only: anything else (US order, Excel serial numbers, words) is refused, not guessed.
PARSE_DATE_MACRO = r"""
create or replace temp macro parse_date(value) as case
    when regexp_full_match(value, '\d{4}-\d{2}-\d{2}') then try_strptime(value, '%Y-%m-%d')::date
    when regexp_full_match(value, '\d{1,2}/\d{1,2}/\d{4}') then try_strptime(value, '%d/%m/%Y')::date
end
"""


def parsed_date(name: str) -> str:
    """The staged column holding date column `name` read as a date (NULL when it is not one)."""
    return f'"{name}{PARSED_SUFFIX}"'


@dataclass
class FileContents:
    """What was read: the normalised header, the row count, and notes about tolerated oddities."""

    columns: list[str]
    row_count: int
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)  # header names given more than once


def normalise_header(name: str) -> str:
    """'Staff ID ' -> 'staff_id': headers are matched ignoring case, spaces and a stray BOM."""
    name = name.replace("\ufeff", "").replace("\u200b", "").strip().lower()
    # Only letters, digits and underscores survive, so a header can never break out of a quoted identifier.
    return re.sub(r"[^a-z0-9_]+", "_", name).strip("_")


def read_into(con: duckdb.DuckDBPyConnection, path: Path, table: str, *, outside_transaction: bool = False,
              date_columns: tuple[str, ...] = ()) -> FileContents:
    """Read `path` into temp view `table` (columns: source_row, then the file's columns as text).

    The values live in temp table `{table}_raw`; alter columns with add_column()/drop_column(), which
    keep the view in step. With `outside_transaction` the caller promises that `con` has no open
    transaction, so DuckDB's fast reader may read straight into `con` (a parse error there would
    otherwise abort the caller's transaction); without it, the file is parsed in a connection of its own.
    Each of `date_columns` the file has is staged with its date beside it (see parsed_date()).
    """
    con.execute(PARSE_DATE_MACRO)
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"{path.name}: file not found ({path})")
    if path.stat().st_size == 0:
        raise UnreadableFile(f"{path.name}: the file is empty")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return _read_excel(con, path, table, date_columns)
    if head.startswith(OLE2_SIGNATURE):
        raise UnreadableFile(f"{path.name}: an Excel 97-2003 workbook, which is not supported: save it as .xlsx or CSV")
    if path.suffix.lower() in EXCEL_SUFFIXES or path.suffix.lower() == ".xls":
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise UnreadableFile(
                f"{path.name}: not a readable Excel workbook (.xls files from Excel 97-2003 are not "
                "supported: save it as .xlsx or CSV)"
            )
        contents = _read_csv(con, path, table, outside_transaction, date_columns)
        contents.notes.append("the file is named like a workbook but holds text; it was read as CSV")
        return contents
    return _read_csv(con, path, table, outside_transaction, date_columns)


def _encoding_of(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        # UTF-16 without a byte-order mark: the header's ASCII letters come with a zero byte beside them.
        if len(head) >= 2 and head[0] != 0 and head[1] == 0:
            return "utf-16-le"
        if len(head) >= 2 and head[0] == 0 and head[1] != 0:
            return "utf-16-be"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        encoding = "utf-8"
        while chunk := handle.read(1 << 20):
            if b"\x00" in chunk:
                raise UnreadableFile(f"{path.name}: not a text file (it holds binary data): save it as CSV or .xlsx")
            if encoding == "utf-8":
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    # Excel's "CSV" on Windows writes the machine's code page, nearly always Windows-1252 here.
                    encoding = "cp1252"
        if encoding == "utf-8":
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1252"
    return encoding


def _has_blank_line(path: Path) -> bool:
    # A blank line in the middle would shift DuckDB's row numbers; trailing ones are harmless. Searched in
    # the mapped file, without copying it (a copy of a big file cost more than the search).
    if path.stat().st_size == 0:
        return False
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        end = len(data)
        while end > 0 and data[end - 1] in b"\r\n\t ,;":
            end -= 1
        if data.find(b"\n\n", 0, end) != -1:
            return True
        # A file without carriage returns (most) cannot hold "\n\r\n"; looking for one byte is far quicker.
        return data.find(b"\r", 0, end) != -1 and data.find(b"\n\r\n", 0, end) != -1


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str, outside_transaction: bool,
              date_columns: tuple[str, ...]) -> FileContents:
    encoding = _encoding_of(path)
    try:
        with open(path, encoding=encoding, newline="") as handle:
            first_line = handle.readline()
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"{path.name}: not readable as {encoding} text ({error.reason})") from None
    if not first_line.strip(" \t\r\n,;"):
        raise UnreadableFile(f"{path.name}: the first row must be the header, but it is blank")
    delimiter = max([",", ";", "\t"], key=first_line.count)
    header = next(csv.reader([first_line], delimiter=delimiter))
    notes = []
    if encoding == "cp1252":
        notes.append("read as Windows-1252 text (not UTF-8)")
    if encoding.startswith("utf-16"):
        notes.append("read as UTF-16 text")
    if delimiter != ",":
        notes.append(f"columns separated by {delimiter!r}")
    fast = encoding in ("utf-8", "utf-8-sig") and delimiter == "," and not _has_blank_line(path)
    if fast:
        try:
            return _read_csv_with_duckdb(con, path, table, header, notes, outside_transaction, date_columns)
        except duckdb.Error:
            con.execute(f"drop table if exists {table}_raw")
            # ragged or oddly quoted rows: the careful reader below names the row
    return _read_csv_with_python(con, path, table, encoding, delimiter, notes, date_columns)


def _unique_names(header: list[str]) -> list[str]:
    names = []
    for position, raw in enumerate(header, start=1):
        name = normalise_header(raw) or f"unnamed_column_{position}"
        # source_row is the row number's column, and names ending in PARSED_SUFFIX are the parsed dates'.
        while name in names or name == "source_row" or name.endswith(PARSED_SUFFIX):
            name = f"{name}_{position}"
        names.append(name)
    return names


def _read_csv_with_duckdb(con, path: Path, table: str, header: list[str], notes: list[str],
                          outside_transaction: bool, date_columns: tuple[str, ...]) -> FileContents:
    names = _unique_names(header)
    columns = {f"c{position}": "VARCHAR" for position in range(len(names))}
    # One pass from the file to the staged values; empty cells become NULL on the way. The row number is
    # the table's rowid (DuckDB keeps file order), so no column has to be written for it.
    values = [f"nullif(c{position}, '') as \"{name}\"" for position, name in enumerate(names)]
    dates = [f"parse_date(nullif(c{position}, '')) as {parsed_date(name)}"
             for position, name in enumerate(names) if name in date_columns]
    raw = (
        "select " + ", ".join(values + dates)
        + " from read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        "strict_mode = true, null_padding = true, columns = ?)"
    )
    if outside_transaction:
        con.execute(f"create or replace temp table {table}_raw as {raw}", [str(path), columns])
    else:
        # A connection of its own: a parse error would otherwise abort the load's transaction, and with
        # it the fall-back to the careful reader and any files of the same load already written.
        with duckdb.connect() as reader:
            reader.execute(PARSE_DATE_MACRO)
            rows = reader.sql(raw, params=[str(path), columns]).to_arrow_table()
        # Numbered here: inside the load's transaction a new table's rowids are not 0, 1, 2, ...
        rows = rows.append_column("source_row", pa.array(range(2, rows.num_rows + 2), pa.int64()))
        _stage_rows(con, rows, f"{table}_raw")
    _trim_invisible(con, f"{table}_raw", names, date_columns)
    _define_view(con, table)
    return _contents(con, path, table, names, notes, header)


def _trim_invisible(con, raw: str, names: list[str], date_columns: tuple[str, ...]) -> None:
    # Tabs, non-breaking and zero-width spaces around a value are as invisible in Excel as plain spaces.
    # Hardly any value has them, and trim() with a character list is slow, so only the rows that need it
    # are rewritten: the test reads each value's first and last character as a number, which is cheap.
    codes = ", ".join(str(ord(character)) for character in INVISIBLE)
    needs = {name: f'(ord("{name}") in ({codes}) or ord(reverse("{name}")) in ({codes}))' for name in names}
    trimmed = {name: f'case when {test} then nullif(trim("{name}", \'{INVISIBLE}\'), \'\') else "{name}" end'
               for name, test in needs.items()}
    assignments = ", ".join(
        [f'"{name}" = {value}' for name, value in trimmed.items()]
        + [f"{parsed_date(name)} = parse_date({value})" for name, value in trimmed.items() if name in date_columns]
    )
    con.execute(f"update {raw} set {assignments} where {' or '.join(needs.values())}")


def _define_view(con, table: str) -> None:
    """(Re)define view `table` over `{table}_raw`: its row numbers, its columns, and no blank rows."""
    columns = [row[0] for row in con.execute(f"describe {table}_raw").fetchall()]
    values = [name for name in columns if name != "source_row"]
    texts = [name for name in values if not name.endswith(PARSED_SUFFIX)]
    # Rows staged from DuckDB's reader are numbered by position (the header is row 1); the careful
    # readers skip blank lines and so carry their own numbers.
    row_number = "source_row" if "source_row" in columns else "rowid + 2"
    listed = "".join(f', "{name}"' for name in values)
    not_blank = " or ".join(f'"{name}" is not null' for name in texts) or "false"
    con.execute(f"create or replace temp view {table} as select {row_number} as source_row{listed} "
                f"from {table}_raw where {not_blank}")


def add_column(con, table: str, name: str, is_date: bool = False) -> None:
    """Add an empty text column (and for a date, its empty parsed date) to a staged file."""
    con.execute(f'alter table {table}_raw add column "{name}" varchar')
    if is_date:
        con.execute(f"alter table {table}_raw add column {parsed_date(name)} date")
    _define_view(con, table)


def drop_column(con, table: str, name: str) -> None:
    con.execute(f'alter table {table}_raw drop column "{name}"')
    _define_view(con, table)


def _read_csv_with_python(con, path: Path, table: str, encoding: str, delimiter: str, notes: list[str],
                          date_columns: tuple[str, ...]) -> FileContents:
    problems = []
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise UnreadableFile(f"{path.name}: the file is empty") from None
        names = _unique_names(header)
        rows: list[list[str]] = []
        source_rows: list[int] = []
        row_number = 1
        try:
            for record in reader:
                row_number += 1
                if not any(value.strip() for value in record):
                    continue
                if len(record) > len(names):
                    extra = record[len(names):]
                    if any(value.strip() for value in extra):
                        problems.append(Problem(path.name, row_number, None, None,
                                                f"row has {len(record)} values but the header has {len(names)} columns"))
                    record = record[: len(names)]
                rows.append(record + [""] * (len(names) - len(record)))
                source_rows.append(row_number)
        except csv.Error as error:
            raise UnreadableFile(f"{path.name}: row {row_number + 1}: not valid CSV ({error})") from None
        except UnicodeDecodeError as error:
            raise UnreadableFile(f"{path.name}: row {row_number + 1}: not readable as {encoding} text "
                                 f"({error.reason})") from None
    frame = pd.DataFrame(rows, columns=[f"c{position}" for position in range(len(names))], dtype=object)
    frame.insert(0, "source_row_number", source_rows)
    _stage_rows(con, frame)
    _finish(con, table, names, "source_row_number", date_columns)
    contents = _contents(con, path, table, names, notes, header)
    contents.problems.extend(problems)
    return contents


def _excel_text(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):  # pd.Timestamp is one too
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):  # a time-of-day cell stays text, and is no date
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_excel(con, path: Path, table: str, date_columns: tuple[str, ...]) -> FileContents:
    try:
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(f"{path.name}: not a readable Excel workbook ({error})") from None
    except Exception as error:  # openpyxl raises many types for damaged workbooks
        raise UnreadableFile(f"{path.name}: not a readable Excel workbook ({type(error).__name__})") from None
    if frame.empty:
        raise UnreadableFile(f"{path.name}: the first sheet is empty")
    header = ["" if _excel_text(value) is None else _excel_text(value) for value in frame.iloc[0]]
    names = _unique_names(header)
    body = frame.iloc[1:].map(_excel_text)
    body.columns = [f"c{position}" for position in range(len(names))]
    body.insert(0, "source_row_number", [index + 1 for index in frame.index[1:]])
    _stage_rows(con, body)
    _finish(con, table, names, "source_row_number", date_columns)
    return _contents(con, path, table, names, [], header)


def _stage_rows(con, rows, table: str = "file_rows") -> None:
    """Copy a DataFrame or Arrow table into a temp table (by default `file_rows`)."""
    con.complete()  # DuckDB refuses register() while an earlier execute() still has unread rows
    con.register("file_frame", rows)
    con.execute(f"create or replace temp table {table} as select * from file_frame")
    con.unregister("file_frame")


def _cleaned(names: list[str], row_expression: str, source: str) -> str:
    """The select that numbers, trims and names the raw columns c0, c1, ... of `source`, skipping blank rows."""
    # Tabs, non-breaking and zero-width spaces around a value are as invisible in Excel as plain spaces.
    # trim() with a character list is slow; it can only change a value whose first or last character is
    # in the list, so only those (few) values take it. Same result, about 2.5x faster on big files.
    trimmed = [
        f"nullif(case when contains('{INVISIBLE}', left(c{position}::varchar, 1)) "
        f"or contains('{INVISIBLE}', right(c{position}::varchar, 1)) "
        f"then trim(c{position}::varchar, '{INVISIBLE}') else c{position}::varchar end, '')"
        for position in range(len(names))
    ]
    selected = ", ".join(f'{value} as "{name}"' for value, name in zip(trimmed, names, strict=True))
    not_blank = " or ".join(f"{value} is not null" for value in trimmed)
    # No ORDER BY: the rows are already in file order, and DuckDB keeps insertion order.
    return f"select {row_expression} as source_row, {selected} from {source} where {not_blank}"


def _finish(con, table: str, names: list[str], row_expression: str, date_columns: tuple[str, ...]) -> None:
    dates = "".join(f', parse_date("{name}") as {parsed_date(name)}' for name in names if name in date_columns)
    con.execute(f"create or replace temp table {table}_raw as "
                f"select *{dates} from ({_cleaned(names, row_expression, 'file_rows')})")
    con.execute("drop table file_rows")
    _define_view(con, table)


def _contents(con, path: Path, table: str, names: list[str], notes: list[str], header: list[str]) -> FileContents:
    problems = []
    kept = []
    for name in names:
        if name.startswith("unnamed_column_"):
            used = con.execute(f'select count("{name}") from {table}').fetchone()[0]
            if used:
                problems.append(Problem(path.name, 1, name, None, "this column has values but no header"))
            else:
                drop_column(con, table, name)
                continue
        kept.append(name)
    row_count = con.execute(f"select count(*) from {table}").fetchone()[0]
    given = Counter(normalise_header(raw) for raw in header)
    duplicated = sorted(name for name, count in given.items() if name and count > 1)
    return FileContents(kept, row_count, notes, problems, duplicated)
