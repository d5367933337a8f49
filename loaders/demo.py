"""Generates a plausible demo workforce for CABS and Customer Relations and loads it through the real loaders.

Roles, levels, criteria and mandatory courses come from the loaded frameworks, so the demo follows
whatever the framework files say; only the establishment (teams and which role leads which) is fixed
here. Generation is pure: the same framework, seed and as-of date give byte-identical files.

    build_demo(db)                 shipped configuration, then staff, evidence, training and acting files
    load_shipped_configuration(db) the framework files and mandatory courses only

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
from dataclasses import dataclass
from pathlib import Path

from loaders.database import ROOT, connect_read_only, database_path, writing
from loaders.errors import LoadError, UnreadableFile
from loaders.framework import ROLES_SUFFIX
from loaders.load import load_files

FRAMEWORKS_FOLDER = ROOT / "data" / "frameworks"
MANDATORY_COURSES_FILE = ROOT / "data" / "mandatory_courses.csv"
DEMO_FOLDER = ROOT / "data" / "demo"
EMAIL_DOMAIN = "demo.medway.example"
EARLIEST_DATE = dt.date(1950, 1, 1)

COLUMNS = {
    "staff": ("staff_id", "name", "team", "line_manager_id", "role", "level", "level_start_date", "email"),
    "evidence": ("staff_id", "criterion_id", "evidence_date", "status", "assessor", "note", "evidence_ref"),
    "training": ("staff_id", "course", "completed_on", "expires_on"),
    "acting": ("staff_id", "role", "start_date", "end_date", "kind"),
}

HEAD_TEAM = "Service Management"
OPERATIONS_ROLE = "CBOM"  # operations managers, and the head of service
RELATIONS_HEAD_ROLE = "CRM"  # the Customer Relations Manager
HEAD_ROLES = (OPERATIONS_ROLE, RELATIONS_HEAD_ROLE)
STAFF_PER_OPERATIONS_MANAGER = 45
STAFF_PER_RELATIONS_MANAGER = 150
STAFF_PER_TEAM_MANAGER = 15
# Professional posts filled by qualified people only: nobody acts up into them.
SPECIALIST_ROLES = ("BBOT",)


@dataclass(frozen=True)
class TeamTemplate:
    """A team of the establishment: who leads it, who works in it (role, share) and its relative size."""

    name: str
    manager_role: str
    members: tuple[tuple[str, float], ...]
    weight: int
    reports_to: str


TEAMS = (
    TeamTemplate("Contact Centre (Telephony)", "CBTM", (("CBSO", 1.0),), 24, OPERATIONS_ROLE),
    TeamTemplate("Contact Centre (Face to Face)", "CBTM", (("CBSO", 1.0),), 12, OPERATIONS_ROLE),
    TeamTemplate("Administration Hub", "CBTM", (("CBSO", 1.0),), 16, OPERATIONS_ROLE),
    TeamTemplate("Business Support North", "CBTM", (("CBSO", 1.0),), 14, OPERATIONS_ROLE),
    TeamTemplate("Business Support South", "CBTM", (("CBSO", 1.0),), 13, OPERATIONS_ROLE),
    TeamTemplate("Blue Badge", "CBTM", (("CBSO", 0.75), ("BBOT", 0.25)), 12, OPERATIONS_ROLE),
    TeamTemplate("Development and Quality Compliance", "DQCS", (("DQCO", 1.0),), 8, OPERATIONS_ROLE),
    TeamTemplate("Digital and Systems Support", "CBTM", (("CBSO", 0.6), ("DQCO", 0.4)), 8, OPERATIONS_ROLE),
    TeamTemplate("Customer Relations", "CRTL", (("CRO", 1.0),), 14, RELATIONS_HEAD_ROLE),
    TeamTemplate("Social Care Complaints", "CMSC", (("CRO", 1.0),), 8, RELATIONS_HEAD_ROLE),
)

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
    "Qualifications": "Certificate uploaded and checked",
    "Knowledge": "Knowledge check completed and discussed at one-to-one",
    "Experience": "Case examples reviewed with line manager",
    "Skills": "Observed in practice by line manager",
}
REJECTED_NOTE = "Not yet at the level required: add more recent examples and resubmit"
SUBMITTED_NOTE = "Submitted for line manager sign-off"

# How often things happen; tuned so a 150-person demo shows every status the dashboard knows.
READY_SHARE = 0.06
READY_ON_SHARE = 0.06
OLD_APPROVED_CHANCE = 0.11
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
    courses: tuple[str, ...]


@dataclass(frozen=True)
class Post:
    """One position in the establishment; `manager` is the index of the line manager's post."""

    team: str
    role_code: str
    manager: int | None


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


