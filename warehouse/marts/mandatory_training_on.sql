-- grain: one row per person in post on d and mandatory course of their framework
-- purpose: each mandatory course's state on d, course by course, from the same periods as int_training_on (forecast assumption included): current or not, when it runs out, when it lapsed
create or replace macro mandatory_training_on(d) as table
with
in_post as (
    select staff_id, framework from int_staff_in_post_on([d::date])
),

records as (
    -- Records completed on or before d only: nothing from the future counts (docs/rules.md). A person with
    -- several spells in post has a period per spell; one of each is enough.
    select distinct staff_id, course, current_from, current_until, expires_on,
        current_until is null or d::date < current_until as holds_d,
    from int_training_periods
    where current_from <= d::date
),

folded as (
    select
        in_post.staff_id,
        courses.course,
        -- A course never completed has no record: not current, and no lapsed date.
        coalesce(bool_or(records.holds_d), false) as is_current,
        max(records.current_from) as last_completed_date,
        max(records.expires_on) filter (where records.expires_on <= d::date) as lapsed_date,
        -- Runs out on: the recorded expiry of a record current on d (none: it never expires, or, after
        -- today, it is assumed renewed).
        case when bool_or(records.holds_d and records.expires_on is null) then null
             else max(records.expires_on) filter (where records.holds_d and records.expires_on > d::date) end
            as expires_date,
    from in_post
    join stg_framework_mandatory_courses as courses using (framework)
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
