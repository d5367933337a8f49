-- grain: one row per person in post on any of the as-of dates and block of 64 of those dates (chunk n: dates 64n to 64n + 63, in date order)
-- purpose: readiness on many dates at once in compact form: which dates of the block the person is in post, ready, and
-- ready or waiting only on minimum time (bit k = the block's date k), from the same periods int_readiness_on reads
-- (in post, evidence, training, tenure dates) turned into masks; counts can be grouped on the masks before they are
-- spread over the dates
create or replace macro int_readiness_history_blocks(as_of_dates) as table
with
dates as (
    -- The as-of dates in order: date k is bit k % 64 of chunk k // 64.
    select
        as_of_date,
        (row_number() over (order by as_of_date) - 1)::integer as date_number,
    from (select distinct unnest(as_of_dates::date[]) as as_of_date)
    where as_of_date is not null
),

date_count as (
    select count(*)::integer as date_count from dates
),

chunks as (
    select range::integer as chunk from range((select (date_count + 63) // 64 from date_count))
),

calendar as (
    -- For each day x from 1900 to 2200: how many as-of dates fall before it. A period [from, until) holds
    -- on dates number dates_before(from) to dates_before(until) - 1 (days outside the range are clamped
    -- to it; as-of dates are well inside).
    select
        days.day,
        (sum(coalesce(steps.dates_step, 0)) over (order by days.day rows unbounded preceding))::integer as dates_before,
    from (select unnest(range(date '1900-01-01', date '2201-01-01', interval 1 day))::date as day) as days
    left join (
        select as_of_date + 1 as day, count(*) as dates_step from dates group by all
    ) as steps using (day)
),

staff as (
    select
        people.staff_id,
        people.staff_key,
        people.team,
        people.role_code,
        people.framework,
        people.range,
        people.target_level,
        people.target_level_id,
        people.in_post_from,
        people.in_post_until,
    from int_in_post_periods as people
),

in_post as (
    -- In post on d: in_post_from <= d < in_post_until (int_in_post_periods).
    select
        staff.*,
        chunks.chunk,
        int_bit_range(
            started.dates_before - 64 * chunks.chunk,
            coalesce(left_dates.dates_before, date_count.date_count) - 64 * chunks.chunk
        ) as in_post_mask,
    from staff
    cross join chunks
    cross join date_count
    join calendar as started
        on started.day = int_calendar_day(staff.in_post_from)
    left join calendar as left_dates
        on left_dates.day = int_calendar_day(staff.in_post_until)
    where in_post_mask <> 0
),

course_masks as (
    -- A mandatory course is current on d when one of its records' periods holds d (int_training_periods).
    select
        training.staff_key,
        training.course_number,
        chunks.chunk,
        bit_or(int_bit_range(
            completed.dates_before - 64 * chunks.chunk,
            coalesce(expires.dates_before, date_count.date_count) - 64 * chunks.chunk
        )) as course_mask,
    from int_training_periods as training
    cross join chunks
    cross join date_count
    join calendar as completed
        on completed.day = int_calendar_day(training.current_from)
    left join calendar as expires
        on expires.day = int_calendar_day(training.current_until)
    group by training.staff_key, training.course_number, chunks.chunk
),

required_courses as (
    select framework, count(*) as mandatory_course_count from stg_framework_mandatory_courses group by framework
),

training_masks as (
    -- Up to date on the dates every mandatory course of the person's framework is current.
    select
        in_post.staff_key,
        in_post.chunk,
        case
            when coalesce(any_value(required_courses.mandatory_course_count), 0) = 0 then ~(0::ubigint)
            when count(course_masks.course_number) = any_value(required_courses.mandatory_course_count)
                then bit_and(course_masks.course_mask)
            else 0::ubigint
        end as training_mask,
    from in_post
    left join required_courses using (framework)
    left join course_masks using (staff_key, chunk)
    group by in_post.staff_key, in_post.chunk
),

bits as (
    select * from int_requirement_bits
),

level_requirements as (
    select level_id, count(distinct requirement_id) as requirements_total
    from bits
    group by level_id
),

evidence_requirements as (
    -- Approved evidence against the target level (int_target_evidence) counts on the dates its period holds.
    -- Requirements are keyed by their bit, not their id, here and below: a person has one target level,
    -- and grouping on an integer is quicker than on text. Evidence of someone in post on none of the dates
    -- is dropped by the join to in_post below.
    select
        evidence.staff_key,
        chunks.chunk,
        evidence.requirement_bit,
        bit_or(int_bit_range(
            valid_from.dates_before - 64 * chunks.chunk,
            valid_until.dates_before - 64 * chunks.chunk
        )) as met_mask,
        0::ubigint as waiting_mask,
    from int_target_evidence as evidence
    cross join chunks
    join calendar as valid_from
        on valid_from.day = int_calendar_day(evidence.valid_from)
    join calendar as valid_until
        on valid_until.day = int_calendar_day(evidence.valid_until)
    where evidence.valid_from is not null
    group by evidence.staff_key, chunks.chunk, evidence.requirement_bit
),

time_members as (
    select
        in_post.staff_key,
        in_post.chunk,
        dates.requirement_bit,
        dates.is_all_time_based,
        dates.needs_training,
        -- Tenure is reached on the dates from tenure_date on (int_time_requirement_dates).
        int_bit_range(tenure.dates_before - 64 * in_post.chunk, date_count.date_count - 64 * in_post.chunk)
            as reached_mask,
    from in_post
    join int_time_requirement_dates as dates using (staff_key)
    cross join date_count
    join calendar as tenure
        on tenure.day = int_calendar_day(dates.tenure_date)
),

time_requirements as (
    -- Met once tenure is reached with training up to date (if the framework needs it); waiting (for
    -- ready_on) while every member is time-based and not yet reached, with training up to date.
    select
        time_members.staff_key,
        time_members.chunk,
        time_members.requirement_bit,
        bit_or(time_members.reached_mask & time_members.training_mask) as met_mask,
        case when bool_and(time_members.is_all_time_based)
            then bit_and(time_members.training_mask) & ~bit_or(time_members.reached_mask)
            else 0::ubigint
        end as waiting_mask,
    from (
        select
            time_members.*,
            case when time_members.needs_training then training_masks.training_mask else ~(0::ubigint) end
                as training_mask,
        from time_members
        join training_masks using (staff_key, chunk)
    ) as time_members
    group by time_members.staff_key, time_members.chunk, time_members.requirement_bit
),

requirement_masks as (
    -- A requirement with both kinds of member is met when either is.
    select
        staff_key,
        chunk,
        requirement_bit,
        bit_or(met_mask) as met_mask,
        bit_or(waiting_mask) as waiting_mask,
    from (
        select * from evidence_requirements
        union all
        select * from time_requirements
    )
    group by staff_key, chunk, requirement_bit
),

person_masks as (
    select
        staff_key,
        chunk,
        count(*) as requirements_present,
        bit_and(met_mask) as all_met_mask,
        bit_and(met_mask | waiting_mask) as ready_on_mask,
    from requirement_masks
    group by staff_key, chunk
),

statuses as (
    select
        in_post.*,
        case
            -- Evidence-based requirements without any evidence have no row: then nothing is met on any date.
            when coalesce(level_requirements.requirements_total, 0) = 0 then ~(0::ubigint)
            when person_masks.requirements_present = level_requirements.requirements_total
                then person_masks.all_met_mask
            else 0::ubigint
        end as all_met_mask,
        case
            when coalesce(level_requirements.requirements_total, 0) = 0 then ~(0::ubigint)
            when person_masks.requirements_present = level_requirements.requirements_total
                then person_masks.ready_on_mask
            else 0::ubigint
        end as met_or_waiting_mask,
    from in_post
    left join level_requirements on level_requirements.level_id = in_post.target_level_id
    left join person_masks using (staff_key, chunk)
)

select
    statuses.staff_id,
    statuses.chunk,
    statuses.team,
    statuses.range,
    statuses.framework,
    statuses.role_code,
    statuses.target_level is null as is_top_of_role,
    statuses.in_post_mask,
    statuses.all_met_mask as ready_mask,
    statuses.met_or_waiting_mask as ready_or_waiting_mask,
from statuses
