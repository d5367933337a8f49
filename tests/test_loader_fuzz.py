"""Fuzzing every loader with generated files: the only exceptions a load may raise are LoadError's family."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from loaders.errors import LoadError, LoadRejected
from loaders.load import load_files

BASE = Path(__file__).parent / "data" / "hostile_base"
BASE_FILES = {"framework": "mini.csv", "mandatory_courses": "mandatory_courses.csv", "staff": "staff.csv",
              "evidence": "evidence.csv", "training": "training.csv", "acting": "acting.csv", "access": "access.csv"}

COLUMNS = {
    "framework": ["role_code", "role_title", "range", "level", "level_name", "category", "number", "criterion",
                  "min_months", "any_of", "level_order"],
    "mandatory_courses": ["course"],
    "staff": ["staff_id", "name", "team", "line_manager_id", "role", "level", "level_start_date", "email"],
    "evidence": ["staff_id", "criterion_id", "evidence_date", "status", "assessor", "note", "evidence_ref"],
    "training": ["staff_id", "course", "completed_on", "expires_on"],
    "acting": ["staff_id", "role", "start_date", "end_date", "kind"],
    "access": ["email", "role"],
}
# Values the loaders know, so that generated rows often get past the first rules to the later ones.
PLAUSIBLE = ["S1", "S2", "M1", "S99", "OFF", "MGR", "Officer", "A", "B", "Z", "OFF.A.K1", "off.b.k1", "OFF.B.E1",
             "approved", "Submitted", "rejected", "acting_up", "secondment", "admin", "senior", "Safeguarding",
             "GDPR", "Knowledge", "skills", "Experience", "1", "2", "3", "0", "-1", "12", "sam@example.org",
             "HR.Lead@Example.org", "Morgan Vale", "source_row"]
DATE_LIKE = ["2024-01-15", "15/03/2023", "12/31/2024", "45123", "2199-01-01", "1949-12-31", "2024-02-30",
             "0000-00-00", "9999-12-31", "2024-01-15 00:00:00", "2024-1-5", "31/12/99", "yesterday",
             "2025-01-01T09:00", "01/01/0001"]
ODD = ["", " ", "\t", '"', '""', ",", ";", "\n", "\r\n", "=HYPERLINK(\"http://x\",\"click\")", "=1+1", "@SUM(A1)",
       "NULL", "null", "NaN", "inf", "1e3", "3.5", "0x10", "1_000", "99999999999999999999", "\ufeffS1", "S1\u200b",
       "Zoë Ángel", "日本語", "🙂", "'; drop table staff; --", "x" * 5000]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
VALUES = st.one_of(st.sampled_from(PLAUSIBLE), st.sampled_from(DATE_LIKE), st.sampled_from(ODD), TEXT,
                   st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=True).map(str))
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]


@st.composite
def files(draw, kind: str) -> tuple[str, bytes]:
    """A file name and the bytes of a CSV for `kind`, with spoiled headers, rows, encodings and delimiters."""
    header = list(COLUMNS[kind])
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    for _ in range(draw(st.integers(0, 2))):
        change = draw(st.sampled_from(["drop", "extra", "duplicate", "restyle", "blank"]))
        if change == "drop" and header:
            header.pop(draw(st.integers(0, len(header) - 1)))
        elif change == "extra":
            header.insert(draw(st.integers(0, len(header))), draw(st.one_of(TEXT, st.sampled_from(PLAUSIBLE))))
        elif change == "duplicate" and header:
            header.append(draw(st.sampled_from(header)))
        elif change == "restyle" and header:
            position = draw(st.integers(0, len(header) - 1))
            header[position] = f" {header[position].replace('_', ' ').title()} "
        elif change == "blank":
            header.append("")
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, 0, -1, 1, 3]))
        rows.append(draw(st.lists(VALUES, min_size=max(width, 0), max_size=max(width, 0))))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    terminator = draw(st.sampled_from(["\r\n", "\n"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=terminator)
    writer.writerow(header)
    for row in rows:
        if draw(st.integers(0, 9)) == 0:
            buffer.write(terminator)  # a blank line in the middle
        writer.writerow(row)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = buffer.getvalue().encode(encoding, errors="replace")
    if draw(st.integers(0, 14)) == 0:
        data = draw(st.binary(max_size=200))
    elif draw(st.integers(0, 14)) == 0:
        data = data[: draw(st.integers(0, len(data)))]  # cut off mid-way, maybe mid-character
    stem = "fuzzed" if kind != "framework" else "fuzzed_framework"
    if draw(st.integers(0, 5)) == 0:
        return stem + ".xlsx", _workbook([header, *rows])
    suffix = draw(st.sampled_from([".csv", ".csv", ".csv", ".txt", ".xlsx"]))
    return stem + suffix, data


def _cell(value: str):
    """Numbers and dates as Excel would hold them; text without the control characters Excel refuses."""
    for parse in (int, float, dt.datetime.fromisoformat):
        try:
            return parse(value)
        except (ValueError, OverflowError):
            pass
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _workbook(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for values in rows:
        book.active.append([_cell(value) for value in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "template.duckdb"
    for kind, name in BASE_FILES.items():
        load_files(kind, [BASE / name], path)
    return path


@pytest.mark.parametrize("kind", list(COLUMNS))
def test_loaders_raise_only_their_own_errors(template, kind):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(file=files(kind))
    def load_one(file):
        name, data = file
        with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            db = Path(folder) / "db.duckdb"
            shutil.copyfile(template, db)
            try:
                load_files(kind, [path], db)
            except LoadRejected as rejection:
                assert rejection.problems and all(problem.file == name for problem in rejection.problems)
            except LoadError as error:
                assert name in str(error)

    load_one()
