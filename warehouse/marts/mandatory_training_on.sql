-- grain: one row per person in post on d and mandatory course
-- purpose: each mandatory course's state on d (the int_training_on rule, course by course): current or not, when it runs out, when it lapsed
create or replace macro mandatory_training_on(d) as table
with
in_post as (
    select staff_id from int_staff_in_post_on([d::date])
),

courses as (
    select course from stg_mandatory_courses
),

records as (
    -- Records completed on or before d only: nothing from the future counts (docs/rules.md).
    select staff_id, course, completed_on, expires_on,
    from stg_training
    where is_mandatory and completed_on <= d::date
),

folded as (
    select
        in_post.staff_id,
        courses.course,
        -- Current on d: a record with no expiry, or one expiring after d (the rule in int_training_on).
        -- A course never completed has no record: not current, and no lapsed date.
        coalesce(bool_or(records.completed_on is not null
                         and (records.expires_on is null or records.expires_on > d::date)), false) as is_current,
        max(records.completed_on) as last_completed_date,
        max(records.expires_on) filter (where records.expires_on <= d::date) as lapsed_date,
        case when bool_or(records.completed_on is not null and records.expires_on is null) then null
             else max(records.expires_on) filter (where records.expires_on > d::date) end as expires_date,
    from in_post
    cross join courses
    left join records
        on records.staff_id = in_post.staff_id
        and records.course = courses.course
    group by in_post.staff_id, courses.course
)

select
    staff_id,
    course,
    is_current,
    last_completed_date,
    case when not is_current then lapsed_date end as lapsed_date,
    case when is_current then expires_date end as expires_date,
from folded
