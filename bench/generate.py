"""Builds a synthetic workforce of any size inside DuckDB, for the benchmark.

The shipped frameworks and mandatory courses go in through the real loaders (so the schema, views
and macros are the ones users get); the people, evidence, training and acting periods are then
made with set-based SQL, with `hash(seed, i, ...)` standing in for a random number generator, and
written straight into the tables in one transaction through the atomic-swap writer. The same seed
and as-of date give the same data. Names are generated ('Person 0000123'), never real.

Shape of the workforce, per person: 30 to 60 pieces of evidence, mostly against the criteria of
their target level (one pass over them, then extra rows against their target, current and the
entry criteria of higher roles), approved, submitted or rejected, dated over the last three years;
a record for every mandatory course (a few expired, some with an older expired renewal); acting-up
or secondment periods for about one in ten; teams of 14 with a team manager, who reports to an
operations manager, who reports up a tree to the head of service. About 2% are leavers.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from loaders.database import ROOT, writing
from loaders.demo import mark_demo
from loaders.load import load_files

FRAMEWORKS_FOLDER = ROOT / "data" / "frameworks"
MANDATORY_COURSES_FILE = ROOT / "data" / "mandatory_courses.csv"
TEAM_SIZE = 14
STAFF_PER_OPERATIONS_MANAGER = 150
DEFAULT_SEED = 7

# Team templates: a team number's hash (0-99) picks the template whose [lower, upper) bounds hold it.
TEAM_TEMPLATES = """
    ('Contact Centre', 0, 40, 'CBTM', 'CBSO', null, 0),
    ('Business Support', 40, 60, 'CBTM', 'CBSO', null, 0),
    ('Blue Badge', 60, 68, 'CBTM', 'CBSO', 'BBOT', 25),
    ('Development and Quality', 68, 76, 'DQCS', 'DQCO', null, 0),
    ('Digital Support', 76, 82, 'CBTM', 'CBSO', 'DQCO', 40),
    ('Customer Relations', 82, 94, 'CRTL', 'CRO', null, 0),
    ('Social Care Complaints', 94, 100, 'CMSC', 'CRO', null, 0)
"""

STAFF_SQL = f"""
create or replace temp table bench_staff as
with
templates(template, lower_bound, upper_bound, lead_role, member_role, other_role, other_share) as (
    values {TEAM_TEMPLATES}
),

people as (
    select
        range as i,
        getvariable('bench_staff_count') as staff_count,
        getvariable('bench_head_count') as head_count,
        getvariable('bench_seed') as seed,
        getvariable('bench_as_of')::date as as_of_date,
    from range(getvariable('bench_staff_count'))
),

