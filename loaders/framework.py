"""Loads a career progression framework: one row per criterion, plus optional sibling roles and rules files.

The framework's name is the file's stem (`cabs.csv` -> `cabs`); a load replaces that framework's
roles, levels, criteria and rules. Level codes, names and order are data: they come from the file (order of
first appearance, or a `level_order` column). `cabs_roles.csv` beside `cabs.csv`, if present, adds each
role's duties and `fed_by` (role codes whose holders are succession candidates besides lower ranges).
`cabs_rules.csv`, if present, holds the rules a council may set differently (`setting,value` rows: the
evidence window in months, whether time-based criteria also need mandatory training, the categories in
display order, the mandatory courses); a setting it does not give takes DEFAULT_RULES, and the load log
says so. The SQL reads the stored rules (tables framework_rules, framework_categories,
framework_mandatory_courses); nothing else repeats them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loaders.errors import LoadRejected, Problem
from loaders.reading import read_into
from loaders.results import Counts, file_sha256
from loaders.validation import Check, Column, Spec, run_checks, validate

ROLES_SUFFIX = "_roles"
RULES_SUFFIX = "_rules"
COMPANION_SUFFIXES = (ROLES_SUFFIX, RULES_SUFFIX)


@dataclass(frozen=True)
class Rules:
    """A framework's rule settings. `mandatory_courses` None: every course in the mandatory courses list."""

    evidence_window_months: int
    time_criteria_need_training: bool
    categories: tuple[str, ...]
    mandatory_courses: tuple[str, ...] | None


# Medway's rules (the CABS framework 2025): evidence from the last two years; "a minimum of 12 months ...
# including up to date mandatory training"; criteria under Qualifications, Knowledge, Experience, Skills.
# Used for a framework loaded without a rules file, and for each setting its rules file leaves out.
DEFAULT_RULES = Rules(24, True, ("Qualifications", "Knowledge", "Experience", "Skills"), None)
SETTINGS = ("evidence_window_months", "time_criteria_need_training", "category", "mandatory_course")
NO_COURSES = "none"


# Words left out of a category's initials ("Knowledge, skills and experience" -> KSE).
MINOR_WORDS = ("and", "or", "of", "the", "to", "in", "for")


def category_code_sql(expression: str) -> str:
    """SQL for a category's code in criterion ids: the initials of its words, capitalised, leaving out minor words
    and punctuation. One-word categories give their first letter (Medway's Q, K, E, S); "Key accountabilities"
    gives KA, "Communicating & influencing" CI."""
    minor = ", ".join(f"'{word}'" for word in MINOR_WORDS)
    return (f"upper(array_to_string(list_transform(list_filter(string_split_regex({expression}, '[^A-Za-z0-9]+'), "
            f"lambda word: word <> '' and lower(word) not in ({minor})), lambda word: left(word, 1)), ''))")


def framework_name(path: Path) -> str:
    return path.stem.lower()


def _companion_suffix(path: Path) -> str | None:
    return next((suffix for suffix in COMPANION_SUFFIXES if path.stem.lower().endswith(suffix)), None)


def pair_roles_files(paths: list[Path]) -> list[Path]:
    """The criteria files among `paths`; a `<name>_roles` or `<name>_rules` file is read with its framework,
    not alone."""
    criteria_files = [path for path in paths if _companion_suffix(path) is None]
    for path in paths:
        suffix = _companion_suffix(path)
        if suffix is not None:
            owner = path.stem[: -len(suffix)].lower()
            if owner not in {framework_name(criteria) for criteria in criteria_files}:
                what = "roles" if suffix == ROLES_SUFFIX else "rules"
                raise LoadRejected([Problem(path.name, None, None, None,
                                            f"a {what} file must be loaded with its framework file ({owner}.csv)")])
    return criteria_files


def _companion_file(path: Path, suffix: str) -> Path | None:
    for extension in (".csv", ".xlsx"):
        candidate = path.with_name(path.stem + suffix + extension)
        if candidate.exists():
            return candidate
    return None


def roles_file_for(path: Path) -> Path | None:
    return _companion_file(path, ROLES_SUFFIX)


def rules_file_for(path: Path) -> Path | None:
    return _companion_file(path, RULES_SUFFIX)


