"""Loads a career progression framework: one row per criterion, plus an optional sibling roles file.

The framework's name is the file's stem (`cabs.csv` -> `cabs`); a load replaces that framework's
roles, levels and criteria. Level codes, names and order are data: they come from the file (order of
first appearance, or a `level_order` column). `cabs_roles.csv` beside `cabs.csv`, if present, adds each
role's duties and `fed_by` (role codes whose holders are succession candidates besides lower ranges).
"""

from __future__ import annotations

from pathlib import Path

from loaders.errors import LoadRejected, Problem
from loaders.reading import read_into
from loaders.results import Counts, file_sha256
from loaders.validation import Check, Column, Spec, run_checks, validate

CATEGORIES = ("Qualifications", "Knowledge", "Experience", "Skills")
ROLES_SUFFIX = "_roles"


def framework_name(path: Path) -> str:
    return path.stem.lower()


def pair_roles_files(paths: list[Path]) -> list[Path]:
    """The criteria files among `paths`; a `<name>_roles` file is read with its framework, not alone."""
    criteria_files = [path for path in paths if not path.stem.lower().endswith(ROLES_SUFFIX)]
    for path in paths:
        if path.stem.lower().endswith(ROLES_SUFFIX):
            owner = path.stem[: -len(ROLES_SUFFIX)].lower()
            if owner not in {framework_name(criteria) for criteria in criteria_files}:
                raise LoadRejected([Problem(path.name, None, None, None,
                                            f"a roles file must be loaded with its framework file ({owner}.csv)")])
    return criteria_files


def roles_file_for(path: Path) -> Path | None:
    for suffix in (".csv", ".xlsx"):
        candidate = path.with_name(path.stem + ROLES_SUFFIX + suffix)
        if candidate.exists():
            return candidate
    return None


def spec(table: str, context) -> Spec:
    name = framework_name(context.path)
    columns = [
        Column("role_code"),
        Column("role_title"),
        Column("range", "integer", minimum=1),
        Column("level"),
        Column("level_name"),
        Column("category", "choice", choices=tuple(category.lower() for category in CATEGORIES)),
        Column("number", "integer", minimum=1),
        Column("criterion"),
        Column("min_months", "integer", required=False, not_empty=False, minimum=1),
        Column("any_of", required=False, not_empty=False),
        Column("level_order", "integer", required=False, not_empty=False, minimum=1),
    ]
    checks = [
        Check("role_code", "role codes are letters, digits and underscores, starting with a capital letter",
              f"select source_row, role_code from {table} where not regexp_full_match(role_code, '[A-Z][A-Z0-9_]*')"),
        Check("level", "level codes are letters, digits and underscores only",
              f"select source_row, level from {table} where not regexp_full_match(level, '[A-Za-z0-9_]+')"),
        Check("role_title", "the same role_code has a different role_title on an earlier row",
              _inconsistent(table, "role_code", "role_title")),
        Check("range", "the same role_code has a different range on an earlier row",
              _inconsistent(table, "role_code", "range")),
        Check("level_name", "the same role and level have a different level_name on an earlier row",
              _inconsistent(table, "role_code, level", "level_name")),
        Check("level_order", "the same role and level have a different level_order on an earlier row",
              _inconsistent(table, "role_code, level", "level_order")),
        Check("number", "numbers within a role, level and category must run 1, 2, 3 ... without gaps",
              f"select source_row, number from (select source_row, number, row_number() over "
              f"(partition by role_code, level, lower(category) order by try_cast(number as integer), source_row) "
              f"as position from {table}) where try_cast(number as integer) <> position"),
        Check("any_of", "an any_of label groups alternatives within one role and level; this one is used in another",
              f"select source_row, any_of from (select source_row, any_of, count(distinct role_code || '.' || level) "
              f"over (partition by any_of) as places from {table} where any_of is not null) where places > 1"),
        Check("any_of", "an any_of group needs at least two alternatives",
              f"select source_row, any_of from (select source_row, any_of, count(*) over "
              f"(partition by role_code, level, any_of) as members from {table} where any_of is not null) "
              f"where members < 2"),
        Check("role_code", "this role belongs to another framework already loaded",
              f"select source_row, role_code from {table} where role_code in "
              f"(select role_code from roles where framework <> ?)", (name,)),
        Check("level", "this role has no criteria at this level, which other roles of the framework have",
              f"with levels_in_file as (select distinct level from {table}), "
              f"roles_in_file as (select role_code, min(source_row) as source_row from {table} group by role_code) "
              f"select roles_in_file.source_row, levels_in_file.level from roles_in_file cross join levels_in_file "
              f"where not exists (select 1 from {table} as rows where rows.role_code = roles_in_file.role_code "
              f"and rows.level = levels_in_file.level)"),
    ]
    return Spec("framework", columns, key=("role_code", "level", "category", "number"), checks=checks)


def _inconsistent(table: str, partition: str, column: str) -> str:
    return (f"select source_row, {column} from (select source_row, {column}, first_value({column}) over "
            f"(partition by {partition} order by source_row) as first_seen from {table}) "
            f"where {column} is distinct from first_seen")


ROLES_COLUMNS = [
    Column("role_code"),
    Column("role_title", required=False, not_empty=False),
    Column("range", "integer", required=False, not_empty=False),
    Column("duties", required=False, not_empty=False),
    Column("fed_by", required=False, not_empty=False),
]