# ---------------------------------------------------------------- loading


def load_shipped_configuration(db=None, frameworks_folder: Path | str | None = None) -> None:
    """Load every shipped framework file and the mandatory courses list."""
    folder = Path(frameworks_folder) if frameworks_folder else FRAMEWORKS_FOLDER
    # load_files pairs each `<name>_roles` file with its framework, so only criteria files are passed.
    paths = sorted(path for path in folder.glob("*.csv") if not path.stem.lower().endswith(ROLES_SUFFIX))
    if not paths:
        raise UnreadableFile(f"no framework files (*.csv) in {folder}")
    load_files("framework", paths, db)
    load_files("mandatory_courses", [MANDATORY_COURSES_FILE], db)


def read_framework(db=None) -> Framework:
    """Roles, levels, criteria and mandatory courses from the database, through a read-only connection."""
    con = connect_read_only(database_path(db))
    try:
        roles = {code: Role(code, framework, title, role_range) for code, framework, title, role_range in con.execute(
            "select role_code, framework, role_title, range from roles order by framework, role_order").fetchall()}
        levels: dict[str, tuple[str, ...]] = {}
        for role_code, level in con.execute("select role_code, level from levels order by role_code, level_order").fetchall():
            levels[role_code] = levels.get(role_code, ()) + (level,)
        criteria = tuple(Criterion(*row) for row in con.execute(
            "select criterion_id, role_code, level, category, min_months from criteria "
            "order by role_code, level, category, number").fetchall())
        courses = tuple(row[0] for row in con.execute("select course from mandatory_courses order by course").fetchall())
    finally:
        con.close()
    return Framework(roles, levels, criteria, courses)


def build_demo(db=None, staff_count: int = 150, seed: int = 2025, as_of: dt.date | None = None,
               folder: Path | str | None = None, frameworks_folder: Path | str | None = None) -> Path:
    """Load the shipped configuration, generate the demo files and load them; returns the folder."""
    refuse_real_data(db)
    load_shipped_configuration(db, frameworks_folder)
    folder = Path(folder) if folder else DEMO_FOLDER
    files = generate_demo_files(folder, read_framework(db), staff_count=staff_count, seed=seed, as_of=as_of)
    # Order matters: evidence, training and acting refer to staff already loaded.
    for kind in ("staff", "evidence", "training", "acting"):
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
                        as_of: dt.date | None = None) -> dict[str, Path]:
    """Write demo-staff.csv, demo-evidence.csv, demo-training.csv and demo-acting.csv; returns them by kind.

    The demo- prefix is only a name: what marks a demo database is the flag build_demo writes inside it.
    """
    today = dt.date.today()
    as_of = as_of or today
    # The loaders refuse dates after the machine's today, so a future as-of date is pulled back to it.
    anchor = min(as_of, today)
    people = generate_people(framework, staff_count, random.Random(f"{seed}:staff"), anchor)
    rows = {
        "staff": staff_rows(people),
        "evidence": evidence_rows(people, framework, random.Random(f"{seed}:evidence"), anchor),
        "training": training_rows(people, framework.courses, random.Random(f"{seed}:training"), anchor),
        "acting": acting_rows(people, framework, random.Random(f"{seed}:acting"), anchor),
    }
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for kind, kind_rows in rows.items():
        files[kind] = folder / f"demo-{kind}.csv"
        write_csv(files[kind], COLUMNS[kind], kind_rows)
    return files


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if value is None else str(value) for value in row] for row in sorted(rows))


# ---------------------------------------------------------------- the establishment


def usable_teams(roles: dict[str, Role]) -> list[TeamTemplate]:
    """The teams whose leading role is loaded, keeping only member roles that are loaded too."""
    teams = []
    for team in TEAMS:
        members = tuple((code, share) for code, share in team.members if code in roles)
        if team.manager_role in roles and members:
            teams.append(TeamTemplate(team.name, team.manager_role, members, team.weight, team.reports_to))
    return teams


def senior_counts(teams: list[TeamTemplate], roles: dict[str, Role], staff_count: int) -> dict[str, int]:
    """How many operations managers and Customer Relations Managers the teams need."""
    total_weight = sum(team.weight for team in teams)
    counts = {}
    for role_code, per_manager in ((OPERATIONS_ROLE, STAFF_PER_OPERATIONS_MANAGER),
                                   (RELATIONS_HEAD_ROLE, STAFF_PER_RELATIONS_MANAGER)):
        weight = sum(team.weight for team in teams if team.reports_to == role_code)
        teams_led = sum(team.reports_to == role_code for team in teams)
        if role_code in roles and teams_led:
            # At least one, and never more than the teams they share out, so each has a team to manage.
            counts[role_code] = min(teams_led, max(1, round(staff_count * weight / total_weight / per_manager)))
    return counts


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