def spec(table: str, context) -> Spec:
    name = framework_name(context.path)
    columns = [
        Column("role_code"),
        Column("role_title"),
        Column("range", "integer", minimum=1),
        Column("level"),
        Column("level_name"),
        # One of the framework's categories (its rules file's, checked in after_validation), in any case.
        Column("category", key_sql='lower("category")'),
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


RULES_COLUMNS = [
    Column("setting", "choice", choices=SETTINGS),
    Column("value"),
]


def _rules_checks(table: str) -> list[Check]:
    def repeated(setting_condition: str, partition: str) -> str:
        return (f"select source_row, value from (select source_row, value, row_number() over "
                f"(partition by {partition} order by source_row) as occurrence from {table} "
                f"where {setting_condition}) where occurrence > 1")

    return [
        Check("value", "evidence_window_months is a whole number of months, at least 1",
              f"select source_row, value from {table} where lower(setting) = 'evidence_window_months' "
              f"and (not regexp_full_match(value, '[0-9]+') or coalesce(try_cast(value as integer), 0) < 1)"),
        Check("value", "time_criteria_need_training is yes or no",
              f"select source_row, value from {table} where lower(setting) = 'time_criteria_need_training' "
              f"and lower(value) not in ('yes', 'no')"),
        Check("setting", "this setting takes one value and already appears on an earlier row",
              repeated("lower(setting) in ('evidence_window_months', 'time_criteria_need_training')",
                       "lower(setting)")),
        Check("value", "a category starts with a letter",
              f"select source_row, value from {table} where lower(setting) = 'category' "
              f"and not regexp_full_match(value, '[A-Za-z].*')"),
        Check("value", "this category already appears on an earlier row (categories match ignoring case)",
              repeated("lower(setting) = 'category'", "lower(value)")),
        Check("value", f"a category needs a word other than {', '.join(MINOR_WORDS)} (criterion ids use its initials)",
              f"select source_row, value from {table} where lower(setting) = 'category' "
              f"and {category_code_sql('value')} = ''"),
        Check("value", "criterion ids use the initials of the category's words, and a category on an earlier row "
                       "has the same initials",
              repeated("lower(setting) = 'category'", category_code_sql("value"))),
        Check("value", "this course already appears on an earlier row",
              repeated("lower(setting) = 'mandatory_course'", "lower(value)")),
        Check("value", f"'{NO_COURSES}' says the framework uses no mandatory training, so it cannot be listed "
                       "with courses",
              f"select source_row, value from (select source_row, value, count(*) over () as courses from {table} "
              f"where lower(setting) = 'mandatory_course') where lower(value) = '{NO_COURSES}' and courses > 1"),
    ]


def read_rules(con, rules_path: Path, today) -> tuple[Rules | None, list[Problem], int, list[str]]:
    """A rules file's settings over DEFAULT_RULES: (rules, problems, problem count, notes)."""
    contents = read_into(con, rules_path, "staged_rules_file")
    spec = Spec("rules", RULES_COLUMNS, checks=_rules_checks("staged_rules_file"))
    problems, total = validate(con, spec, contents, "staged_rules_file", rules_path.name, today)
    if problems:
        return None, problems, total, []
    rows = con.execute("select lower(setting), value from staged_rules_file order by source_row").fetchall()
    given = {setting: [value for key, value in rows if key == setting] for setting in SETTINGS}
    courses = given["mandatory_course"]
    rules = Rules(
        int(given["evidence_window_months"][0]) if given["evidence_window_months"]
        else DEFAULT_RULES.evidence_window_months,
        given["time_criteria_need_training"][0].lower() == "yes" if given["time_criteria_need_training"]
        else DEFAULT_RULES.time_criteria_need_training,
        tuple(given["category"]) or DEFAULT_RULES.categories,
        (() if [course.lower() for course in courses] == [NO_COURSES] else tuple(courses)) if courses
        else DEFAULT_RULES.mandatory_courses,
    )
    defaulted = [setting for setting in SETTINGS if not given[setting]]
    notes = [f"rules from {rules_path.name}" + (f" (defaults for {', '.join(defaulted)})" if defaulted else "")]
    return rules, [], 0, notes


def describe_rules(rules: Rules) -> str:
    courses = ("every course in the mandatory courses list" if rules.mandatory_courses is None
               else ", ".join(rules.mandatory_courses) or "no mandatory training")
    return (f"evidence counts for {rules.evidence_window_months} months; time-based criteria "
            f"{'also need' if rules.time_criteria_need_training else 'do not need'} mandatory training; "
            f"categories {', '.join(rules.categories)}; mandatory courses: {courses}")


def _stage_rules(con, rules: Rules) -> None:
    con.execute("create or replace temp table staged_rules (evidence_window_months integer, "
                "time_criteria_need_training boolean, mandatory_courses_listed boolean)")
    con.execute("insert into staged_rules values (?, ?, ?)", [
        rules.evidence_window_months, rules.time_criteria_need_training, rules.mandatory_courses is not None])
    con.execute("create or replace temp table staged_categories (category varchar, category_order integer)")
    con.execute("insert into staged_categories select unnest(?), unnest(range(1, ?))",
                [list(rules.categories), len(rules.categories) + 1])
    con.execute("create or replace temp table staged_courses (course varchar)")
    if rules.mandatory_courses:
        con.execute("insert into staged_courses select unnest(?)", [list(rules.mandatory_courses)])


def after_validation(con, table: str, context) -> tuple[list[Problem], int]:
    """Checks that need the whole file at once: the rules and roles files, each criterion's category against
    the framework's, and staff who would lose their level."""
    name = framework_name(context.path)
    problems: list[Problem] = []
    total = 0
    rules_path = rules_file_for(context.path)
    if rules_path is None:
        rules = DEFAULT_RULES
        context.notes.append(f"no rules file ({name}{RULES_SUFFIX}.csv): Medway's defaults, {describe_rules(rules)}")
    else:
        rules, found, count, notes = read_rules(con, rules_path, context.today)
        if found:
            return found, count
        context.notes.extend(notes)
    _stage_rules(con, rules)
    found, count = run_checks(con, [Check(
        "category", f"must be one of: {', '.join(rules.categories)} (the framework's categories"
                    f"{'' if rules_path is None else ', from ' + rules_path.name})",
        f"select source_row, category from {table} "
        f"where lower(category) not in (select lower(category) from staged_categories)")], context.file_name)
    problems += found
    total += count
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
            role_code || '.' || level || '.' || {category_code_sql("categories.category")} || try_cast(number as integer)
                as criterion_id,
            role_code, level,
            -- Stored in the framework's spelling (its rules file's), whatever the case in this file.
            categories.category,
            try_cast(number as integer) as number,
            criterion,
            try_cast(min_months as integer) as min_months,
            any_of,
            source_row
        from {table}
        join staged_categories as categories on lower(categories.category) = lower({table}.category)
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
    rules_changed = not _same_rules_as_loaded(con, name)
    if rules_changed:
        counts.updated += 1
        context.notes.append("the framework's rules changed (counted as one row updated)")
    if not counts.changed and _same_as_loaded(con, name):
        return counts
    _write_rules(con, name)
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



RULE_TABLES = {
    # table: (columns of the loaded table, the staged relation holding the new rows)
    "framework_rules": ("evidence_window_months, time_criteria_need_training, mandatory_courses_listed",
                        "staged_rules"),
    "framework_categories": ("category, category_order", "staged_categories"),
    "framework_mandatory_courses": ("course", "staged_courses"),
}


def _same_rules_as_loaded(con, name: str) -> bool:
    for table, (columns, staged) in RULE_TABLES.items():
        differences = con.execute(f"""
            select (select count(*) from (select {columns} from {staged}
                                          except select {columns} from {table} where framework = $name))
                 + (select count(*) from (select {columns} from {table} where framework = $name
                                          except select {columns} from {staged}))
        """, {"name": name}).fetchone()[0]
        if differences:
            return False
    return True


def _write_rules(con, name: str) -> None:
    for table, (columns, staged) in RULE_TABLES.items():
        con.execute(f"delete from {table} where framework = ?", [name])
        con.execute(f"insert into {table} (framework, {columns}) select ?, {columns} from {staged}", [name])