placed as (
    select
        *,
        case when i >= head_count then (i - head_count) // {TEAM_SIZE} end as team_number,
        case when i >= head_count then (i - head_count) % {TEAM_SIZE} end as position,
        case when i >= head_count then hash(seed, (i - head_count) // {TEAM_SIZE}, 'team') % 100 end as team_hash,
    from people
),

templated as (
    select
        placed.*,
        templates.template,
        templates.lead_role,
        templates.member_role,
        templates.other_role,
        templates.other_share,
    from placed
    left join templates
        on placed.team_hash >= templates.lower_bound
        and placed.team_hash < templates.upper_bound
),

roled as (
    select
        *,
        case
            when i = 0 then 'CBOM'
            when i < head_count and i % 5 = 0 then 'CRM'
            when i < head_count then 'CBOM'
            when position = 0 then lead_role
            when other_role is not null
                and hash(seed, i, 'role') % 100 < other_share then other_role
            else member_role
        end as role_code,
        case
            when i < head_count then 'Service Management'
            else template || ' ' || lpad(team_number::varchar, 5, '0')
        end as team,
        case
            when i = 0 then null
            when i < head_count then (i - 1) // 8
            when position = 0 and head_count = 1 then 0
            when position = 0 then 1 + team_number % (head_count - 1)
            else head_count + team_number * {TEAM_SIZE}
        end as manager_number,
        case
            when hash(seed, i, 'level') % 100 < 40 then 'A'
            when hash(seed, i, 'level') % 100 < 72 then 'B'
            else 'C'
        end as level,
        1 + hash(seed, i, 'days') % 2400 as days_in_level,
        i >= head_count and position > 0 and hash(seed, i, 'leaver') % 100 < 2 as is_leaver,
    from templated
)

select
    i,
    'S' || lpad(i::varchar, 7, '0') as staff_id,
    'Person ' || lpad(i::varchar, 7, '0') as name,
    team,
    case when manager_number is not null then 'S' || lpad(manager_number::varchar, 7, '0') end as line_manager_id,
    role_code,
    level,
    (as_of_date - days_in_level::integer) as level_start_date,
    'person' || lpad(i::varchar, 7, '0') || '@bench.example' as email,
    case when is_leaver
        then as_of_date - days_in_level::integer + 1 + (hash(seed, i, 'left') % days_in_level)::integer
    end as left_on,
    (30 + hash(seed, i, 'evidence_rows') % 31)::bigint as evidence_rows,
    (hash(seed, i, 'quality') % 100)::integer as quality,
from roled
"""

# Pools of evidence-based criteria each person gathers evidence against: T (target level; for the
# top of a role, the entry criteria of higher roles), C (current level), E (first level of higher
# roles of the same framework). An empty pool falls back to C.
POOL_SQL = """
create or replace temp table bench_pool as
with
levels as (
    select
        levels.role_code,
        levels.level,
        roles.framework,
        roles.range,
        lead(levels.level) over (partition by levels.role_code order by levels.level_order) as next_level,
        levels.level_order = min(levels.level_order) over (partition by levels.role_code) as is_first_level,
    from levels
    join roles using (role_code)
),

criteria as (
    select criterion_id, role_code, level from criteria where min_months is null
),

current_pool as (
    select levels.role_code, levels.level, criteria.criterion_id
    from levels
    join criteria using (role_code, level)
),

entry_pool as (
    select levels.role_code, levels.level, criteria.criterion_id
    from levels
    join levels as higher
        on higher.framework = levels.framework
        and higher.range > levels.range
        and higher.is_first_level
    join criteria
        on criteria.role_code = higher.role_code
        and criteria.level = higher.level
),

target_pool as (
    select levels.role_code, levels.level, criteria.criterion_id
    from levels
    join criteria
        on criteria.role_code = levels.role_code
        and criteria.level = levels.next_level
),

pools as (
    select 'C' as pool, * from current_pool
    union all
    select 'E', * from entry_pool
    union all
    select 'T', * from target_pool
    union all
    -- Fallbacks: T for the top of a role is E, and an empty E or T is C.
    select 'T', * from entry_pool
    where (role_code, level) not in (select (role_code, level) from target_pool)
    union all
    select 'T', * from current_pool
    where (role_code, level) not in (select (role_code, level) from target_pool)
        and (role_code, level) not in (select (role_code, level) from entry_pool)
    union all
    select 'E', * from current_pool
    where (role_code, level) not in (select (role_code, level) from entry_pool)
)

select
    role_code,
    level,
    pool,
    (row_number() over (partition by role_code, level, pool order by criterion_id) - 1)::bigint as position,
    count(*) over (partition by role_code, level, pool) as pool_size,
    criterion_id,
from pools
"""

# One row per (person, j < evidence_rows). The first pass (j < size of T) covers every target
# criterion once, mostly approved within two years; the rest are extra rows against any pool.
# Coverage rows sit on even day offsets (one per criterion) and extra rows on odd offsets (one per
# j), so (staff_id, criterion_id, evidence_date) is unique by construction.
EVIDENCE_SQL = """
insert into evidence (staff_id, criterion_id, evidence_date, status, assessor, note, evidence_ref)
with
sizes as (
    select role_code, level, max(pool_size) filter (where pool = 'T') as target_size
    from bench_pool
    group by role_code, level
),

rows as (
    select
        bench_staff.i,
        bench_staff.staff_id,
        bench_staff.role_code,
        bench_staff.level,
        bench_staff.quality,
        sizes.target_size,
        unnest(range(bench_staff.evidence_rows)) as j,
    from bench_staff
    join sizes using (role_code, level)
),

seeded as (
    select
        *,
        getvariable('bench_seed') as seed,
        case when quality < 30 then 100 when quality < 60 then 95 else 70 end as good_share,
    from rows
),

varied as (
    select
        *,
        case
            when j >= target_size then 'extra'
            when hash(seed, i, j, 'good') % 100 < good_share then 'good'
            else ['submitted', 'expired', 'rejected', 'extra'][(1 + hash(seed, i, j, 'variant') % 4)::bigint]
        end as variant,
        hash(seed, i, j, 'day') as day_hash,
    from seeded
),

placed as (
    select
        *,
        case
            when variant <> 'extra' then 'T'
            when hash(seed, i, j, 'pool') % 100 < 45 then 'T'
            when hash(seed, i, j, 'pool') % 100 < 75 then 'C'
            else 'E'
        end as pool,
        case variant
            when 'good' then 2 * (day_hash % 360)
            when 'submitted' then 2 * (day_hash % 360)
            when 'expired' then 732 + 2 * (day_hash % 181)
            when 'rejected' then 2 * (day_hash % 547)
            else 2 * (j * 9 + day_hash % 9) + 1
        end as day_offset,
        case variant
            when 'good' then 'approved'
            when 'expired' then 'approved'
            when 'submitted' then 'submitted'
            when 'rejected' then 'rejected'
            else case
                when hash(seed, i, j, 'status') % 100 < 80 then 'approved'
                when hash(seed, i, j, 'status') % 100 < 92 then 'submitted'
                else 'rejected'
            end
        end as status,
    from varied
),

chosen as (
    select
        placed.*,
        case when variant = 'extra' then hash(seed, i, j, 'pick') % pool_sizes.pool_size else j end as position,
    from placed
    join (select distinct role_code, level, pool, pool_size from bench_pool) as pool_sizes
        using (role_code, level, pool)
)

select
    chosen.staff_id,
    bench_pool.criterion_id,
    (getvariable('bench_as_of')::date - chosen.day_offset::integer) as evidence_date,
    chosen.status,
    case when chosen.status <> 'submitted'
        then 'Assessor ' || lpad((hash(chosen.seed, chosen.i, chosen.j, 'assessor') % 400)::varchar, 3, '0')
    end as assessor,
    null as note,
    null as evidence_ref,
from chosen
join bench_pool using (role_code, level, pool, position)
order by chosen.i, chosen.j
"""

TRAINING_SQL = """
insert into training (staff_id, course, completed_on, expires_on)
with
courses as (
    select course, row_number() over (order by course) as course_number from mandatory_courses
),

records as (
    select
        bench_staff.i,
        bench_staff.staff_id,
        courses.course,
        courses.course_number,
        getvariable('bench_seed') as seed,
        getvariable('bench_as_of')::date as as_of_date,
    from bench_staff
    cross join courses
),

latest as (
    select
        *,
        hash(seed, i, course_number, 'expired') % 100 < 3 as is_expired,
        hash(seed, i, course_number, 'never') % 100 < 10 as never_expires,
        hash(seed, i, course_number, 'renewed') % 100 < 30 as has_older_record,
        hash(seed, i, course_number, 'completed') as day_hash,
    from records
),

dated as (
    select
        *,
        case
            when is_expired then as_of_date - (731 + day_hash % 300)::integer
            else as_of_date - (day_hash % 700)::integer
        end as completed_on,
    from latest
)

select staff_id, course, completed_on,
       case when not never_expires or is_expired then completed_on + 730 end as expires_on,
from dated
union all
select staff_id, course, completed_on - (730 + day_hash % 60)::integer,
       completed_on - (day_hash % 60)::integer,
from dated
where has_older_record
order by 1, 2, 3
"""

ACTING_SQL = """
insert into acting (staff_id, role_code, start_date, end_date, kind)
with
roles as (
    select role_code, row_number() over (order by role_code) - 1 as role_number, count(*) over () as role_count
    from roles
),

periods as (
    select
        bench_staff.i,
        bench_staff.staff_id,
        bench_staff.role_code,
        bench_staff.level_start_date,
        getvariable('bench_seed') as seed,
        unnest(range((1 + hash(getvariable('bench_seed'), bench_staff.i, 'periods') % 2)::bigint)) as k,
    from bench_staff
    where hash(getvariable('bench_seed'), bench_staff.i, 'acting') % 100 < 10
),

shaped as (
    select
        *,
        level_start_date - (k * 250 + 30 + hash(seed, i, k, 'start') % 200)::integer as start_date,
        20 + hash(seed, i, k, 'length') % 200 as length_days,
        hash(seed, i, k, 'open') % 100 < 5 as is_open,
        hash(seed, i, k, 'other') % 100 < 20 as is_other_role,
    from periods
)

select
    staff_id,
    case when is_other_role
        then (select role_code from roles where role_number = hash(seed, i, k, 'role') % role_count)
        else shaped.role_code
    end,
    start_date,
    case when not is_open then start_date + length_days::integer end,
    case when hash(seed, i, k, 'kind') % 100 < 70 then 'acting_up' else 'secondment' end,
from shaped
order by i, k
"""


def framework_files() -> list[Path]:
    return sorted(path for path in FRAMEWORKS_FOLDER.glob("*.csv") if not path.stem.endswith("_roles"))


def load_configuration(db: Path, as_of: dt.date) -> None:
    """The shipped frameworks and mandatory courses, through the real loaders."""
    load_files("framework", framework_files(), db, today=as_of)
    load_files("mandatory_courses", [MANDATORY_COURSES_FILE], db, today=as_of)


def generate(db: Path | str, staff: int, *, seed: int = DEFAULT_SEED, as_of: dt.date | None = None,
             log=None) -> dict[str, int]:
    """Build a fresh database at `db` with `staff` people; returns the row count of each table."""
    if staff < 1:
        raise ValueError("--staff must be at least 1")
    as_of = as_of or dt.date.today()
    db = Path(db)
    for stale in (db, Path(str(db) + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    load_configuration(db, as_of)
    head_count = max(1, staff // STAFF_PER_OPERATIONS_MANAGER)
    with writing(db) as con:
        con.execute("set variable bench_seed = ?", [seed])
        con.execute("set variable bench_as_of = ?", [as_of])
        con.execute("set variable bench_staff_count = ?", [staff])
        con.execute("set variable bench_head_count = ?", [head_count])
        con.execute("set preserve_insertion_order = true")
        con.execute("begin")
        try:
            for name, sql in (("staff", STAFF_SQL), ("pools", POOL_SQL)):
                con.execute(sql)
                _say(log, started, name)
            con.execute("""
                insert into staff (staff_id, name, team, line_manager_id, role_code, level, level_start_date,
                                   email, left_on)
                select staff_id, name, team, line_manager_id, role_code, level, level_start_date, email, left_on
                from bench_staff order by i
            """)
            for name, sql in (("evidence", EVIDENCE_SQL), ("training", TRAINING_SQL), ("acting", ACTING_SQL)):
                con.execute(sql)
                _say(log, started, name)
            con.execute("""
                insert into load_log (loaded_at, kind, file_name, rows_inserted, outcome, message)
                select current_timestamp, kind, 'bench generate', rows, 'loaded', 'synthetic benchmark data'
                from (values ('staff', (select count(*) from staff)), ('evidence', (select count(*) from evidence)),
                             ('training', (select count(*) from training)), ('acting', (select count(*) from acting)))
                     as counts(kind, rows)
            """)
            con.execute("drop table bench_staff")
            con.execute("drop table bench_pool")
            mark_demo(con, "bench generate")  # generated people only: shown without sign-in, like the demo
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        counts = {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("staff", "evidence", "training", "acting")
        }
    _say(log, started, "written")
    return counts


def _say(log, started: float, what: str) -> None:
    if log:
        log(f"  {time.perf_counter() - started:7.1f} s  {what}")
