"""A tiny framework shaped like Maldon's Customer Solutions job description, for tests that need to control wording.

One role with four numbered levels (Advisor 1 and 2, Co-ordinator 3, Senior Co-ordinator 4) and a
minimum time (18 months) for moving from level 1 to level 2, as the Maldon document states. Without a
rules file it takes the defaults (Medway's categories and courses, training needed for time); two level 2
criteria repeat Medway's CABS officer level B wording exactly, so comparisons have something to match.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

NAME = "fourlevels"
ROLE = "FOUR"
TENURE_MONTHS = 18
HEADER = ["role_code", "role_title", "range", "level", "level_name", "category", "number", "criterion",
          "min_months", "any_of"]
LEVELS = (("1", "Advisor Level 1"), ("2", "Advisor Level 2"), ("3", "Co-ordinator Level 3"),
          ("4", "Senior Co-ordinator Level 4"))
CRITERIA = {
    "1": [("Qualifications", "Good standard of education with a minimum of 5 GCSEs or equivalent experience.", None),
          ("Knowledge", "Clear understanding of health and safety procedures", None),
          ("Skills", "Proven ability to deliver accurate and high quality administration support", None)],
    "2": [("Qualifications", "Educated to NVQ level 3 / A Level standard or equivalent experience.", None),
          ("Knowledge", "A sound knowledge of good customer service.", None),
          ("Knowledge", "Proven understanding of statutory and regulatory requirements", None),
          ("Experience", "Minimum of 18 months experience in a similar role", TENURE_MONTHS),
          ("Skills", "Proficient in the use of task specific systems and software.", None),
          ("Skills", "Assist Co-ordinators in maintaining the reference material available to the team", None)],
    "3": [("Experience", "Proven ability to lead a team with experience in all aspects of people management", None),
          ("Experience", "Experience in setting, maintaining and monitoring standards of accuracy", None),
          ("Skills", "To support and develop others within the team in the areas of specialism", None)],
    "4": [("Skills", "Proven ability to handle complex customer enquiries / issues and reach a resolution", None),
          ("Skills", "Proven ability to mediate in situations involving challenging customers", None)],
}


def criterion_ids(level: str, time_based: bool = False) -> list[str]:
    """The ids the loader gives this level's criteria (ROLE.level.<category letter><number>)."""
    ids, numbers = [], {}
    for category, _text, months in CRITERIA[level]:
        numbers[category] = numbers.get(category, 0) + 1
        if bool(months) == time_based:
            ids.append(f"{ROLE}.{level}.{category[0]}{numbers[category]}")
    return ids


def write(folder: Path) -> Path:
    """Write fourlevels.csv into `folder` (created if missing); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for level, level_name in LEVELS:
        numbers: dict[str, int] = {}
        for category, text, months in CRITERIA[level]:
            numbers[category] = numbers.get(category, 0) + 1
            rows.append([ROLE, "Four-level example", 4, level, level_name, category, numbers[category], text,
                         months or "", ""])
    with open(folder / f"{NAME}.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return folder


def with_shipped(folder: Path, shipped: Path) -> Path:
    """`folder` holding the shipped framework files and the four-level framework beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in shipped.glob("*.csv"):
        shutil.copyfile(path, folder / path.name)
    return write(folder)
