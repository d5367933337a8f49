"""Templates for every input kind (its header and one example row), and which kind a file's header fits.

The header comes from each loader's own column list (`spec`), so a template can never drift from what the
loader accepts; only the example values are written here. Generated example people, never real ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from loaders import framework
from loaders.load import KINDS
from loaders.results import LoadContext

MODULES = KINDS  # the loader's own table of kinds
# Kinds loaded as one file at a time; a framework is its criteria file with its _roles file.
SINGLE_FILE = ("staff", "evidence", "training", "acting", "mandatory_courses", "access")

EXAMPLES = {
    "framework": {"role_code": "CBSO", "role_title": "Customer and Business Support officer", "range": "3",
                  "level": "A", "level_name": "Developing", "category": "Knowledge", "number": "1",
                  "criterion": "A basic awareness of the principles of good customer service.", "min_months": "",
                  "any_of": "", "level_order": "1"},
    "framework_roles": {"role_code": "CBSO", "role_title": "Customer and Business Support officer", "range": "3",
                        "duties": "To provide an excellent service to internal and external customers.",
                        "fed_by": ""},
    "staff": {"staff_id": "S0001", "name": "Alex Example", "team": "Blue Badge", "line_manager_id": "",
              "role": "CBSO", "level": "A", "level_start_date": "2025-04-01", "email": "alex.example@example.org"},
    "evidence": {"staff_id": "S0001", "criterion_id": "CBSO.B.K1", "evidence_date": "2025-09-15",
                 "status": "submitted", "assessor": "", "note": "Knowledge check at one-to-one",
                 "evidence_ref": "SharePoint/Evidence/S0001/CBSO.B.K1.pdf"},
    "training": {"staff_id": "S0001", "course": "Data protection (GDPR)", "completed_on": "2025-05-01",
                 "expires_on": "2027-05-01"},
    "acting": {"staff_id": "S0001", "role": "CBTM", "start_date": "2025-06-01", "end_date": "2025-08-31",
               "kind": "acting_up"},
    "mandatory_courses": {"course": "Data protection (GDPR)"},
    "access": {"email": "hr.lead@example.org", "role": "admin"},
}


def columns(kind: str) -> list[str]:
    """The columns a file of this kind may hold, in the loader's order (`framework_roles`: the roles file)."""
    if kind == "framework_roles":
        return [column.name for column in framework.ROLES_COLUMNS]
    context = LoadContext("template.csv", Path("template.csv"), dt.date.today())
    return [column.name for column in MODULES[kind].spec("template", context).columns]


def required_columns(kind: str) -> set[str]:
    if kind == "framework_roles":
        return {column.name for column in framework.ROLES_COLUMNS if column.required}
    context = LoadContext("template.csv", Path("template.csv"), dt.date.today())
    return {column.name for column in MODULES[kind].spec("template", context).columns if column.required}


def template(kind: str) -> bytes:
    """A CSV template: the header row and one example row (UTF-8 with BOM, so Excel keeps accents)."""
    header = columns(kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerow([EXAMPLES[kind].get(name, "") for name in header])
    return buffer.getvalue().encode("utf-8-sig")


def best_kind(header: list[str]) -> str | None:
    """The kind whose required columns a header holds most completely (ties: the fewest unexplained columns);
    None when it holds no kind's required columns at all."""
    present = {name.strip().lower() for name in header if name}
    scored = []
    for kind in (*MODULES, "framework_roles"):
        required = required_columns(kind)
        known = set(columns(kind))
        scored.append((len(required & present) / len(required), -len(present - known), kind))
    share, _, kind = max(scored)
    return kind if share == 1 else None


def read_header(name: str, data: bytes) -> list[str]:
    """The first row of an uploaded CSV or Excel file (empty when it cannot be read)."""
    try:
        if name.lower().endswith((".xlsx", ".xlsm")):
            import openpyxl

            sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
            first = next(sheet.iter_rows(max_row=1, values_only=True), ())
            return [str(value).strip() for value in first if value is not None]
        text = data[:65536].decode("utf-8-sig", errors="replace")
        return [value.strip() for value in next(csv.reader(io.StringIO(text)), [])]
    except Exception:  # an unreadable file is the loader's to explain, with its own words
        return []