def head_role(roles: dict[str, Role]) -> str:
    return next((code for code in HEAD_ROLES if code in roles), max(roles.values(), key=lambda role: role.range).role_code)


def plan_posts(framework: Framework, staff_count: int) -> list[Post]:
    """Every post with its team and line manager: head, senior managers, team managers, then team members."""
    roles = framework.roles
    teams = usable_teams(roles)
    if not teams:
        raise ValueError("the loaded frameworks have none of the demo's roles ("
                         + ", ".join(sorted({team.manager_role for team in TEAMS})) + " ...)")
    seniors = senior_counts(teams, roles, staff_count)
    # Each team needs a manager and a member: drop the smallest teams until the establishment fits.
    while len(teams) > 1 and 1 + sum(seniors.values()) + 2 * len(teams) > staff_count:
        teams.remove(min(reversed(teams), key=lambda team: team.weight))
        seniors = senior_counts(teams, roles, staff_count)
    budget = staff_count - 1 - sum(seniors.values())
    if budget < 2 * len(teams):
        raise ValueError(f"staff_count {staff_count} is too small for a demo establishment")
    posts = [Post(HEAD_TEAM, head_role(roles), None)]
    team_names = {team.name for team in teams}
    senior_posts: dict[str, list[int]] = {}
    for role_code, count in seniors.items():
        # The Customer Relations Manager sits with the team they run; operations managers with the head.
        team = "Customer Relations" if role_code == RELATIONS_HEAD_ROLE and "Customer Relations" in team_names else HEAD_TEAM
        senior_posts[role_code] = list(range(len(posts), len(posts) + count))
        posts += [Post(team, role_code, 0) for _ in range(count)]
    assigned = {role_code: 0 for role_code in seniors}
    for team, size in zip(teams, share_out(budget, [team.weight for team in teams], minimum=2), strict=True):
        manager = 0
        if team.reports_to in senior_posts:
            # Teams are shared out in turn among the senior managers of their side of the service.
            choices = senior_posts[team.reports_to]
            manager = choices[assigned[team.reports_to] % len(choices)]
            assigned[team.reports_to] += 1
        manager_count = min(size - 1, math.ceil(size / STAFF_PER_TEAM_MANAGER))
        managers = list(range(len(posts), len(posts) + manager_count))
        posts += [Post(team.name, team.manager_role, manager) for _ in managers]
        member_counts = share_out(size - manager_count, [share for _code, share in team.members])
        position = 0
        for (role_code, _share), count in zip(team.members, member_counts, strict=True):
            for _ in range(count):
                posts.append(Post(team.name, role_code, managers[position % manager_count]))
                position += 1
    return posts


# ---------------------------------------------------------------- people


def level_weights(level_count: int) -> list[float]:
    # Fewer people reach the top level of a role than sit at the levels below it.
    return [1.0] * (level_count - 1) + [0.55] if level_count > 1 else [1.0]


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


def emails_for(names: list[tuple[str, str]]) -> list[str]:
    """first.last@domain, with .2, .3 ... for later people of the same name."""
    seen: dict[str, int] = {}
    emails = []
    for first, last in names:
        local = f"{re.sub('[^a-z]', '', first.lower())}.{re.sub('[^a-z]', '', last.lower())}"
        seen[local] = seen.get(local, 0) + 1
        suffix = f".{seen[local]}" if seen[local] > 1 else ""
        emails.append(f"{local}{suffix}@{EMAIL_DOMAIN}")
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


def generate_people(framework: Framework, staff_count: int, rng: random.Random, anchor: dt.date) -> list[Person]:
    posts = plan_posts(framework, staff_count)
    names = pick_names(len(posts), rng)
    emails = emails_for(names)
    staff_ids = [f"S{number:04d}" for number in range(1, len(posts) + 1)]
    people = []
    for index, post in enumerate(posts):
        levels = framework.levels[post.role_code]
        # The head of service is at the top of their role.
        level = levels[-1] if post.manager is None else rng.choices(levels, level_weights(len(levels)))[0]
        profile = choose_profile(framework, post, level, rng)
        people.append(Person(
            staff_id=staff_ids[index], name=" ".join(names[index]), email=emails[index], team=post.team,
            role_code=post.role_code, level=level,
            level_start_date=level_start_for(framework, post.role_code, level, profile, rng, anchor),
            line_manager_id=None if post.manager is None else staff_ids[post.manager], profile=profile,
        ))
    return people


