"""Who is looking and what they chose: the `Viewer` (access role and own staff_id) and the sidebar's `Filters`.

Kept apart from the query functions so pages, the router and the audit trail can name them without the
queries; `warehouse.queries` re-exports both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ACCESS_ROLES = ("admin", "senior", "manager", "staff")


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their access role and, for managers and staff, their own staff_id."""

    email: str | None
    access_role: str | None  # admin | senior | manager | staff | None (matches nobody)
    staff_id: str | None = None

    @property
    def can_load(self) -> bool:
        return self.access_role == "admin"

    @property
    def sees_anyone(self) -> bool:
        return self.access_role in ACCESS_ROLES


NOBODY = Viewer(None, None, None)


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices: as-of date, framework, teams and ranges (empty means all)."""

    as_of: dt.date
    framework: str | None = None
    teams: tuple[str, ...] = field(default_factory=tuple)
    ranges: tuple[int, ...] = field(default_factory=tuple)
