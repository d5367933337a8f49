"""The loaders' one error family: every problem names file, row, column, value and the rule broken."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file. `row` is the spreadsheet row (the header is row 1)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{', '.join(where)}: {self.rule}{shown}"


class LoadError(Exception):
    """Base of every error a loader raises on purpose."""


class UnreadableFile(LoadError):
    """The file cannot be read at all (missing, empty, corrupt, unknown format)."""


class DatabaseBusy(LoadError):
    """Another load holds the writer lock."""


class LoadRejected(LoadError):
    """Validation found problems; nothing was written except the load log's record of the rejection."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        shown = "\n".join(f"  {problem}" for problem in problems)
        more = f"\n  ... and {self.total - len(problems)} more" if self.total > len(problems) else ""
        super().__init__(f"{self.total} problem(s) found, nothing loaded:\n{shown}{more}")
