-- grain: one row per person in post on any of the as-of dates and block of 64 of those dates (chunk n: dates 64n to 64n + 63, in date order)
-- purpose: readiness on many dates at once in compact form: which dates of the block the person is in post, ready, and
-- ready or waiting only on minimum time (bit k = the block's date k); each fact is worked out once per record, not once
-- per record and date, and counts can be grouped on the masks before they are spread over the dates
create or replace macro int_readiness_history_blocks(as_of_dates) as table
with
dates as (
    -- The as-of dates in order: date k is bit k % 64 of chunk k // 64.
    select
        as_of_date,
        (row_number() over (order by as_of_date) - 1)::integer as date_number,
        (as_of_date - interval 2 year)::date as evidence_window_start_date,
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
    -- For each day x from 1900 to 2200: how many as-of dates fall before it, and how many evidence
    -- windows start before it. A fact that holds from day x on holds on dates number dates_before
    -- and later (days outside the range are clamped to it; as-of dates are well inside).
    select
        days.day,
        (sum(coalesce(steps.dates_step, 0)) over (order by days.day rows unbounded preceding))::integer as dates_before,
        (sum(coalesce(steps.windows_step, 0)) over (order by days.day rows unbounded preceding))::integer
            as windows_before,
    from (select unnest(range(date '1900-01-01', date '2201-01-01', interval 1 day))::date as day) as days
    left join (
        select day, sum(dates_step) as dates_step, sum(windows_step) as windows_step,
        from (
            select as_of_date + 1 as day, 1 as dates_step, 0 as windows_step from dates
            union all
            select evidence_window_start_date + 1, 0, 1 from dates
        )
        group by day
    ) as steps using (day)
),

staff as (
    select
        staff.staff_id,
        staff.team,
        staff.role_code,
        staff.level,
        staff.level_start_date,
        staff.left_on,
        roles.framework,
        roles.range,
        levels.next_level as target_level,
        hash(staff.role_code, levels.next_level) as target_level_key,
        (staff.level_start_date - coalesce(credit.credited_days, 0))::date as effective_start_date,
    from stg_staff as staff
    join stg_roles as roles using (role_code)
    join stg_levels as levels
        on levels.role_code = staff.role_code
        and levels.level = staff.level
    -- The acting credit of someone in post does not depend on d (see int_acting_credit).
    left join int_acting_credit as credit using (staff_id)
),

in_post as (
    -- In post on d: level_start_date <= d and (left_on empty or left_on > d).
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
        on started.day = int_calendar_day(staff.level_start_date)
    left join calendar as left_dates
        on left_dates.day = int_calendar_day(staff.left_on)
    where in_post_mask <> 0
),

course_masks as (
    -- A mandatory course is up to date on d when a record has completed_on <= d and (expires_on empty or > d).
    select
        training.staff_id,
        training.course,
        chunks.chunk,
        bit_or(int_bit_range(
            completed.dates_before - 64 * chunks.chunk,
            coalesce(expires.dates_before, date_count.date_count) - 64 * chunks.chunk
        )) as course_mask,
    from stg_training as training
    cross join chunks
    cross join date_count
    join calendar as completed
        on completed.day = int_calendar_day(training.completed_on)
    left join calendar as expires
        on expires.day = int_calendar_day(training.expires_on)
    where training.course in (select course from stg_mandatory_courses)
    group by training.staff_id, training.course, chunks.chunk
),

training_masks as (
    select
        staff_id,
        chunk,
        case
            when count(*) = (select count(*) from stg_mandatory_courses) then bit_and(course_mask)
            else 0::ubigint
        end as training_mask,
    from course_masks
    group by staff_id, chunk
),

bits as (
    select * from int_requirement_bits
),

level_requirements as (
    select level_key, count(distinct requirement_id) as requirements_total
    from bits
    group by level_key
),

evidence_requirements as (
    -- Approved evidence against the target level counts on d when dated in (d - 2 years, d].
    -- Requirements are keyed by their bit, not their id, here and below: a person has one target level,
    -- and grouping on an integer is quicker than on text.
    select
        in_post.staff_id,
        in_post.chunk,
        bits.requirement_bit,
        bit_or(int_bit_range(
            dated.dates_before - 64 * in_post.chunk,
            dated.windows_before - 64 * in_post.chunk
        )) as met_mask,
        0::ubigint as waiting_mask,
    from stg_evidence as evidence
    join bits
        on bits.criterion_id = evidence.criterion_id
        and not bits.is_time_based
    join in_post
        on in_post.staff_id = evidence.staff_id
        and in_post.target_level_key = bits.level_key
    join calendar as dated
        on dated.day = int_calendar_day(evidence.evidence_date)
    where evidence.status = 'approved'
    group by in_post.staff_id, in_post.chunk, bits.requirement_bit
),

time_members as (
    select
        in_post.staff_id,
        in_post.chunk,
        bits.requirement_bit,
        bits.is_all_time_based,
        -- Tenure is reached on the dates from effective_start + min_months on.
        int_bit_range(tenure.dates_before - 64 * in_post.chunk, date_count.date_count - 64 * in_post.chunk)
            as reached_mask,
    from in_post
    join bits
        on bits.level_key = in_post.target_level_key
        and bits.is_time_based
    cross join date_count
    join calendar as tenure
        on tenure.day = int_calendar_day((in_post.effective_start_date + to_months(bits.min_months))::date)
),

time_requirements as (
    -- Met once tenure is reached with training up to date; waiting (for ready_on) while every member
    -- is time-based and not yet reached, with training up to date.
    select
        time_members.staff_id,
        time_members.chunk,
        time_members.requirement_bit,
        bit_or(time_members.reached_mask & coalesce(training_masks.training_mask, 0::ubigint)) as met_mask,
        case when bool_and(time_members.is_all_time_based)
            then coalesce(any_value(training_masks.training_mask), 0::ubigint) & ~bit_or(time_members.reached_mask)
            else 0::ubigint
        end as waiting_mask,
    from time_members
    left join training_masks using (staff_id, chunk)
    group by time_members.staff_id, time_members.chunk, time_members.requirement_bit
),

requirement_masks as (
    -- A requirement with both kinds of member is met when either is.
    select
        staff_id,
        chunk,
        requirement_bit,
        bit_or(met_mask) as met_mask,
        bit_or(waiting_mask) as waiting_mask,
    from (
        select * from evidence_requirements
        union all
        select * from time_requirements
    )
    group by staff_id, chunk, requirement_bit
),

person_masks as (
    select
        staff_id,
        chunk,
        count(*) as requirements_present,
        bit_and(met_mask) as all_met_mask,
        bit_and(met_mask | waiting_mask) as ready_on_mask,
    from requirement_masks
    group by staff_id, chunk
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
    left join level_requirements on level_requirements.level_key = in_post.target_level_key
    left join person_masks using (staff_id, chunk)
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
