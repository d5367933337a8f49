-- grain: one row per as-of date and person in post with acting or secondment time in their current role
-- purpose: days credited towards tenure: periods in the current role before level_start_date, overlaps counted once
create or replace macro int_acting_credit_on(as_of_dates) as table
with
in_post as (
    select as_of_date, staff_id, role_code, level_start_date from int_staff_in_post_on(as_of_dates)
),

acting as (
    select * from stg_acting
),

clipped as (
    -- An open period runs to d; only the days before level_start_date count.
    select
        in_post.as_of_date,
        in_post.staff_id,
        acting.start_date,
        least(coalesce(acting.end_date, in_post.as_of_date), in_post.level_start_date - 1) as end_date,
    from in_post
    join acting
        on acting.staff_id = in_post.staff_id
        and acting.role_code = in_post.role_code
        and acting.start_date <= in_post.as_of_date
        and acting.start_date < in_post.level_start_date
),

ordered as (
    select
        *,
        max(end_date) over (
            partition by as_of_date, staff_id order by start_date, end_date
            rows between unbounded preceding and 1 preceding
        ) as previous_end_date,
    from clipped
    where end_date >= start_date
),

islands as (
    select
        *,
        sum(case when previous_end_date is null or start_date > previous_end_date then 1 else 0 end) over (
            partition by as_of_date, staff_id order by start_date, end_date
            rows between unbounded preceding and current row
        ) as island_number,
    from ordered
),

island_days as (
    select
        as_of_date,
        staff_id,
        island_number,
        max(end_date) - min(start_date) + 1 as days,
    from islands
    group by as_of_date, staff_id, island_number
)

select
    as_of_date,
    staff_id,
    sum(days)::integer as credited_days,
from island_days
group by as_of_date, staff_id
