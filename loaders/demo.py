"""The one workforce generator: the 150-person demo and the benchmark's scale workforces are instances of it.

Roles, levels, criteria, the roles each role feeds and the mandatory courses come from the loaded
frameworks, so the generator works on any framework the loaders take. The establishment (teams, who
leads them, who they report to) is worked out from the framework's ranges and levels; `data/demo_teams.csv`
only dresses it with real-sounding team names for the frameworks it names (Medway's). Generation is pure:
the same frameworks, size, seed and as-of date give the same rows.

People gather evidence the way they do at work: against the requirements of their own next level, and
(mostly near the top of their role) against the entry requirements of a role their role feeds (the roles
file's `fed_by`, by default the range immediately above in the same framework) - never against random
higher roles.

    build_demo(db)                        the demo: shipped configuration, then generated files through the loaders
    build_demo(db, frameworks=["maldon"]) the same on another council's framework
    generate_workforce(framework, n)      the rows themselves (bench/generate.py writes them straight in)
    load_shipped_configuration(db)        the framework files and mandatory courses only

The demo flag: after its loads, build_demo writes one row into `demo_marker` inside the database. That row,
never a file name, is what lets the dashboard run without sign-in and offer "View as"; any later load of
staff, evidence, training or acting deletes it for good (loaders/load.py). build_demo refuses a database
that already holds staff it did not generate.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from loaders.database import ROOT, connect_read_only, database_path, writing
from loaders.errors import LoadError, UnreadableFile
from loaders.framework import ROLES_SUFFIX
from loaders.load import load_files

FRAMEWORKS_FOLDER = ROOT / "data" / "frameworks"
MANDATORY_COURSES_FILE = ROOT / "data" / "mandatory_courses.csv"
TEAMS_FILE = ROOT / "data" / "demo_teams.csv"
DEMO_FOLDER = ROOT / "data" / "demo"
# Medway stays the default demo; any other loaded framework is one `--framework NAME` away.
DEFAULT_FRAMEWORKS = ("cabs", "customer_relations")
MEDWAY_EMAIL_DOMAIN = "demo.medway.example"
EARLIEST_DATE = dt.date(1950, 1, 1)
DEFAULT_WINDOW_MONTHS = 24  # only for a database without rules tables; frameworks carry their own

COLUMNS = {
    "staff": ("staff_id", "name", "team", "line_manager_id", "role", "level", "level_start_date", "email"),
    "evidence": ("staff_id", "criterion_id", "evidence_date", "status", "assessor", "note", "evidence_ref"),
    "training": ("staff_id", "course", "completed_on", "expires_on"),
    "acting": ("staff_id", "role", "start_date", "end_date", "kind"),
}

HEAD_TEAM = "Service Management"
STAFF_PER_SENIOR = 45  # people per senior manager (the tier the head of service manages)
STAFF_PER_TEAM_MANAGER = 15
LARGEST_TEAM = 32  # a bigger team is split into numbered teams of the same kind
SENIOR_SPAN = 8  # senior managers report up a tree, at most this many to one manager

# Invented name parts (Kent place names as surnames) so no combination is a known real person.
FIRST_NAMES = (
    "Abi", "Aled", "Amara", "Bethan", "Bryony", "Callum", "Carys", "Dara", "Delyth", "Dilys", "Eamon", "Efa",
    "Elspeth", "Farid", "Ffion", "Gethin", "Greer", "Hana", "Hollis", "Idris", "Imani", "Ines", "Jago", "Joss",
    "Kezia", "Kit", "Leona", "Lowri", "Marek", "Morwenna", "Nia", "Niamh", "Orla", "Oren", "Priya", "Quinn",
    "Rhodri", "Rosalind", "Saoirse", "Tamsin", "Tomasz", "Una", "Wren", "Yusuf", "Zainab",
)
LAST_NAMES = (
    "Ashcombe", "Ashdown", "Birling", "Blackwater", "Brackley", "Carrow", "Cobham", "Detling", "Dunmore",
    "Eccles", "Elstead", "Fairley", "Frindsbury", "Greaves", "Halling", "Hartwell", "Ivesley", "Jessop",
    "Larkfield", "Luddesdown", "Marden", "Meopham", "Nettleford", "Nurstead", "Oakham", "Offham", "Pennick",
    "Quarrie", "Ravensworth", "Ryarsh", "Snodland", "Teston", "Thornbury", "Underhill", "Upnor", "Vane",
    "Wetherby", "Wouldham", "Yalding",
)

NOTES = {
    "qualifications": "Certificate uploaded and checked",
    "knowledge": "Knowledge check completed and discussed at one-to-one",
    "experience": "Case examples reviewed with line manager",
    "skills": "Observed in practice by line manager",
}
DEFAULT_NOTE = "Reviewed with line manager"
REJECTED_NOTE = "Not yet at the level required: add more recent examples and resubmit"
SUBMITTED_NOTE = "Submitted for line manager sign-off"

# How often things happen; tuned so a 150-person demo shows every status the dashboard knows.
READY_SHARE = 0.07
READY_ON_SHARE = 0.07
TOP_LEVEL_WEIGHT = 0.35  # fewer people reach the top level of a role than sit at the levels below it
OLD_APPROVED_CHANCE = 0.3
MISSING_COURSE_CHANCE = 0.005
EXPIRED_COURSE_SHARE = 0.10
EXPIRING_SOON_SHARE = 0.04
RENEWAL_HISTORY_CHANCE = 0.25
ACTING_SHARE = 0.08
APPOINTED_AFTER_ACTING_SHARE = 0.3
# Renewal cycles in years (None: never expires) for the shipped courses; any other course gets 2 or 3.
RENEWAL_YEARS = {
    "data protection (gdpr)": 2,
    "display screen equipment": None,
    "equality and diversity": 3,
    "health and safety": 3,
    "safeguarding": 3,
}
EXPIRING_SOON_DAYS = 60


@dataclass(frozen=True)
class Role:
    role_code: str
    framework: str
    role_title: str
    range: int
    fed_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    criterion_id: str
    role_code: str
    level: str
    category: str
    min_months: int | None


@dataclass(frozen=True)
class Framework:
    """What the generator needs from the database, as plain data (levels in the framework's order)."""

    roles: dict[str, Role]
    levels: dict[str, tuple[str, ...]]
    criteria: tuple[Criterion, ...]
    courses: tuple[str, ...]  # the mandatory courses list
    # Each framework's own rules (its rules file): the courses its staff must keep current, the evidence window.
    framework_courses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    window_months: dict[str, int] = field(default_factory=dict)

    def courses_for(self, role_code: str) -> tuple[str, ...]:
        """The courses the role's framework requires (none for a framework whose rules list none)."""
        return self.framework_courses.get(self.roles[role_code].framework, self.courses)

    def window_for(self, role_code: str) -> int:
        return self.window_months.get(self.roles[role_code].framework, DEFAULT_WINDOW_MONTHS)

    def framework_names(self) -> list[str]:
        return list(dict.fromkeys(role.framework for role in self.roles.values()))

    def feeders(self, role_code: str) -> tuple[str, ...]:
        """Roles whose holders step up into this one: `fed_by`, else the range immediately below."""
        role = self.roles[role_code]
        if role.fed_by:
            return tuple(code for code in role.fed_by if code in self.roles)
        below = [other.range for other in self.roles.values() if other.framework == role.framework and other.range < role.range]
        return tuple(other.role_code for other in self.roles.values()
                     if other.framework == role.framework and below and other.range == max(below))

    def feeds(self, role_code: str) -> tuple[str, ...]:
        """Roles this role feeds: the next step of its holders' careers."""
        return tuple(code for code in self.roles if role_code in self.feeders(code))


@dataclass(frozen=True)
class Style:
    """How generated people are dressed: named like people (the demo) or numbered (the benchmark)."""

    is_named: bool = True
    email_domain: str = MEDWAY_EMAIL_DOMAIN
    leaver_share: float = 0.0  # leavers need a left_on date, which only a direct write can set


NUMBERED = Style(is_named=False, email_domain="bench.example", leaver_share=0.02)


@dataclass(frozen=True)
class TeamTemplate:
    """A kind of team: who leads it, who works in it (role, share), its relative size and who it reports to.

    `levels` narrows the levels a role's holders hold in this establishment (a one-role framework is
    layered by level: advisors at the lower levels, co-ordinators leading, seniors above them).
    """

    name: str
    lead_role: str
    members: tuple[tuple[str, float], ...]
    weight: float
    reports_to: str
    lead_levels: tuple[str, ...] | None = None
    member_levels: tuple[str, ...] | None = None
    senior_levels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Post:
    """One position in the establishment; `manager` is the index of the line manager's post."""

    team: str
    role_code: str
    manager: int | None
    levels: tuple[str, ...] | None = None
    is_member: bool = False


@dataclass
class Person:
    staff_id: str
    name: str
    email: str
    team: str
    role_code: str
    level: str
    level_start_date: dt.date
    line_manager_id: str | None
    profile: str  # partial | ready | ready_on | top | head
    left_on: dt.date | None = None


@dataclass(frozen=True)
class Workforce:
    people: list[Person]
    rows: dict[str, list[tuple]]


# ---------------------------------------------------------------- loading


def load_shipped_configuration(db=None, frameworks_folder: Path | str | None = None) -> None:
    """Load every shipped framework file and the mandatory courses list."""
    folder = Path(frameworks_folder) if frameworks_folder else FRAMEWORKS_FOLDER
    # load_files pairs each `<name>_roles`/`_rules` file with its framework, so only criteria files are passed.
    paths = sorted(path for path in folder.glob("*.csv") if is_criteria_file(path))
    if not paths:
        raise UnreadableFile(f"no framework files (*.csv) in {folder}")
    load_files("framework", paths, db)
    load_files("mandatory_courses", [MANDATORY_COURSES_FILE], db)


def is_criteria_file(path: Path) -> bool:
    return not path.stem.lower().endswith((ROLES_SUFFIX, "_rules"))


def read_framework(db=None) -> Framework:
    """Roles, levels, criteria and mandatory courses from the database, through a read-only connection."""
    con = connect_read_only(database_path(db))
    try:
        roles = {code: Role(code, framework, title, role_range, tuple(fed_by or ()))
                 for code, framework, title, role_range, fed_by in con.execute(
                     "select role_code, framework, role_title, range, fed_by from roles "
                     "order by framework, range, role_order").fetchall()}
        levels: dict[str, tuple[str, ...]] = {}
        for role_code, level in con.execute("select role_code, level from levels order by role_code, level_order").fetchall():
            levels[role_code] = levels.get(role_code, ()) + (level,)
        criteria = tuple(Criterion(*row) for row in con.execute(
            "select criterion_id, role_code, level, category, min_months from criteria "
            "order by role_code, level, category, number").fetchall())
        courses = tuple(row[0] for row in con.execute("select course from mandatory_courses order by course").fetchall())
        framework_courses = {name: () for name, in con.execute("select framework from stg_framework_rules").fetchall()}
        for name, course in con.execute("select framework, course from stg_framework_mandatory_courses "
                                        "order by framework, course").fetchall():
            framework_courses[name] += (course,)
        window_months = dict(con.execute("select framework, evidence_window_months from stg_framework_rules").fetchall())
    finally:
        con.close()
    return Framework(roles, levels, criteria, courses, framework_courses, window_months)


def only_frameworks(framework: Framework, names: Sequence[str] | None) -> Framework:
    """The part of `framework` the workforce works in: the named frameworks, else Medway's, else all loaded."""
    loaded = framework.framework_names()
    if names:
        chosen = [framework_named(name, loaded) for name in names]
    else:
        chosen = [name for name in DEFAULT_FRAMEWORKS if name in loaded] or loaded
    roles = {code: role for code, role in framework.roles.items() if role.framework in chosen}
    return replace(framework, roles=roles, levels={code: framework.levels[code] for code in roles},
                   criteria=tuple(criterion for criterion in framework.criteria if criterion.role_code in roles))


def framework_named(name: str, loaded: Sequence[str]) -> str:
    """The loaded framework called `name`, or the only one whose name starts with it (`maldon` for
    `maldon_customer_solutions`); anything else is refused, naming what is loaded."""
    if name in loaded:
        return name
    starting = [candidate for candidate in loaded if candidate.startswith(name.lower())]
    if len(starting) == 1:
        return starting[0]
    what = f"{len(starting)} frameworks start with {name}" if starting else f"no framework named {name} is loaded"
    raise UnreadableFile(f"{what} (loaded: {', '.join(loaded)})")


def email_domain_for(framework: Framework) -> str:
    names = framework.framework_names()
    if set(names) <= set(DEFAULT_FRAMEWORKS):
        return MEDWAY_EMAIL_DOMAIN
    # The council's part of the name: maldon_customer_solutions -> demo.maldon.example
    return "demo." + re.split("[^a-z0-9]+", names[0].lower())[0] + ".example"


def build_demo(db=None, staff_count: int = 150, seed: int = 2025, as_of: dt.date | None = None,
               folder: Path | str | None = None, frameworks_folder: Path | str | None = None,
               frameworks: Sequence[str] | None = None) -> Path:
    """Load the shipped configuration, generate the demo files and load them; returns the folder.

    `frameworks` names the frameworks the workforce works in (default: Medway's two); every shipped
    framework is loaded either way, so the others can be browsed and compared.
    """
    refuse_real_data(db)
    load_shipped_configuration(db, frameworks_folder)
    folder = Path(folder) if folder else DEMO_FOLDER
    files = generate_demo_files(folder, read_framework(db), staff_count=staff_count, seed=seed, as_of=as_of,
                                frameworks=frameworks)
    # Order matters: evidence, training and acting refer to staff already loaded.
    for kind in ("staff", "evidence", "training", "acting"):
        if has_rows(files[kind]):  # a one-role framework has no role to act up into: no acting file to load
            load_files(kind, [files[kind]], db)
    # Last: each load above cleared the flag, and a demo that failed half-way must not be marked.
    with writing(database_path(db)) as con:
        con.execute("begin")
        mark_demo(con, "loaders demo")
        con.execute("commit")
    return folder


def mark_demo(con, generator: str) -> None:
    """Write the demo flag inside the database (in the caller's transaction), and say so in the load log."""
    con.execute("delete from demo_marker")
    con.execute("insert into demo_marker values (current_timestamp, ?)", [generator])
    con.execute("insert into load_log (loaded_at, kind, file_name, outcome, message) "
                "values (current_timestamp, 'demo', ?, 'loaded', ?)",
                [generator, "marked as generated demo data: it may be shown without sign-in, with 'View as'"])


def refuse_real_data(db=None) -> None:
    """Raise LoadError if the database holds staff that the demo generator did not write (no demo flag)."""
    path = database_path(db)
    if not path.exists():
        return
    con = connect_read_only(path)
    try:
        tables = {row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
        has_staff = "staff" in tables and con.execute("select count(*) from staff").fetchone()[0] > 0
        is_flagged = "demo_marker" in tables and con.execute("select count(*) from demo_marker").fetchone()[0] > 0
    finally:
        con.close()
    if has_staff and not is_flagged:
        raise LoadError(f"{path}: this database holds staff data that the demo generator did not write; "
                        "build the demo into a new database (--db NEW_FILE) instead of mixing it with real data")


# ---------------------------------------------------------------- generation


def generate_demo_files(folder: Path | str, framework: Framework, staff_count: int = 150, seed: int = 2025,
                        as_of: dt.date | None = None, frameworks: Sequence[str] | None = None) -> dict[str, Path]:
    """Write demo-staff.csv, demo-evidence.csv, demo-training.csv and demo-acting.csv; returns them by kind.

    The workforce works in `frameworks` (see only_frameworks: by default Medway's, else every one given).
    The demo- prefix is only a name: what marks a demo database is the flag build_demo writes inside it.
    """
    framework = only_frameworks(framework, frameworks)
    today = dt.date.today()
    # The loaders refuse dates after the machine's today, so a future as-of date is pulled back to it.
    anchor = min(as_of or today, today)
    workforce = generate_workforce(framework, staff_count, seed=seed, as_of=anchor,
                                   style=Style(email_domain=email_domain_for(framework)))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for kind, kind_rows in workforce.rows.items():
        files[kind] = folder / f"demo-{kind}.csv"
        write_csv(files[kind], COLUMNS[kind], kind_rows)
    return files


def generate_workforce(framework: Framework, staff_count: int, *, seed: int, as_of: dt.date,
                       style: Style = Style()) -> Workforce:
    """People, evidence, training and acting rows (columns as COLUMNS; dates as date objects, None if empty)."""
    people = generate_people(framework, staff_count, random.Random(f"{seed}:staff"), as_of, style)
    return Workforce(people, {
        "staff": staff_rows(people),
        "evidence": evidence_rows(people, framework, random.Random(f"{seed}:evidence"), as_of),
        "training": training_rows(people, framework, random.Random(f"{seed}:training"), as_of),
        "acting": acting_rows(people, framework, random.Random(f"{seed}:acting"), as_of),
    })


def has_rows(path: Path) -> bool:
    with open(path, encoding="utf-8") as handle:
        handle.readline()  # the header
        return bool(handle.readline())


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(sorted([_text(value) for value in row] for row in rows))


# ---------------------------------------------------------------- the establishment


def read_team_names(path: Path = TEAMS_FILE) -> list[TeamTemplate]:
    """The named teams of data/demo_teams.csv (team, lead_role, members as CODE[:share];..., weight, reports_to)."""
    if not path.exists():
        return []
    teams = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            members = []
            for item in row["members"].split(";"):
                code, _, share = item.partition(":")
                members.append((code.strip(), float(share or 1)))
            teams.append(TeamTemplate(row["team"], row["lead_role"], tuple(members), float(row["weight"]),
                                      row["reports_to"]))
    return teams


def framework_label(name: str) -> str:
    return name.upper() if len(name) <= 5 and "_" not in name else name.replace("_", " ").title()


def derived_teams(framework: Framework, name: str) -> list[TeamTemplate]:
    """One kind of team for a framework, from its shape alone.

    With several ranges: the top range's role is the senior tier, the range below it leads teams (or the
    top range itself when there are only two), and every lower range works in them, more people lower
    down. With one range: its levels are the tiers (top level senior, the one below it leads, the rest
    are members).
    """
    roles = [role for role in framework.roles.values() if role.framework == name]
    ranges = sorted({role.range for role in roles})
    label = framework_label(name)
    if len(ranges) == 1:
        role = roles[0]
        levels = framework.levels[role.role_code]
        if len(levels) < 3:
            return [TeamTemplate(f"{label} team", role.role_code, ((role.role_code, 1.0),), 1, role.role_code)]
        return [TeamTemplate(f"{label} team", role.role_code, ((role.role_code, 1.0),), 1,
                             role.role_code, lead_levels=(levels[-2],), member_levels=levels[:-2],
                             senior_levels=(levels[-1],))]
    senior = next(role for role in roles if role.range == ranges[-1])
    lead_range = ranges[-2] if len(ranges) >= 3 else ranges[-1]
    lead = next(role for role in roles if role.range == lead_range)
    member_ranges = [value for value in ranges if value < lead_range]
    members = tuple((role.role_code, 0.6 ** member_ranges.index(role.range)) for role in roles
                    if role.range in member_ranges)
    return [TeamTemplate(f"{label} team", lead.role_code, members, 1, senior.role_code)]


def establishment(framework: Framework) -> list[TeamTemplate]:
    """The kinds of team: the named ones whose roles are all loaded, then derived ones for any other framework."""
    roles = framework.roles
    teams = []
    for team in read_team_names():
        members = tuple((code, share) for code, share in team.members if code in roles)
        if team.lead_role in roles and team.reports_to in roles and members:
            teams.append(replace(team, members=members))
    covered = {roles[code].framework for team in teams for code in (team.lead_role, *dict(team.members))}
    for name in framework.framework_names():
        if name not in covered:
            teams += derived_teams(framework, name)
    if not teams:
        raise ValueError("no framework is loaded to build a workforce on")
    return teams


def share_out(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), each part at least `minimum`."""
    parts = [minimum] * len(weights)
    left = total - minimum * len(weights)
    exact = [left * weight / sum(weights) for weight in weights]
    parts = [part + math.floor(share) for part, share in zip(parts, exact, strict=True)]
    by_remainder = sorted(range(len(weights)), key=lambda index: (-(exact[index] % 1), index))
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def senior_counts(teams: list[TeamTemplate], staff_count: int) -> dict[str, int]:
    """How many senior managers each side of the service needs: one per STAFF_PER_SENIOR, at most one per team."""
    total_weight = sum(team.weight for team in teams)
    counts = {}
    for role_code in dict.fromkeys(team.reports_to for team in teams):
        side = [team for team in teams if team.reports_to == role_code]
        people = staff_count * sum(team.weight for team in side) / total_weight
        most = sum(max(1, math.ceil(staff_count * team.weight / total_weight / LARGEST_TEAM)) for team in side)
        counts[role_code] = min(most, max(1, round(people / STAFF_PER_SENIOR)))
    return counts


def numbered(name: str, index: int, copies: int) -> str:
    return name if copies == 1 else f"{name} {index + 1:0{len(str(copies))}d}"


def plan_posts(framework: Framework, staff_count: int) -> list[Post]:
    """Every post with its team and line manager: head, senior managers, team managers, then team members."""
    teams = establishment(framework)
    seniors = senior_counts(teams, staff_count)
    # Each team needs a manager and a member: drop the smallest teams until the establishment fits.
    while len(teams) > 1 and 1 + sum(seniors.values()) + 2 * len(teams) > staff_count:
        teams.remove(min(reversed(teams), key=lambda team: team.weight))
        seniors = senior_counts(teams, staff_count)
    budget = staff_count - 1 - sum(seniors.values())
    if budget < 2 * len(teams):
        raise ValueError(f"staff_count {staff_count} is too small for a demo establishment")
    side_weight = {code: sum(team.weight for team in teams if team.reports_to == code) for code in seniors}
    head_role = max(side_weight, key=side_weight.get)
    senior_levels = {team.reports_to: team.senior_levels for team in teams}
    # Teams of each kind, split into numbered teams of at most LARGEST_TEAM people.
    team_posts = []
    for team, size in zip(teams, share_out(budget, [team.weight for team in teams], minimum=2), strict=True):
        copies = max(1, math.ceil(size / LARGEST_TEAM))
        for index, copy_size in enumerate(share_out(size, [1] * copies)):
            if copy_size >= 2:
                team_posts.append((team, numbered(team.name, index, copies), copy_size))
    # Teams are shared out in turn among the senior managers of their side of the service.
    senior_of_team = {}
    turn = {code: 0 for code in seniors}
    for index, (team, _name, _size) in enumerate(team_posts):
        senior_of_team[index] = (team.reports_to, turn[team.reports_to] % seniors[team.reports_to])
        turn[team.reports_to] += 1
    posts = [Post(HEAD_TEAM, head_role, None, senior_levels.get(head_role))]
    senior_post = {}
    for role_code, count in seniors.items():
        for number in range(count):
            led = [name for index, (_team, name, _size) in enumerate(team_posts)
                   if senior_of_team[index] == (role_code, number)]
            # Seniors of the head's own side sit with the head; the others with the first team they lead.
            team_name = HEAD_TEAM if role_code == head_role or not led else led[0]
            senior_post[(role_code, number)] = len(posts)
            # A tree: the first SENIOR_SPAN seniors report to the head, later ones to an earlier senior.
            posts.append(Post(team_name, role_code, (len(posts) - 1) // SENIOR_SPAN, senior_levels.get(role_code)))
    for index, (team, name, size) in enumerate(team_posts):
        manager = senior_post[senior_of_team[index]]
        manager_count = min(size - 1, math.ceil(size / STAFF_PER_TEAM_MANAGER))
        managers = list(range(len(posts), len(posts) + manager_count))
        posts += [Post(name, team.lead_role, manager, team.lead_levels) for _ in managers]
        member_counts = share_out(size - manager_count, [share for _code, share in team.members])
        position = 0
        for (role_code, _share), count in zip(team.members, member_counts, strict=True):
            for _ in range(count):
                posts.append(Post(name, role_code, managers[position % manager_count], team.member_levels, True))
                position += 1
    return posts


# ---------------------------------------------------------------- people


def level_weights(level_count: int) -> list[float]:
    # Fewer people reach the top level of a role than sit at the levels below it; a long ladder
    # (Derbyshire's thirteen grades) thins out on the way up.
    if level_count == 1:
        return [1.0]
    below = [1.0] * (level_count - 1) if level_count <= 3 else [0.85 ** step for step in range(level_count - 1)]
    return below + [TOP_LEVEL_WEIGHT * below[-1]]


def next_level(framework: Framework, role_code: str, level: str) -> str | None:
    levels = framework.levels[role_code]
    position = levels.index(level)
    return levels[position + 1] if position + 1 < len(levels) else None


def longest_tenure_rule(framework: Framework, role_code: str, level: str | None) -> int | None:
    months = [criterion.min_months for criterion in framework.criteria
              if criterion.role_code == role_code and criterion.level == level and criterion.min_months]
    return max(months) if months else None


def pick_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    return [(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)) for _ in range(count)]


def emails_for(names: list[tuple[str, str]], domain: str) -> list[str]:
    """first.last@domain, with .2, .3 ... for later people of the same name."""
    seen: dict[str, int] = {}
    emails = []
    for first, last in names:
        local = f"{re.sub('[^a-z]', '', first.lower())}.{re.sub('[^a-z]', '', last.lower())}"
        seen[local] = seen.get(local, 0) + 1
        suffix = f".{seen[local]}" if seen[local] > 1 else ""
        emails.append(f"{local}{suffix}@{domain}")
    return emails


def choose_profile(framework: Framework, post: Post, level: str, rng: random.Random) -> str:
    """Whether this person is fully evidenced (ready, or ready once tenure is served) or part way."""
    if post.manager is None:
        return "head"
    target = next_level(framework, post.role_code, level)
    if target is None:
        return "top"
    draw = rng.random()
    if draw < READY_SHARE:
        return "ready"
    tenure_months = longest_tenure_rule(framework, post.role_code, target)
    if draw < READY_SHARE + READY_ON_SHARE and tenure_months and tenure_months >= 3:
        return "ready_on"
    return "partial"


def level_start_for(framework: Framework, person_role: str, level: str, profile: str, rng: random.Random,
                    anchor: dt.date) -> dt.date:
    """Between a month and five years ago; tenure is met for 'ready' people and not yet for 'ready_on'."""
    tenure_months = longest_tenure_rule(framework, person_role, next_level(framework, person_role, level)) or 0
    earliest_days, latest_days = 30, 5 * 365
    if profile == "head":
        earliest_days = 2 * 365
    elif profile == "ready":
        earliest_days = max(earliest_days, (tenure_months + 1) * 31)
        latest_days = max(latest_days, earliest_days)
    elif profile == "ready_on":
        latest_days = max(earliest_days, tenure_months * 30 - 31)
    return max(EARLIEST_DATE, anchor - dt.timedelta(days=rng.randint(earliest_days, latest_days)))


def generate_people(framework: Framework, staff_count: int, rng: random.Random, anchor: dt.date,
                    style: Style = Style()) -> list[Person]:
    posts = plan_posts(framework, staff_count)
    if style.is_named:
        names = [" ".join(name) for name in pick_names(len(posts), rng)]
        emails = emails_for([tuple(name.split(" ")) for name in names], style.email_domain)
        staff_ids = [f"S{number:04d}" for number in range(1, len(posts) + 1)]
    else:
        names = [f"Person {number:07d}" for number in range(len(posts))]
        emails = [f"person{number:07d}@{style.email_domain}" for number in range(len(posts))]
        staff_ids = [f"S{number:07d}" for number in range(len(posts))]
    people = []
    for index, post in enumerate(posts):
        levels = post.levels or framework.levels[post.role_code]
        # The head of service is at the top of their role.
        level = levels[-1] if post.manager is None else rng.choices(levels, level_weights(len(levels)))[0]
        profile = choose_profile(framework, post, level, rng)
        level_start_date = level_start_for(framework, post.role_code, level, profile, rng, anchor)
        left_on = None
        if post.is_member and style.leaver_share and rng.random() < style.leaver_share:
            left_on = date_between(rng, level_start_date + dt.timedelta(days=1), anchor)
        people.append(Person(
            staff_id=staff_ids[index], name=names[index], email=emails[index], team=post.team,
            role_code=post.role_code, level=level, level_start_date=level_start_date,
            line_manager_id=None if post.manager is None else staff_ids[post.manager], profile=profile,
            left_on=left_on,
        ))
    return people


def staff_rows(people: list[Person]) -> list[tuple]:
    return [(person.staff_id, person.name, person.team, person.line_manager_id, person.role_code, person.level,
             person.level_start_date, person.email) for person in people]


# ---------------------------------------------------------------- dates


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    for last_day in (day.day, 30, 29, 28):  # the 31st of a shorter month is its last day
        try:
            return day.replace(year=year, month=month + 1, day=min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


# ---------------------------------------------------------------- evidence


def evidence_rows(people: list[Person], framework: Framework, rng: random.Random, anchor: dt.date) -> list[tuple]:
    names = {person.staff_id: person.name for person in people}
    roles = framework.roles
    feeds = {code: framework.feeds(code) for code in roles}
    by_level = {}
    for criterion in framework.criteria:
        # Time-based criteria are worked out from dates; the evidence loader refuses evidence against them.
        if criterion.min_months is None:
            by_level.setdefault((criterion.role_code, criterion.level), []).append(criterion)
    rows: dict[tuple[str, str, dt.date], tuple] = {}
    for person in people:
        if person.line_manager_id is None:
            continue  # nobody in the demo signs off the head of service's evidence
        assessor = names[person.line_manager_id]
        folder = sharepoint_folder(roles[person.role_code].framework)
        for criterion, day, status in person_evidence(person, framework, by_level, feeds[person.role_code], rng, anchor):
            key = (person.staff_id, criterion.criterion_id, day)
            if key in rows:
                continue  # two draws on the same day for one criterion: keep the first
            note = {"submitted": SUBMITTED_NOTE, "rejected": REJECTED_NOTE}.get(
                status, NOTES.get(criterion.category.lower(), DEFAULT_NOTE))
            reference = f"SharePoint/{folder}/Evidence/{person.staff_id}/{criterion.criterion_id}_{day:%Y%m%d}.pdf"
            rows[key] = (person.staff_id, criterion.criterion_id, day, status,
                         None if status == "submitted" else assessor, note, reference)
    return list(rows.values())


def sharepoint_folder(framework_name: str) -> str:
    parts = framework_name.split("_")
    return framework_name.upper() if len(parts) == 1 and len(framework_name) <= 5 else "".join(
        part.capitalize() for part in parts)


def person_evidence(person: Person, framework: Framework, by_level: dict, feeds: Sequence[str], rng: random.Random,
                    anchor: dt.date) -> list[tuple[Criterion, dt.date, str]]:
    """(criterion, date, status) for one person: their own next level, and perhaps a role their role feeds."""
    items = []
    target = next_level(framework, person.role_code, person.level)
    target_criteria = by_level.get((person.role_code, target), [])
    window = framework.window_for(person.role_code)
    history_start = add_months(anchor, -(window + 12)) + dt.timedelta(days=1)
    window_start = max(history_start, person.level_start_date - dt.timedelta(days=180))
    if person.profile in ("ready", "ready_on"):
        # Fully evidenced and all still current (inside the evidence window), so only tenure can hold them back.
        recent_start = max(window_start, add_months(anchor, -window) + dt.timedelta(days=70))
        items += [(criterion, date_between(rng, recent_start, anchor), "approved") for criterion in target_criteria]
    elif target_criteria:
        count = max(1, round(len(target_criteria) * rng.uniform(0.3, 0.7)))
        for criterion in rng.sample(target_criteria, count):
            items += evidence_history(criterion, rng, window_start, anchor, window)
    items += next_role_evidence(person, framework, by_level, feeds, rng, anchor, target)
    return items


def next_role_evidence(person: Person, framework: Framework, by_level: dict, feeds: Sequence[str],
                       rng: random.Random, anchor: dt.date, target: str | None) -> list[tuple[Criterion, dt.date, str]]:
    """Approved evidence against the entry requirements of a role this person's role feeds.

    People at the top of their role build it most; some one level below start on it too.
    """
    levels = framework.levels[person.role_code]
    near_top = target is None or (len(levels) > 1 and person.level == levels[-2])
    if not near_top or not feeds or rng.random() > (0.8 if target is None else 0.3):
        return []
    role_code = rng.choice(list(feeds))
    criteria = by_level.get((role_code, framework.levels[role_code][0]), [])
    if not criteria:
        return []
    share = rng.choice((1.0, 1.0, 0.7, 0.5)) if target is None else rng.uniform(0.2, 0.6)
    window_start = add_months(anchor, -framework.window_for(person.role_code)) + dt.timedelta(days=1)
    start = max(window_start, person.level_start_date - dt.timedelta(days=365))
    if start > anchor:
        return []
    if share == 1.0:
        # A full portfolio is usually built in the last year before applying, so it still counts a year on
        # (the bench's "ready within 12 months"); the rest were gathered over the whole window.
        start = max(start, anchor - dt.timedelta(days=rng.choice((300, 300, 540))))
    chosen = rng.sample(criteria, max(1, round(len(criteria) * share)))
    return [(criterion, date_between(rng, start, anchor), "approved") for criterion in chosen]


def evidence_history(criterion: Criterion, rng: random.Random, window_start: dt.date, anchor: dt.date,
                     window_months: int = DEFAULT_WINDOW_MONTHS) -> list[tuple[Criterion, dt.date, str]]:
    """Mostly approved, some awaiting sign-off, a few rejected (half of those resubmitted since)."""
    window_opens = add_months(anchor, -window_months)  # evidence dated on or before this no longer counts
    draw = rng.random()
    if draw < 0.76:
        if rng.random() < OLD_APPROVED_CHANCE and window_start < window_opens:
            # Approved long ago: it no longer counts, which the dashboard shows as expired evidence.
            return [(criterion, date_between(rng, window_start, window_opens - dt.timedelta(days=1)), "approved")]
        start = max(window_start, window_opens + dt.timedelta(days=1))
        return [(criterion, date_between(rng, start, anchor), "approved")]
    if draw < 0.90:
        # Most submissions are signed off within a few weeks; some wait longer (the overdue list has a few).
        waited_days = 21 if rng.random() < 0.75 else 120
        return [(criterion, date_between(rng, max(window_start, anchor - dt.timedelta(days=waited_days)), anchor),
                 "submitted")]
    rejected_on = date_between(rng, max(window_start, anchor - dt.timedelta(days=540)), anchor - dt.timedelta(days=14))
    items = [(criterion, rejected_on, "rejected")]
    if rng.random() < 0.5 and rejected_on < anchor:
        status = rng.choice(("submitted", "approved"))
        # A resubmission still awaiting sign-off is recent; an approved one may be from any time since.
        earliest = max(rejected_on + dt.timedelta(days=1), anchor - dt.timedelta(days=30)) if status == "submitted" \
            else rejected_on + dt.timedelta(days=1)
        items.append((criterion, date_between(rng, min(earliest, anchor), anchor), status))
    return items


# ---------------------------------------------------------------- training


def renewal_years(courses: Sequence[str], course: str) -> int | None:
    if course.lower() in RENEWAL_YEARS:
        return RENEWAL_YEARS[course.lower()]
    return 2 + courses.index(course) % 2


def training_rows(people: list[Person], framework: Framework, rng: random.Random, anchor: dt.date) -> list[tuple]:
    """A record for every mandatory course of the person's framework (none if its rules list none)."""
    rows = []
    for person in people:
        courses = framework.courses_for(person.role_code)
        expiring = [course for course in courses if renewal_years(courses, course)]
        # Fully evidenced people keep their training current, or they could not be ready.
        is_kept_current = person.profile in ("ready", "ready_on")
        lapsed = rng.choice(expiring) if expiring and not is_kept_current and rng.random() < EXPIRED_COURSE_SHARE else None
        due_soon = rng.choice(expiring) if expiring and rng.random() < EXPIRING_SOON_SHARE else None
        for course in courses:
            if not is_kept_current and rng.random() < MISSING_COURSE_CHANCE:
                continue
            years = renewal_years(courses, course)
            if course == lapsed:
                expires = anchor - dt.timedelta(days=rng.randint(1, 300))
            elif course == due_soon:
                expires = anchor + dt.timedelta(days=rng.randint(1, EXPIRING_SOON_DAYS))
            elif years:
                # Outside the next 60 days, so "expiring soon" is the chosen few rather than a fifth of everyone.
                expires = anchor + dt.timedelta(days=rng.randint(EXPIRING_SOON_DAYS + 1, years * 365 - 14))
            else:
                expires = None
            completed = add_years(expires, -years) if expires else anchor - dt.timedelta(days=rng.randint(14, 3 * 365))
            rows.append((person.staff_id, course, completed, expires))
            if years and rng.random() < RENEWAL_HISTORY_CHANCE:
                # The previous completion of a renewed course, expired on the day it was renewed.
                rows.append((person.staff_id, course, add_years(completed, -years), completed))
    return rows


# ---------------------------------------------------------------- acting up and secondments


def acting_rows(people: list[Person], framework: Framework, rng: random.Random, anchor: dt.date) -> list[tuple]:
    rows = []
    feeds = {code: framework.feeds(code) for code in framework.roles}
    promoted_into = {code for codes in feeds.values() for code in codes}
    for person in people:
        # People act up, or are seconded, into a role their own role feeds.
        candidates = feeds[person.role_code]
        if person.line_manager_id and candidates and rng.random() < ACTING_SHARE:
            rows.append(higher_role_period(person, rng.choice(candidates), rng, anchor))
        # Some managers acted up in the post before being appointed to it; that time counts towards tenure.
        if is_appointed_after_acting(person, framework, promoted_into) and rng.random() < APPOINTED_AFTER_ACTING_SHARE:
            end = person.level_start_date - dt.timedelta(days=1)
            start = max(EARLIEST_DATE, end - dt.timedelta(days=rng.randint(60, 300)))
            rows.append((person.staff_id, person.role_code, start, end, "acting_up"))
    return rows


def is_appointed_after_acting(person: Person, framework: Framework, promoted_into: set[str]) -> bool:
    # ready_on people are there to show a wait for tenure; credited acting time could end it early.
    return (person.role_code in promoted_into and person.profile != "ready_on" and person.line_manager_id is not None
            and person.level == framework.levels[person.role_code][0])


def higher_role_period(person: Person, role_code: str, rng: random.Random, anchor: dt.date) -> tuple:
    kind = "secondment" if rng.random() < 0.3 else "acting_up"
    if rng.random() < 0.4:
        start = anchor - dt.timedelta(days=rng.randint(14, 270))
        # Secondments usually have an agreed end date; acting up often runs until the post is filled.
        end = anchor + dt.timedelta(days=rng.randint(30, 240)) if kind == "secondment" else None
    else:
        start = anchor - dt.timedelta(days=rng.randint(120, 900))
        end = min(anchor - dt.timedelta(days=1), start + dt.timedelta(days=rng.randint(60, 270)))
    return (person.staff_id, role_code, start, end, kind)
