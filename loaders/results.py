"""What a load reports: counts of rows inserted, updated, unchanged and removed, notes and problems."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from loaders.errors import Problem


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.removed)


@dataclass
class LoadResult:
    kind: str
    file_name: str
    file_sha256: str
    outcome: str  # loaded | unchanged | rejected | valid (check only)
    counts: Counts = field(default_factory=Counts)
    rows: int = 0
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_total: int = 0

    def summary(self) -> str:
        if self.outcome == "rejected":
            return f"{self.file_name}: rejected, {self.problem_total} problem(s)"
        if self.outcome == "valid":
            return f"{self.file_name}: {self.rows} rows, all valid (nothing written)"
        counts = self.counts
        return (f"{self.file_name}: {self.outcome} ({counts.inserted} inserted, {counts.updated} updated, "
                f"{counts.unchanged} unchanged, {counts.removed} removed)")


@dataclass
class LoadContext:
    """Facts a loader needs besides the rows: the file, the machine's date, the load's date."""

    file_name: str
    path: Path
    today: dt.date
    notes: list[str] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