def staff_rows(people: list[Person]) -> list[tuple]:
    return [(person.staff_id, person.name, person.team, person.line_manager_id, person.role_code, person.level,
             person.level_start_date.isoformat(), person.email) for person in people]


# ---------------------------------------------------------------- dates


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
    rows: dict[tuple[str, str, dt.date], tuple] = {}
    for person in people:
        if person.line_manager_id is None:
            continue  # nobody in the demo signs off the head of service's evidence
        assessor = names[person.line_manager_id]
        folder = sharepoint_folder(roles[person.role_code].framework)
        for criterion, day, status in person_evidence(person, framework, rng, anchor):
            key = (person.staff_id, criterion.criterion_id, day)
            if key in rows:
                continue  # two draws on the same day for one criterion: keep the first
            note = {"submitted": SUBMITTED_NOTE, "rejected": REJECTED_NOTE}.get(status, NOTES.get(criterion.category, ""))
            reference = f"SharePoint/{folder}/Evidence/{person.staff_id}/{criterion.criterion_id}_{day:%Y%m%d}.pdf"
            rows[key] = (person.staff_id, criterion.criterion_id, day.isoformat(), status,
                         "" if status == "submitted" else assessor, note, reference)
    return list(rows.values())


def sharepoint_folder(framework_name: str) -> str:
    parts = framework_name.split("_")
    return framework_name.upper() if len(parts) == 1 and len(framework_name) <= 5 else "".join(
        part.capitalize() for part in parts)


def evidence_criteria(framework: Framework, role_code: str, level: str | None) -> list[Criterion]:
    # Time-based criteria are worked out from dates; the evidence loader refuses evidence against them.
    return [criterion for criterion in framework.criteria
            if criterion.role_code == role_code and criterion.level == level and criterion.min_months is None]


def person_evidence(person: Person, framework: Framework, rng: random.Random,
                    anchor: dt.date) -> list[tuple[Criterion, dt.date, str]]:
    """(criterion, date, status) for one person: most of the way to their target level, some of their own."""
    items = []
    target = next_level(framework, person.role_code, person.level)
    target_criteria = evidence_criteria(framework, person.role_code, target)
    three_years_ago = add_years(anchor, -3) + dt.timedelta(days=1)
    window_start = max(three_years_ago, person.level_start_date - dt.timedelta(days=180))
    if person.profile in ("ready", "ready_on"):
        # Fully evidenced and all still current (within two years), so only tenure can hold them back.
        recent_start = max(window_start, anchor - dt.timedelta(days=660))
        items += [(criterion, date_between(rng, recent_start, anchor), "approved") for criterion in target_criteria]
    elif target_criteria:
        count = max(1, round(len(target_criteria) * rng.uniform(0.3, 0.6)))
        for criterion in rng.sample(target_criteria, count):
            items += evidence_history(criterion, rng, window_start, anchor)
    items += own_level_evidence(person, framework, rng, anchor, three_years_ago)
    items += succession_evidence(person, framework, rng, anchor, target)
    return items


def succession_evidence(person: Person, framework: Framework, rng: random.Random, anchor: dt.date,
                        target: str | None) -> list[tuple[Criterion, dt.date, str]]:
    """Approved evidence against a higher role's entry criteria, so the succession bench has depth.

    People at the top of their role build it most; some one level below start on it too.
    """
    levels = framework.levels[person.role_code]
    near_top = target is None or (len(levels) > 1 and person.level == levels[-2])
    roles = higher_roles(framework, person.role_code)
    if not near_top or not roles or rng.random() > (0.8 if target is None else 0.3):
        return []
    role_code = rng.choice(roles)
    criteria = evidence_criteria(framework, role_code, framework.levels[role_code][0])
    if not criteria:
        return []
    share = rng.choice((1.0, 1.0, 0.7, 0.5)) if target is None else rng.uniform(0.2, 0.6)
    start = max(add_years(anchor, -2) + dt.timedelta(days=1), person.level_start_date - dt.timedelta(days=365))
    if start > anchor:
        return []
    chosen = rng.sample(criteria, max(1, round(len(criteria) * share)))
    return [(criterion, date_between(rng, start, anchor), "approved") for criterion in chosen]


