"""Writes the hostile-file corpus in tests/data/bad/ and its MANIFEST.csv; run it once and commit the output.

    .venv/bin/python tests/data/make_bad_corpus.py [FOLDER]

Each case is one file named `<kind>__<problem>.<suffix>` with what loading it must do: `loads` (the
format is merely unusual and unambiguous), `rejected` (with the words the broken rule must contain and,
where it makes sense, the row and column it must name; an empty row or column means the problem names
none) or `unreadable`. The files refer to the ids of tests/data/hostile_base/, which the tests load first.
Workbooks are built with openpyxl, so they differ byte for byte on every run; the text files do not.
The 100,000-row files are too big to commit: tests/test_hostile_files.py builds them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl

FOLDER = Path(__file__).resolve().parent / "bad"
MANIFEST_COLUMNS = ["file", "kind", "expect", "rule_words", "row", "column"]
FAR_FUTURE = "2199-01-01"  # stays in the future for as long as this code lives
FORMULA = '=HYPERLINK("http://x","click")'


@dataclass
class Case:
    file: str
    expect: str  # loads | rejected | unreadable
    data: bytes
    rule_words: str = ""
    row: int | None = None
    column: str | None = None

    @property
    def kind(self) -> str:
        return self.file.split("__")[0]


STAFF_HEADER = ["staff_id", "name", "team", "line_manager_id", "role", "level", "level_start_date", "email"]
STAFF = [  # rows 2, 3, 4
    ["M1", "Morgan Vale", "Alpha", "", "MGR", "A", "2022-01-01", "morgan@example.org"],
    ["S1", "Sam Reed", "Alpha", "M1", "OFF", "A", "2024-01-15", "sam@example.org"],
    ["S2", "Alex Moor", "Alpha", "M1", "Officer", "B", "15/03/2023", "alex@example.org"],
]
EVIDENCE_HEADER = ["staff_id", "criterion_id", "evidence_date", "status", "assessor", "note", "evidence_ref"]
EVIDENCE = [  # rows 2, 3, 4
    ["S1", "OFF.B.K1", "2025-01-10", "approved", "Morgan Vale", "Good", "ref-1"],
    ["S2", "OFF.A.K1", "2024-02-01", "submitted", "", "", ""],
    ["S1", "OFF.A.K1", "2024-03-05", "approved", "Morgan Vale", "Observed", "ref-2"],
]
TRAINING_HEADER = ["staff_id", "course", "completed_on", "expires_on"]
TRAINING = [  # rows 2, 3
    ["S1", "Safeguarding", "2025-01-01", "2027-01-01"],
    ["S2", "GDPR", "2024-05-01", ""],
]
ACTING_HEADER = ["staff_id", "role", "start_date", "end_date", "kind"]
ACTING = [  # rows 2, 3
    ["S1", "MGR", "2025-02-01", "2025-03-31", "acting_up"],
    ["S2", "OFF", "2022-06-01", "", "secondment"],
]
FRAMEWORK_HEADER = ["role_code", "role_title", "range", "level", "level_name", "category", "number", "criterion",
                    "min_months", "any_of"]
FRAMEWORK = [  # rows 2, 3, 4, 5: a new role, so that the framework's name (the file's stem) is free to be new
    ["NEW", "New role", "4", "A", "Developing", "Knowledge", "1", "Knows the new basics", "", ""],
    ["NEW", "New role", "4", "A", "Developing", "Skills", "1", "Does the new thing", "", ""],
    ["NEW", "New role", "4", "B", "Practising", "Knowledge", "1", "Knows more", "", ""],
    ["NEW", "New role", "4", "B", "Practising", "Experience", "1", "12 months at level A", "12", ""],
]
COURSES = [["Safeguarding"], ["GDPR"], ["Fire safety"]]
ACCESS = [["hr.lead@example.org", "admin"], ["head.of.service@example.org", "senior"]]


def text(header: list[str], rows: list[list[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def utf8(header, rows, **options) -> bytes:
    return text(header, rows, **options).encode("utf-8")


def spoil(rows: list[list[str]], header: list[str], row: int, column: str, value: str) -> list[list[str]]:
    """A copy of `rows` with one value changed; `row` is the spreadsheet row (the header is row 1)."""
    changed = [list(values) for values in rows]
    changed[row - 2][header.index(column)] = value
    return changed


def without(header: list[str], rows: list[list[str]], column: str) -> tuple[list[str], list[list[str]]]:
    position = header.index(column)
    return ([name for name in header if name != column],
            [[value for index, value in enumerate(values) if index != position] for values in rows])


def workbook(header: list[str], rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append([None if value == "" else value for value in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def staff_cases() -> list[Case]:
    accented = spoil(STAFF, STAFF_HEADER, 3, "name", "Zoë Ángel")
    excel_rows = [[*values[:6], dt.datetime.fromisoformat(date), values[7]]
                  for values, date in zip(STAFF, ["2022-01-01", "2024-01-15", "2023-03-15"], strict=True)]
    genuine = workbook(STAFF_HEADER, excel_rows)
    blank_lines = text(STAFF_HEADER, STAFF[:1]) + "\r\n\r\n" + text(STAFF_HEADER, STAFF[1:]).split("\r\n", 1)[1]
    quoted_newline = spoil(STAFF, STAFF_HEADER, 3, "name", "Sam\nReed")
    garbage = random.Random(20250101).randbytes(400)
    return [
        Case("staff__utf8_bom.csv", "loads", codecs.BOM_UTF8 + utf8(STAFF_HEADER, accented)),
        Case("staff__windows_1252.csv", "loads",
             text(STAFF_HEADER, spoil(accented, STAFF_HEADER, 3, "team", "Café – Front desk")).encode("cp1252")),
        Case("staff__utf16_tab_delimited.txt", "loads",
             text(STAFF_HEADER, accented, delimiter="\t").encode("utf-16")),
        Case("staff__utf16_without_bom.csv", "loads", text(STAFF_HEADER, accented).encode("utf-16-le")),
        Case("staff__semicolon_delimited.csv", "loads",
             utf8(STAFF_HEADER, spoil(STAFF, STAFF_HEADER, 3, "team", "Alpha, North"), delimiter=";")),
        Case("staff__tab_delimited.tsv", "loads", utf8(STAFF_HEADER, STAFF, delimiter="\t")),
        Case("staff__blank_lines.csv", "loads",
             (blank_lines + ",,,,,,,\r\n\r\n,,,,,,,\r\n").encode("utf-8")),
        Case("staff__blank_lines_then_bad_level.csv", "rejected",
             (blank_lines.replace("Officer,B,", "Officer,Z,")).encode("utf-8"), "no such level", 6, "level"),
        Case("staff__headers_in_other_case_and_spacing.csv", "loads",
             utf8([" Staff ID ", "NAME", "Team", "Line Manager ID", "Role", "Level", "Level Start Date", "Email"],
                  STAFF)),
        Case("staff__renamed_staff_id_header.csv", "rejected",
             utf8(["Employee number", *STAFF_HEADER[1:]], STAFF), "required column is missing", 1, "staff_id"),
        Case("staff__missing_team_column.csv", "rejected", utf8(*without(STAFF_HEADER, STAFF, "team")),
             "required column is missing", 1, "team"),
        Case("staff__extra_columns.csv", "loads",
             utf8([*STAFF_HEADER, "Salary", "Notes"], [[*values, "31000", "n/a"] for values in STAFF])),
        Case("staff__duplicated_name_column.csv", "rejected",
             utf8([*STAFF_HEADER, "Name"], [[*values, "Someone Else"] for values in STAFF]),
             "more than once in the header", 1, "name"),
        Case("staff__values_without_header.csv", "rejected",
             utf8([*STAFF_HEADER, ""], [[*values, "stray" if values[0] == "S1" else ""] for values in STAFF]),
             "has values but no header", 1, "unnamed_column_9"),
        Case("staff__ragged_row.csv", "rejected",
             utf8(STAFF_HEADER, [STAFF[0], [*STAFF[1], "extra", "values"], STAFF[2]]),
             "row has 10 values but the header has 8 columns", 3, None),
        Case("staff__words_for_date.csv", "rejected",
             utf8(STAFF_HEADER, spoil(STAFF, STAFF_HEADER, 3, "level_start_date", "last spring")),
             "not a date", 3, "level_start_date"),
        Case("staff__us_dates.csv", "rejected",
             utf8(STAFF_HEADER, spoil(STAFF, STAFF_HEADER, 3, "level_start_date", "12/31/2023")),
             "not a date", 3, "level_start_date"),
        Case("staff__excel_serial_dates.csv", "rejected",
             utf8(STAFF_HEADER, spoil(STAFF, STAFF_HEADER, 3, "level_start_date", "45123")),
             "not a date", 3, "level_start_date"),
        Case("staff__future_date.csv", "rejected",
             utf8(STAFF_HEADER, spoil(STAFF, STAFF_HEADER, 3, "level_start_date", FAR_FUTURE)),
             "date in the future", 3, "level_start_date"),
        Case("staff__duplicate_keys.csv", "rejected",
             utf8(STAFF_HEADER, spoil(STAFF, STAFF_HEADER, 4, "staff_id", "S1")), "duplicate key", 4, "staff_id"),
        Case("staff__unknown_line_manager.csv", "rejected",
             utf8(STAFF_HEADER, spoil(STAFF, STAFF_HEADER, 4, "line_manager_id", "X99")),
             "line manager is not in this staff file", 4, "line_manager_id"),
        Case("staff__unknown_role.csv", "rejected", utf8(STAFF_HEADER, spoil(STAFF, STAFF_HEADER, 3, "role", "Wizard")),
             "unknown role", 3, "role"),
        Case("staff__formula_in_name.csv", "loads", utf8(STAFF_HEADER, spoil(STAFF, STAFF_HEADER, 3, "name", FORMULA))),
        Case("staff__quoted_newline_in_name.csv", "loads", utf8(STAFF_HEADER, quoted_newline)),
        Case("staff__quoted_newline_then_bad_level.csv", "rejected",
             utf8(STAFF_HEADER, spoil(quoted_newline, STAFF_HEADER, 4, "level", "Z")), "no such level", 4, "level"),
        Case("staff__empty.csv", "unreadable", b""),
        Case("staff__blank_first_row.csv", "unreadable", b"\r\n" + utf8(STAFF_HEADER, STAFF)),
        Case("staff__header_only.csv", "rejected", utf8(STAFF_HEADER, []), "header but no data rows"),
        Case("staff__really_csv.xlsx", "loads", utf8(STAFF_HEADER, accented)),
        Case("staff__corrupt.xlsx", "unreadable", b"PK\x03\x04" + garbage),
        Case("staff__truncated.xlsx", "unreadable", genuine[: len(genuine) // 2]),
        Case("staff__genuine_workbook.xlsx", "loads", genuine),
        Case("staff__workbook_future_date.xlsx", "rejected",
             workbook(STAFF_HEADER, [*excel_rows[:2], [*excel_rows[2][:6], dt.datetime(2199, 1, 1), ""]]),
             "date in the future", 4, "level_start_date"),
        Case("staff__workbook_time_cell.xlsx", "rejected",
             workbook(STAFF_HEADER, [excel_rows[0], [*excel_rows[1][:6], dt.time(9, 30), ""], excel_rows[2]]),
             "not a date", 3, "level_start_date"),
        Case("staff__excel_97_workbook.xls", "unreadable", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        Case("staff__binary_garbage.csv", "unreadable", garbage),
        Case("staff__undecodable_bytes.csv", "unreadable",
             utf8(STAFF_HEADER, STAFF).replace(b"Sam Reed", b"Sam \x81\x8d Reed")),
        Case("staff__tabs_and_nonbreaking_spaces.csv", "loads",
             (text(STAFF_HEADER, [[f"\t{value}\u00a0" if value else value for value in values] for values in STAFF])
              + "\t \u00a0\r\n").encode("utf-8")),
        Case("staff__source_row_header.csv", "loads",
             utf8([*STAFF_HEADER, "Source Row"], [[*values, "99"] for values in STAFF])),
    ]


def evidence_cases() -> list[Case]:
    header, rows = EVIDENCE_HEADER, EVIDENCE
    multi_line = spoil(rows, header, 2, "note", "Line one\nLine two, with a comma")
    return [
        Case("evidence__us_dates.csv", "rejected", utf8(header, spoil(rows, header, 2, "evidence_date", "01/31/2025")),
             "not a date", 2, "evidence_date"),
        Case("evidence__excel_serial_dates.csv", "rejected",
             utf8(header, spoil(rows, header, 3, "evidence_date", "45323")), "not a date", 3, "evidence_date"),
        Case("evidence__future_date.csv", "rejected",
             utf8(header, spoil(rows, header, 4, "evidence_date", "01/06/2199")), "date in the future", 4,
             "evidence_date"),
        Case("evidence__timestamps_for_dates.csv", "rejected",
             utf8(header, spoil(rows, header, 2, "evidence_date", "2025-01-10 00:00:00")), "not a date", 2,
             "evidence_date"),
        Case("evidence__unknown_staff_id.csv", "rejected", utf8(header, spoil(rows, header, 3, "staff_id", "S99")),
             "unknown staff_id", 3, "staff_id"),
        Case("evidence__unknown_criterion_id.csv", "rejected",
             utf8(header, spoil(rows, header, 2, "criterion_id", "OFF.Z.K9")), "unknown criterion_id", 2,
             "criterion_id"),
        Case("evidence__time_based_criterion.csv", "rejected",
             utf8(header, spoil(rows, header, 2, "criterion_id", "OFF.B.E1")), "worked out from dates", 2,
             "criterion_id"),
        Case("evidence__duplicate_keys.csv", "rejected", utf8(header, [*rows[:2], rows[0]]), "duplicate key", 4,
             "staff_id, criterion_id, evidence_date"),
        Case("evidence__duplicate_keys_differing_case.csv", "rejected",
             utf8(header, [*rows[:2], spoil(rows, header, 2, "criterion_id", "off.b.k1")[0]]), "duplicate key", 4,
             "staff_id, criterion_id, evidence_date"),
        Case("evidence__formula_in_note.csv", "loads",
             utf8(header, spoil(spoil(rows, header, 2, "note", FORMULA), header, 2, "evidence_ref", "=1+1"))),
        Case("evidence__quoted_newline_in_note.csv", "loads", utf8(header, multi_line)),
        Case("evidence__quoted_newline_then_bad_status.csv", "rejected",
             utf8(header, spoil(multi_line, header, 3, "status", "pending")), "must be one of", 3, "status"),
        Case("evidence__missing_assessor_column.csv", "rejected", utf8(*without(header, rows, "assessor")),
             "required column is missing", 1, "assessor"),
        Case("evidence__windows_1252.csv", "loads",
             text(header, spoil(rows, header, 2, "note", "Café visit – £5 ‘good’")).encode("cp1252")),
        Case("evidence__utf16_tab_delimited.txt", "loads", text(header, rows, delimiter="\t").encode("utf-16")),
        Case("evidence__lowercase_ids_and_statuses.csv", "loads",
             utf8(header, spoil(spoil(rows, header, 2, "criterion_id", "off.b.k1"), header, 2, "status", "APPROVED"))),
        Case("evidence__semicolon_with_quoted_semicolons.csv", "loads",
             utf8(header, spoil(rows, header, 2, "note", "first; second"), delimiter=";")),
        Case("evidence__approved_without_assessor.csv", "rejected",
             utf8(header, spoil(rows, header, 2, "assessor", "")), "assessor is required", 2, "assessor"),
    ]


def training_cases() -> list[Case]:
    header, rows = TRAINING_HEADER, TRAINING
    return [
        Case("training__header_only.csv", "rejected", utf8(header, []), "header but no data rows"),
        Case("training__blank_lines.csv", "loads", ("\n\n".join(text(header, rows, newline="\n").split("\n"))
                                                     ).encode("utf-8")),
        Case("training__expiry_far_future.csv", "loads",
             utf8(header, spoil(rows, header, 3, "expires_on", "2199-12-31"))),
        Case("training__completed_in_future.csv", "rejected",
             utf8(header, spoil(rows, header, 2, "completed_on", FAR_FUTURE)), "date in the future", 2,
             "completed_on"),
        Case("training__unknown_staff_id.csv", "rejected", utf8(header, spoil(rows, header, 3, "staff_id", "S99")),
             "unknown staff_id", 3, "staff_id"),
        Case("training__words_for_date.csv", "rejected", utf8(header, spoil(rows, header, 3, "completed_on", "TBC")),
             "not a date", 3, "completed_on"),
        Case("training__duplicate_keys_differing_case.csv", "rejected",
             utf8(header, [rows[0], spoil(rows, header, 2, "course", "SAFEGUARDING")[0]]), "duplicate key", 3,
             "staff_id, course, completed_on"),
        Case("training__expires_before_completed.csv", "rejected",
             utf8(header, spoil(rows, header, 2, "expires_on", "2024-12-31")), "expires before it was completed", 2,
             "expires_on"),
        Case("training__bom_semicolon_delimited.csv", "loads",
             codecs.BOM_UTF8 + utf8(header, spoil(rows, header, 3, "course", "First aid, level 2"), delimiter=";")),
        Case("training__excel_serial_dates.csv", "rejected",
             utf8(header, spoil(rows, header, 2, "completed_on", "45658")), "not a date", 2, "completed_on"),
    ]


def acting_cases() -> list[Case]:
    header, rows = ACTING_HEADER, ACTING
    return [
        Case("acting__us_dates.csv", "rejected", utf8(header, spoil(rows, header, 2, "start_date", "02/28/2025")),
             "not a date", 2, "start_date"),
        Case("acting__end_before_start.csv", "rejected", utf8(header, spoil(rows, header, 2, "end_date", "2025-01-01")),
             "end_date is before start_date", 2, "end_date"),
        Case("acting__unknown_kind.csv", "rejected", utf8(header, spoil(rows, header, 3, "kind", "holiday")),
             "must be one of", 3, "kind"),
        Case("acting__end_date_far_future.csv", "loads", utf8(header, spoil(rows, header, 3, "end_date", "31/12/2199"))),
        Case("acting__missing_end_date_column.csv", "rejected", utf8(*without(header, rows, "end_date")),
             "required column is missing", 1, "end_date"),
        Case("acting__duplicate_keys_code_and_title.csv", "rejected",
             utf8(header, [rows[0], spoil(rows, header, 2, "role", "Manager")[0]]), "duplicate key", 3,
             "staff_id, role, start_date"),
        Case("acting__unknown_role.csv", "rejected", utf8(header, spoil(rows, header, 2, "role", "Astronaut")),
             "unknown role", 2, "role"),
        Case("acting__headers_and_kinds_restyled.csv", "loads",
             utf8(["Staff Id", "ROLE", "Start date", "End Date", "Kind"],
                  spoil(rows, header, 2, "kind", "Acting_Up"))),
    ]


def framework_cases() -> list[Case]:
    header, rows = FRAMEWORK_HEADER, FRAMEWORK
    return [
        Case("framework__semicolon_delimited.csv", "loads", utf8(header, rows, delimiter=";")),
        Case("framework__words_for_range.csv", "rejected", utf8(header, spoil(rows, header, 2, "range", "four")),
             "not a whole number", 2, "range"),
        Case("framework__decimal_number.csv", "rejected", utf8(header, spoil(rows, header, 3, "number", "1.5")),
             "not a whole number", 3, "number"),
        Case("framework__numbers_with_gaps.csv", "rejected", utf8(header, spoil(rows, header, 3, "number", "2")),
             "without gaps", 3, "number"),
        Case("framework__unknown_category.csv", "rejected",
             utf8(header, spoil(rows, header, 2, "category", "Attitude")), "must be one of", 2, "category"),
        Case("framework__duplicate_keys.csv", "rejected", utf8(header, [rows[0], rows[0], *rows[2:]]),
             "duplicate key", 3, "role_code, level, category, number"),
        Case("framework__missing_level_name_column.csv", "rejected", utf8(*without(header, rows, "level_name")),
             "required column is missing", 1, "level_name"),
        Case("framework__formula_in_criterion.csv", "loads",
             utf8(header, spoil(rows, header, 3, "criterion", FORMULA))),
        Case("framework__role_of_another_framework.csv", "rejected",
             utf8(header, [[("OFF" if index == 0 else "Officer" if index == 1 else value)
                            for index, value in enumerate(values)] for values in rows]),
             "belongs to another framework", 2, "role_code"),
        Case("framework__windows_1252.csv", "loads",
             text(header, spoil(rows, header, 2, "criterion", "Knows the café’s procedures")).encode("cp1252")),
    ]


def other_cases() -> list[Case]:
    return [
        Case("mandatory_courses__utf8_bom.csv", "loads", codecs.BOM_UTF8 + utf8(["course"], COURSES)),
        Case("mandatory_courses__duplicate_keys.csv", "rejected", utf8(["course"], [*COURSES, ["GDPR"]]),
             "duplicate key", 5, "course"),
        Case("mandatory_courses__header_only.csv", "rejected", utf8(["course"], []), "header but no data rows"),
        Case("mandatory_courses__renamed_header.csv", "rejected", utf8(["Course name"], COURSES),
             "required column is missing", 1, "course"),
        Case("mandatory_courses__blank_lines.csv", "loads", b"course\n\nSafeguarding\n\n\nGDPR\nFire safety\n\n"),
        Case("access__not_an_email.csv", "rejected", utf8(["email", "role"], [["hr lead at example", "admin"]]),
             "not an email address", 2, "email"),
        Case("access__unknown_role.csv", "rejected", utf8(["email", "role"], [ACCESS[0], ["x@example.org", "root"]]),
             "must be one of", 3, "role"),
        Case("access__duplicate_emails_differing_case.csv", "rejected",
             utf8(["email", "role"], [*ACCESS, ["HR.Lead@Example.org", "senior"]]), "duplicate key", 4, "email"),
        Case("access__utf16.csv", "loads", text(["email", "role"], ACCESS).encode("utf-16")),
        Case("access__missing_role_column.csv", "rejected", utf8(["email"], [[ACCESS[0][0]]]),
             "required column is missing", 1, "role"),
    ]


def cases() -> list[Case]:
    return staff_cases() + evidence_cases() + training_cases() + acting_cases() + framework_cases() + other_cases()


def write_corpus(folder: Path = FOLDER) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    written = cases()
    for case in written:
        (folder / case.file).write_bytes(case.data)
    with open(folder / "MANIFEST.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        for case in written:
            writer.writerow([case.file, case.kind, case.expect, case.rule_words,
                             "" if case.row is None else case.row, case.column or ""])
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER
    print(f"{len(write_corpus(target))} files written to {target}")