def after_validation(con, table: str, context) -> tuple[list[Problem], int]:
    """Checks that need the whole file at once: the roles file, and staff who would lose their level."""
    name = framework_name(context.path)
    problems: list[Problem] = []
    total = 0
    roles_path = roles_file_for(context.path)
    con.execute("create or replace temp table staged_roles (role_code varchar, duties varchar, fed_by varchar)")
    if roles_path is not None:
        contents = read_into(con, roles_path, "staged_roles_file")
        roles_spec = Spec("roles", ROLES_COLUMNS, key=("role_code",), checks=[
            Check("role_code", f"this role is not in {context.path.name}",
                  f"select source_row, role_code from staged_roles_file where role_code not in "
                  f"(select role_code from {table})"),
            Check("fed_by", "fed_by lists role codes separated by ';' and each must be a known role",
                  f"select source_row, fed_by from staged_roles_file, unnest(string_split(fed_by, ';')) as item(code) "
                  f"where trim(code) <> '' and trim(code) not in (select role_code from {table} "
                  f"union select role_code from roles)"),
        ])
        found, count = validate(con, roles_spec, contents, "staged_roles_file", roles_path.name, context.today)
        problems += found
        total += count
        if not found:
            con.execute("insert into staged_roles select role_code, duties, fed_by from staged_roles_file")
            context.notes.append(f"roles from {roles_path.name}")
    found, count = run_checks(con, [Check(
        "level", "staff in post hold this role and level, which the new file no longer has: move them first",
        f"select null, staff.role_code || ' level ' || staff.level || ' (' || count(*) || ' people)' from staff "
        f"join roles using (role_code) where roles.framework = ? and staff.left_on is null "
        f"and not exists (select 1 from {table} as rows where rows.role_code = staff.role_code "
        f"and rows.level = staff.level) group by staff.role_code, staff.level", (name,))], context.file_name)
    return problems + found, total + count


def write(con, table: str, context):
    name = framework_name(context.path)
    con.execute(f"""
        create or replace temp table new_criteria as
        select
            role_code || '.' || level || '.' || upper(left(category, 1)) || try_cast(number as integer) as criterion_id,
            role_code, level,
            upper(left(category, 1)) || lower(substr(category, 2)) as category,
            try_cast(number as integer) as number,
            criterion,
            try_cast(min_months as integer) as min_months,
            any_of,
            source_row
        from {table}
    """)
    counts = Counts(*con.execute("""
        select
            count(*) filter (where old.criterion_id is null),
            count(*) filter (where old.criterion_id is not null and (old.criterion, old.min_months, old.any_of,
                old.category, old.number) is distinct from (new.criterion, new.min_months, new.any_of, new.category, new.number)),
            count(*) filter (where old.criterion_id is not null and (old.criterion, old.min_months, old.any_of,
                old.category, old.number) is not distinct from (new.criterion, new.min_months, new.any_of, new.category, new.number)),
            (select count(*) from criteria join roles using (role_code) where roles.framework = ?
                and criterion_id not in (select criterion_id from new_criteria))
        from new_criteria as new
        left join (select criteria.* from criteria join roles using (role_code) where roles.framework = ?) as old
            using (criterion_id)
    """, [name, name]).fetchone())
    orphaned = con.execute("""
        select count(*) from evidence where criterion_id in (
            select criterion_id from criteria join roles using (role_code) where roles.framework = ?)
        and criterion_id not in (select criterion_id from new_criteria)
    """, [name]).fetchone()[0]
    if orphaned:
        context.notes.append(f"{orphaned} evidence rows refer to criteria no longer in the framework; they are kept "
                             "but count towards nothing")
    con.execute(f"""
        create or replace temp table new_roles as
        select
            role_code, ? as framework, any_value(role_title order by source_row) as role_title,
            any_value(try_cast(range as integer) order by source_row) as range,
            any_value(staged_roles.duties) as duties,
            any_value(list_filter(list_transform(string_split(staged_roles.fed_by, ';'), lambda code: trim(code)),
                                  lambda code: code <> '')) as fed_by,
            row_number() over (order by min(source_row)) as role_order
        from {table} left join staged_roles using (role_code)
        group by role_code
    """, [name])
    con.execute(f"""
        create or replace temp table new_levels as
        select role_code, level, any_value(level_name order by source_row) as level_name,
            row_number() over (partition by role_code order by min(try_cast(level_order as integer)), min(source_row))
                as level_order
        from {table}
        group by role_code, level
    """)
    if not counts.changed and _same_as_loaded(con, name):
        return counts
    con.execute("delete from criteria where role_code in (select role_code from roles where framework = ?)", [name])
    con.execute("delete from levels where role_code in (select role_code from roles where framework = ?)", [name])
    con.execute("delete from roles where framework = ?", [name])
    con.execute("delete from frameworks where framework = ?", [name])
    con.execute("insert into frameworks values (?, ?, ?, current_timestamp)",
                [name, context.file_name, file_sha256(context.path)])
    con.execute("insert into roles select * from new_roles")
    con.execute("insert into levels select * from new_levels")
    con.execute("""
        insert into criteria
        select criterion_id, role_code, level, category, number, criterion, min_months, any_of
        from new_criteria order by source_row
    """)
    return counts


def _same_as_loaded(con, name: str) -> bool:
    """True when roles and levels match what is loaded (criteria were compared already)."""
    differences = con.execute("""
        select
            (select count(*) from (select * from new_roles except select * from roles where framework = $name))
          + (select count(*) from (select * from roles where framework = $name except select * from new_roles))
          + (select count(*) from (select * from new_levels except
                select * from levels where role_code in (select role_code from roles where framework = $name)))
          + (select count(*) from (select * from levels where role_code in
                (select role_code from roles where framework = $name) except select * from new_levels))
    """, {"name": name}).fetchone()[0]
    return differences == 0