def evidence_history(criterion: Criterion, rng: random.Random, window_start: dt.date,
                     anchor: dt.date) -> list[tuple[Criterion, dt.date, str]]:
    """Mostly approved, some awaiting sign-off, a few rejected (half of those resubmitted since)."""
    two_years_ago = add_years(anchor, -2)
    draw = rng.random()
    if draw < 0.76:
        if rng.random() < OLD_APPROVED_CHANCE and window_start < two_years_ago:
            # Approved long ago: it no longer counts, which the dashboard shows as expired evidence.
            return [(criterion, date_between(rng, window_start, two_years_ago - dt.timedelta(days=1)), "approved")]
        start = max(window_start, two_years_ago + dt.timedelta(days=1))
        return [(criterion, date_between(rng, start, anchor), "approved")]
    if draw < 0.90:
        return [(criterion, date_between(rng, max(window_start, anchor - dt.timedelta(days=120)), anchor), "submitted")]
    rejected_on = date_between(rng, max(window_start, anchor - dt.timedelta(days=540)), anchor - dt.timedelta(days=14))
    items = [(criterion, rejected_on, "rejected")]
    if rng.random() < 0.5 and rejected_on < anchor:
        resubmitted_on = date_between(rng, rejected_on + dt.timedelta(days=1), anchor)
        items.append((criterion, resubmitted_on, rng.choice(("submitted", "approved"))))
    return items


def own_level_evidence(person: Person, framework: Framework, rng: random.Random, anchor: dt.date,
                       three_years_ago: dt.date) -> list[tuple[Criterion, dt.date, str]]:
    """Approved evidence of the current level: gathered before promotion, or since starting at a first level."""
    criteria = evidence_criteria(framework, person.role_code, person.level)
    if not criteria:
        return []
    if person.level == framework.levels[person.role_code][0]:
        start, end = max(three_years_ago, person.level_start_date), anchor
    else:
        start, end = max(three_years_ago, person.level_start_date - dt.timedelta(days=365)), person.level_start_date
    if end < start:
        return []  # promoted more than three years ago: that evidence is older than the demo's history
    count = round(len(criteria) * rng.uniform(0.2, 0.5))
    return [(criterion, date_between(rng, start, end), "approved") for criterion in rng.sample(criteria, count)]


# ---------------------------------------------------------------- training


def renewal_years(courses: Sequence[str], course: str) -> int | None:
    if course.lower() in RENEWAL_YEARS:
        return RENEWAL_YEARS[course.lower()]
    return 2 + courses.index(course) % 2


def training_rows(people: list[Person], courses: Sequence[str], rng: random.Random, anchor: dt.date) -> list[tuple]:
    rows = []
    expiring = [course for course in courses if renewal_years(courses, course)]
    for person in people:
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
            rows.append((person.staff_id, course, completed.isoformat(), expires.isoformat() if expires else ""))
            if years and rng.random() < RENEWAL_HISTORY_CHANCE:
                # The previous completion of a renewed course, expired on the day it was renewed.
                rows.append((person.staff_id, course, add_years(completed, -years).isoformat(), completed.isoformat()))
    return rows


# ---------------------------------------------------------------- acting up and secondments


def higher_roles(framework: Framework, role_code: str) -> list[str]:
    """Roles of the same framework one or two ranges above: where someone would act up."""
    own = framework.roles[role_code]
    return [role.role_code for role in framework.roles.values()
            if role.framework == own.framework and own.range < role.range <= own.range + 2
            and role.role_code not in SPECIALIST_ROLES]


def acting_rows(people: list[Person], framework: Framework, rng: random.Random, anchor: dt.date) -> list[tuple]:
    rows = []
    for person in people:
        candidates = higher_roles(framework, person.role_code)
        if person.line_manager_id and candidates and rng.random() < ACTING_SHARE:
            rows.append(higher_role_period(person, rng.choice(candidates), rng, anchor))
        # Some managers acted up in the post before being appointed to it; that time counts towards tenure.
        if is_appointed_after_acting(person, framework) and rng.random() < APPOINTED_AFTER_ACTING_SHARE:
            end = person.level_start_date - dt.timedelta(days=1)
            start = max(EARLIEST_DATE, end - dt.timedelta(days=rng.randint(60, 300)))
            rows.append((person.staff_id, person.role_code, start.isoformat(), end.isoformat(), "acting_up"))
    return rows


def is_appointed_after_acting(person: Person, framework: Framework) -> bool:
    own = framework.roles[person.role_code]
    is_promoted_role = any(role.framework == own.framework and role.range < own.range for role in framework.roles.values())
    # ready_on people are there to show a wait for tenure; credited acting time could end it early.
    return (is_promoted_role and person.profile != "ready_on" and person.line_manager_id is not None
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
    return (person.staff_id, role_code, start.isoformat(), end.isoformat() if end else "", kind)
