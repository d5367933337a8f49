"""Loads the list of mandatory training courses (configuration shipped in data/mandatory_courses.csv)."""

from __future__ import annotations

from loaders.results import Counts
from loaders.upsert import replace_rows
from loaders.validation import Column, Spec


def spec(table: str, context) -> Spec:
    return Spec("mandatory_courses", [Column("course")], key=("course",))


def write(con, table: str, context) -> Counts:
    return replace_rows(con, "mandatory_courses", f"select distinct course from {table}", ["course"])
